/**
 * The diagram panel: one controller per model document, showing the live, threat-annotated
 * ELK diagram in a webview. Owns the panel lifecycle (create, reveal, revive after reload via a
 * `WebviewPanelSerializer`), the strict-CSP page, the typed message loop (every inbound message
 * checked by `isWebviewToHost`), and the live sync both ways: document edits re-render once the
 * analysis service has analysed them (its debounce), clicks reveal YAML through
 * `mltm.revealElement`, the editor cursor highlights the
 * element under it. Triage and control actions go through the commands the quick fixes use
 * (`mltm.addControl`, `mltm.setThreatStatus`), so there is one code path for each decision.
 *
 * The panel draws the extension's shared {@link AnalysisService} state: the same analysis (same
 * version, custom packs, ATLAS setting) and register state the diagnostics show, never a second
 * analysis of its own. It redraws when the service publishes a new state for its model.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../../core/analysis';
import { diagramGraphFromPipeline } from '../../core/layout/diagramGraph';
import { buildScene, type DiagramScene } from '../../core/layout/scene';
import {
  assertNever,
  isWebviewToHost,
  type HostToWebview,
  type WebviewToHost,
} from '../../shared/protocol';
import { isModelUri, type AnalysisService, type ModelState } from '../analysisService';
import { elementAtOffset } from './elementAt';
import { diagramHtml } from './html';
import { startExtensionWorker } from '../workers/platformWorkers';
import { LayoutClient } from './layoutClient';

/** What a panel has sent its webview: read by the real-VS-Code tests through the extension API. */
export interface DiagramPanelStats {
  /** The model this panel draws. */
  readonly modelUri: string;
  /** Whether the webview has said `ready` (and is showing). */
  readonly ready: boolean;
  /** Scenes the webview accepted (`postMessage` resolved true). */
  readonly scenesDelivered: number;
  /** The last scene sent. */
  readonly lastScene: DiagramScene | undefined;
  /** Messages received from the webview that passed the guard, by type. */
  readonly received: Readonly<Record<string, number>>;
  /** Messages the webview accepted, by type. */
  readonly sent: Readonly<Record<string, number>>;
}

/** Controller of one diagram panel. */
export class DiagramPanel {
  static readonly viewType = 'mltm.diagram';
  private static readonly panels = new Map<string, DiagramPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private analysis: Analysis | undefined;
  private scenesDelivered = 0;
  private lastScene: DiagramScene | undefined;
  private readonly received: Record<string, number> = {};
  private readonly sent: Record<string, number> = {};
  private pendingFocus: string | undefined;
  /** The attack path shown (Fix Plan view); sent again after each scene so a redraw keeps it. */
  private shownPath: { pathId: string | null; elementIds: readonly string[] } | undefined;
  private renderGeneration = 0;
  private disposed = false;
  /**
   * Width / height of the webview's drawing area (from `ready` and `panelSize`), which the layout
   * arranges the diagram for; and the ratio the last layout was asked for, to re-lay out only
   * when the panel's shape really changed.
   */
  private panelAspect: number | undefined;
  private laidOutAspect: number | undefined;
  /**
   * This panel's layout worker (started by its first render). One per panel, because a newer
   * request supersedes the running one: panels must not cancel each other's layouts.
   */
  private readonly layouts: LayoutClient;

  /** Opens (or reveals) the diagram of a model document, optionally focused on an element. */
  static createOrShow(
    extensionUri: vscode.Uri,
    service: AnalysisService,
    document: vscode.TextDocument,
    focusElementId?: string,
  ): DiagramPanel {
    const key = document.uri.toString();
    const existing = DiagramPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(); // in whatever column the user put it
      if (focusElementId !== undefined) existing.focus(focusElementId);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DiagramPanel.viewType,
      DiagramPanel.title(document),
      vscode.ViewColumn.Beside,
      DiagramPanel.webviewOptions(extensionUri),
    );
    return new DiagramPanel(panel, extensionUri, service, document, focusElementId);
  }

  /** Restores a panel VS Code kept across a reload. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    service: AnalysisService,
    document: vscode.TextDocument,
  ): DiagramPanel {
    panel.webview.options = DiagramPanel.webviewOptions(extensionUri);
    return new DiagramPanel(panel, extensionUri, service, document);
  }

  private static webviewOptions(
    extensionUri: vscode.Uri,
  ): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
  }

  private static title(document: vscode.TextDocument): string {
    return `Diagram: ${document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1)}`;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly service: AnalysisService,
    private document: vscode.TextDocument,
    focusElementId?: string,
  ) {
    this.layouts = new LayoutClient(() => startExtensionWorker(extensionUri, 'layoutWorker'));
    this.pendingFocus = focusElementId;
    DiagramPanel.panels.set(document.uri.toString(), this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'diagram.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receiveMessage(message)),
      // The service debounces edits and publishes one analysis per settled version (and after
      // register, rule-pack or setting changes): draw exactly that.
      service.onDidChange((state) => {
        if (state.uri.toString() === this.document.uri.toString()) void this.render(state);
      }),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (retainContextWhenHidden is off to save memory); it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** The model document this panel draws. */
  get documentUri(): vscode.Uri {
    return this.document.uri;
  }

  /** The panel drawing a document, if open. */
  static forDocument(uri: vscode.Uri): DiagramPanel | undefined {
    return DiagramPanel.panels.get(uri.toString());
  }

  /** All open panels. */
  static all(): DiagramPanel[] {
    return [...DiagramPanel.panels.values()];
  }

  /** What this panel has sent and received so far (for tests and diagnostics). */
  stats(): DiagramPanelStats {
    return {
      modelUri: this.document.uri.toString(),
      ready: this.ready,
      scenesDelivered: this.scenesDelivered,
      lastScene: this.lastScene,
      received: { ...this.received },
      sent: { ...this.sent },
    };
  }

  /** Resolves once the webview has said `ready` (false after `timeoutMs` or when the panel closes first). */
  whenReady(timeoutMs = 15_000): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.disposed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.ready);
      });
    });
  }

  /** Highlights the element under an editor offset. */
  highlightAt(offset: number): void {
    if (!this.analysis) return;
    void this.post({
      type: 'highlight',
      elementId: elementAtOffset(this.analysis, offset) ?? null,
    });
  }

  /** Marks an attack path's elements in the diagram (`pathId` null and no elements: clears). */
  highlightPath(pathId: string | null, elementIds: readonly string[]): void {
    this.shownPath = { pathId, elementIds: [...elementIds] };
    void this.post({ type: 'highlightPath', ...this.shownPath });
  }

  /** Shows only an element's neighbourhood. */
  focus(elementId: string): void {
    if (this.ready) void this.post({ type: 'focus', elementId });
    else this.pendingFocus = elementId;
  }

  /**
   * Exports the current view as an image (for an export command): the webview renders it and
   * posts it back; the save dialog follows. False if the diagram is not showing yet.
   */
  exportImage(format: 'svg' | 'png'): boolean {
    if (!this.ready) return false;
    void this.post({ type: 'export', format });
    return true;
  }

  dispose(): void {
    // Called by us and, through onDidDispose, by VS Code: run once.
    if (this.disposed) return;
    this.disposed = true;
    DiagramPanel.panels.delete(this.document.uri.toString());
    this.renderGeneration++;
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.layouts.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    return diagramHtml({
      cspSource: webview.cspSource,
      nonce: randomNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    });
  }

  private async post(message: HostToWebview): Promise<boolean> {
    if (!this.ready) return false;
    const delivered = await this.panel.webview.postMessage(message);
    if (delivered) this.sent[message.type] = (this.sent[message.type] ?? 0) + 1;
    return delivered;
  }

  /**
   * Lays out the service's state for this model in the worker and sends the scene (unless
   * superseded). Without a state, takes the service's latest one, analysing only if the model
   * was never analysed (e.g. a panel revived before its document was opened).
   */
  private async render(state?: ModelState): Promise<void> {
    // A hidden panel has no page to draw on; it says `ready` again when shown, and renders then.
    if (!this.ready) return;
    const generation = ++this.renderGeneration;
    const current =
      state ??
      this.service.get(this.document.uri) ??
      (await this.service.ensure(this.document.uri));
    if (!current || generation !== this.renderGeneration) return;
    const analysis = current.analysis;
    if (analysis.status !== 'loaded') {
      void this.post({
        type: 'problem',
        message: `The model has ${analysis.problems.length} problem(s) and cannot be drawn; showing the last good diagram.`,
      });
      return;
    }
    this.analysis = analysis;
    const graph = diagramGraphFromPipeline(analysis.graph);
    try {
      const aspectRatio = this.panelAspect;
      this.laidOutAspect = aspectRatio;
      const layout = await this.layouts.layout(
        graph,
        aspectRatio === undefined ? {} : { aspectRatio },
      );
      if (!layout || generation !== this.renderGeneration) return; // superseded by a newer edit
      const scene = buildScene({
        modelUri: this.document.uri.toString(),
        analysis,
        graph,
        layout,
        ...(current.register && { register: current.register }),
      });
      this.lastScene = scene;
      if (await this.post({ type: 'scene', scene })) this.scenesDelivered++;
      if (this.shownPath) void this.post({ type: 'highlightPath', ...this.shownPath });
      if (this.pendingFocus !== undefined) {
        void this.post({ type: 'focus', elementId: this.pendingFocus });
        this.pendingFocus = undefined;
      }
    } catch (error) {
      void this.post({
        type: 'problem',
        message: `Layout failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  /**
   * Handles one message from the webview (the panel's `onDidReceiveMessage` handler): checked by
   * the guard, then acted on. Public so tests can post what a click in the webview posts.
   */
  receiveMessage(message: unknown): Promise<void> {
    if (!isWebviewToHost(message)) {
      console.warn('mltm diagram: ignored a malformed message from the webview');
      return Promise.resolve();
    }
    this.received[message.type] = (this.received[message.type] ?? 0) + 1;
    return this.handle(message);
  }

  private async handle(message: WebviewToHost): Promise<void> {
    const modelUri = this.document.uri;
    switch (message.type) {
      case 'ready':
        if (message.panel) this.panelAspect = message.panel.width / message.panel.height;
        this.ready = true;
        for (const wake of this.readyWaiters.splice(0)) wake();
        await this.render();
        return;
      case 'revealElement':
        await this.run(undefined, 'mltm.revealElement', modelUri, message.elementId);
        return;
      case 'addControl':
        await this.run(
          message.requestId,
          'mltm.addControl',
          modelUri,
          message.elementId,
          message.control,
        );
        return;
      case 'setThreatStatus':
        await this.run(
          message.requestId,
          'mltm.setThreatStatus',
          modelUri,
          message.threatId,
          message.status,
          message.justification,
        );
        return;
      case 'exportImage':
        await this.saveImage(message.requestId, message.format, message.data);
        return;
      case 'exportMermaid':
        await this.run(message.requestId, 'mltm.exportMermaid', modelUri);
        return;
      case 'panelSize': {
        this.panelAspect = message.panel.width / message.panel.height;
        const last = this.laidOutAspect;
        // Re-lay out when the shape changed by a quarter or more (a panel dragged from beside the
        // editor to below it), not for every pixel of a resize.
        const changed =
          last === undefined || Math.abs(Math.log(this.panelAspect / last)) >= Math.log(1.25);
        if (changed && this.lastScene) await this.render();
        return;
      }
      default:
        assertNever(message);
    }
  }

  /** Runs an mltm command and reports the outcome to the webview; errors are shown, not swallowed. */
  private async run(
    requestId: number | undefined,
    command: string,
    ...args: unknown[]
  ): Promise<void> {
    try {
      // The command edited the YAML or the register: the service re-analyses and the panel redraws.
      const outcome: unknown = await vscode.commands.executeCommand(command, ...args);
      // The command table's wrapper shows errors itself and returns false for the internal commands.
      if (requestId !== undefined)
        void this.post(
          outcome === false
            ? { type: 'result', requestId, ok: false, message: `${command} made no change.` }
            : { type: 'result', requestId, ok: true },
        );
    } catch (error) {
      const text = `${command} failed: ${error instanceof Error ? error.message : String(error)}`;
      void vscode.window.showErrorMessage(text);
      if (requestId !== undefined)
        void this.post({ type: 'result', requestId, ok: false, message: text });
    }
  }

  private async saveImage(requestId: number, format: 'svg' | 'png', data: string): Promise<void> {
    const name = this.document.uri.path
      .slice(this.document.uri.path.lastIndexOf('/') + 1)
      .replace(/\.mltm\.ya?ml$|\.ya?ml$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.document.uri, '..', `${name}.diagram.${format}`),
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    });
    if (!target) {
      void this.post({ type: 'result', requestId, ok: false, message: 'Export cancelled.' });
      return;
    }
    const bytes = format === 'svg' ? new TextEncoder().encode(data) : base64Bytes(data);
    await vscode.workspace.fs.writeFile(target, bytes);
    void this.post({ type: 'result', requestId, ok: true });
  }
}

/**
 * Registers the panel serializer (revival after reload) and the editor-to-diagram listeners
 * (cursor highlight). Redraws after edits come from the shared analysis service. Command entry
 * points (`mltm.openDiagram`, the exports) live in the command table and call {@link openDiagram}.
 */
export function registerDiagram(
  context: vscode.ExtensionContext,
  service: AnalysisService,
): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(DiagramPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const modelUri =
          typeof state === 'object' &&
          state !== null &&
          typeof (state as { modelUri?: unknown }).modelUri === 'string'
            ? (state as { modelUri: string }).modelUri
            : undefined;
        if (modelUri === undefined) {
          panel.dispose();
          return;
        }
        try {
          const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(modelUri));
          DiagramPanel.revive(panel, context.extensionUri, service, document);
        } catch {
          panel.dispose(); // The model was deleted or moved while VS Code was closed.
        }
      },
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => {
      const document = event.textEditor.document;
      const panel = isModelUri(document.uri) ? DiagramPanel.forDocument(document.uri) : undefined;
      const selection = event.selections[0];
      if (panel && selection) panel.highlightAt(document.offsetAt(selection.active));
    }),
    { dispose: () => DiagramPanel.all().forEach((p) => p.dispose()) },
  ];
}

/** Opens (or reveals) the diagram of a model document, optionally focused on an element. */
export function openDiagram(
  context: vscode.ExtensionContext,
  service: AnalysisService,
  document: vscode.TextDocument,
  focusElementId?: string,
): DiagramPanel {
  return DiagramPanel.createOrShow(context.extensionUri, service, document, focusElementId);
}

/** 16 random bytes in base64 for the webview's CSP (Web Crypto: the same in node and browsers). */
function randomNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The bytes of a base64 string (the PNG the webview exports), without node's Buffer. */
function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The diagram panel: one controller per model document, showing the live, threat-annotated
 * ELK diagram in a webview. Owns the panel lifecycle (create, reveal, revive after reload via a
 * `WebviewPanelSerializer`), the strict-CSP page, the typed message loop (every inbound message
 * checked by `isWebviewToHost`), and the live sync both ways: document edits re-render after a
 * debounce, clicks reveal YAML through `mltm.revealElement`, the editor cursor highlights the
 * element under it. Triage and control actions go through the commands the quick fixes use
 * (`mltm.addControl`, `mltm.setThreatStatus`), so there is one code path for each decision.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { analyze, type Analysis } from '../../core/analysis';
import { diagramGraphFromPipeline } from '../../core/layout/diagramGraph';
import { buildScene } from '../../core/layout/scene';
import { loadRegister, type ThreatRegister } from '../../core/register/register';
import { assertNever, isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../shared/protocol';
import { elementAtOffset } from './elementAt';
import { diagramHtml } from './html';
import { LayoutClient } from './layoutClient';

/** Re-render this long after the last keystroke: fast enough to feel live, slow enough to skip mid-word states. */
const RENDER_DEBOUNCE_MS = 300;

/** `<dir>/<name>.mltm.yaml` → `<dir>/<name>.threats.yaml`, as the CLI names it. */
function registerUriFor(modelUri: vscode.Uri): vscode.Uri {
  const base = modelUri.path.slice(modelUri.path.lastIndexOf('/') + 1);
  const name = base.replace(/\.mltm\.ya?ml$/, '').replace(/\.ya?ml$/, '');
  return vscode.Uri.joinPath(modelUri, '..', `${name}.threats.yaml`);
}

/** Controller of one diagram panel. */
export class DiagramPanel {
  static readonly viewType = 'mltm.diagram';
  private static readonly panels = new Map<string, DiagramPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private analysis: Analysis | undefined;
  private pendingFocus: string | undefined;
  private renderGeneration = 0;
  private disposed = false;
  /**
   * This panel's layout worker (started by its first render). One per panel, because a newer
   * request supersedes the running one: panels must not cancel each other's layouts.
   */
  private readonly layouts: LayoutClient;

  /** Opens (or reveals) the diagram of a model document, optionally focused on an element. */
  static createOrShow(extensionUri: vscode.Uri, document: vscode.TextDocument, focusElementId?: string): DiagramPanel {
    const key = document.uri.toString();
    const existing = DiagramPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(); // in whatever column the user put it
      if (focusElementId !== undefined) existing.focus(focusElementId);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DiagramPanel.viewType, DiagramPanel.title(document), vscode.ViewColumn.Beside, DiagramPanel.webviewOptions(extensionUri));
    return new DiagramPanel(panel, extensionUri, document, focusElementId);
  }

  /** Restores a panel VS Code kept across a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, document: vscode.TextDocument): DiagramPanel {
    panel.webview.options = DiagramPanel.webviewOptions(extensionUri);
    return new DiagramPanel(panel, extensionUri, document);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private static title(document: vscode.TextDocument): string {
    return `Diagram: ${document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1)}`;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private document: vscode.TextDocument,
    focusElementId?: string,
  ) {
    this.layouts = new LayoutClient(vscode.Uri.joinPath(extensionUri, 'dist', 'layoutWorker.js').fsPath);
    this.pendingFocus = focusElementId;
    DiagramPanel.panels.set(document.uri.toString(), this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'diagram.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
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

  /** Schedules a re-render (debounced), e.g. after an edit. */
  scheduleRender(document?: vscode.TextDocument): void {
    if (document) this.document = document;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.render();
    }, RENDER_DEBOUNCE_MS);
  }

  /** Highlights the element under an editor offset. */
  highlightAt(offset: number): void {
    if (!this.analysis) return;
    this.post({ type: 'highlight', elementId: elementAtOffset(this.analysis, offset) ?? null });
  }

  /** Shows only an element's neighbourhood. */
  focus(elementId: string): void {
    if (this.ready) this.post({ type: 'focus', elementId });
    else this.pendingFocus = elementId;
  }

  /**
   * Exports the current view as an image (for an export command): the webview renders it and
   * posts it back; the save dialog follows. False if the diagram is not showing yet.
   */
  exportImage(format: 'svg' | 'png'): boolean {
    if (!this.ready) return false;
    this.post({ type: 'export', format });
    return true;
  }

  dispose(): void {
    // Called by us and, through onDidDispose, by VS Code: run once.
    if (this.disposed) return;
    this.disposed = true;
    DiagramPanel.panels.delete(this.document.uri.toString());
    if (this.debounce) clearTimeout(this.debounce);
    this.renderGeneration++;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.layouts.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    return diagramHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    });
  }

  private post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async readRegister(): Promise<ThreatRegister | undefined> {
    const uri = registerUriFor(this.document.uri);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string | undefined = open?.getText();
    if (text === undefined) {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        return undefined; // No register yet: every threat shows its computed status.
      }
    }
    return loadRegister(text).register;
  }

  /** Analyses the document, lays it out in the worker, and sends the scene (unless superseded). */
  private async render(): Promise<void> {
    // A hidden panel has no page to draw on; it says `ready` again when shown, and renders then.
    if (!this.ready) return;
    const generation = ++this.renderGeneration;
    const analysis = analyze(this.document.getText());
    if (!analysis.graph) {
      this.post({ type: 'problem', message: `The model has ${analysis.problems.length} problem(s) and cannot be drawn; showing the last good diagram.` });
      return;
    }
    this.analysis = analysis;
    const graph = diagramGraphFromPipeline(analysis.graph);
    try {
      const [layout, register] = await Promise.all([this.layouts.layout(graph), this.readRegister()]);
      if (!layout || generation !== this.renderGeneration) return; // superseded by a newer edit
      this.post({ type: 'scene', scene: buildScene({ modelUri: this.document.uri.toString(), analysis, graph, layout, ...(register && { register }) }) });
      if (this.pendingFocus !== undefined) {
        this.post({ type: 'focus', elementId: this.pendingFocus });
        this.pendingFocus = undefined;
      }
    } catch (error) {
      this.post({ type: 'problem', message: `Layout failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      console.warn('mltm diagram: ignored a malformed message from the webview');
      return;
    }
    void this.handle(message);
  }

  private async handle(message: WebviewToHost): Promise<void> {
    const modelUri = this.document.uri;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.render();
        return;
      case 'revealElement':
        await this.run(undefined, 'mltm.revealElement', modelUri, message.elementId);
        return;
      case 'addControl':
        await this.run(message.requestId, 'mltm.addControl', modelUri, message.elementId, message.control);
        return;
      case 'setThreatStatus':
        await this.run(message.requestId, 'mltm.setThreatStatus', modelUri, message.threatId, message.status, message.justification);
        return;
      case 'exportImage':
        await this.saveImage(message.requestId, message.format, message.data);
        return;
      default:
        assertNever(message);
    }
  }

  /** Runs an mltm command and reports the outcome to the webview; errors are shown, not swallowed. */
  private async run(requestId: number | undefined, command: string, ...args: unknown[]): Promise<void> {
    try {
      await vscode.commands.executeCommand(command, ...args);
      if (requestId !== undefined) this.post({ type: 'result', requestId, ok: true });
      // The command edited the YAML or the register; redraw so badges and statuses follow.
      this.scheduleRender();
    } catch (error) {
      const text = `${command} failed: ${error instanceof Error ? error.message : String(error)}`;
      void vscode.window.showErrorMessage(text);
      if (requestId !== undefined) this.post({ type: 'result', requestId, ok: false, message: text });
    }
  }

  private async saveImage(requestId: number, format: 'svg' | 'png', data: string): Promise<void> {
    const name = this.document.uri.path.slice(this.document.uri.path.lastIndexOf('/') + 1).replace(/\.mltm\.ya?ml$|\.ya?ml$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.document.uri, '..', `${name}.diagram.${format}`),
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    });
    if (!target) {
      this.post({ type: 'result', requestId, ok: false, message: 'Export cancelled.' });
      return;
    }
    const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.post({ type: 'result', requestId, ok: true });
  }
}

/** Whether a document is an mltm model. */
function isModelDocument(document: vscode.TextDocument): boolean {
  return /\.mltm\.ya?ml$/.test(document.uri.path);
}

/**
 * Registers the panel serializer (revival after reload) and the live-sync listeners. The
 * lead wires `mltm.openDiagram` to {@link openDiagram} in the command table.
 */
export function registerDiagram(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(DiagramPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const modelUri = typeof state === 'object' && state !== null && typeof (state as { modelUri?: unknown }).modelUri === 'string' ? (state as { modelUri: string }).modelUri : undefined;
        if (modelUri === undefined) {
          panel.dispose();
          return;
        }
        try {
          const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(modelUri));
          DiagramPanel.revive(panel, context.extensionUri, document);
        } catch {
          panel.dispose(); // The model was deleted or moved while VS Code was closed.
        }
      },
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      const panel = DiagramPanel.forDocument(event.document.uri);
      if (panel) panel.scheduleRender(event.document);
      else if (event.document.uri.path.endsWith('.threats.yaml')) for (const p of DiagramPanel.all()) if (registerUriFor(p.documentUri).toString() === event.document.uri.toString()) p.scheduleRender();
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => {
      const document = event.textEditor.document;
      const panel = isModelDocument(document) ? DiagramPanel.forDocument(document.uri) : undefined;
      const selection = event.selections[0];
      if (panel && selection) panel.highlightAt(document.offsetAt(selection.active));
    }),
    { dispose: () => DiagramPanel.all().forEach((p) => p.dispose()) },
  ];
}

/** Opens the diagram of a model document (the `mltm.openDiagram` command's body). */
export function openDiagram(context: vscode.ExtensionContext, document: vscode.TextDocument, focusElementId?: string): DiagramPanel {
  return DiagramPanel.createOrShow(context.extensionUri, document, focusElementId);
}

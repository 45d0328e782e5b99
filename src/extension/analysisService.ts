/**
 * The analysis service: keeps one up-to-date analysis per threat model (open or found in the
 * workspace), together with its register and the repository's custom rule packs, and tells the
 * features (diagnostics, hover, CodeLens, tree, status bar) when one changes.
 *
 * Why it is shaped like this: analysis is a pure function of text, but typing produces many
 * versions. Each change is debounced (setting), the delay grows with the file's size, a run is
 * skipped when a newer version arrives before it starts, and a result for an outdated version
 * is dropped — so large models never queue work behind the keyboard. Texts come from open
 * documents first (unsaved edits count), then from disk through `workspace.fs` (virtual
 * workspaces work the same way).
 *
 * What to read around a model — the register, the custom packs, the ATLAS file — and how the
 * register is checked are the core's `ModelWorkspace` (the same one the CLI uses), over
 * `vscode.workspace.fs`; this service only decides when to analyse, which version counts, and
 * whether the worker thread does it.
 */
import * as vscode from 'vscode';
import { analyze, type Analysis } from '../core/analysis';
import type { EditorDecision } from '../core/views/problemsPanel';
import { bundledAtlasCatalogue } from '../core/kb/atlas';
import type { Problem } from '../core/problems';
import type { ThreatRegister } from '../core/register/register';
import type { RulePack } from '../core/rules/types';
import {
  ModelWorkspace,
  sessionRegister,
  type ModelSession,
  type SessionInputs,
} from '../core/workspace/modelWorkspace';
import { isModelPath, isRegisterPath, registerPathFor } from '../core/workspace/naming';
import type { PackFileProblems } from '../core/workspace/packs';
import {
  unpackAnalysis,
  type AnalysisRequest,
  type AnalysisResponse,
  type PackedAnalysis,
} from '../core/workspace/workerPacking';
import { readConfig } from './config';
import type { WorkerChannel } from './workers/channel';
import { editorFileSystem } from './workspaceFileSystem';

/** Models at least this long (UTF-16 units, about 60 KB) are analysed in a worker thread. */
export const WORKER_THRESHOLD = 60_000;

/** Everything the features need about one model, for one version of its text. */
export interface ModelState {
  readonly uri: vscode.Uri;
  /** The document version analysed; undefined when read from disk. */
  readonly version: number | undefined;
  /** The register document's version this analysis read; undefined when it was not open. */
  readonly registerVersion: number | undefined;
  readonly text: string;
  readonly analysis: Analysis;
  /** The core's session this state shows (model, packs, ATLAS, register). */
  readonly session: ModelSession;
  readonly registerUri: vscode.Uri;
  /** Register text (open document first, then disk); undefined when there is none yet. */
  readonly registerText: string | undefined;
  readonly register: ThreatRegister | undefined;
  /** Problems reading the register, and triage problems against this analysis. */
  readonly registerProblems: readonly Problem[];
  /** Problems of custom rule packs and of the ATLAS file from the settings, by file. */
  readonly packProblems: readonly (PackFileProblems & { readonly uri: vscode.Uri })[];
  /** Time spent in `analyze()` for this version, in milliseconds. */
  readonly analyseMs: number;
  /**
   * The editor's decision (fix plan, risks, paths) when the worker thread made it with the
   * analysis (large models); otherwise diagnostics.ts `decisionOf` makes it once, on demand.
   */
  readonly decision?: EditorDecision;
}

/** Whether a URI names a threat model file (`*.mltm.yaml`, `*.mltm.yml`). */
export const isModelUri = (uri: vscode.Uri): boolean => isModelPath(uri.path);
/** Whether a URI names a threat register file. */
export const isRegisterUri = (uri: vscode.Uri): boolean => isRegisterPath(uri.path);

/** The register beside a model (the core's naming rule, shared with the CLI). */
export function registerUriFor(modelUri: vscode.Uri): vscode.Uri {
  return modelUri.with({ path: registerPathFor(modelUri.path) });
}

/** Today as YYYY-MM-DD; a function so tests and the register checks agree on one clock. */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

const openDocument = (uri: vscode.Uri): vscode.TextDocument | undefined =>
  vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());

/** A model workspace for one scheme and authority: paths are URI paths. */
function editorWorkspace(base: vscode.Uri): ModelWorkspace {
  const toUri = (path: string) => base.with({ path });
  return new ModelWorkspace({
    fs: editorFileSystem(vscode.workspace.fs, toUri),
    openText: (path) => openDocument(toUri(path))?.getText(),
    boundaryOf: (path) => vscode.workspace.getWorkspaceFolder(toUri(path))?.uri.path,
  });
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  cancel: vscode.CancellationTokenSource;
}

export class AnalysisService implements vscode.Disposable {
  private readonly states = new Map<string, ModelState>();
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, Promise<ModelState | undefined>>();
  private readonly changed = new vscode.EventEmitter<ModelState>();
  private readonly removed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.removed];
  private readonly workspaces = new Map<string, ModelWorkspace>();

  /** Fires after a model's analysis changed (a new version, its register, packs or settings). */
  readonly onDidChange = this.changed.event;
  /** Fires when a model file is deleted and no longer tracked. */
  readonly onDidRemove = this.removed.event;

  private worker: WorkerChannel | undefined;
  /** Analyses answered by the worker (not the main-thread fallback), for the tests' API. */
  workerAnalyses = 0;
  private nextRequest = 1;
  private readonly waiting = new Map<
    number,
    {
      resolve: (r: { packed: PackedAnalysis; decision?: EditorDecision }) => void;
      reject: (e: Error) => void;
    }
  >();

  /** `startWorker`: starts the analysis worker (the platform's transport); without it everything runs on this thread. */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly startWorker?: () => WorkerChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.onOpen(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.onEdit(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClose(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mltm')) this.refreshAll();
      }),
    );
    const packs = vscode.workspace.createFileSystemWatcher('**/.mltm/**');
    const registers = vscode.workspace.createFileSystemWatcher('**/*.threats.{yaml,yml}');
    const models = vscode.workspace.createFileSystemWatcher(
      '**/*.mltm.{yaml,yml}',
      true,
      true,
      false,
    );
    this.disposables.push(
      models,
      models.onDidDelete((uri) => this.forget(uri)),
    );
    const packChanged = () => this.refreshAll();
    const registerChanged = (uri: vscode.Uri) => {
      // An open register is followed through its document events instead.
      if (!openDocument(uri)) void this.modelForRegister(uri).then((model) => this.refresh(model));
    };
    this.disposables.push(
      packs,
      packs.onDidChange(packChanged),
      packs.onDidCreate(packChanged),
      packs.onDidDelete(packChanged),
    );
    this.disposables.push(
      registers,
      registers.onDidChange(registerChanged),
      registers.onDidCreate(registerChanged),
      registers.onDidDelete(registerChanged),
    );
    for (const document of vscode.workspace.textDocuments) this.onOpen(document);
  }

  /** The latest state of a model, if it has been analysed. */
  get(uri: vscode.Uri): ModelState | undefined {
    return this.states.get(uri.toString());
  }

  /** Every model analysed so far. */
  all(): ModelState[] {
    return [...this.states.values()].sort((a, b) =>
      a.uri.toString().localeCompare(b.uri.toString()),
    );
  }

  /** The core's model workspace for a URI's scheme and authority. */
  workspaceFor(uri: vscode.Uri): ModelWorkspace {
    const base = uri.with({ path: '/', query: '', fragment: '' });
    const key = base.toString();
    let workspace = this.workspaces.get(key);
    if (!workspace) this.workspaces.set(key, (workspace = editorWorkspace(base)));
    return workspace;
  }

  /**
   * The model a register belongs to: a tracked model whose register it is, else the core's rule
   * (`<name>.mltm.yaml`, then `<name>.mltm.yml`, whichever is open or exists).
   */
  async modelForRegister(registerUri: vscode.Uri): Promise<vscode.Uri> {
    const key = registerUri.toString();
    const tracked = [...this.states.values()].find((s) => s.registerUri.toString() === key);
    if (tracked) return tracked.uri;
    return registerUri.with({
      path: await this.workspaceFor(registerUri).modelPathForRegister(registerUri.path),
    });
  }

  /** The model a URI is about: itself, or the model of a register; undefined for other files. */
  async modelFor(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (isRegisterUri(uri)) return this.modelForRegister(uri);
    return isModelUri(uri) ? uri : undefined;
  }

  /**
   * The state for the model's current text and register, analysing now if needed (no debounce).
   * A state is current only when it read the model's and the register's document versions open
   * now and no change is waiting for its run: a command right after a register write (Sync, then
   * Generate Report) must not answer from the analysis of a half-written register.
   */
  async ensure(uri: vscode.Uri): Promise<ModelState | undefined> {
    const key = uri.toString();
    // A run under way may be the one that reads the current texts: its answer first.
    await this.running.get(key);
    const waiting = this.pending.get(key);
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.cancel.cancel();
      this.pending.delete(key);
    } else {
      const current = this.get(uri);
      if (current && this.isCurrent(current)) return current;
    }
    return this.run(uri);
  }

  /** Whether a state read the model and register texts the editor holds now. */
  private isCurrent(state: ModelState): boolean {
    return (
      state.version === openDocument(state.uri)?.version &&
      state.registerVersion === openDocument(state.registerUri)?.version
    );
  }

  /** Finds every model in the workspace and analyses those not yet known (for the tree and status bar). */
  async discoverWorkspace(): Promise<void> {
    const found = await vscode.workspace.findFiles(
      '**/*.mltm.{yaml,yml}',
      '**/{node_modules,.git,.vscode-test}/**',
      500,
    );
    await Promise.all(found.filter((uri) => !this.get(uri)).map((uri) => this.run(uri)));
  }

  private onOpen(document: vscode.TextDocument): void {
    if (isModelUri(document.uri)) this.schedule(document.uri, 0);
    else if (isRegisterUri(document.uri))
      void this.modelForRegister(document.uri).then((model) => this.schedule(model, 0));
  }

  private onEdit(document: vscode.TextDocument, delay?: number): void {
    if (isModelUri(document.uri)) {
      const config = readConfig(document.uri);
      // Larger files wait longer, so analysis never runs between two quick keystrokes.
      const sizeDelay = Math.min(1500, Math.floor(document.getText().length / 20_000) * 100);
      this.schedule(document.uri, delay ?? config.debounceMs + sizeDelay);
    } else if (isRegisterUri(document.uri)) {
      void this.modelForRegister(document.uri).then((model) => {
        if (this.get(model)) this.schedule(model, delay ?? readConfig(model).debounceMs);
      });
    }
  }

  private onClose(document: vscode.TextDocument): void {
    // The model stays tracked (tree, status bar, Problems), now read from disk: unsaved edits are gone.
    if (isModelUri(document.uri)) this.refresh(document.uri);
    else if (isRegisterUri(document.uri))
      void this.modelForRegister(document.uri).then((model) => this.refresh(model));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.pending.get(key)?.cancel.cancel();
    this.pending.delete(key);
    if (this.states.delete(key)) this.removed.fire(uri);
  }

  private refresh(modelUri: vscode.Uri): void {
    if (this.get(modelUri)) this.schedule(modelUri, 0);
  }

  private refreshAll(): void {
    for (const workspace of this.workspaces.values()) workspace.forgetPacks();
    for (const state of this.states.values()) this.schedule(state.uri, 0);
  }

  private schedule(uri: vscode.Uri, delay: number): void {
    const key = uri.toString();
    const previous = this.pending.get(key);
    if (previous) {
      clearTimeout(previous.timer);
      previous.cancel.cancel();
    }
    const cancel = new vscode.CancellationTokenSource();
    const timer = setTimeout(() => {
      this.pending.delete(key);
      void this.run(uri, cancel.token).finally(() => cancel.dispose());
    }, delay);
    this.pending.set(key, { timer, cancel });
  }

  private run(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<ModelState | undefined> {
    const key = uri.toString();
    // One run at a time per model: a later request waits for the current one, then re-reads.
    const previous = this.running.get(key) ?? Promise.resolve(undefined);
    const next = previous
      .then(() => this.analyseNow(uri, token))
      .catch((error: unknown) => {
        this.log.error(
          `analysis of ${uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        return undefined;
      });
    this.running.set(key, next);
    void next.finally(() => {
      if (this.running.get(key) === next) this.running.delete(key);
    });
    return next;
  }

  /** The `mltm.atlas.path` setting as a path in the model's workspace (relative: to the first folder). */
  private atlasPath(setting: string, model: vscode.Uri): string | undefined {
    if (!setting) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      /^([a-zA-Z]:[\\/]|\/)/.test(setting) || !folder
        ? vscode.Uri.file(setting)
        : vscode.Uri.joinPath(folder, setting);
    // Read through the model's workspace (same scheme): local files for a local workspace.
    return model.scheme === uri.scheme ? uri.path : undefined;
  }

  private async analyseNow(
    uri: vscode.Uri,
    token?: vscode.CancellationToken,
  ): Promise<ModelState | undefined> {
    if (token?.isCancellationRequested) return undefined;
    const document = openDocument(uri);
    const version = document?.version;
    // Taken before reading: an edit made while reading makes this state stale, never wrongly current.
    const registerVersion = openDocument(registerUriFor(uri))?.version;
    const config = readConfig(uri);
    const workspace = this.workspaceFor(uri);
    const atlasPath = this.atlasPath(config.atlasPath, uri);
    const gathered = await workspace.gather(uri.path, {
      today: todayIso(),
      ...(document && { text: document.getText() }),
      ...(atlasPath !== undefined && { atlasPath, atlasLabel: config.atlasPath }),
    });
    const inputs = gathered.inputs;
    if (!inputs) return undefined;
    // A newer version arrived while reading: its own run will publish.
    const outdated = () =>
      token?.isCancellationRequested === true ||
      (document !== undefined && document.version !== version);
    if (outdated()) return undefined;
    const started = performance.now();
    const options = workspace.analysisOptions(inputs);
    const inWorker =
      this.startWorker !== undefined && inputs.text.length >= WORKER_THRESHOLD && !options.atlas;
    const { analysis, decision } = inWorker
      ? await this.analyseInWorker(inputs)
      : { analysis: analyze(inputs.text, options), decision: undefined };
    const analyseMs = performance.now() - started;
    if (outdated()) return undefined;
    const session = workspace.complete(inputs, analysis, todayIso());
    const toUri = (path: string) => uri.with({ path });
    const register = session.register;
    const state: ModelState = {
      uri,
      version,
      registerVersion,
      text: session.text,
      analysis,
      session,
      registerUri: toUri(session.registerPath),
      registerText: register.status === 'read' ? register.text : undefined,
      register: sessionRegister(session),
      registerProblems: register.status === 'absent' ? [] : register.problems,
      packProblems: [
        ...session.packs.problems,
        ...(session.atlas && session.atlas.problems.length > 0
          ? [
              {
                file: session.atlas.path,
                text: session.atlas.text,
                problems: [...session.atlas.problems],
              },
            ]
          : []),
      ].map((group) => ({ ...group, uri: toUri(group.file) })),
      analyseMs,
      ...(decision && { decision }),
    };
    if (analyseMs > 200 || inWorker)
      this.log.info(
        `analysed ${uri.path} in ${analyseMs.toFixed(0)} ms (${inputs.text.length} characters${inWorker ? ', worker thread' : ''})`,
      );
    this.states.set(uri.toString(), state);
    this.changed.fire(state);
    return state;
  }

  /**
   * Runs analyze() in the worker thread (started on first use) and rebuilds the whole analysis
   * from its packed answer (`core/workspace/workerPacking.ts`); falls back to this thread if the
   * worker fails.
   */
  private async analyseInWorker(
    inputs: SessionInputs,
  ): Promise<{ analysis: Analysis; decision?: EditorDecision }> {
    const customPacks: readonly RulePack[] = inputs.packs.packs;
    const atlas = bundledAtlasCatalogue();
    try {
      if (!this.worker) {
        const worker = (this.startWorker as () => WorkerChannel)();
        worker.onMessage((message) => {
          const response = message as AnalysisResponse;
          const waiter = this.waiting.get(response.id);
          this.waiting.delete(response.id);
          if (response.analysis)
            waiter?.resolve({
              packed: response.analysis,
              ...(response.decision && { decision: response.decision }),
            });
          else waiter?.reject(new Error(response.error));
        });
        worker.onError((error) => {
          this.log.error(`analysis worker failed: ${error.message}`);
          for (const waiter of this.waiting.values()) waiter.reject(error);
          this.waiting.clear();
          if (this.worker === worker) this.worker = undefined;
        });
        this.worker = worker;
      }
      const id = this.nextRequest++;
      const registerText = inputs.registerRead?.text;
      const answer = await new Promise<{ packed: PackedAnalysis; decision?: EditorDecision }>(
        (resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          this.worker?.postMessage({
            id,
            text: inputs.text,
            customPacks,
            decide: registerText === undefined ? {} : { registerText },
          } satisfies AnalysisRequest);
        },
      );
      this.workerAnalyses++;
      return {
        analysis: unpackAnalysis(answer.packed, customPacks, atlas),
        ...(answer.decision && { decision: answer.decision }),
      };
    } catch (error) {
      this.log.warn(
        `analysing on the main thread instead: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { analysis: analyze(inputs.text, { customPacks, atlas }) };
    }
  }

  dispose(): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.cancel.cancel();
    }
    for (const d of this.disposables) d.dispose();
    this.worker?.terminate();
  }
}

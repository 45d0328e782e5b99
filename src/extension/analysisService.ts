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
 */
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { activeRuleSet, analyze, type Analysis } from '../core/analysis';
import {
  atlasCatalogueFromYaml,
  bundledAtlasCatalogue,
  type AtlasCatalogue,
} from '../core/kb/atlas';
import { REGISTER_READ_LIMITS } from '../core/parse/source';
import { problem, type Problem } from '../core/problems';
import { checkRegister, loadRegister, type ThreatRegister } from '../core/register/register';
import { loadRulePack, type FileProblems } from '../core/rules/loadPack';
import type { RulePack } from '../core/rules/types';
import type { WorkerRequest, WorkerResponse } from './analysisWorker';
import { readConfig } from './config';

/** Models at least this long (UTF-16 units, about 60 KB) are analysed in a worker thread. */
export const WORKER_THRESHOLD = 60_000;

/** Everything the features need about one model, for one version of its text. */
export interface ModelState {
  readonly uri: vscode.Uri;
  /** The document version analysed; undefined when read from disk. */
  readonly version: number | undefined;
  readonly text: string;
  readonly analysis: Analysis;
  readonly registerUri: vscode.Uri;
  /** Register text (open document first, then disk); undefined when there is none yet. */
  readonly registerText: string | undefined;
  readonly register: ThreatRegister | undefined;
  /** Problems reading the register, and triage problems against this analysis. */
  readonly registerProblems: readonly Problem[];
  /** Problems of custom rule packs and of the ATLAS file from the settings, by file. */
  readonly packProblems: readonly (FileProblems & {
    readonly uri: vscode.Uri;
    readonly text: string;
  })[];
  /** Time spent in `analyze()` for this version, in milliseconds. */
  readonly analyseMs: number;
}

const MODEL_PATTERN = /\.mltm\.ya?ml$/;
const REGISTER_PATTERN = /\.threats\.ya?ml$/;

/** Whether a URI names a threat model file. */
export const isModelUri = (uri: vscode.Uri): boolean => MODEL_PATTERN.test(uri.path);
/** Whether a URI names a threat register file. */
export const isRegisterUri = (uri: vscode.Uri): boolean => REGISTER_PATTERN.test(uri.path);

/** `<dir>/<name>.mltm.yaml` → `<dir>/<name>.threats.yaml` (the CLI's rule, DESIGN §1.2). */
export function registerUriFor(modelUri: vscode.Uri): vscode.Uri {
  const name = modelUri.path.slice(modelUri.path.lastIndexOf('/') + 1).replace(MODEL_PATTERN, '');
  return vscode.Uri.joinPath(modelUri, '..', `${name}.threats.yaml`);
}

/** The model a register belongs to, by the same naming rule. */
export function modelUriForRegister(registerUri: vscode.Uri): vscode.Uri {
  const name = registerUri.path
    .slice(registerUri.path.lastIndexOf('/') + 1)
    .replace(REGISTER_PATTERN, '');
  return vscode.Uri.joinPath(registerUri, '..', `${name}.mltm.yaml`);
}

/** Today as YYYY-MM-DD; a function so tests and the register checks agree on one clock. */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    // Only regular files are read (issue 16, defect 7): a register or rule pack that is a FIFO,
    // or links to /dev/zero, would block or read without end. FileType has no bit for devices,
    // so anything without the File bit (after links) is skipped; so is a file over the limit.
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) return undefined;
    if (stat.size > REGISTER_READ_LIMITS.maxLength * 4) return undefined;
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
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
  private packCache = new Map<
    string,
    Promise<{ packs: RulePack[]; problems: ModelState['packProblems'] }>
  >();
  private atlasCache:
    | {
        path: string;
        result: Promise<{ atlas?: AtlasCatalogue; problems: ModelState['packProblems'] }>;
      }
    | undefined;

  /** Fires after a model's analysis changed (a new version, its register, packs or settings). */
  readonly onDidChange = this.changed.event;
  /** Fires when a model file is deleted and no longer tracked. */
  readonly onDidRemove = this.removed.event;

  private worker: Worker | undefined;
  private nextRequest = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: NonNullable<WorkerResponse['result']>) => void; reject: (e: Error) => void }
  >();

  /** `workerPath`: the bundled analysisWorker.js; without it everything runs on this thread. */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly workerPath?: string,
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
    const packs = vscode.workspace.createFileSystemWatcher('**/.mltm/rules/*.{yaml,yml}');
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
    const packChanged = () => {
      this.packCache = new Map();
      this.refreshAll();
    };
    const registerChanged = (uri: vscode.Uri) => {
      // An open register is followed through its document events instead.
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()))
        this.refresh(modelUriForRegister(uri));
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

  /** The state for the model's current text, analysing now if needed (no debounce). */
  async ensure(uri: vscode.Uri): Promise<ModelState | undefined> {
    const document = vscode.workspace.textDocuments.find(
      (d) => d.uri.toString() === uri.toString(),
    );
    const current = this.get(uri);
    if (
      current &&
      (document === undefined
        ? current.version === undefined
        : current.version === document.version)
    )
      return current;
    return this.run(uri);
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
    else if (isRegisterUri(document.uri)) this.schedule(modelUriForRegister(document.uri), 0);
  }

  private onEdit(document: vscode.TextDocument, delay?: number): void {
    if (isModelUri(document.uri)) {
      const config = readConfig(document.uri);
      // Larger files wait longer, so analysis never runs between two quick keystrokes.
      const sizeDelay = Math.min(1500, Math.floor(document.getText().length / 20_000) * 100);
      this.schedule(document.uri, delay ?? config.debounceMs + sizeDelay);
    } else if (isRegisterUri(document.uri)) {
      const model = modelUriForRegister(document.uri);
      if (this.get(model)) this.schedule(model, delay ?? readConfig(model).debounceMs);
    }
  }

  private onClose(document: vscode.TextDocument): void {
    // The model stays tracked (tree, status bar, Problems), now read from disk: unsaved edits are gone.
    if (isModelUri(document.uri)) this.refresh(document.uri);
    else if (isRegisterUri(document.uri)) this.refresh(modelUriForRegister(document.uri));
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
    this.atlasCache = undefined;
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

  private async analyseNow(
    uri: vscode.Uri,
    token?: vscode.CancellationToken,
  ): Promise<ModelState | undefined> {
    if (token?.isCancellationRequested) return undefined;
    const document = vscode.workspace.textDocuments.find(
      (d) => d.uri.toString() === uri.toString(),
    );
    const version = document?.version;
    const text = document ? document.getText() : await readText(uri);
    if (text === undefined) return undefined;
    const config = readConfig(uri);
    const [packs, atlas] = await Promise.all([this.customPacks(uri), this.atlas(config.atlasPath)]);
    const registerUri = registerUriFor(uri);
    const registerText = await readText(registerUri);
    // A newer version arrived while reading: its own run will publish.
    if (token?.isCancellationRequested || (document && document.version !== version))
      return undefined;
    const started = performance.now();
    const inWorker =
      this.workerPath !== undefined && text.length >= WORKER_THRESHOLD && !atlas.atlas;
    const analysis = inWorker
      ? await this.analyseInWorker(text, packs.packs)
      : analyze(text, { customPacks: packs.packs, ...(atlas.atlas && { atlas: atlas.atlas }) });
    const analyseMs = performance.now() - started;
    if (token?.isCancellationRequested || (document && document.version !== version))
      return undefined;
    let register: ThreatRegister | undefined;
    const registerProblems: Problem[] = [];
    if (registerText !== undefined) {
      const loaded = loadRegister(registerText);
      register = loaded.register;
      registerProblems.push(...loaded.problems);
      if (register && analysis.model) {
        const modelFile = uri.path.slice(uri.path.lastIndexOf('/') + 1);
        registerProblems.push(
          ...checkRegister(register, analysis, { today: todayIso(), modelFile }),
        );
      }
    }
    const state: ModelState = {
      uri,
      version,
      text,
      analysis,
      registerUri,
      registerText,
      register,
      registerProblems,
      packProblems: [...packs.problems, ...atlas.problems],
      analyseMs,
    };
    if (analyseMs > 200 || inWorker)
      this.log.info(
        `analysed ${uri.path} in ${analyseMs.toFixed(0)} ms (${text.length} characters${inWorker ? ', worker thread' : ''})`,
      );
    this.states.set(uri.toString(), state);
    this.changed.fire(state);
    return state;
  }

  /** Runs analyze() in the worker thread (started on first use); falls back to this thread if it fails. */
  private async analyseInWorker(text: string, customPacks: RulePack[]): Promise<Analysis> {
    const atlas = bundledAtlasCatalogue();
    const ruleSet = activeRuleSet(customPacks, atlas);
    try {
      if (!this.worker) {
        const worker = new Worker(this.workerPath as string);
        worker.unref();
        worker.on('message', (response: WorkerResponse) => {
          const waiter = this.waiting.get(response.id);
          this.waiting.delete(response.id);
          if (response.result) waiter?.resolve(response.result);
          else waiter?.reject(new Error(response.error ?? 'no result'));
        });
        worker.on('error', (error) => {
          this.log.error(`analysis worker failed: ${error.message}`);
          for (const waiter of this.waiting.values()) waiter.reject(error);
          this.waiting.clear();
          this.worker = undefined;
        });
        this.worker = worker;
      }
      const id = this.nextRequest++;
      const result = await new Promise<NonNullable<WorkerResponse['result']>>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.worker?.postMessage({ id, text, customPacks } satisfies WorkerRequest);
      });
      return { ...result, ruleSet, ruleProblems: ruleSet.problems, atlas };
    } catch (error) {
      this.log.warn(
        `analysing on the main thread instead: ${error instanceof Error ? error.message : String(error)}`,
      );
      return analyze(text, { customPacks, atlas });
    }
  }

  /** `.mltm/rules/*.yaml` of the nearest enclosing folder (inside the workspace folder) that has one. */
  private customPacks(
    modelUri: vscode.Uri,
  ): Promise<{ packs: RulePack[]; problems: ModelState['packProblems'] }> {
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(modelUri);
    const key = vscode.Uri.joinPath(modelUri, '..').toString();
    let cached = this.packCache.get(key);
    if (!cached) {
      cached = (async () => {
        let folder = vscode.Uri.joinPath(modelUri, '..');
        for (;;) {
          const rules = vscode.Uri.joinPath(folder, '.mltm', 'rules');
          const entries = await vscode.workspace.fs.readDirectory(rules).then(
            (list) => list,
            () => undefined,
          );
          if (entries) {
            const packs: RulePack[] = [];
            const problems: { file: string; problems: Problem[]; uri: vscode.Uri; text: string }[] =
              [];
            for (const [name] of entries
              .filter(([n, type]) => type === vscode.FileType.File && /\.ya?ml$/.test(n))
              .sort(([a], [b]) => a.localeCompare(b))) {
              const uri = vscode.Uri.joinPath(rules, name);
              const text = (await readText(uri)) ?? '';
              const result = loadRulePack(text, uri.fsPath);
              if (result.pack) packs.push(result.pack);
              if (result.problems.length > 0)
                problems.push({ file: uri.fsPath, problems: result.problems, uri, text });
            }
            return { packs, problems };
          }
          const parent = vscode.Uri.joinPath(folder, '..');
          if (
            !workspaceFolder ||
            folder.toString() === workspaceFolder.uri.toString() ||
            parent.toString() === folder.toString()
          )
            return { packs: [], problems: [] };
          folder = parent;
        }
      })();
      this.packCache.set(key, cached);
    }
    return cached;
  }

  /** The ATLAS catalogue from the `mltm.atlas.path` setting (bundled when empty or unusable). */
  private atlas(
    path: string,
  ): Promise<{ atlas?: AtlasCatalogue; problems: ModelState['packProblems'] }> {
    if (!path) return Promise.resolve({ problems: [] });
    if (this.atlasCache?.path !== path) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri =
        path.startsWith('/') || !folder ? vscode.Uri.file(path) : vscode.Uri.joinPath(folder, path);
      const result = (async () => {
        const text = await readText(uri);
        if (text === undefined)
          return {
            problems: [
              {
                file: uri.fsPath,
                uri,
                text: '',
                problems: [
                  problem(
                    'MLTM406',
                    `The ATLAS file \`${path}\` from the setting mltm.atlas.path could not be read; using the bundled catalogue.`,
                    { start: 0, end: 0 },
                  ),
                ],
              },
            ],
          };
        const loaded = atlasCatalogueFromYaml(text);
        const problems = loaded.problems.map((p) =>
          problem('MLTM406', `ATLAS data: ${p.message}`, {
            start: p.offset ?? 0,
            end: p.offset ?? 0,
          }),
        );
        return {
          ...(loaded.catalogue && { atlas: loaded.catalogue }),
          problems: problems.length > 0 ? [{ file: uri.fsPath, uri, text, problems }] : [],
        };
      })();
      this.atlasCache = { path, result };
    }
    return this.atlasCache.result;
  }

  dispose(): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.cancel.cancel();
    }
    for (const d of this.disposables) d.dispose();
    void this.worker?.terminate();
  }
}

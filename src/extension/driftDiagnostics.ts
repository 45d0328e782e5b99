/**
 * Drift in the editor: when `mltm.drift.evidencePaths` names the pipeline's files, the model's
 * diagnostics show where the model and those files disagree — the same located problems, codes
 * and messages `mltm import <paths> --compare <model>` prints, because both run the core's drift
 * check (core/import/driftCheck.ts). Nothing here decides what drift is.
 *
 * When it runs: after each analysis of a model (so it is debounced with the analysis), and when a
 * file under an evidence path changes (a file watcher, debounced like an edit). The evidence is
 * read once per model folder and paths and kept until one of its files changes, so typing in the
 * model only re-compares. Reading goes through `vscode.workspace.fs` (virtual workspaces too),
 * with the import's guards and the editor's limits (EDITOR_DRIFT_LIMITS, MLTM520 beyond); files
 * are only read, so it works in untrusted workspaces. Findings go to their own collection (same
 * `source: mltm`), on the model and, for elements missing from the model, on the evidence file.
 */
import * as vscode from 'vscode';
import {
  driftAgainst,
  EDITOR_DRIFT_LIMITS,
  readDriftEvidence,
  type DriftEvidence,
} from '../core/import/driftCheck';
import { relativePath } from '../core/import/importer';
import { LineIndex } from '../core/util/lineIndex';
import type { AnalysisService, ModelState } from './analysisService';
import { affectsDrift, readConfig } from './config';
import { problemDiagnostic } from './diagnostics';
import { WORKSPACE_IMPORT_FS } from './importDraft';

interface ReadEvidence {
  readonly evidence: DriftEvidence;
  /** Each evidence file as the drift names it → its URI. */
  readonly uris: ReadonlyMap<string, vscode.Uri>;
}

interface CachedEvidence {
  readonly roots: readonly vscode.Uri[];
  readonly read: Promise<ReadEvidence>;
}

const within = (uri: vscode.Uri, root: vscode.Uri): boolean => {
  const u = uri.toString();
  const r = root.toString().replace(/\/$/, '');
  return u === r || u.startsWith(`${r}/`);
};

/** The folder a URI is in. */
const folderOf = (uri: vscode.Uri): vscode.Uri => vscode.Uri.joinPath(uri, '..');

export class DriftDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mltm-drift');
  /** Evidence read, by model folder and evidence roots. */
  private readonly evidence = new Map<string, CachedEvidence>();
  /** What each model last published, by file URI. */
  private readonly published = new Map<string, Map<string, vscode.Diagnostic[]>>();
  /** The latest check of each model; an older one that finishes later is dropped. */
  private readonly generation = new Map<string, number>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private evidenceTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly service: AnalysisService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      service.onDidChange((state) => void this.check(state)),
      service.onDidRemove((uri) => this.clear(uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsDrift(e)) return;
        this.evidence.clear();
        for (const watcher of this.watchers.values()) watcher.dispose();
        this.watchers.clear();
        for (const state of this.service.all()) void this.check(state);
      }),
    );
  }

  /** Checks one model state against its evidence paths and publishes what it found. */
  async check(state: ModelState): Promise<void> {
    const key = state.uri.toString();
    const generation = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, generation);
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(state.uri);
    const paths = readConfig(state.uri).driftEvidencePaths;
    // Workspace-relative paths: a model outside the workspace (untitled, a diff) has none.
    if (paths.length === 0 || !workspaceFolder) {
      this.publish(key, new Map());
      return;
    }
    try {
      const roots = paths.map((p) => vscode.Uri.joinPath(workspaceFolder.uri, p));
      const modelFolder = folderOf(state.uri);
      const modelFile = state.uri.path.slice(state.uri.path.lastIndexOf('/') + 1);
      const { evidence, uris } = await this.evidenceFor(modelFolder, roots);
      const report = await driftAgainst(
        evidence,
        {
          file: modelFile,
          text: state.text,
          resolve: (p) => vscode.Uri.joinPath(modelFolder, p).toString(),
        },
        WORKSPACE_IMPORT_FS,
      );
      if (this.generation.get(key) !== generation) return;
      const modelIndex = new LineIndex(state.text);
      const indexes = new Map<string, LineIndex>();
      const fileOf = (file: string) => {
        if (file === modelFile) return { uri: state.uri, index: modelIndex };
        let index = indexes.get(file);
        if (!index) indexes.set(file, (index = new LineIndex(evidence.texts.get(file) ?? '')));
        return { uri: uris.get(file) ?? vscode.Uri.joinPath(modelFolder, file), index };
      };
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const { file, problem } of [...report.problems, ...report.drift]) {
        const { uri, index } = fileOf(file);
        const list = byFile.get(uri.toString()) ?? [];
        list.push(problemDiagnostic(problem, index, uri, fileOf));
        byFile.set(uri.toString(), list);
      }
      this.publish(key, byFile);
    } catch (error) {
      this.log.error(
        `drift check of ${state.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }

  /** The evidence under `roots`, read once until a file under them changes. */
  private evidenceFor(
    modelFolder: vscode.Uri,
    roots: readonly vscode.Uri[],
  ): Promise<ReadEvidence> {
    const key = [modelFolder, ...roots].map((u) => u.toString()).join('\n');
    const cached = this.evidence.get(key);
    if (cached) return cached.read;
    for (const root of roots) this.watch(root);
    const uris = new Map<string, vscode.Uri>();
    const read = readDriftEvidence(
      roots.map((r) => r.toString()),
      WORKSPACE_IMPORT_FS,
      {
        ...EDITOR_DRIFT_LIMITS,
        // Named relative to the model's folder, as the model's `x-source` names them.
        display: (path) => {
          const uri = vscode.Uri.parse(path);
          const shown =
            uri.scheme === modelFolder.scheme && uri.authority === modelFolder.authority
              ? relativePath(modelFolder.path, uri.path)
              : path;
          uris.set(shown, uri);
          return shown;
        },
      },
    ).then((evidence) => ({ evidence, uris }));
    this.evidence.set(key, { roots, read });
    // A failed read is not kept: the next check tries again.
    read.catch(() => this.evidence.delete(key));
    return read;
  }

  /** Watches an evidence path (a file or a folder) for changes to the files under it. */
  private watch(root: vscode.Uri): void {
    const key = root.toString();
    if (this.watchers.has(key)) return;
    const name = root.path.slice(root.path.lastIndexOf('/') + 1);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(folderOf(root), `{${name},${name}/**}`),
    );
    const changed = (uri: vscode.Uri) => this.evidenceChanged(uri);
    this.watchers.set(
      key,
      vscode.Disposable.from(
        watcher,
        watcher.onDidChange(changed),
        watcher.onDidCreate(changed),
        watcher.onDidDelete(changed),
      ),
    );
  }

  /** A file under an evidence path changed: forget what was read from it, re-check soon. */
  private evidenceChanged(uri: vscode.Uri): void {
    for (const [key, cached] of this.evidence)
      if (cached.roots.some((root) => within(uri, root))) this.evidence.delete(key);
    if (this.evidenceTimer) clearTimeout(this.evidenceTimer);
    // A save or a checkout touches many files at once: one re-check after they settle.
    this.evidenceTimer = setTimeout(() => {
      this.evidenceTimer = undefined;
      for (const state of this.service.all()) void this.check(state);
    }, readConfig(uri).debounceMs);
  }

  /** Replaces a model's drift diagnostics; files several models share show each finding once. */
  private publish(model: string, byFile: Map<string, vscode.Diagnostic[]>): void {
    const touched = new Set([...(this.published.get(model)?.keys() ?? []), ...byFile.keys()]);
    if (byFile.size === 0) this.published.delete(model);
    else this.published.set(model, byFile);
    for (const file of touched) {
      const seen = new Set<string>();
      const merged: vscode.Diagnostic[] = [];
      for (const published of this.published.values())
        for (const d of published.get(file) ?? []) {
          const id = `${String(typeof d.code === 'object' ? d.code.value : d.code)}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
          if (seen.has(id)) continue;
          seen.add(id);
          merged.push(d);
        }
      const uri = vscode.Uri.parse(file);
      if (merged.length === 0) this.collection.delete(uri);
      else this.collection.set(uri, merged);
    }
  }

  private clear(model: string): void {
    this.generation.set(model, (this.generation.get(model) ?? 0) + 1);
    this.publish(model, new Map());
  }

  dispose(): void {
    if (this.evidenceTimer) clearTimeout(this.evidenceTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
  }
}

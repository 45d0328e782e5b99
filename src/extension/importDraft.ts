/**
 * "Draft Threat Model from Workspace Files": the editor's `mltm import`. Walks the workspace
 * folder (or a picked one) through `vscode.workspace.fs` with the same walker and guards as the
 * CLI (core/import/walk.ts), drafts with the same core (`importEvidence`), and opens the draft
 * beside the files as an unsaved document whose path is `<folder>/<folder>.draft.mltm.yaml`, so
 * nothing is written until the user saves (and `x-source` paths are relative to that folder).
 * Register decisions an OTM file carries open beside it the same way, as the register
 * `<folder>.draft.threats.yaml` (what `mltm import --output` writes beside the model).
 * Progress shows in a cancellable notification; problems in the evidence go to the log.
 */
import * as vscode from 'vscode';
import { analyze } from '../core/analysis';
import { importEvidence } from '../core/import';
import type { DraftDecision, FileProblem } from '../core/import/draft';
import { registerFromDecisions } from '../core/import/importRegister';
import { registerFileNameFor } from '../core/workspace/naming';
import { todayIso, type AnalysisService } from './analysisService';
import { walkEvidence, type ImportFs, type ImportFsType } from '../core/import/walk';
import { LineIndex } from '../core/util/lineIndex';

function typeOf(type: vscode.FileType, followLinks: boolean): ImportFsType {
  if (!followLinks && (type & vscode.FileType.SymbolicLink) !== 0) return 'symlink';
  if ((type & vscode.FileType.Directory) !== 0) return 'directory';
  if ((type & vscode.FileType.File) !== 0) return 'file';
  return 'other';
}

/** The walker's file-system interface over `vscode.workspace.fs`; paths are URI strings. */
export const WORKSPACE_IMPORT_FS: ImportFs = {
  async stat(path) {
    try {
      const stat = await vscode.workspace.fs.stat(vscode.Uri.parse(path));
      return { type: typeOf(stat.type, true), size: stat.size };
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound')
        return undefined;
      throw error;
    }
  },
  async list(path) {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.parse(path));
    return entries.map(([name, type]) => ({ name, type: typeOf(type, false) }));
  },
  read: async (path) => vscode.workspace.fs.readFile(vscode.Uri.parse(path)),
  join: (folder, name) => vscode.Uri.joinPath(vscode.Uri.parse(folder), name).toString(),
};

/** The folder to draft from: the argument, the only workspace folder, else the user's pick. */
async function pickFolder(arg: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (arg) return arg;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const choice = await vscode.window.showQuickPick(
    [
      ...folders.map((f) => ({ label: f.name, description: f.uri.fsPath, uri: f.uri })),
      { label: 'Pick a folder…', description: '', uri: undefined },
    ],
    { title: 'Draft a threat model from the files of which folder?' },
  );
  if (!choice) return undefined;
  if (choice.uri) return choice.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Draft from this folder',
  });
  return picked?.[0];
}

function describeProblems(problems: readonly FileProblem[], texts: Map<string, string>): string[] {
  return problems.map(({ file, problem: p }) => {
    const at = new LineIndex(texts.get(file) ?? '').position(p.range.start);
    return `${file}:${at.line}:${at.column}: ${p.severity} ${p.code} ${p.message}`;
  });
}

/**
 * Drafts a model from a folder's files and opens it beside; returns the draft's document, or
 * undefined when cancelled or when no file was supported (the user is told which).
 */
export async function draftModelFromWorkspace(
  log: vscode.LogOutputChannel,
  folderArg?: vscode.Uri,
  service?: AnalysisService,
): Promise<vscode.TextDocument | undefined> {
  const folder = await pickFolder(folderArg);
  if (!folder) return undefined;
  const root = folder.toString();
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'mltm: drafting a threat model',
      cancellable: true,
    },
    async (progress, token) => {
      const walked = await walkEvidence([root], WORKSPACE_IMPORT_FS, {
        display: (path) =>
          decodeURIComponent(path.startsWith(prefix) ? path.slice(prefix.length) : path),
        onProgress: (seen) => progress.report({ message: `${seen} files looked at` }),
        isCancelled: () => token.isCancellationRequested,
      });
      if (token.isCancellationRequested) return undefined;
      const name = folder.path.split('/').filter(Boolean).pop() ?? 'workspace';
      return { walked, drafted: importEvidence(walked.files, { fallbackName: name }), name };
    },
  );
  if (!result) return undefined;
  const { walked, drafted, name } = result;
  const texts = new Map(walked.files.map((f) => [f.path, f.text]));
  const problems = describeProblems([...walked.problems, ...drafted.draft.problems], texts);
  for (const line of problems) log.info(`import: ${line}`);
  if (drafted.text === undefined) {
    void vscode.window.showWarningMessage(
      `mltm: no supported file in ${folder.fsPath} (${walked.seen} candidate files looked at). mltm drafts from DVC, Kubeflow, Argo, KServe, Seldon, Kubernetes and Istio policies, docker-compose, MCP configs, MLflow and OTM files.`,
    );
    return undefined;
  }
  const modelFile = `${name}.draft.mltm.yaml`;
  const document = await openUnsaved(vscode.Uri.joinPath(folder, modelFile), drafted.text);
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: false,
  });
  const register = await draftRegister(
    drafted.draft.decisions,
    document,
    folder,
    modelFile,
    texts,
    service,
  );
  for (const line of register.problems) log.info(`import: ${line}`);
  const registerNote =
    register.written > 0
      ? `, with ${register.written} register decisions from the files in ${registerFileNameFor(modelFile)}`
      : '';
  const problemCount = problems.length + register.problems.length;
  void vscode.window.showInformationMessage(
    `mltm: drafted ${drafted.draft.components.size} components from ${drafted.recognised.length} files${registerNote}${problemCount > 0 ? ` (${problemCount} problems in the files, see the mltm log)` : ''}. Review it, then save.`,
  );
  return document;
}

/** An unsaved document at `uri`'s path holding `text` (nothing is written until the user saves). */
async function openUnsaved(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const target = uri.with({ scheme: 'untitled' });
  const document = await vscode.workspace.openTextDocument(target);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(target, new vscode.Range(0, 0, document.lineCount, 0), text);
  await vscode.workspace.applyEdit(edit);
  return document;
}

/**
 * The register decisions an OTM file carries, as the CLI writes them beside `--output`
 * (core/import/importRegister.ts), opened unsaved beside the draft under the register's name for
 * it. The draft is analysed as the editor analyses it (its workspace's rule packs), else plainly.
 */
async function draftRegister(
  decisions: readonly DraftDecision[],
  draft: vscode.TextDocument,
  folder: vscode.Uri,
  modelFile: string,
  texts: Map<string, string>,
  service: AnalysisService | undefined,
): Promise<{ written: number; problems: string[] }> {
  if (decisions.length === 0) return { written: 0, problems: [] };
  const state = await service?.ensure(draft.uri);
  const analysis = state?.text === draft.getText() ? state.analysis : analyze(draft.getText());
  const built = registerFromDecisions(decisions, analysis, { today: todayIso(), modelFile });
  const problems = describeProblems(built.problems, texts);
  if (built.text === undefined) return { written: 0, problems };
  const register = await openUnsaved(
    vscode.Uri.joinPath(folder, registerFileNameFor(modelFile)),
    built.text,
  );
  await vscode.window.showTextDocument(register, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: false,
    preserveFocus: true,
  });
  await vscode.window.showTextDocument(draft, { preview: false });
  return { written: built.written.length, problems };
}

/**
 * "Draft Threat Model from Workspace Files": the editor's `mltm import`. Walks the workspace
 * folder (or a picked one) through `vscode.workspace.fs` with the same walker and guards as the
 * CLI (core/import/walk.ts), drafts with the same core (`importEvidence`), and opens the draft
 * beside the files as an unsaved document whose path is `<folder>/<folder>.draft.mltm.yaml`, so
 * nothing is written until the user saves (and `x-source` paths are relative to that folder).
 * Progress shows in a cancellable notification; problems in the evidence go to the log.
 */
import * as vscode from 'vscode';
import { importEvidence } from '../core/import';
import type { FileProblem } from '../core/import/draft';
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
  const target = vscode.Uri.joinPath(folder, `${name}.draft.mltm.yaml`).with({
    scheme: 'untitled',
  });
  const document = await vscode.workspace.openTextDocument(target);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(target, new vscode.Range(0, 0, document.lineCount, 0), drafted.text);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: false,
  });
  void vscode.window.showInformationMessage(
    `mltm: drafted ${drafted.draft.components.size} components from ${drafted.recognised.length} files${problems.length > 0 ? ` (${problems.length} problems in the files, see the mltm log)` : ''}. Review it, then save.`,
  );
  return document;
}

/**
 * The editor's file system for the core's model workspace: `vscode.workspace.fs` (which serves
 * local, remote and virtual workspaces alike) behind the `WorkspaceFileSystem` surface. Paths
 * are URI paths; the caller maps them back to URIs of one scheme and authority. Only types are
 * imported from `vscode`, so the adapter runs under mocha with a fake of the three calls it uses.
 */
import type * as vscode from 'vscode';
import type { EntryKind, WorkspaceFileSystem } from '../core/workspace/fileSystem';

/** The part of `vscode.workspace.fs` the adapter uses (`U`: the URI type, faked in tests). */
export interface EditorFsSurface<U = vscode.Uri> {
  stat(uri: U): PromiseLike<{ readonly type: number; readonly size: number }>;
  readFile(uri: U): PromiseLike<Uint8Array>;
  readDirectory(uri: U): PromiseLike<[string, number][]>;
}

// vscode.FileType's values (a bit set: a link to a file is File | SymbolicLink).
const FILE = 1;
const DIRECTORY = 2;

function kindOf(type: number): EntryKind {
  return type & DIRECTORY ? 'directory' : type & FILE ? 'file' : 'other';
}

/** FileSystemError codes in the few words the problems show. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'FileNotFound' || code === 'EntryNotFound') return 'no such file';
  if (code === 'NoPermissions') return 'permission denied';
  if (code === 'FileIsADirectory') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

/** `fs` as a `WorkspaceFileSystem`; `toUri` turns a workspace path into the URI to read. */
export function editorFileSystem<U>(
  fs: EditorFsSurface<U>,
  toUri: (path: string) => U,
): WorkspaceFileSystem {
  return {
    async stat(path) {
      try {
        const stat = await fs.stat(toUri(path));
        return { kind: kindOf(stat.type), size: stat.size };
      } catch {
        return undefined;
      }
    },
    async readFile(path) {
      try {
        return await fs.readFile(toUri(path));
      } catch (error) {
        throw new Error(describe(error));
      }
    },
    async readDirectory(path) {
      try {
        return (await fs.readDirectory(toUri(path))).map(([name, type]) => ({
          name,
          kind: kindOf(type),
        }));
      } catch (error) {
        throw new Error(describe(error));
      }
    },
  };
}

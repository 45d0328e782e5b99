/**
 * The CLI's file system for the core's model workspace: `node:fs` behind the
 * `WorkspaceFileSystem` surface, and the conversion between native paths (`C:\repo\a.yaml`,
 * relative paths) and the workspace's absolute `/`-separated ones.
 */
import { specialFileKind } from './io';
import { promises as fs } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { EntryKind, WorkspaceFileSystem } from '../core/workspace/fileSystem';
import { ModelWorkspace } from '../core/workspace/modelWorkspace';

/** A native path (relative to `cwd`) as the model workspace's absolute `/`-separated path. */
export function workspacePath(cwd: string, path: string): string {
  const absolute = resolve(cwd, path);
  return sep === '\\' ? absolute.split('\\').join('/') : absolute;
}

/** A workspace path back as a native one (what messages and writes use). */
export function nativePath(path: string): string {
  return sep === '\\' ? path.split('/').join('\\') : path;
}

function kindOf(stats: { isFile(): boolean; isDirectory(): boolean }): EntryKind {
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
}

/** Node's errors in the few words the problems show. */
function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

export const nodeFileSystem: WorkspaceFileSystem = {
  async stat(path) {
    try {
      const stats = await fs.stat(nativePath(path));
      const kind = kindOf(stats);
      const what = kind === 'other' ? specialFileKind(stats) : undefined;
      return { kind, size: stats.size, ...(what !== undefined && { what }) };
    } catch {
      return undefined;
    }
  },
  async readFile(path) {
    try {
      return await fs.readFile(nativePath(path));
    } catch (error) {
      throw new Error(describe(error));
    }
  },
  async readDirectory(path) {
    try {
      const entries = await fs.readdir(nativePath(path), { withFileTypes: true });
      return Promise.all(
        entries.map(async (entry) => {
          // A link counts as what it points to, as `stat` does.
          if (!entry.isSymbolicLink()) return { name: entry.name, kind: kindOf(entry) };
          const target = await fs.stat(nativePath(`${path}/${entry.name}`)).catch(() => undefined);
          return { name: entry.name, kind: target ? kindOf(target) : ('other' as const) };
        }),
      );
    } catch (error) {
      throw new Error(describe(error));
    }
  },
};

/** A model workspace over the local file system (no boundary: the CLI stops at `.git`). */
export function cliWorkspace(): ModelWorkspace {
  return new ModelWorkspace({ fs: nodeFileSystem });
}

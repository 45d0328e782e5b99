/**
 * The evidence walk's file-system interface (`ImportFs` in core/import/walk.ts) over node:fs,
 * for `mltm import`. The extension has its own over `vscode.workspace.fs`.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ImportFs, ImportFsType } from '../core/import/walk';

function typeOf(stats: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): ImportFsType {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  return 'other';
}

export const NODE_IMPORT_FS: ImportFs = {
  async stat(path) {
    try {
      const stats = await fs.stat(path);
      return { type: typeOf(stats), size: stats.size };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async list(path) {
    const entries = await fs.readdir(path, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, type: typeOf(entry) }));
  },
  async read(path) {
    return fs.readFile(path);
  },
  join,
};

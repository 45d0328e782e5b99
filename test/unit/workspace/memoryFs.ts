/**
 * An in-memory `WorkspaceFileSystem` for the model workspace's tests: a map of absolute paths to
 * file texts (folders are implied by their files, or listed explicitly), plus the same map as a
 * fake of the `vscode.workspace.fs` calls the editor adapter makes, and helpers to write it to a
 * real folder for the CLI adapter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DirectoryEntry, WorkspaceFileSystem } from '../../../src/core/workspace/fileSystem';
import type { EditorFsSurface } from '../../../src/extension/workspaceFileSystem';

/** Files by path relative to a root (`a/b.yaml`); a path ending in `/` is an empty folder. */
export type Layout = Readonly<Record<string, string>>;

function tree(root: string, layout: Layout): { files: Map<string, string>; folders: Set<string> } {
  const files = new Map<string, string>();
  const folders = new Set<string>([root]);
  for (const [relative, text] of Object.entries(layout)) {
    const path = `${root}/${relative.replace(/\/$/, '')}`;
    if (relative.endsWith('/')) folders.add(path);
    else files.set(path, text);
    for (let p = path; p.lastIndexOf('/') > 0;) {
      p = p.slice(0, p.lastIndexOf('/'));
      folders.add(p);
    }
  }
  folders.add('/');
  return { files, folders };
}

/** The layout under `root` (an absolute `/`-path) as a `WorkspaceFileSystem`. */
export function memoryFileSystem(root: string, layout: Layout): WorkspaceFileSystem {
  const { files, folders } = tree(root, layout);
  return {
    async stat(path) {
      const file = files.get(path);
      if (file !== undefined) return { kind: 'file', size: new TextEncoder().encode(file).length };
      return folders.has(path) ? { kind: 'directory', size: 0 } : undefined;
    },
    async readFile(path) {
      const file = files.get(path);
      if (file === undefined) throw new Error('no such file');
      return new TextEncoder().encode(file);
    },
    async readDirectory(path) {
      if (!folders.has(path)) throw new Error('no such folder');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const entries = new Map<string, DirectoryEntry>();
      for (const f of files.keys())
        if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/'))
          entries.set(f, { name: f.slice(prefix.length), kind: 'file' });
      for (const d of folders)
        if (d !== path && d.startsWith(prefix) && !d.slice(prefix.length).includes('/'))
          entries.set(d, { name: d.slice(prefix.length), kind: 'directory' });
      return [...entries.values()];
    },
  };
}

/** A URI as the fake sees it: only the path matters. */
export interface FakeUri {
  readonly scheme: 'memfs';
  readonly path: string;
}

/** A fake of `vscode.workspace.fs` (stat, readFile, readDirectory) over the same layout. */
export function fakeEditorFs(root: string, layout: Layout): EditorFsSurface<FakeUri> {
  const { files, folders } = tree(root, layout);
  const notFound = () =>
    Object.assign(new Error('EntryNotFound (FileSystemError)'), { code: 'FileNotFound' });
  return {
    async stat(uri) {
      const file = files.get(uri.path);
      if (file !== undefined) return { type: 1, size: file.length };
      if (folders.has(uri.path)) return { type: 2, size: 0 };
      throw notFound();
    },
    async readFile(uri) {
      const file = files.get(uri.path);
      if (file === undefined) throw notFound();
      return new TextEncoder().encode(file);
    },
    async readDirectory(uri) {
      if (!folders.has(uri.path)) throw notFound();
      const prefix = `${uri.path}/`;
      const out: [string, number][] = [];
      for (const f of files.keys())
        if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/'))
          out.push([f.slice(prefix.length), 1]);
      for (const d of folders)
        if (d.startsWith(prefix) && !d.slice(prefix.length).includes('/'))
          out.push([d.slice(prefix.length), 2]);
      return out;
    },
  };
}

/** Writes the layout under a real folder (for the CLI's `node:fs` adapter). */
export function writeLayout(root: string, layout: Layout): void {
  for (const [relative, text] of Object.entries(layout)) {
    const path = join(root, ...relative.replace(/\/$/, '').split('/'));
    if (relative.endsWith('/')) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
}

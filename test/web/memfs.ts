/**
 * A virtual file system for the browser-workbench test: files live in this worker's memory under
 * the `mltm-memfs:` scheme, as files on vscode.dev live behind a provider (GitHub, a remote
 * repository), never on a disk the extension could reach with Node. Only what the extension
 * and the test use: stat, read, write, list, create, rename, delete, change events.
 */
import * as vscode from 'vscode';

export const MEMFS_SCHEME = 'mltm-memfs';

type Entry =
  | { readonly kind: 'file'; data: Uint8Array; mtime: number }
  | { readonly kind: 'directory'; mtime: number };

export class MemFs implements vscode.FileSystemProvider {
  private readonly entries = new Map<string, Entry>([
    ['/', { kind: 'directory', mtime: Date.now() }],
  ]);
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const entry = this.entry(uri);
    return {
      type: entry.kind === 'file' ? vscode.FileType.File : vscode.FileType.Directory,
      ctime: entry.mtime,
      mtime: entry.mtime,
      size: entry.kind === 'file' ? entry.data.byteLength : 0,
    };
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const dir = this.entry(uri);
    if (dir.kind !== 'directory') throw vscode.FileSystemError.FileNotADirectory(uri);
    const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
    const out: [string, vscode.FileType][] = [];
    for (const [path, entry] of this.entries)
      if (path !== '/' && path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        out.push([
          path.slice(prefix.length),
          entry.kind === 'file' ? vscode.FileType.File : vscode.FileType.Directory,
        ]);
    return out;
  }

  createDirectory(uri: vscode.Uri): void {
    this.parent(uri);
    if (!this.entries.has(uri.path))
      this.entries.set(uri.path, { kind: 'directory', mtime: Date.now() });
    this.changes.fire([{ type: vscode.FileChangeType.Created, uri }]);
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const entry = this.entry(uri);
    if (entry.kind !== 'file') throw vscode.FileSystemError.FileIsADirectory(uri);
    return entry.data;
  }

  writeFile(
    uri: vscode.Uri,
    content: Uint8Array,
    options: { create: boolean; overwrite: boolean },
  ): void {
    const existing = this.entries.get(uri.path);
    if (existing?.kind === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
    if (!existing && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
    if (existing && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
    this.parent(uri);
    this.entries.set(uri.path, { kind: 'file', data: content.slice(), mtime: Date.now() });
    this.changes.fire([
      { type: existing ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri },
    ]);
  }

  delete(uri: vscode.Uri): void {
    this.entry(uri);
    for (const path of [...this.entries.keys()])
      if (path === uri.path || path.startsWith(`${uri.path}/`)) this.entries.delete(path);
    this.changes.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): void {
    const entry = this.entry(from);
    if (this.entries.has(to.path) && !options.overwrite)
      throw vscode.FileSystemError.FileExists(to);
    if (entry.kind === 'directory')
      throw vscode.FileSystemError.NoPermissions('folders are not renamed here');
    this.parent(to);
    this.entries.delete(from.path);
    this.entries.set(to.path, entry);
    this.changes.fire([
      { type: vscode.FileChangeType.Deleted, uri: from },
      { type: vscode.FileChangeType.Created, uri: to },
    ]);
  }

  private entry(uri: vscode.Uri): Entry {
    const entry = this.entries.get(uri.path);
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    return entry;
  }

  private parent(uri: vscode.Uri): void {
    const parent = uri.path.slice(0, uri.path.lastIndexOf('/')) || '/';
    if (this.entries.get(parent)?.kind !== 'directory')
      throw vscode.FileSystemError.FileNotFound(uri.with({ path: parent }));
  }
}

/**
 * Finding the evidence files under the paths given to `mltm import` (and the editor command),
 * over a small async file-system interface so the CLI (node:fs) and the extension
 * (`vscode.workspace.fs`) walk the same way with the same guards:
 * - folders `node_modules`, `.git` (and other VCS folders), virtual environments and build output
 *   are skipped; `.dvc/` is read (its `config` names the remotes) but not its cache;
 * - symbolic links to folders are not followed (no loops); FIFOs, sockets and devices are refused;
 * - a file over the size cap is refused before it is read; bytes must be UTF-8 text.
 * Each refusal is a located problem on that file, and the walk goes on.
 */
import { decodeUtf8, DEFAULT_READ_LIMITS } from '../parse/source';
import { problem } from '../problems';
import type { FileProblem } from './draft';
import { EvidenceFile } from './evidence';

export type ImportFsType = 'file' | 'directory' | 'symlink' | 'other';

/** The file-system operations the walk needs; paths are the caller's (absolute) strings. */
export interface ImportFs {
  /** The entry at a path, following symbolic links; undefined when nothing is there. */
  stat(path: string): Promise<{ readonly type: ImportFsType; readonly size: number } | undefined>;
  /** A folder's entries with their own type (a symbolic link is `symlink`). */
  list(path: string): Promise<readonly { readonly name: string; readonly type: ImportFsType }[]>;
  read(path: string): Promise<Uint8Array>;
  /** `folder` + `name` in the caller's path syntax. */
  join(folder: string, name: string): string;
}

export interface WalkOptions {
  /** Shows a path as the draft will name it (POSIX, relative to the model's folder). */
  readonly display: (path: string) => string;
  /** Largest file read, in bytes (default: the parser's 5 MB). */
  readonly maxBytes?: number;
  /** Called every so many files, for progress in the editor. */
  readonly onProgress?: (filesSeen: number) => void;
  readonly isCancelled?: () => boolean;
  /**
   * Stop once more than this many candidate files were met (the editor's drift check: a huge
   * tree must not stall it). The result then says so in `overLimit` and holds no files.
   */
  readonly maxFiles?: number;
  /** Stop once the candidate files to read add up to more than this many bytes (as `maxFiles`). */
  readonly maxTotalBytes?: number;
}

export interface WalkResult {
  readonly files: EvidenceFile[];
  readonly problems: FileProblem[];
  /** Files looked at (candidates read or refused). */
  readonly seen: number;
  /** Set when `maxFiles` or `maxTotalBytes` stopped the walk: which limit, in words. */
  readonly overLimit?: string;
}

/** Folders never walked into: version control, dependencies, virtual environments, build output. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.next',
  '.cache',
  '.vscode-test',
  'dist',
  'build',
  'out',
  'target',
]);

/** Inside `.dvc/`, only the configuration is evidence; the cache holds the data itself. */
const SKIPPED_IN_DVC: ReadonlySet<string> = new Set(['cache', 'tmp']);

/** Whether a file met while walking a folder may be evidence (by name; content decides later). */
export function isCandidateName(name: string, parentName: string): boolean {
  if (/\.(ya?ml|json|jsonc|lock)$/i.test(name)) return true;
  if (name === 'MLmodel') return true;
  return parentName === '.dvc' && (name === 'config' || name === 'config.local');
}

const at0 = { start: 0, end: 0 };

/** Reads the evidence files under `roots` (files or folders). */
export async function walkEvidence(
  roots: readonly string[],
  fs: ImportFs,
  options: WalkOptions,
): Promise<WalkResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_READ_LIMITS.maxLength;
  const files: EvidenceFile[] = [];
  const problems: FileProblem[] = [];
  let seen = 0;
  let pendingBytes = 0;
  let overLimit: string | undefined;
  const pending: { path: string; size: number }[] = [];
  const stopped = () => overLimit !== undefined || options.isCancelled?.() === true;

  const refuse = (path: string, message: string, code: 'MLTM501' | 'MLTM007' | 'MLTM005') =>
    problems.push({ file: options.display(path), problem: problem(code, message, at0) });

  const visitFolder = async (folder: string, name: string): Promise<void> => {
    let entries: readonly { name: string; type: ImportFsType }[];
    try {
      entries = await fs.list(folder);
    } catch (error) {
      refuse(folder, `Cannot read the folder: ${describe(error)}; skipped.`, 'MLTM501');
      return;
    }
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of sorted) {
      if (stopped()) return;
      const path = fs.join(folder, entry.name);
      if (entry.type === 'directory') {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        if (name === '.dvc' && SKIPPED_IN_DVC.has(entry.name)) continue;
        await visitFolder(path, entry.name);
      } else if (isCandidateName(entry.name, name)) {
        await visitFile(path, entry.type);
      }
    }
  };

  const visitFile = async (path: string, type: ImportFsType): Promise<void> => {
    seen++;
    if (options.maxFiles !== undefined && seen > options.maxFiles) {
      overLimit = `more than ${options.maxFiles.toLocaleString('en-US')} candidate files`;
      return;
    }
    if (seen % 200 === 0) options.onProgress?.(seen);
    let stat: { type: ImportFsType; size: number } | undefined;
    try {
      stat = await fs.stat(path);
    } catch (error) {
      refuse(path, `Cannot read the file: ${describe(error)}; skipped.`, 'MLTM501');
      return;
    }
    if (stat === undefined) {
      refuse(path, 'No such file or folder.', 'MLTM501');
      return;
    }
    if (stat.type === 'directory') {
      // A symbolic link to a folder is not followed while walking: it could loop.
      if (type === 'symlink')
        refuse(
          path,
          'A symbolic link to a folder; not followed. Name the folder itself.',
          'MLTM501',
        );
      return;
    }
    if (stat.type !== 'file') {
      refuse(path, 'Not a regular file (a FIFO, socket or device); skipped.', 'MLTM501');
      return;
    }
    if (stat.size > maxBytes) {
      refuse(
        path,
        `The file is ${(stat.size / 1048576).toFixed(1)} MB; mltm reads evidence files up to ${(maxBytes / 1048576).toFixed(1)} MB. Skipped.`,
        'MLTM007',
      );
      return;
    }
    pendingBytes += stat.size;
    if (options.maxTotalBytes !== undefined && pendingBytes > options.maxTotalBytes) {
      overLimit = `more than ${(options.maxTotalBytes / 1048576).toFixed(0)} MB of candidate files`;
      return;
    }
    pending.push({ path, size: stat.size });
  };

  for (const root of roots) {
    if (stopped()) break;
    let stat: { type: ImportFsType; size: number } | undefined;
    try {
      stat = await fs.stat(root);
    } catch (error) {
      refuse(root, `Cannot read: ${describe(error)}.`, 'MLTM501');
      continue;
    }
    if (stat === undefined) refuse(root, 'No such file or folder.', 'MLTM501');
    else if (stat.type === 'directory')
      await visitFolder(
        root,
        root
          .replace(/[\\/]+$/, '')
          .split(/[\\/]/)
          .pop() ?? '',
      );
    else await visitFile(root, 'file');
  }

  if (overLimit !== undefined) return { files: [], problems, seen, overLimit };
  // Read in small batches: fast on a local disk, bounded in open files.
  for (let i = 0; i < pending.length; i += 32) {
    if (options.isCancelled?.()) break;
    const batch = pending.slice(i, i + 32);
    const read = await Promise.all(
      batch.map(async ({ path }) => {
        try {
          return { path, bytes: await fs.read(path) };
        } catch (error) {
          return { path, error };
        }
      }),
    );
    for (const result of read) {
      const display = options.display(result.path);
      if (!('bytes' in result) || result.bytes === undefined) {
        refuse(result.path, `Cannot read the file: ${describe(result.error)}; skipped.`, 'MLTM501');
        continue;
      }
      // The size may have changed since `stat`: check the bytes themselves too.
      if (result.bytes.length > maxBytes) {
        refuse(
          result.path,
          `The file grew past ${(maxBytes / 1048576).toFixed(1)} MB while it was read; skipped.`,
          'MLTM007',
        );
        continue;
      }
      const decoded = decodeUtf8(result.bytes);
      if (decoded.text === undefined) {
        for (const p of decoded.problems)
          problems.push({
            file: display,
            problem: {
              ...p,
              message: `${p.message.replace(/; (a model must be UTF-8 YAML text|save it as UTF-8)\.?$/, '')}; skipped.`,
              range: at0,
            },
          });
        continue;
      }
      files.push(new EvidenceFile(display, decoded.text));
    }
  }
  options.onProgress?.(seen);
  return { files, problems, seen };
}

function describe(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

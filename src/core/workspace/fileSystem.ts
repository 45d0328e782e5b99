/**
 * The file-system surface the core's model workspace reads through: stat, read, list (and
 * `exists`, built on stat). Async and path-based so the CLI (`node:fs`), the extension
 * (`vscode.workspace.fs`, which also serves virtual and browser workspaces) and tests (an
 * in-memory map) plug in the same way. Paths are absolute and `/`-separated (`/repo/a.mltm.yaml`,
 * `C:/repo/a.mltm.yaml`); adapters convert at their edge.
 */
import { decodeUtf8, DEFAULT_READ_LIMITS } from '../parse/source';
import { problem, type Problem } from '../problems';

/** What a path names. `other`: a device, a pipe, a socket — never read as a file. */
export type EntryKind = 'file' | 'directory' | 'other';

export interface FileStat {
  readonly kind: EntryKind;
  /** Size in bytes (files). */
  readonly size: number;
  /** For `other`: what it is, in words ("a named pipe (FIFO)"), when the file system can tell. */
  readonly what?: string;
}

/** The one message for a path that is not a regular file (CLI reader and model workspace alike). */
export function notRegularFileMessage(label: string, what: string | undefined): string {
  return `\`${label}\` is ${what ?? 'not a regular file'}, not a regular file; mltm reads only regular files.`;
}

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

export interface WorkspaceFileSystem {
  /** What is at `path` (links followed), or undefined when nothing is. Never rejects. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The bytes of a file; rejects with an Error whose message says why in a few words. */
  readFile(path: string): Promise<Uint8Array>;
  /** The entries of a folder, in any order; rejects when it cannot be listed. */
  readDirectory(path: string): Promise<readonly DirectoryEntry[]>;
}

/** Whether anything (file, folder or other) is at `path`. */
export async function exists(fs: WorkspaceFileSystem, path: string): Promise<boolean> {
  return (await fs.stat(path)) !== undefined;
}

/** A text read through a {@link WorkspaceFileSystem}: the text, or located problems saying why not. */
export interface TextReadResult {
  readonly text?: string;
  /** When `text` is absent because the bytes are not UTF-8: a lossy text to locate the problem in. */
  readonly locatingText?: string;
  readonly problems: Problem[];
}

const AT_START = { start: 0, end: 0 } as const;

/**
 * Reads a user file as UTF-8 with the parser's guarantees: a folder, a special file, a missing
 * or oversized file or bad bytes each give a located problem, never a throw. `maxLength` is the
 * parser's limit for this kind of file; a file over four bytes per allowed character is refused
 * before it is read (UTF-8 takes at least one byte per UTF-16 unit). Messages name the file
 * `label` (the path by default).
 */
export async function readTextFile(
  fs: WorkspaceFileSystem,
  path: string,
  maxLength: number = DEFAULT_READ_LIMITS.maxLength,
  label: string = path,
): Promise<TextReadResult> {
  const stat = await fs.stat(path);
  if (!stat)
    return { problems: [problem('MLTM007', `Cannot read \`${label}\`: no such file.`, AT_START)] };
  if (stat.kind === 'directory')
    return { problems: [problem('MLTM012', `\`${label}\` is a folder, not a file.`, AT_START)] };
  if (stat.kind === 'other')
    return {
      problems: [problem('MLTM013', notRegularFileMessage(label, stat.what), AT_START)],
    };
  if (stat.size > maxLength * 4)
    return {
      problems: [
        problem(
          'MLTM007',
          `\`${label}\` is ${(stat.size / 1048576).toFixed(1)} MB; mltm reads files up to ${(maxLength / 1048576).toFixed(1)} MB.`,
          AT_START,
        ),
      ],
    };
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    return {
      problems: [
        problem(
          'MLTM007',
          `Cannot read \`${label}\`: ${error instanceof Error ? error.message : String(error)}.`,
          AT_START,
        ),
      ],
    };
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.text !== undefined) return { text: decoded.text, problems: [] };
  return {
    problems: decoded.problems,
    ...(decoded.locatingText !== undefined && { locatingText: decoded.locatingText }),
  };
}

/**
 * The CLI's contact with the outside world: reading files (bytes → checked UTF-8), printing
 * problems in the `file:line:col: severity CODE message` form editors and CI annotate, and the
 * exit codes every command shares.
 */
import { notRegularFileMessage } from '../core/workspace/fileSystem';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { decodeUtf8, DEFAULT_READ_LIMITS } from '../core/parse/source';
import { problem, type Problem } from '../core/problems';
import { inert } from '../core/util/inert';
import { LineIndex } from '../core/util/lineIndex';

/** Exit codes shared by every command (in their own module, so `main.ts` loads no I/O code). */
export { EXIT } from './exit';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Working directory for relative paths. */
  readonly cwd: string;
  /** "Today" for anything date-dependent (expired acceptances); fixed in tests. */
  readonly today?: string;
}

export interface ReadFileResult {
  readonly text?: string;
  /** When `text` is absent because the bytes are not UTF-8: a lossy text to locate the problem in. */
  readonly locatingText?: string;
  readonly problems: Problem[];
}

/**
 * Reads a user file with the same guarantees as the parser: no crash, no hang, a located problem.
 * `maxLength` is the parser's limit for this kind of file (registers read up to
 * `REGISTER_READ_LIMITS.maxLength`, every other file up to the default).
 *
 * Only regular files are read (after following links): a device (`/dev/zero`), a FIFO, a socket
 * or a folder is refused before it is opened for reading, so nothing blocks or reads without end.
 * The file is then opened without blocking, checked again on the open descriptor (it may have been
 * swapped), and read in bounded chunks: the cap counts the bytes actually read, not `stat`'s size.
 * Every model, register, rule pack and `--atlas` file the CLI reads comes through here.
 */
export function readUserFile(
  path: string,
  maxLength: number = DEFAULT_READ_LIMITS.maxLength,
): ReadFileResult {
  const refuse = (
    message: string,
    code: 'MLTM007' | 'MLTM012' | 'MLTM013' = 'MLTM007',
  ): ReadFileResult => ({
    problems: [problem(code, message, { start: 0, end: 0 })],
  });
  // UTF-8 takes at least one byte per UTF-16 unit, so a file over 4× the limit in bytes is over it
  // in text too.
  const byteLimit = maxLength * 4;
  const tooLarge = (size: number) =>
    refuse(
      `\`${path}\` is ${size > byteLimit ? 'over ' : ''}${(size / 1048576).toFixed(1)} MB; mltm reads files up to ${(maxLength / 1048576).toFixed(1)} MB.`,
    );
  let fd: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return refuse(`\`${path}\` is a folder, not a file.`, 'MLTM012');
    if (!stats.isFile()) return refuse(notRegular(path, stats), 'MLTM013');
    // Refuse before reading: a multi-gigabyte file must not be loaded to be rejected.
    if (stats.size > byteLimit) return tooLarge(stats.size);
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return refuse(`Cannot read \`${path}\`: ${describeFsError(error)}.`);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return refuse(notRegular(path, opened), 'MLTM013');
    const read = readBoundedBytes(fd, byteLimit);
    if (read.bytes === undefined) return tooLarge(byteLimit + 1);
    const decoded = decodeUtf8(read.bytes);
    if (decoded.text !== undefined) return { text: decoded.text, problems: [] };
    return {
      problems: decoded.problems,
      ...(decoded.locatingText !== undefined && { locatingText: decoded.locatingText }),
    };
  } catch (error) {
    return refuse(`Cannot read \`${path}\`: ${describeFsError(error)}.`);
  } finally {
    closeSync(fd);
  }
}

function notRegular(path: string, stats: Stats): string {
  return notRegularFileMessage(path, specialFileKind(stats));
}

/** What a special file is, in words, for messages. */
export function specialFileKind(stats: Stats): string | undefined {
  return stats.isFIFO()
    ? 'a named pipe (FIFO)'
    : stats.isCharacterDevice()
      ? 'a character device'
      : stats.isBlockDevice()
        ? 'a block device'
        : stats.isSocket()
          ? 'a socket'
          : undefined;
}

/**
 * Reads at most `limit` bytes from `fd` in chunks; `bytes` is undefined (and `tooLarge` true) when
 * there was more. `read` is `fs.readSync`'s shape (a seam for tests: a file that never ends).
 */
export function readBoundedBytes(
  fd: number,
  limit: number,
  read: (
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ) => number = readSync,
): { bytes?: Uint8Array; tooLarge: boolean } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.min(1 << 20, limit + 1 - total));
    const count = read(fd, chunk, 0, chunk.length, null);
    if (count <= 0) break;
    chunks.push(chunk.subarray(0, count));
    total += count;
    if (total > limit) return { tooLarge: true };
  }
  return { bytes: Buffer.concat(chunks, total), tooLarge: false };
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

/** A problem located for humans and machines. */
export interface LocatedProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Problem['severity'];
  readonly code: string;
  readonly message: string;
}

export function locate(
  file: string,
  text: string | undefined,
  problems: readonly Problem[],
  index = new LineIndex(text ?? ''),
): LocatedProblem[] {
  return problems.map((p) => {
    const start = index.position(p.range.start);
    const end = index.position(p.range.end);
    return {
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      severity: p.severity,
      code: p.code,
      message: p.message,
    };
  });
}

/** `file:line:col: severity CODE message`, the form editors and CI annotators parse. */
export function formatProblemLine(p: LocatedProblem): string {
  // The file name and message are inert: one problem is always exactly one line.
  return `${inert(p.file)}:${p.line}:${p.column}: ${p.severity} ${p.code} ${inert(p.message.replace(/\s*\n\s*/g, ' '))}`;
}

/** Counts of problems by severity, for summaries. */
export function countBySeverity(
  problems: readonly { severity: Problem['severity'] }[],
): Record<Problem['severity'], number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity]++;
  return counts;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A path as the user will recognise it: relative to the working folder when inside it. */
export function displayPath(cwd: string, path: string): string {
  // A relative `path` is relative to `cwd` (not to the process's folder, which tests and the
  // extension do not change).
  const inside = relative(cwd, resolve(cwd, path));
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

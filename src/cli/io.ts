/**
 * The CLI's contact with the outside world: reading files (bytes → checked UTF-8), printing
 * problems in the `file:line:col: severity CODE message` form editors and CI annotate, and the
 * exit codes every command shares.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { decodeUtf8, DEFAULT_READ_LIMITS } from '../core/parse/source';
import { problem, type Problem } from '../core/problems';
import { inert } from '../core/util/inert';
import { LineIndex } from '../core/util/lineIndex';

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The command ran and found what it gates on (errors, threats above a severity). */
  findings: 1,
  /** Bad usage or unreadable / invalid input. */
  usage: 2,
} as const;

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
 * Reads a user file with the same guarantees as the parser: no crash, a located problem.
 * `maxLength` is the parser's limit for this kind of file (registers read up to
 * `REGISTER_READ_LIMITS.maxLength`, every other file up to the default).
 */
export function readUserFile(
  path: string,
  maxLength: number = DEFAULT_READ_LIMITS.maxLength,
): ReadFileResult {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory())
      return {
        problems: [
          problem('MLTM007', `\`${path}\` is a folder, not a file.`, { start: 0, end: 0 }),
        ],
      };
    size = stats.size;
  } catch (error) {
    return {
      problems: [
        problem('MLTM007', `Cannot read \`${path}\`: ${describeFsError(error)}.`, {
          start: 0,
          end: 0,
        }),
      ],
    };
  }
  // Refuse before reading: a multi-gigabyte file must not be loaded to be rejected. UTF-8 takes at
  // least one byte per UTF-16 unit, so a file over 4× the limit in bytes is over it in text too.
  if (size > maxLength * 4) {
    return {
      problems: [
        problem(
          'MLTM007',
          `\`${path}\` is ${(size / 1048576).toFixed(1)} MB; mltm reads files up to ${(maxLength / 1048576).toFixed(1)} MB.`,
          { start: 0, end: 0 },
        ),
      ],
    };
  }
  try {
    const bytes = readFileSync(path);
    const decoded = decodeUtf8(bytes);
    if (decoded.text !== undefined) return { text: decoded.text, problems: [] };
    return {
      problems: decoded.problems,
      ...(decoded.locatingText !== undefined && { locatingText: decoded.locatingText }),
    };
  } catch (error) {
    return {
      problems: [
        problem('MLTM007', `Cannot read \`${path}\`: ${describeFsError(error)}.`, {
          start: 0,
          end: 0,
        }),
      ],
    };
  }
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

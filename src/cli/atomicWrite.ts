/**
 * Writing a user's file without ever leaving it half-written: the new text goes to a temporary
 * file beside it, is flushed to disk, then renamed over the original (atomic on POSIX and on
 * NTFS for same-volume renames). If any step fails the temporary file is removed and the
 * original is untouched. If the original changed since it was read, nothing is written.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class ConcurrentEditError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} changed while mltm was working on it; nothing was written. Run the command again.`,
    );
  }
}

/** The file-system steps of an atomic write; tests replace one to simulate a crash mid-write. */
export interface AtomicWriteFs {
  readFileSync(path: string, encoding: 'utf8'): string;
  openSync(path: string, flags: string, mode: number): number;
  writeSync(fd: number, text: string, position: number, encoding: 'utf8'): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

const NODE_FS: AtomicWriteFs = {
  readFileSync: (path, encoding) => fs.readFileSync(path, encoding),
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  writeSync: (fd, text, position, encoding) => fs.writeSync(fd, text, position, encoding),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (path) => fs.unlinkSync(path),
};

/** The temporary file's name pattern (hidden, beside the target), so tests and users can spot leftovers. */
export function isAtomicTemporary(name: string, target: string): boolean {
  return name.startsWith(`.${basename(target)}.`) && name.endsWith('.tmp');
}

/**
 * Atomically replaces `path` with `text`. `expected` is the content the change was computed
 * from (undefined when the file did not exist); a mismatch aborts with {@link ConcurrentEditError}.
 * Any failure is rethrown after the temporary file is removed; the original stays as it was.
 */
export function writeFileAtomic(
  path: string,
  text: string,
  expected: string | undefined,
  io: AtomicWriteFs = NODE_FS,
): void {
  let now: string | undefined;
  try {
    now = io.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  if (now !== expected) throw new ConcurrentEditError(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let descriptor: number | undefined;
  let created = false;
  try {
    descriptor = io.openSync(temporary, 'wx', 0o644);
    created = true;
    io.writeSync(descriptor, text, 0, 'utf8');
    io.fsyncSync(descriptor);
    io.closeSync(descriptor);
    descriptor = undefined;
    io.renameSync(temporary, path);
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        io.closeSync(descriptor);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    if (created) {
      try {
        io.unlinkSync(temporary);
      } catch {
        // The rename may have happened before the failure; then there is nothing to remove.
      }
    }
    throw error;
  }
}

/**
 * Writing a user's file without ever leaving it half-written: the new text goes to a temporary
 * file beside it, is flushed to disk, then renamed over the original (atomic on POSIX and on
 * NTFS for same-volume renames). If the original changed since it was read, nothing is written.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class ConcurrentEditError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while mltm was working on it; nothing was written. Run the command again.`);
  }
}

/**
 * Atomically replaces `path` with `text`. `expected` is the content the change was computed
 * from (undefined when the file did not exist); a mismatch aborts with {@link ConcurrentEditError}.
 */
export function writeFileAtomic(path: string, text: string, expected: string | undefined): void {
  let now: string | undefined;
  try {
    now = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  if (now !== expected) throw new ConcurrentEditError(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx', 0o644);
    writeSync(descriptor, text, 0, 'utf8');
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    try {
      unlinkSync(temporary);
    } catch {
      // The temporary file may not exist; nothing else to clean up.
    }
    throw error;
  }
}

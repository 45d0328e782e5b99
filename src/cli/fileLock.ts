/**
 * One writer at a time per file: `mltm sync`, `triage` and `rename` hold a lock file beside the
 * register (and the model, for rename) from reading it to writing it, so two runs at once queue
 * instead of one silently dropping the other's decision: the second reads the text the first
 * wrote and applies its change on top. A writer that does not take the lock (an editor saving,
 * a person) is still caught by the writer's concurrent-edit check, and the command exits 2.
 *
 * The lock is `.<name>.lock` beside the real file (links followed, so every name of the file shares
 * it), created exclusively, holding `<pid> <ms since epoch>`. A lock whose process no longer runs,
 * or older than {@link STALE_LOCK_MS} (a crashed run on another machine sharing the folder), is
 * stale and taken over. Waiting is bounded ({@link LOCK_WAIT_MS}); then the command says who holds
 * the lock and how to clear it.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive, resolveWritePath } from './atomicWrite';

/** How long a command waits for another mltm to finish with the file. */
export const LOCK_WAIT_MS = 30_000;
/** A lock older than this is stale even if its pid runs (pids are per machine). */
export const STALE_LOCK_MS = 120_000;

export class LockError extends Error {}

/** The lock file of `path`: `.<name>.lock` beside the file the path resolves to. */
export function lockPathFor(path: string): string {
  const target = resolveWritePath(path);
  return join(dirname(target), `.${basename(target)}.lock`);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function readLock(lock: string): { text: string; pid?: number; since?: number } | undefined {
  try {
    const text = fs.readFileSync(lock, 'utf8');
    const match = /^(\d+) (\d+)\n?$/.exec(text);
    if (match) return { text, pid: Number(match[1]), since: Number(match[2]) };
    // Created but not yet written by its owner, or garbage: its age is the file's.
    return { text, since: fs.statSync(lock).mtimeMs };
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Takes the lock of `path` (waiting for another holder), or throws a {@link LockError}. */
export function acquireLock(
  path: string,
  options: { waitMs?: number; staleMs?: number } = {},
): () => void {
  const lock = lockPathFor(path);
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  const staleMs = options.staleMs ?? STALE_LOCK_MS;
  const mine = `${process.pid} ${Date.now()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        // Only our own lock is removed (a takeover after we stalled must not lose its lock).
        if (readLock(lock)?.text === mine) fs.rmSync(lock, { force: true });
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EEXIST')
        throw new LockError(
          `cannot create the lock file ${lock} (${code ?? String(error)}); nothing was written.`,
        );
    }
    const held = readLock(lock);
    if (held === undefined) continue;
    const stale =
      (held.pid !== undefined && !processAlive(held.pid)) ||
      (held.since !== undefined && Date.now() - held.since > staleMs);
    if (stale) {
      // Re-read just before removing: another process may have taken the stale lock over already.
      if (readLock(lock)?.text === held.text) fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw new LockError(
        `another mltm (process ${held.pid ?? 'unknown'}) has been updating it since ${new Date(held.since ?? Date.now()).toISOString()}; nothing was written. If no mltm is running, delete ${lock}.`,
      );
    sleep(Math.min(50, 2 + attempt * 2) + Math.random() * 5);
  }
}

/** Runs `work` holding the locks of `paths` (taken in order, released in reverse). */
export function withFileLocks<T>(paths: readonly string[], work: () => T): T {
  const releases: (() => void)[] = [];
  try {
    for (const path of paths) releases.push(acquireLock(path));
    return work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

/**
 * Background work yields the CPU to the editor. A worker thread that analyses a large model
 * competes, on a machine with few cores, with what the person is waiting for: VS Code tokenising
 * and drawing the file just opened, applying each keystroke. On Linux a thread has its own id
 * (`/proc/thread-self`) and `setpriority` applies to that thread alone, so the worker lowers its
 * own priority and the editor's threads run first; the analysis takes what is left. Elsewhere
 * (Windows and macOS set priorities per process) nothing changes.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The niceness a background thread takes: below normal, above idle-only work. */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the calling worker thread's CPU priority; whether it did. Never the process's main
 * thread (its id is the process id), so the extension host itself is never slowed.
 */
export function lowerThisThreadPriority(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "<pid>/task/<tid>": the link names the calling thread.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, BACKGROUND_NICENESS);
    return true;
  } catch {
    // No /proc (a sandbox), or the call is refused: the thread keeps its priority.
    return false;
  }
}

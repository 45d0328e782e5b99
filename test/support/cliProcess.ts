/**
 * Runs the `mltm` CLI from source in a child process (tsx), for what an in-process run cannot
 * show: a file-size limit (`ulimit -f`), a FIFO that would block the whole process, a real
 * `/dev/stdout`, and several writers at once. `mltmFromSource.ts` is the child's entry.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');
export const CHILD_ENTRY = join(__dirname, 'mltmFromSource.ts');
/** `node` arguments that load the sources the way the unit tests do. */
export const NODE_ARGS = [
  // By absolute URL: the child runs in a temporary folder, where `tsx` does not resolve.
  '--import',
  pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href,
  '--require',
  join(ROOT, 'test', 'setup', 'yaml-text.cjs'),
] as const;

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The run was killed after `timeoutMs` (it hung). */
  readonly timedOut: boolean;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `mltm <args>` in `cwd` in a child; `shellPrefix` (e.g. `ulimit -f 4;`) runs before it in bash,
 * `shellSuffix` (e.g. ` | cat`) after it.
 * Never hangs the test run: the child is killed after `timeoutMs`.
 */
export function mltmProcess(
  args: readonly string[],
  cwd: string,
  options: { shellPrefix?: string; shellSuffix?: string; timeoutMs?: number } = {},
): ProcessRun {
  const command = [process.execPath, ...NODE_ARGS, CHILD_ENTRY, ...args].map(shellQuote).join(' ');
  const line = options.shellSuffix
    ? `${options.shellPrefix ?? ''} ${command}${options.shellSuffix}`
    : `${options.shellPrefix ?? ''} exec ${command}`;
  const result = spawnSync('bash', ['-c', `set -o pipefail; ${line}`], {
    cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, MLTM_TODAY: '2026-01-01' },
  });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    timedOut: (result.error as { code?: string } | undefined)?.code === 'ETIMEDOUT',
  };
}

/**
 * Starts a FIFO's reader (`cat <fifo> > <into>`, so nothing waits on this process's pipes while a
 * synchronous run blocks it); the promise resolves when the reader ends.
 */
export function readFifoInto(fifo: string, into: string): Promise<void> {
  return new Promise((resolveRead, reject) => {
    const reader = spawn('bash', ['-c', `cat ${shellQuote(fifo)} > ${shellQuote(into)}`], {
      stdio: 'ignore',
    });
    reader.on('error', reject);
    reader.on('close', () => resolveRead());
  });
}

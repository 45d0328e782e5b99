/**
 * Runs the `mltm` CLI in-process through `runCli` (the code path of the binary) with captured
 * output, so CLI tests assert exactly what a user sees without spawning a process per case.
 */
import { runCli } from '../../../src/cli/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mltm <args…>` in `cwd` and returns the exit code and both streams. */
export async function mltm(args: readonly string[], cwd = process.cwd()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd,
    today: '2026-01-01',
  });
  return { code, stdout, stderr };
}

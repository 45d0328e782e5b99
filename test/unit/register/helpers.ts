/**
 * Shared fixtures for the register tests: a small model with threats on components and flows,
 * temporary folders, and the real CLI run in-process on them (same code path as `mltm`).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type LoadedAnalysis } from '../../../src/core/analysis';
import { loaded } from '../../support/analysis';
import { runCli } from '../../../src/cli/main';
import type { Problem } from '../../../src/core/problems';
import { loadRegister, type RegisterLoadResult } from '../../../src/core/register/register';
import { syncRegister, type SyncOptions } from '../../../src/core/register/sync';

export const TODAY = '2026-11-25';

/** A model with threats on three components and two flows (one explicit id, one derived). */
export const MODEL = `mltm: 1
name: Test pipeline
boundaries:
  internet: { name: Internet, trust: untrusted }
  platform: { name: Platform, trust: trusted }
data:
  weights: { classification: confidential }
components:
  client: { kind: external_client, boundary: internet }
  api: { kind: serving_endpoint, boundary: platform, controls: [authn] }
  registry: { kind: model_registry, boundary: platform }
flows:
  - { id: query, from: client, to: api, protocol: https }
  - { from: registry, to: api, data: [weights] }
`;

export const OPTIONS: SyncOptions = { today: TODAY, modelFile: 'm.mltm.yaml' };

/** Analyses model text, failing the test if the model has errors (a broken fixture). */
export function analyzed(text: string): LoadedAnalysis {
  const analysis = loaded(analyze(text));
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new Error(`fixture model has errors: ${errors.map((p) => p.message).join('; ')}`);
  return analysis;
}

/** Syncs and returns the text, failing when sync refuses. */
export function synced(
  registerText: string | undefined,
  modelText: string,
  options: Partial<SyncOptions> = {},
): string {
  const result = syncRegister(registerText, analyzed(modelText), { ...OPTIONS, ...options });
  if (!result.ok)
    throw new Error(
      `sync refused: ${result.problems.map((p) => `${p.code} ${p.message}`).join('; ')}`,
    );
  return result.text;
}

/** Loads a register text, failing the test when it gives no register (with the problems why). */
export function loadedRegister(
  text: string,
): RegisterLoadResult & { register: NonNullable<RegisterLoadResult['register']> } {
  const loaded = loadRegister(text);
  if (!loaded.register)
    throw new Error(`register does not load: ${JSON.stringify(loaded.problems)}`);
  return { ...loaded, register: loaded.register };
}

/** Problems as a person sees them in `text`: `[code, the text the problem's range covers]`. */
export function coveredTexts(text: string, problems: readonly Problem[]): [string, string][] {
  return problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]);
}

/** A fresh temporary folder; remove it with {@link removeTemp}. */
export function tempDir(prefix = 'mltm-register-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes files into a folder (name → text). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, 'utf8');
}

/** Files in a folder, sorted: to prove no temporary file was left behind. */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mltm <args>` in-process with `cwd` and a fixed today. */
export async function mltm(args: readonly string[], cwd: string, today = TODAY): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd,
    today,
  });
  return { code, stdout, stderr };
}

/**
 * Microsoft's SARIF Multitool (the devDependency `@microsoft/sarif-multitool`, a self-contained
 * binary), the validator GitHub code scanning's rules follow: one place for every test that asks
 * it whether a SARIF log is acceptable.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Multitool's binary; npm may have skipped the postinstall that marks it executable. */
export function multitool(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package exports the binary's path
  const binary = require('@microsoft/sarif-multitool') as string;
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
  return binary;
}

/** What `sarif-multitool validate` reports about a SARIF file: an empty list when it accepts it. */
export function multitoolFindings(sarifFile: string): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'mltm-multitool-'));
  try {
    const log = join(dir, 'validation.sarif');
    execFileSync(multitool(), ['validate', sarifFile, '--output', log], { stdio: 'pipe' });
    const validation = JSON.parse(readFileSync(log, 'utf8')) as { runs: { results?: unknown[] }[] };
    return validation.runs[0]?.results ?? [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

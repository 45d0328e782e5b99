/**
 * Golden files: `assertGolden(name, actual)` compares `actual` with `test/golden/<name>`; run
 * with `UPDATE_GOLDEN=1` to (re)write the files, then review the diff like any other change.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// mocha runs from the repository root (package.json scripts, .mocharc.json).
const GOLDEN_DIR = join(process.cwd(), 'test', 'golden');

export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `missing golden file test/golden/${name}; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from test/golden/${name}; run with UPDATE_GOLDEN=1 if the change is intended`);
}

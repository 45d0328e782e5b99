/**
 * Golden files: what users see (reports, registers) compared byte for byte against a committed
 * file under `test/golden/<name>`. Run with `UPDATE_GOLDEN=1` to (re)write the files after an
 * intended change, then review the diff in git like any other change. A missing golden file is a
 * failure unless updating, so a new golden test cannot pass silently.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Folder of the golden files. */
export const GOLDEN_DIR = join(__dirname, '..', 'golden');

/** Whether this run rewrites golden files instead of comparing (`UPDATE_GOLDEN=1`). */
export const UPDATING_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/**
 * Asserts that `actual` equals `test/golden/<name>` (a relative path, e.g. `register/commented.threats.yaml`).
 * With `UPDATE_GOLDEN=1` writes `actual` there instead.
 */
export function assertGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (UPDATING_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual, 'utf8');
    return;
  }
  assert.ok(
    existsSync(file),
    `golden file test/golden/${name} is missing; run with UPDATE_GOLDEN=1 to create it, then review it`,
  );
  const expected = readFileSync(file, 'utf8');
  assert.equal(
    actual,
    expected,
    `output differs from test/golden/${name} (run with UPDATE_GOLDEN=1 to accept an intended change)`,
  );
}

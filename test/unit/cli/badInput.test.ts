/**
 * Hostile and broken files through `mltm validate` (the CLI code path, from bytes on disk):
 * each yields its code at the expected line and column, exit code 1, no crash, and finishes
 * within a generous sanity bound in time and memory. Small fixtures are committed under
 * test/fixtures/bad/; the 10 MB file is generated here, never committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mltm } from './run';

const FIXTURES = 'test/fixtures/bad';

/** Sanity bounds, far above normal (tens of ms); they catch hangs and blow-ups, not slowness. */
const MAX_MS = 5000;
const MAX_HEAP_GROWTH_MB = 200;

// file → [code, line:col, message substance]
const CASES: [string, string, string, RegExp][] = [
  ['syntax-error.mltm.yaml', 'MLTM001', '5:3', /YAML syntax error: flow map .* end with a \}/],
  ['tab-indent.mltm.yaml', 'MLTM001', '4:1', /must use spaces, not tabs/],
  ['duplicate-keys.mltm.yaml', 'MLTM002', '6:3', /Duplicate key `scorer`/],
  ['deep-lists.mltm.yaml', 'MLTM009', '4:129', /Nesting deeper than 64 levels/],
  ['alias-bomb.mltm.yaml', 'MLTM003', '4:10', /alias bomb/],
  ['merge-conflict.mltm.yaml', 'MLTM004', '5:1', /unresolved merge-conflict markers/],
  ['binary.mltm.yaml', 'MLTM005', '1:1', /binary file \(a NUL byte at offset 8\)/],
  ['non-utf8.mltm.yaml', 'MLTM005', '2:10', /not valid UTF-8 \(first invalid byte at offset 17\)/],
  ['empty.mltm.yaml', 'MLTM006', '1:1', /The model is empty/],
  ['comments-only.mltm.yaml', 'MLTM006', '1:1', /The model is empty/],
  ['wrong-version.mltm.yaml', 'MLTM008', '2:7', /format version 2; this mltm reads version 1/],
  ['deep-nesting.mltm.yaml', 'MLTM009', '3:72', /Nesting deeper than 64 levels/],
  ['multiple-documents.mltm.yaml', 'MLTM010', '5:1', /more than one YAML document/],
  ['not-a-mapping.mltm.yaml', 'MLTM011', '1:1', /this file holds a list/],
];

async function validateBounded(file: string) {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const run = await mltm(['validate', file]);
  const elapsed = performance.now() - started;
  const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  assert.ok(elapsed < MAX_MS, `took ${elapsed.toFixed(0)} ms`);
  assert.ok(growthMb < MAX_HEAP_GROWTH_MB, `heap grew ${growthMb.toFixed(0)} MB`);
  return run;
}

describe('mltm validate: bad input', () => {
  for (const [name, code, at, message] of CASES) {
    it(`${name} → ${code} at ${at}`, async () => {
      const file = `${FIXTURES}/${name}`;
      const run = await validateBounded(file);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.equal(lines.length, 1, `one problem expected:\n${run.stdout}`);
      const [line] = lines;
      assert.ok(line?.startsWith(`${file}:${at}: error ${code} `), line);
      assert.match(line ?? '', message);
      assert.doesNotMatch(run.stderr, /unexpected failure|at .*\.ts:\d+/);
    });
  }

  describe('generated large files', () => {
    let folder = '';
    before(() => {
      folder = mkdtempSync(join(tmpdir(), 'mltm-bad-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('a 10 MB model → MLTM007 at 1:1', async () => {
      const file = join(folder, 'huge.mltm.yaml');
      const row = '  c%: { kind: data_store, description: "' + 'x'.repeat(60) + '" }\n';
      const rows: string[] = ['mltm: 1\nname: huge\ncomponents:\n'];
      let size = rows[0]?.length ?? 0;
      for (let i = 0; size < 10 * 1024 * 1024; i++) {
        const next = row.replace('%', String(i));
        rows.push(next);
        size += next.length;
      }
      writeFileSync(file, rows.join(''));
      const run = await validateBounded(file);
      assert.equal(run.code, 1);
      assert.match(
        run.stdout,
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error MLTM007 The model is 10\\.0 MB; mltm reads files up to 5\\.0 MB\\.`,
        ),
      );
    });

    it('a mapping of 30,000 keys with a duplicate at the end → MLTM002 at its line, within the bound', async () => {
      // Regression: the YAML library's duplicate-key check is quadratic (about half a minute for this file, over a minute for 50,000 keys).
      const file = join(folder, 'wide.mltm.yaml');
      const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: ${i}\n`).join('');
      writeFileSync(
        file,
        `mltm: 1\nname: wide\nx-wide:\n${keys}  k7: again\ncomponents:\n  a: { kind: user }\n`,
      );
      const run = await validateBounded(file);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /:30004:3: error MLTM002 Duplicate key `k7`: /);
    });

    it('5,000 nested lists on one line → MLTM009, not a stack overflow', async () => {
      const file = join(folder, 'deep-lists.mltm.yaml');
      writeFileSync(
        file,
        'mltm: 1\nname: deep\nx-deep:\n  ' +
          '- '.repeat(5000) +
          '1\ncomponents:\n  a: { kind: user }\n',
      );
      const run = await validateBounded(file);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /:4:129: error MLTM009 Nesting deeper than 64 levels/);
    });

    it('a missing file → MLTM007, exit 1, no crash', async () => {
      const run = await validateBounded(join(folder, 'nope.mltm.yaml'));
      assert.equal(run.code, 1);
      assert.match(
        run.stdout,
        /:1:1: error MLTM007 Cannot read `.*nope\.mltm\.yaml`: no such file\./,
      );
    });

    it('a folder → MLTM012 (its own code, not "file too large")', async () => {
      const run = await validateBounded(folder);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /:1:1: error MLTM012 `.*` is a folder, not a file\.\n/);
      assert.doesNotMatch(run.stdout, /MLTM007/);
    });
  });
});

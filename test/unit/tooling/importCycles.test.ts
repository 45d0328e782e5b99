/**
 * The import-cycle check of `npm run lint` (`scripts/check-import-cycles.mjs`) on small fixture
 * projects: it fails on a cycle of any import form — type-only ones included — names the loop,
 * and passes a project without one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'check-import-cycles.mjs');

function check(files: Record<string, string>): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mltm-cycles-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs' }, include: ['*.ts'] }),
    );
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const run = spawnSync(process.execPath, [SCRIPT, '--root', dir], { encoding: 'utf8' });
    return { code: run.status, out: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import-cycle check (npm run lint)', () => {
  it('passes a project without a cycle', () => {
    const result = check({
      'a.ts': "import { b } from './b';\nexport const a = b + 1;\n",
      'b.ts': 'export const b = 1;\n',
    });
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /No import cycles among 2 files/);
  });

  it('fails on a cycle made only of type imports, and names the loop', () => {
    const result = check({
      'a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
      'b.ts': "export type { A } from './a';\nexport interface B { n: number }\n",
    });
    assert.equal(result.code, 1, result.out);
    assert.match(result.out, /Import cycles \(type-only imports included\): 1\./);
    assert.match(result.out, /a\.ts → b\.ts → a\.ts/);
  });

  it("fails on a cycle through an `import('…')` type and a three-file loop", () => {
    const result = check({
      'a.ts': "export type A = import('./b').B;\n",
      'b.ts': "import { c } from './c';\nexport type B = typeof c;\n",
      'c.ts': "import type { A } from './a';\nexport const c: A | undefined = undefined;\n",
    });
    assert.equal(result.code, 1, result.out);
    assert.match(result.out, /a\.ts → b\.ts → c\.ts → a\.ts/);
  });
});

/**
 * `scripts/build.mjs` fails loudly when an entry point is missing (it used to skip a missing
 * worker or webview silently and ship a dist/ without it), and touches nothing when it does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('build (scripts/build.mjs)', () => {
  it('refuses with every missing entry point named, before touching dist/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mltm-build-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      cpSync(join(ROOT, 'scripts', 'build.mjs'), join(dir, 'scripts', 'build.mjs'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      // Every entry but the webview and the analysis worker.
      for (const entry of [
        'src/extension/extension.ts',
        'src/cli/main.ts',
        'src/cli/actionEntry.ts',
        'src/extension/layoutWorker.ts',
        'bench/bench.ts',
        'test/vscode/index.ts',
      ]) {
        mkdirSync(join(dir, entry, '..'), { recursive: true });
        writeFileSync(join(dir, entry), 'export {};\n');
      }
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'kept.txt'), 'old build');
      const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.equal(
        run.stderr.trim(),
        'build: 2 entry points are missing: src/extension/analysisWorker.ts, webview/main.ts. Restore them, or update the targets in scripts/build.mjs.',
      );
      assert.ok(existsSync(join(dir, 'dist', 'kept.txt')), 'dist/ untouched');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

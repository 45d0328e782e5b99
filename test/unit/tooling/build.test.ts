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
      cpSync(join(ROOT, 'scripts', 'lib'), join(dir, 'scripts', 'lib'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      // Every entry but the webview and the analysis worker.
      for (const entry of [
        'src/extension/extension.ts',
        'src/cli/main.ts',
        'src/cli/actionEntry.ts',
        'src/extension/layoutWorker.ts',
        'src/extension/workers/webLayoutWorker.ts',
        'src/extension/workers/webAnalysisWorker.ts',
        'bench/bench.ts',
        'bench/phases.ts',
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

  it('refuses a Node built-in on the browser path (package.json "browser"), naming the importer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mltm-build-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      cpSync(join(ROOT, 'scripts', 'build.mjs'), join(dir, 'scripts', 'build.mjs'));
      cpSync(join(ROOT, 'scripts', 'lib'), join(dir, 'scripts', 'lib'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      for (const entry of [
        'src/cli/main.ts',
        'src/cli/actionEntry.ts',
        'src/extension/layoutWorker.ts',
        'src/extension/analysisWorker.ts',
        'src/extension/workers/webLayoutWorker.ts',
        'src/extension/workers/webAnalysisWorker.ts',
        'bench/bench.ts',
        'bench/phases.ts',
        'test/vscode/index.ts',
        'webview/main.ts',
      ]) {
        mkdirSync(join(dir, entry, '..'), { recursive: true });
        writeFileSync(join(dir, entry), 'export {};\n');
      }
      // Fine for the desktop bundle, fatal for the web worker extension host.
      writeFileSync(
        join(dir, 'src/extension/extension.ts'),
        "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      );
      const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.notEqual(run.status, 0, 'the build must fail');
      assert.match(
        run.stderr,
        /the browser build may not use the Node built-in "node:fs" \(imported by src\/extension\/extension\.ts\)/,
      );
      assert.ok(!existsSync(join(dir, 'dist', 'web', 'extension.js')), 'no browser bundle written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

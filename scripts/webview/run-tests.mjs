// Webview tests in real Chromium: bundles test/webview/suite.ts (which imports the real core to
// compute each example's scene) into one node script and runs it. Needs `node scripts/build.mjs`
// first (the suite loads dist/webview). Writes {passed, failed, failures} to $MLTM_COUNTS_FILE.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'test-results/webview');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'suite.cjs');
await esbuild.build({
  entryPoints: [join(root, 'test/webview/suite.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['playwright-core'],
  loader: { '.yaml': 'text' },
  absWorkingDir: root,
  nodePaths: [join(root, 'node_modules')],
});
const result = spawnSync(process.execPath, ['--enable-source-maps', outfile], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MLTM_ROOT: root, NODE_PATH: join(root, 'node_modules') },
});
process.exitCode = result.status ?? 1;

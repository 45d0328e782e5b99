// Bundles every runtime target with esbuild: the extension host (node, cjs, `vscode` external),
// the CLI (node), the webview (browser, iife), the real-VS-Code test entry and the benchmark.
// Type-checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  external: ['vscode'],
  // Built-in rule packs are YAML files bundled as text.
  loader: { '.yaml': 'text' },
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  // The GitHub Action's script (action.yml): the CLI's commands plus SARIF merging and a summary.
  { ...nodeCommon, entryPoints: ['src/cli/actionEntry.ts'], outfile: 'dist/action.js' },
];

const optionalTargets = [
  [
    'src/extension/layoutWorker.ts',
    {
      ...nodeCommon,
      entryPoints: ['src/extension/layoutWorker.ts'],
      outfile: 'dist/layoutWorker.js',
    },
  ],
  [
    'src/extension/analysisWorker.ts',
    {
      ...nodeCommon,
      entryPoints: ['src/extension/analysisWorker.ts'],
      outfile: 'dist/analysisWorker.js',
    },
  ],
  ['bench/bench.ts', { ...nodeCommon, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' }],
  [
    'webview/main.ts',
    {
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      absWorkingDir: root,
      sourcemap: production ? false : 'linked',
      minify: production,
      logLevel: 'warning',
      entryPoints: ['webview/main.ts'],
      outfile: 'dist/webview/main.js',
      loader: { '.ttf': 'file', '.yaml': 'text' },
    },
  ],
];
for (const [entry, options] of optionalTargets)
  if (existsSync(join(root, entry))) targets.push(options);

// Real-VS-Code tests: the run() entry plus every *.test.ts, one file each, so mocha can load them.
if (!production && existsSync(join(root, 'test/vscode/index.ts'))) {
  const entries = readdirSync(join(root, 'test/vscode'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `test/vscode/${file}`);
  targets.push({
    ...nodeCommon,
    entryPoints: entries,
    outdir: 'dist/test/vscode',
    outbase: 'test/vscode',
    external: ['vscode', 'mocha'],
  });
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'), { recursive: true });
// Browser bundles the HTML report inlines, copied as published (pinned in package.json): an
// installed extension has no node_modules, so the VSIX ships them in dist/vendor (see
// src/core/report/vendorPaths.ts).
mkdirSync(join(root, 'dist', 'vendor'), { recursive: true });
copyFileSync(
  join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'),
  join(root, 'dist', 'vendor', 'mermaid.min.js'),
);
if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}

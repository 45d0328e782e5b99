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
  {
    ...nodeCommon,
    entryPoints: ['src/extension/layoutWorker.ts'],
    outfile: 'dist/layoutWorker.js',
  },
  {
    ...nodeCommon,
    entryPoints: ['src/extension/analysisWorker.ts'],
    outfile: 'dist/analysisWorker.js',
  },
  { ...nodeCommon, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' },
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
];

// Real-VS-Code tests: the run() entry plus every *.test.ts, one file each, so mocha can load them.
if (!production) {
  const entries = existsSync(join(root, 'test/vscode'))
    ? readdirSync(join(root, 'test/vscode'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `test/vscode/${file}`)
    : [];
  if (!entries.includes('test/vscode/index.ts')) entries.push('test/vscode/index.ts');
  targets.push({
    ...nodeCommon,
    entryPoints: entries,
    outdir: 'dist/test/vscode',
    outbase: 'test/vscode',
    external: ['vscode', 'mocha'],
  });
}

// Every entry point must exist: a renamed or deleted one would otherwise leave an old bundle
// missing from dist/ and surface much later (an extension that cannot start its worker, a VSIX
// without the webview). Checked before dist/ is touched, so a failed build removes nothing.
const missing = targets
  .flatMap((options) => options.entryPoints)
  .filter((entry) => !existsSync(join(root, entry)));
if (missing.length > 0) {
  console.error(
    `build: ${missing.length === 1 ? 'an entry point is' : `${missing.length} entry points are`} missing: ${missing.join(', ')}. Restore ${missing.length === 1 ? 'it' : 'them'}, or update the targets in scripts/build.mjs.`,
  );
  process.exit(1);
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
  // One line per rebuild and per error, in the shape the `watch` task's problem matcher reads
  // (.vscode/tasks.json), so F5 waits for the first build and errors land in the Problems panel.
  // The bundles build in parallel; the task is busy from the first start to the last end.
  let active = targets.length;
  console.log('[watch] build started');
  const report = () => {
    let initial = true;
    return {
      name: 'watch-report',
      setup(build) {
        build.onStart(() => {
          if (initial) initial = false;
          else if (active++ === 0) console.log('[watch] build started');
        });
        build.onEnd((result) => {
          for (const { text, location } of result.errors)
            console.error(
              location
                ? `${location.file}:${location.line}:${location.column + 1}: error: ${text}`
                : `error: ${text}`,
            );
          if (--active === 0) console.log('[watch] build finished');
        });
      },
    };
  };
  for (const options of targets)
    await (await esbuild.context({ ...options, plugins: [report()] })).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}

// Bundles every runtime target with esbuild: the extension host (node, cjs, `vscode` external),
// the web extension host build (browser, cjs: package.json "browser", for vscode.dev and
// github.dev, with its Web Workers), the CLI (node), the webview (browser, iife), the
// real-VS-Code and browser-workbench test entries and the benchmark.
// Type-checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPackFiles, compiledPacksSource } from './lib/compiledPacks.mjs';
import { precompiledValidatorsSource } from './lib/precompiledValidators.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Puts the ajv standalone code of schemas/*.json in place of the run-time compilation. */
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(build) {
    build.onResolve({ filter: /\/precompiledValidators$/ }, (args) =>
      args.importer.endsWith(join('src', 'core', 'model', 'schemaCheck.ts'))
        ? { path: 'precompiled-validators', namespace: 'mltm-generated' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'mltm-generated' }, () => ({
      contents: precompiledValidatorsSource(root),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * Puts the built-in packs as loaded at build time in place of src/core/rules/builtin/loaded.ts
 * (which loads their YAML at run time).
 */
let compiledPacks;
let compiledPacksKey;
const builtinPacksCompiled = {
  name: 'builtin-packs-compiled',
  setup(build) {
    build.onResolve({ filter: /\/builtin\/loaded$/ }, (args) =>
      args.importer.endsWith(join('src', 'core', 'analysis.ts'))
        ? { path: 'builtin-packs', namespace: 'mltm-packs' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'mltm-packs' }, async () => {
      // Once per state of the pack files: every target shares it, a watch rebuild after an edit
      // to a pack loads again.
      const key = builtinPackFiles(root)
        .map((file) => `${file}:${statSync(file).mtimeMs}`)
        .join('\n');
      if (key !== compiledPacksKey) {
        compiledPacksKey = key;
        compiledPacks = compiledPacksSource(root);
      }
      return {
        contents: await compiledPacks,
        loader: 'js',
        resolveDir: root,
        watchFiles: builtinPackFiles(root),
      };
    });
  },
};

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
  plugins: [precompiledValidators, builtinPacksCompiled],
};

/** The CLI's commands: one `src/cli/commands/<name>.ts` each, bundled as `dist/cli-<name>.js`. */
const cliCommands = existsSync(join(root, 'src/cli/commands'))
  ? readdirSync(join(root, 'src/cli/commands'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.slice(0, -3))
      .sort()
  : [];

/** In the CLI entry's bundle, `import('./commands/<name>')` stays a run-time `require` of its bundle. */
const cliCommandsExternal = {
  name: 'cli-commands-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[a-zA-Z]+$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts'))
        ? { path: `./cli-${args.path.slice('./commands/'.length)}.js`, external: true }
        : undefined,
    );
  },
};

/**
 * The browser build of the extension and its workers: `workers/platformWorkers` becomes its
 * `.web.ts` sibling (Web Workers instead of worker threads), and any Node built-in on the path
 * fails the build with the importing file named — the web worker extension host has none, and
 * a stray `node:` import would otherwise surface only as an extension that fails to activate.
 */
const browserOnly = {
  name: 'browser-only',
  setup(build) {
    build.onResolve({ filter: /\/workers\/platformWorkers$/ }, (args) => ({
      path: join(args.resolveDir, `${args.path}.web.ts`),
    }));
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!args.path.startsWith('node:') && !builtins.has(bare.split('/')[0])) return undefined;
      return {
        errors: [
          {
            text: `the browser build may not use the Node built-in "${args.path}" (imported by ${args.importer.replace(`${root}/`, '')}): the web worker extension host has no Node APIs. Go through vscode.workspace.fs, or src/extension/workers/platformWorkers for workers.`,
          },
        ],
      };
    });
  },
};

const browserCommon = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  external: ['vscode'],
  loader: { '.yaml': 'text' },
  // Libraries that read process.env.NODE_ENV find it (there is no `process` in a Web Worker).
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  plugins: [precompiledValidators, builtinPacksCompiled, browserOnly],
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  { ...nodeCommon, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // The CLI: a small entry (arguments, help, version) and one bundle per command, loaded when the
  // command runs, so `mltm --version` compiles a few kilobytes instead of the whole CLI, and
  // `mltm analyze` no report or layout code (see `COMMANDS` in src/cli/main.ts).
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    plugins: [precompiledValidators, builtinPacksCompiled, cliCommandsExternal],
    // `import()` becomes `require()`: a real import() of a CommonJS bundle goes through Node's
    // ESM loader, which first lexes the whole file for its exports (~100 ms for a command).
    supported: { 'dynamic-import': false },
  },
  {
    ...nodeCommon,
    entryPoints: Object.fromEntries(
      cliCommands.map((name) => [`cli-${name}`, `src/cli/commands/${name}.ts`]),
    ),
    outdir: 'dist',
  },
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
  { ...nodeCommon, entryPoints: ['bench/phases.ts'], outfile: 'dist/bench-phases.js' },
  // The web extension (package.json "browser"): CommonJS, as the web worker extension host loads
  // it, and its Web Workers (plain scripts).
  {
    ...browserCommon,
    format: 'cjs',
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/web/extension.js',
  },
  {
    ...browserCommon,
    format: 'iife',
    entryPoints: ['src/extension/workers/webLayoutWorker.ts'],
    outfile: 'dist/web/layoutWorker.js',
  },
  {
    ...browserCommon,
    format: 'iife',
    entryPoints: ['src/extension/workers/webAnalysisWorker.ts'],
    outfile: 'dist/web/analysisWorker.js',
  },
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
  // The browser-workbench test (scripts/web/run-tests.mjs): runs in the web worker extension host.
  if (existsSync(join(root, 'test/web/index.ts')))
    targets.push({
      ...browserCommon,
      format: 'cjs',
      entryPoints: ['test/web/index.ts'],
      outfile: 'dist/test/web/index.js',
    });
}

// Every entry point must exist: a renamed or deleted one would otherwise leave an old bundle
// missing from dist/ and surface much later (an extension that cannot start its worker, a VSIX
// without the webview). Checked before dist/ is touched, so a failed build removes nothing.
const missing = targets
  .flatMap((options) =>
    Array.isArray(options.entryPoints) ? options.entryPoints : Object.values(options.entryPoints),
  )
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
    await (
      await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), report()] })
    ).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}

// Writes THIRD-PARTY-NOTICES.md from node_modules metadata: every third-party package that ends
// up in the VSIX — found by bundling the shipped entry points with esbuild (metafile, nothing
// written) — plus every runtime `dependency` of package.json (some ship as assets, not imports),
// each with its version, licence, copyright lines and licence text; plus the MITRE ATLAS data.
// `--check` fails (exit 1) when the committed file is out of date, so a new bundled package
// cannot ship without its notice.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'THIRD-PARTY-NOTICES.md');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Notes where the metadata alone would mislead. */
const NOTES = {
  elkjs:
    'Dual-licensed `EPL-2.0 OR GPL-3.0-or-later`; mltm uses it under the **Eclipse Public License 2.0**. ' +
    'It is distributed unmodified, in compiled form; its source code is available at https://github.com/kieler/elkjs ' +
    '(and in the `elkjs` package on the npm registry), as EPL-2.0 §3 requires.',
  mermaid: 'Shipped unmodified as `dist/vendor/mermaid.min.js` (copied from the npm package by the build) and inlined into HTML reports so their diagrams draw offline.',
  '@vscode/codicons': 'The icon font and images are licensed **CC-BY-4.0**; the code in the package is **MIT** (LICENSE-CODE). Both texts follow.',
};

const entryPoints = [
  ['src/extension/extension.ts', 'node'],
  ['src/extension/layoutWorker.ts', 'node'],
  ['src/extension/analysisWorker.ts', 'node'],
  ['webview/main.ts', 'browser'],
].filter(([entry]) => existsSync(join(root, entry)));

async function bundledPackages() {
  const names = new Set();
  for (const [entry, platform] of entryPoints) {
    const result = await esbuild.build({
      entryPoints: [entry], bundle: true, write: false, metafile: true, platform, format: platform === 'node' ? 'cjs' : 'iife',
      absWorkingDir: root, external: ['vscode'], loader: { '.yaml': 'text', '.ttf': 'file' }, outdir: 'out-notices', logLevel: 'silent',
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) names.add(match[1]);
    }
  }
  for (const name of Object.keys(manifest.dependencies ?? {})) names.add(name);
  return [...names].sort();
}

function packageDir(name) {
  return join(root, 'node_modules', name);
}

/**
 * The runtime dependencies compiled into an asset bundle shipped as published (mermaid.min.js in
 * dist/vendor): name, version and licence from their installed package.json (nested copy first).
 * Their licence texts are in the bundle's own package; listing them names what the file contains.
 */
function assetDependencies(name) {
  const pkg = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {})
    .filter((dep) => !dep.startsWith('@types/'))
    .sort()
    .map((dep) => {
      const nested = join(packageDir(name), 'node_modules', dep, 'package.json');
      const file = existsSync(nested) ? nested : join(root, 'node_modules', dep, 'package.json');
      if (!existsSync(file)) return `| ${dep} | ${pkg.dependencies[dep]} | not installed |`;
      const meta = JSON.parse(readFileSync(file, 'utf8'));
      const licence = typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? 'see its package');
      return `| ${dep} | ${meta.version} | ${licence} |`;
    });
}
/** Asset bundles whose contents are listed (the HTML report inlines dist/vendor/mermaid.min.js). */
const ASSET_BUNDLES = ['mermaid'];

function licenceFiles(dir) {
  return readdirSync(dir)
    .filter((file) => /^(licen[cs]e|copying|notice)/i.test(file))
    .sort();
}

/** Copyright lines stated in the package's sources where its licence file has none. */
const SOURCE_COPYRIGHTS = { elkjs: ['Copyright (c) 2017, 2021 Kiel University and others'] };

function copyrightLines(name, texts, author) {
  const lines = new Set(SOURCE_COPYRIGHTS[name] ?? []);
  for (const text of texts) {
    for (const line of text.split(/\r?\n/)) {
      const clean = line.trim();
      // "Copyright (c) …", "Copyright 2020 …", "Copyright Name": not licence prose ("copyright rights").
      if (/^[Cc]opyright\s*(\([cC]\)|©|\d|[A-Z])/.test(clean) && !/notice|holder|owner/i.test(clean)) lines.add(clean);
    }
  }
  if (lines.size === 0 && author) lines.add(`Copyright (c) ${author}`);
  return [...lines];
}

function authorOf(pkg) {
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return author?.replace(/\s*<[^>]*>/, '').replace(/\s*\([^)]*\)/, '').trim();
}

function repositoryOf(pkg) {
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!url) return pkg.homepage ?? '';
  return url
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^github:/, 'https://github.com/')
    .replace(/^([\w.-]+\/[\w.-]+)$/, 'https://github.com/$1');
}

const names = await bundledPackages();
const sections = [];
const summary = [];
for (const name of names) {
  const dir = packageDir(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = licenceFiles(dir);
  const texts = files.map((file) => readFileSync(join(dir, file), 'utf8').trim());
  const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see licence text');
  const copyrights = copyrightLines(name, texts, authorOf(pkg));
  summary.push(`| ${name} | ${pkg.version} | ${licence} | ${copyrights[0] ?? ''} |`);
  sections.push(
    [
      `## ${name} ${pkg.version}`,
      '',
      `- Licence: ${licence}`,
      `- Source: ${repositoryOf(pkg)}`,
      ...copyrights.map((line) => `- ${line}`),
      ...(NOTES[name] ? ['', NOTES[name]] : []),
      ...(ASSET_BUNDLES.includes(name)
        ? ['', `\`${name}\` ships as its published browser bundle, which compiles in these packages (from its package.json dependencies):`, '', '| Package | Version | Licence |', '|---|---|---|', ...assetDependencies(name)]
        : []),
      ...files.flatMap((file, index) => ['', `<details><summary>${file}</summary>`, '', '```text', texts[index], '```', '', '</details>']),
    ].join('\n'),
  );
}

const atlas = [
  '## MITRE ATLAS data',
  '',
  '- Licence: Apache-2.0',
  '- Source: https://github.com/mitre-atlas/atlas-data',
  '- Copyright (c) The MITRE Corporation',
  '',
  "mltm bundles a compact catalogue derived from MITRE ATLAS (technique and mitigation ids, names, tactics and the links between them; `src/core/kb/atlas-catalogue.json`), not MITRE's prose. ATLAS and MITRE ATLAS are trademarks of The MITRE Corporation. The Apache License 2.0 text is in this extension's LICENSE file.",
].join('\n');

const text = [
  '# Third-party notices',
  '',
  'mltm (Apache-2.0) bundles the following third-party software and data. This file is generated by',
  '`node scripts/third-party-notices.mjs` from the packages the shipped bundles contain; do not edit it by hand.',
  '',
  '| Package | Version | Licence | Copyright |',
  '|---|---|---|---|',
  ...summary,
  '| MITRE ATLAS data | 5.6.0 | Apache-2.0 | Copyright (c) The MITRE Corporation |',
  '',
  ...sections.flatMap((section) => [section, '']),
  atlas,
  '',
].join('\n');

if (process.argv.includes('--check')) {
  const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error('THIRD-PARTY-NOTICES.md is out of date: run `node scripts/third-party-notices.mjs` and commit it.');
    process.exit(1);
  }
  console.log(`THIRD-PARTY-NOTICES.md is up to date (${names.length} packages).`);
} else {
  writeFileSync(out, text);
  console.log(`THIRD-PARTY-NOTICES.md: ${names.length} packages: ${names.join(', ')}`);
}

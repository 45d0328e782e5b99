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
  mermaid:
    'Shipped unmodified as `dist/vendor/mermaid.min.js` (copied from the npm package by the build) and inlined into HTML reports so their diagrams draw offline.',
  '@vscode/codicons':
    'The icon font and images are licensed **CC-BY-4.0**; the code in the package is **MIT** (LICENSE-CODE). Both texts follow.',
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
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform,
      format: platform === 'node' ? 'cjs' : 'iife',
      absWorkingDir: root,
      external: ['vscode'],
      loader: { '.yaml': 'text', '.ttf': 'file' },
      outdir: 'out-notices',
      logLevel: 'silent',
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

/** A package's directory as Node would resolve it from `fromDir` (nested copies first). */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Notices for what an asset bundle shipped as published (mermaid.min.js in dist/vendor) compiles
 * in: the bundle's runtime dependencies, transitively, each with its version, licence and
 * copyright lines, then every distinct licence text once with the packages it covers (dozens of
 * d3 modules share one ISC text). The walk lists every runtime dependency; the browser bundle
 * compiles in those it uses, so this errs on the side of listing too many.
 */
function assetDependencyNotices(name) {
  const rows = [];
  const texts = new Map(); // normalised text → { text, packages }
  const seen = new Set();
  const queue = [packageDir(name)];
  while (queue.length > 0) {
    const dir = queue.shift();
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) {
      if (dep.startsWith('@types/')) continue;
      const depDir = resolvePackage(dep, dir);
      if (!depDir) {
        rows.push({
          name: dep,
          version: pkg.dependencies[dep],
          licence: 'not installed',
          copyright: '',
        });
        continue;
      }
      const meta = JSON.parse(readFileSync(join(depDir, 'package.json'), 'utf8'));
      const id = `${meta.name}@${meta.version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(depDir);
      const files = licenceFiles(depDir);
      const fileTexts = files.map((file) => readFileSync(join(depDir, file), 'utf8').trim());
      const licence =
        typeof meta.license === 'string'
          ? meta.license
          : (meta.license?.type ??
            (fileTexts.length > 0 ? 'see its licence text' : 'see its package'));
      rows.push({
        name: meta.name,
        version: meta.version,
        licence,
        copyright: copyrightLines(meta.name, fileTexts, authorOf(meta)).join('; '),
      });
      for (const text of fileTexts) {
        // Grouped by the text without its copyright lines, which the table above lists per
        // package; a text shared by several packages is shown without them.
        const body = text
          .split(/\r?\n/)
          .filter((line) => !/^\s*[Cc]opyright\s*(\([cC]\)|©|\d|[A-Z])/.test(line))
          .join('\n')
          .replace(/\n{3,}/g, '\n\n')
          .trim();
        const key = body.replace(/\s+/g, ' ');
        const group = texts.get(key) ?? { text, body, packages: [] };
        group.packages.push(id);
        texts.set(key, group);
      }
    }
  }
  rows.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1,
  );
  const escape = (cell) => String(cell).replace(/\|/g, '\\|');
  return [
    `\`${name}\` ships as its published browser bundle, which compiles in code from its runtime dependencies. They are listed here transitively (${rows.length} packages; the bundle uses a subset), then each distinct licence text once, naming the packages it covers.`,
    '',
    '| Package | Version | Licence | Copyright |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${escape(row.name)} | ${escape(row.version)} | ${escape(row.licence)} | ${escape(row.copyright)} |`,
    ),
    ...[...texts.values()].flatMap((group) => [
      '',
      `<details><summary>Licence text of ${group.packages.join(', ')}</summary>`,
      '',
      ...(group.packages.length > 1
        ? ["Each package's copyright line is in the table above.", '']
        : []),
      '```text',
      group.packages.length > 1 ? group.body : group.text,
      '```',
      '',
      '</details>',
    ]),
  ];
}

/** Asset bundles whose contents are listed (the HTML report inlines dist/vendor/mermaid.min.js). */
const ASSET_BUNDLES = ['mermaid'];

function licenceFiles(dir) {
  return (
    readdirSync(dir)
      // Licence texts, not scripts that happen to be named like one (cytoscape ships license-update.mjs).
      .filter(
        (file) => /^(licen[cs]e|copying|notice)/i.test(file) && !/\.(m?js|cjs|ts)$/i.test(file),
      )
      .sort()
  );
}

/** Copyright lines stated in the package's sources where its licence file has none. */
const SOURCE_COPYRIGHTS = { elkjs: ['Copyright (c) 2017, 2021 Kiel University and others'] };

function copyrightLines(name, texts, author) {
  const lines = new Set(SOURCE_COPYRIGHTS[name] ?? []);
  for (const text of texts) {
    for (const line of text.split(/\r?\n/)) {
      const clean = line.trim();
      // "Copyright (c) …", "Copyright 2020 …", "Copyright Name": not licence prose ("copyright rights").
      if (
        /^[Cc]opyright\s*(\([cC]\)|©|\d|[A-Z])/.test(clean) &&
        !/notice|holder|owner/i.test(clean)
      )
        lines.add(clean);
    }
  }
  if (lines.size === 0 && author) lines.add(`Copyright (c) ${author}`);
  return [...lines];
}

function authorOf(pkg) {
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return author
    ?.replace(/\s*<[^>]*>/, '')
    .replace(/\s*\([^)]*\)/, '')
    .trim();
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
  const licence =
    typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see licence text');
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
      ...(ASSET_BUNDLES.includes(name) ? ['', ...assetDependencyNotices(name)] : []),
      ...files.flatMap((file, index) => [
        '',
        `<details><summary>${file}</summary>`,
        '',
        '```text',
        texts[index],
        '```',
        '',
        '</details>',
      ]),
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
    console.error(
      'THIRD-PARTY-NOTICES.md is out of date: run `node scripts/third-party-notices.mjs` and commit it.',
    );
    process.exit(1);
  }
  console.log(`THIRD-PARTY-NOTICES.md is up to date (${names.length} packages).`);
} else {
  writeFileSync(out, text);
  console.log(`THIRD-PARTY-NOTICES.md: ${names.length} packages: ${names.join(', ')}`);
}

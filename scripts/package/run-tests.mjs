// The packaging suite (`npm test` runs it last; alone: `node scripts/package/run-tests.mjs`):
// builds the VSIX exactly as `npm run package` does, then reads the archive itself and checks
// what a user would install — only the files the `.vscodeignore` allowlist names (no source maps,
// no node_modules, no tests, no sources), the files the extension needs, its size (< 5 MB,
// printed), the icon, and that THIRD-PARTY-NOTICES.md matches the bundled packages. Restores the
// development build afterwards (the production build replaced dist/). Writes
// {passed, failed, failures} to $MLTM_COUNTS_FILE for scripts/test-all.mjs.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { assert, createSuite } from '../lib/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixPath = join(root, `${manifest.name}-${manifest.version}.vsix`);
const MAX_BYTES = 5 * 1024 * 1024;

const { test, finish } = createSuite('package');

/** Entries of a zip archive (central directory), with a reader for each one's content. */
function readZip(buffer) {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const size = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      size,
      read() {
        const start =
          local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
        const data = buffer.subarray(start, start + compressedSize);
        return method === 0 ? data : inflateRawSync(data);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** What the allowlist lets into the VSIX (paths inside `extension/`; vsce lower-cases readme/changelog). */
const ALLOWED = [
  /^dist\/(?!test\/)(?!cli\.js$)(?!bench\.js$)[^]*$/,
  /^schemas\/[^/]+\.json$/,
  /^examples\/[^/]+\.mltm\.yaml$/,
  /^media\/.+$/,
  /^package\.json$/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^LICENSE(\.txt)?$/,
  /^THIRD-PARTY-NOTICES\.md$/,
];
const REQUIRED = [
  'dist/extension.js',
  'dist/layoutWorker.js',
  'dist/analysisWorker.js',
  'dist/web/extension.js',
  'dist/web/layoutWorker.js',
  'dist/web/analysisWorker.js',
  'dist/webview/main.js',
  'dist/webview/main.css',
  'dist/vendor/mermaid.min.js',
  'package.json',
  'readme.md',
  'changelog.md',
  'LICENSE.txt',
  'THIRD-PARTY-NOTICES.md',
  'media/icon.png',
  'schemas/pipeline.schema.json',
  'schemas/register.schema.json',
  'schemas/rules.schema.json',
];

console.log('\npackage: npm run package');
rmSync(vsixPath, { force: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
let entries = [];
test('npm run package builds the VSIX', () => {
  assert(
    built.status === 0,
    `npm run package failed:\n${(built.stderr || built.stdout || '').trim().split('\n').slice(-15).join('\n')}`,
  );
  entries = readZip(readFileSync(vsixPath));
});

const inside = entries
  .filter((e) => e.name.startsWith('extension/'))
  .map((e) => ({ ...e, path: e.name.slice('extension/'.length) }));
test('the VSIX holds only what the .vscodeignore allowlist names', () => {
  const outside = entries.filter(
    (e) =>
      !e.name.startsWith('extension/') &&
      !['[Content_Types].xml', 'extension.vsixmanifest'].includes(e.name),
  );
  const stray = inside.filter((e) => !ALLOWED.some((pattern) => pattern.test(e.path)));
  assert(
    outside.length + stray.length === 0,
    `not allowed: ${[...outside.map((e) => e.name), ...stray.map((e) => e.path)].join(', ')}`,
  );
});
test('no source maps, node_modules, tests or TypeScript sources', () => {
  const bad = inside.filter((e) => /\.map$|(^|\/)node_modules\/|(^|\/)test\/|\.ts$/.test(e.path));
  assert(bad.length === 0, `found: ${bad.map((e) => e.path).join(', ')}`);
});
test('the files the extension needs are there', () => {
  const names = new Set(inside.map((e) => e.path));
  const missing = REQUIRED.filter((path) => !names.has(path));
  assert(missing.length === 0, `missing: ${missing.join(', ')}`);
});
test('the VSIX is under 5 MB', () => {
  const bytes = statSync(vsixPath).size;
  const unpacked = inside.reduce((sum, e) => sum + e.size, 0);
  console.log(
    `      ${vsixPath.split('/').pop()}: ${(bytes / 1024).toFixed(1)} KB (${(unpacked / 1024).toFixed(1)} KB unpacked, ${entries.length} entries)`,
  );
  for (const e of inside) console.log(`        ${e.path} ${(e.size / 1024).toFixed(1)} KB`);
  assert(bytes < MAX_BYTES, `${bytes} bytes is over ${MAX_BYTES}`);
});
test('the packaged manifest names the icon, publisher, licence and repository', () => {
  const packaged = JSON.parse(
    inside
      .find((e) => e.path === 'package.json')
      ?.read()
      .toString('utf8') ?? '{}',
  );
  for (const field of ['publisher', 'icon', 'license', 'repository', 'engines'])
    assert(packaged[field] !== undefined, `package.json lacks "${field}"`);
  const icon = inside.find((e) => e.path === packaged.icon);
  assert(icon, `the icon ${packaged.icon} is not in the VSIX`);
  const png = icon.read();
  assert(
    png.subarray(1, 4).toString('ascii') === 'PNG' &&
      png.readUInt32BE(16) >= 128 &&
      png.readUInt32BE(20) >= 128,
    'the icon is not a PNG of at least 128×128',
  );
});
test('main, activation events and browser fields point at shipped files', () => {
  const packaged = JSON.parse(
    inside
      .find((e) => e.path === 'package.json')
      ?.read()
      .toString('utf8') ?? '{}',
  );
  const names = new Set(inside.map((e) => e.path));
  assert(
    packaged.main === './dist/extension.js' && names.has('dist/extension.js'),
    `main is ${packaged.main}`,
  );
  // No web extension build: a browser field would make VS Code for the Web load a missing file.
  assert(
    packaged.browser === undefined || names.has(String(packaged.browser).replace(/^\.\//, '')),
    `browser ${packaged.browser} is not in the VSIX`,
  );
  const events = packaged.activationEvents ?? [];
  for (const wanted of ['workspaceContains:**/*.mltm.yaml', 'onLanguage:yaml'])
    assert(events.includes(wanted), `activationEvents lack ${wanted}`);
  assert(!events.includes('*'), 'activates on every start-up ("*")');
  for (const v of packaged.contributes?.yamlValidation ?? [])
    assert(names.has(v.url.replace(/^\.\//, '')), `yamlValidation ${v.url} is not in the VSIX`);
});
test('the installed extension finds the mermaid bundle the HTML report inlines', () => {
  // src/extension/reports.ts reads <extension>/dist/vendor/mermaid.min.js (MERMAID_BUNDLE_SEGMENTS
  // in src/core/report/vendorPaths.ts); node_modules is not in the VSIX, so that copy must be.
  const segments = /MERMAID_BUNDLE_SEGMENTS[^=]*=\s*\[([^\]]*)\]/.exec(
    readFileSync(join(root, 'src/core/report/vendorPaths.ts'), 'utf8'),
  );
  assert(segments, 'MERMAID_BUNDLE_SEGMENTS not found in src/core/report/vendorPaths.ts');
  const path = [...segments[1].matchAll(/'([^']+)'/g)].map((m) => m[1]).join('/');
  const bundle = inside.find((e) => e.path === path);
  assert(bundle, `${path} is not in the VSIX`);
  const shipped = bundle.read();
  const pinned = readFileSync(join(root, 'node_modules/mermaid/dist/mermaid.min.js'));
  assert(shipped.equals(pinned), `${path} differs from node_modules/mermaid/dist/mermaid.min.js`);
  const extension =
    inside
      .find((e) => e.path === 'dist/extension.js')
      ?.read()
      .toString('utf8') ?? '';
  assert(
    extension.includes('"vendor","mermaid.min.js"') ||
      extension.includes("'vendor', 'mermaid.min.js'"),
    'dist/extension.js does not name dist/vendor/mermaid.min.js',
  );
});
test('the packaged bundle links no source map', () => {
  const bundle =
    inside
      .find((e) => e.path === 'dist/extension.js')
      ?.read()
      .toString('utf8') ?? '';
  assert(!/sourceMappingURL/.test(bundle), 'dist/extension.js links a source map');
});
test('THIRD-PARTY-NOTICES.md lists every bundled package', () => {
  const check = spawnSync(process.execPath, ['scripts/third-party-notices.mjs', '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert(check.status === 0, (check.stderr || check.stdout).trim());
  const notices =
    inside
      .find((e) => e.path === 'THIRD-PARTY-NOTICES.md')
      ?.read()
      .toString('utf8') ?? '';
  assert(
    notices === readFileSync(join(root, 'THIRD-PARTY-NOTICES.md'), 'utf8'),
    'the VSIX holds a different THIRD-PARTY-NOTICES.md',
  );
});

// The production build replaced dist/; put the development build back for the other suites.
const restored = spawnSync(process.execPath, ['scripts/build.mjs'], {
  cwd: root,
  stdio: 'inherit',
});
test('the development build is restored', () =>
  assert(restored.status === 0, 'node scripts/build.mjs failed'));
test('the built CLI inlines mermaid from dist/vendor when no node_modules is around', () => {
  // A copy of bin/ and dist/ in a temporary folder: require.resolve('mermaid') finds nothing there.
  const away = mkdtempSync(join(tmpdir(), 'mltm-cli-'));
  try {
    mkdirSync(join(away, 'bin'));
    cpSync(join(root, 'bin', 'mltm.js'), join(away, 'bin', 'mltm.js'));
    // The CLI's entry and its per-command bundles (dist/cli-<command>.js, loaded on demand).
    for (const file of readdirSync(join(root, 'dist')).filter((f) => /^cli(-[a-z]+)?\.js$/.test(f)))
      cpSync(join(root, 'dist', file), join(away, 'dist', file));
    cpSync(join(root, 'dist', 'vendor'), join(away, 'dist', 'vendor'), { recursive: true });
    const report = join(away, 'report.html');
    const run = spawnSync(
      process.execPath,
      [
        join(away, 'bin', 'mltm.js'),
        'report',
        join(root, 'examples', '07-zero-trust-fraud.mltm.yaml'),
        '--format',
        'html',
        '--output',
        report,
      ],
      { cwd: away, encoding: 'utf8' },
    );
    assert(run.status === 0, `mltm report failed: ${run.stderr}`);
    const pinned = readFileSync(join(root, 'node_modules/mermaid/dist/mermaid.min.js'), 'utf8');
    assert(
      readFileSync(report, 'utf8').includes(pinned.slice(-2000)),
      `the report does not inline mermaid (${run.stderr.trim()})`,
    );
  } finally {
    rmSync(away, { recursive: true, force: true });
  }
});

finish();

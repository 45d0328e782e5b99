// The install smoke suite (`npm test` runs it after the package suite; alone:
// `node scripts/vscode/vsix-smoke.mjs [--rebuild]`): installs the built VSIX into the real VS Code
// the editor suite uses (the code-server build from setup-offline.mjs, `--install-extension` into
// a fresh extensions dir), opens the workbench in Debian Chromium WITHOUT a development payload —
// so only the installed copy can run — opens an example model and checks from the workbench DOM
// that the extension activated (its status bar item shows the open-threat count), then runs
// "Generate Threat Report… → HTML" through the command palette and checks the written page
// inlines mermaid from the VSIX's dist/vendor (an installed extension has no node_modules).
// Prints the activation time our activate() logged. Screenshot: test-results/vsix-smoke.png.
// Writes {passed, failed, failures} to $MLTM_COUNTS_FILE. Env: MLTM_VSIX_SMOKE_TIMEOUT_MS.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assert,
  createSuite,
  freePort,
  waitFor,
  launchHeadlessChromium,
  waitForCodeServer,
} from '../lib/harness.mjs';
import { setupOffline } from './setup-offline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'test-results');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixPath = join(root, `${manifest.name}-${manifest.version}.vsix`);
const timeoutMs = Number(process.env.MLTM_VSIX_SMOKE_TIMEOUT_MS ?? 240_000);
const EXAMPLE = '07-zero-trust-fraud.mltm.yaml';
const started = Date.now();
const log = (message) =>
  console.log(`[vsix-smoke +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const suite = createSuite('vsix smoke');
const { test } = suite;

/** Every file under dir whose name matches, recursively. */
function findFiles(dir, pattern) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f));
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  if (process.argv.includes('--rebuild') || !existsSync(vsixPath)) {
    log('building the VSIX (npm run package), then restoring the development build');
    const built = spawnSync(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['run', '--silent', 'package'],
      { cwd: root, encoding: 'utf8' },
    );
    spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0)
      throw new Error(
        `npm run package failed:\n${(built.stderr || built.stdout).trim().split('\n').slice(-10).join('\n')}`,
      );
  }
  log(`VSIX: ${vsixPath.split('/').pop()} (${(statSync(vsixPath).size / 1024).toFixed(1)} KB)`);
  const setup = setupOffline();
  const base = mkdtempSync(join(tmpdir(), 'mltm-vsix-'));
  const extensionsDir = join(base, 'extensions');
  const workspace = join(base, 'workspace');
  mkdirSync(join(workspace, 'examples'), { recursive: true });
  cpSync(join(root, 'examples', EXAMPLE), join(workspace, 'examples', EXAMPLE));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_DATA_HOME: join(base, 'data'),
  };
  let server;
  let browser;
  const output = [];
  try {
    await test('code-server --install-extension installs the VSIX into a fresh extensions dir', async () => {
      const installStarted = Date.now();
      const installed = spawnSync(
        setup.nodeBinary,
        [
          setup.codeServerEntry,
          '--extensions-dir',
          extensionsDir,
          '--user-data-dir',
          join(base, 'user-data'),
          '--install-extension',
          vsixPath,
        ],
        { cwd: base, env, encoding: 'utf8', timeout: 120_000 },
      );
      log(
        `install: exit ${installed.status} in ${((Date.now() - installStarted) / 1000).toFixed(1)} s: ${(installed.stdout + installed.stderr).trim().split('\n').slice(-2).join(' | ')}`,
      );
      assert(
        installed.status === 0,
        `exit ${installed.status}: ${(installed.stderr || installed.stdout).trim()}`,
      );
      const folder = readdirSync(extensionsDir).find((f) =>
        f.startsWith(`${manifest.publisher}.${manifest.name}-`),
      );
      assert(
        folder,
        `no ${manifest.publisher}.${manifest.name}-* folder in ${readdirSync(extensionsDir).join(', ')}`,
      );
      assert(
        existsSync(join(extensionsDir, folder, 'dist', 'extension.js')),
        'the installed copy has no dist/extension.js',
      );
      assert(
        !existsSync(join(extensionsDir, folder, 'node_modules')),
        'the installed copy has node_modules',
      );
    });
    if (suite.counts.failed > 0) return;

    const userData = join(base, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'workbench.enableExperiments': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'files.autoSave': 'off',
      }),
    );
    const port = await freePort();
    server = spawn(
      setup.nodeBinary,
      [
        setup.codeServerEntry,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--config',
        join(base, 'code-server.yaml'),
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensionsDir,
        workspace,
      ],
      { cwd: base, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    server.stdout.on('data', (d) => output.push(d));
    server.stderr.on('data', (d) => output.push(d));
    const deadline = Date.now() + timeoutMs;
    await waitForCodeServer(server, output, port, deadline, started);
    browser = await launchHeadlessChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page
      .locator('.monaco-workbench')
      .waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
    log('workbench opened (no extensionDevelopmentPath)');

    await test(`opening ${EXAMPLE} activates the installed extension (status bar shows its open threats)`, async () => {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 30_000 });
      await page.keyboard.type(EXAMPLE, { delay: 10 });
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', {
        hasText: /\d+ open/,
      });
      await item.first().waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
      const label =
        (await item.first().getAttribute('aria-label')) ?? (await item.first().innerText());
      log(`status bar: "${(await item.first().innerText()).trim()}" (${label})`);
      assert(/\d+ open/.test(label), `status bar item reads "${label}"`);
    });

    await test('Generate Threat Report → HTML from the installed extension inlines mermaid from dist/vendor', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 30_000 });
      await page.keyboard.type('Generate Threat Report', { delay: 10 });
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Generate Threat Report' })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'HTML' })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'HTML' }).first().click();
      const report = join(workspace, 'examples', EXAMPLE.replace('.mltm.yaml', '.report.html'));
      await waitFor(
        `${report} to be written`,
        () => existsSync(report),
        Math.min(deadline, Date.now() + 60_000),
        started,
      );
      const html = readFileSync(report, 'utf8');
      const pinned = readFileSync(
        join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'),
        'utf8',
      );
      log(`report: ${(html.length / 1024).toFixed(0)} KB`);
      assert(
        html.length > pinned.length,
        `the report is ${html.length} characters, smaller than mermaid.min.js (${pinned.length}): the library was not inlined`,
      );
      assert(
        html.includes(pinned.slice(0, 2000)) && html.includes(pinned.slice(-2000)),
        'the report does not contain the pinned mermaid.min.js',
      );
    });

    await page
      .screenshot({ path: join(resultsDir, 'vsix-smoke.png') })
      .catch((error) => log(`screenshot failed: ${error.message}`));
    log('screenshot saved to test-results/vsix-smoke.png');
    // Our activate() logs its own time to the mltm output channel (a log file under the user data).
    const logged = findFiles(join(userData, 'logs'), /\.log$/)
      .map((f) => /mltm activated in ([\d.]+) ms/.exec(readFileSync(f, 'utf8')))
      .find((m) => m);
    log(
      logged
        ? `activate() of the installed extension took ${logged[1]} ms`
        : 'activation time: not found in the extension host logs',
    );
  } finally {
    await browser?.close().catch(() => undefined);
    try {
      if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    writeFileSync(join(resultsDir, 'vsix-smoke-server.log'), Buffer.concat(output));
    rmSync(base, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  suite.fail('VSIX install smoke', error);
}
suite.finish(` (${((Date.now() - started) / 1000).toFixed(1)} s)`);

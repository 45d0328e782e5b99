// `node scripts/web/run-tests.mjs`: the browser build of the extension (package.json "browser")
// in a real VS Code web workbench, in Chromium. code-server (cached in .vscode-test/ by
// scripts/vscode/setup-offline.mjs) serves the workbench; the user setting
// `remote.extensionKind: { "mltm.mltm": ["web"] }` makes the workbench run the extension under
// development in its web worker extension host (VS Code picks the web worker host for an
// extension of kind `web`, wherever it is installed), with dist/web/extension.js as its entry and
// no Node API. The test entry (test/web/index.ts, bundled to dist/test/web/index.js) runs there
// too: it registers a virtual file system (`mltm-memfs:`), opens an example from it, and checks
// diagnostics, hover, the register view, a report and the diagram, whose webview DOM this
// driver reads when asked (files in the workspace's .driver/ folder). Results come back as
// .driver/results.json; this script prints `web workbench: N passed, N failed`, writes
// MLTM_COUNTS_FILE for scripts/test-all.mjs, and always ends: MLTM_WEB_TIMEOUT_MS (default 5 min)
// bounds the whole run, and code-server and Chromium are stopped whatever happens.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  sleep,
  waitFor,
  launchHeadlessChromium,
  waitForCodeServer,
} from '../lib/harness.mjs';
import { setupOffline } from '../vscode/setup-offline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'test-results');
const timeoutMs = Number(process.env.MLTM_WEB_TIMEOUT_MS ?? 300_000);
const started = Date.now();
const log = (message) =>
  console.log(`[web-tests +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

function finish(counts) {
  if (process.env.MLTM_COUNTS_FILE)
    writeFileSync(process.env.MLTM_COUNTS_FILE, JSON.stringify(counts, null, 2));
  for (const f of counts.failures)
    console.log(`  ✗ ${f.title}\n    ${f.message.split('\n').slice(0, 8).join('\n    ')}`);
  console.log(
    `web workbench: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

const fail = (message) =>
  finish({ passed: 0, failed: 1, failures: [{ title: 'browser-workbench suite', message }] });

/** The frame (inside VS Code's webview iframes) that holds the drawn mltm diagram. */
async function diagramFrame(page) {
  for (const frame of page.frames()) {
    const drawn = await frame
      .evaluate(
        () =>
          document.querySelector('svg.stage') !== null &&
          document.querySelectorAll('.node').length > 0,
      )
      .catch(() => false);
    if (drawn) return frame;
  }
  return undefined;
}

/** Answers test/web/index.ts's question about the diagram: counts, ids, a click, a screenshot. */
let servedRequest = 0;
async function serveDiagramRequest(page, driverDir) {
  // Each numbered request once; the file stays (the test renames it into place, and VS Code
  // resolves the renamed file afterwards: deleting it here would fail that write).
  const request = JSON.parse(readFileSync(join(driverDir, 'diagram-request.json'), 'utf8'));
  if (request.id === servedRequest) return;
  servedRequest = request.id;
  const response = { id: request.id };
  try {
    const deadline = Date.now() + 60_000;
    let frame;
    while (!frame || (await frame.locator('.node').count()) !== request.nodes) {
      if (Date.now() > deadline)
        throw new Error(
          `no diagram webview with ${request.nodes} nodes (found ${frame ? await frame.locator('.node').count() : 'no diagram frame'})`,
        );
      await sleep(250);
      frame = await diagramFrame(page);
    }
    response.nodes = await frame.locator('.node').count();
    response.edges = await frame.locator('.edge').count();
    response.ids = await frame
      .locator('.node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
    if (request.screenshot) {
      await frame
        .locator('vscode-button[data-action="fit"]')
        .click({ timeout: 5000 })
        .catch(() => undefined);
      await sleep(500);
      await page.screenshot({ path: join(resultsDir, request.screenshot) });
      log(`diagram screenshot saved to test-results/${request.screenshot}`);
    }
    if (request.click) {
      await frame.locator(`.node[data-id="${request.click}"] .node-box`).click({ timeout: 10_000 });
      response.clicked = request.click;
    }
  } catch (error) {
    response.error = error instanceof Error ? error.message : String(error);
  }
  writeFileSync(join(driverDir, 'diagram-response.json.tmp'), JSON.stringify(response));
  renameSync(
    join(driverDir, 'diagram-response.json.tmp'),
    join(driverDir, 'diagram-response.json'),
  );
}

async function runWorkbench(base, workspace) {
  const setup = setupOffline();
  log(
    `code-server ready (${setup.cached ? 'cached' : `installed in ${setup.seconds.toFixed(0)} s`})`,
  );
  const userData = join(base, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      // The one switch: run mltm in the browser's web worker extension host, as on vscode.dev.
      'remote.extensionKind': { 'mltm.mltm': ['web'] },
      // The checks compare diagnostics with the engine's threats one by one (the per-threat
      // mode); the default fix-plan diagnostics are the real-VS-Code suite's (fixPlan.test.ts).
      'mltm.diagnostics.show': 'threats',
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }),
  );
  const port = await freePort();
  const output = [];
  const server = spawn(
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
      join(base, 'extensions'),
      workspace,
    ],
    {
      cwd: base,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        VSCODE_OPTIONS: '--enable-smoke-test-driver',
        XDG_CONFIG_HOME: join(base, 'config'),
        XDG_DATA_HOME: join(base, 'data'),
      },
    },
  );
  server.stdout.on('data', (d) => output.push(d));
  server.stderr.on('data', (d) => output.push(d));
  const deadline = Date.now() + timeoutMs;
  let browser;
  const consoleLines = [];
  try {
    await waitForCodeServer(server, output, port, deadline, started);
    log(`code-server listening on 127.0.0.1:${port}`);
    browser = await launchHeadlessChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    // The web worker extension host logs to the page's console: kept for a failure's report.
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'dist', 'test', 'web', 'index.js'))],
    ];
    await page.goto(
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    log('workbench opened; the web worker extension host runs the test');
    const driverDir = join(workspace, '.driver');
    const resultsFile = join(driverDir, 'results.json');
    await waitFor(
      'the test to write .driver/results.json (see test-results/web-console.log)',
      async () => {
        if (existsSync(join(driverDir, 'diagram-request.json')))
          await serveDiagramRequest(page, driverDir);
        return existsSync(resultsFile);
      },
      deadline,
      started,
    );
    await page
      .screenshot({ path: join(resultsDir, 'web-workbench.png') })
      .catch((error) => log(`screenshot failed: ${error.message}`));
    return JSON.parse(readFileSync(resultsFile, 'utf8'));
  } finally {
    await browser?.close().catch(() => undefined);
    try {
      // Its own process group (detached): the server and every extension host it started.
      if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    writeFileSync(join(resultsDir, 'web-server.log'), Buffer.concat(output));
    writeFileSync(join(resultsDir, 'web-console.log'), consoleLines.join('\n'));
  }
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  if (
    !existsSync(join(root, 'dist', 'test', 'web', 'index.js')) ||
    !existsSync(join(root, 'dist', 'web', 'extension.js'))
  ) {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
      stdio: 'inherit',
    });
    if (built.status !== 0) return fail('the build failed');
  }
  const base = mkdtempSync(join(tmpdir(), 'mltm-web-'));
  // The server-side folder holds only the driver's mailbox: every model the test opens is virtual.
  const workspace = join(base, 'workspace');
  mkdirSync(join(workspace, '.driver'), { recursive: true });
  const timer = setTimeout(() => {
    // The last resort: a hung browser or server never keeps the run from ending.
    fail(`no result after ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs + 30_000);
  try {
    const results = await runWorkbench(base, workspace);
    finish({ passed: results.passed, failed: results.failed, failures: results.failures });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
    rmSync(base, { recursive: true, force: true });
  }
}

await main();

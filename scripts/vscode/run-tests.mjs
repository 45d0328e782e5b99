// `npm run test:vscode`: runs the mocha suite in test/vscode inside a real VS Code.
// - Online (update.code.visualstudio.com answers): @vscode/test-electron downloads VS Code and
//   runs the suite, as most extensions do.
// - Offline (only the npm registry and Debian reachable): the VS Code server build shipped by the
//   `code-server` npm package (installed once by setup-offline.mjs into .vscode-test/), with
//   Debian Chromium (playwright-core) opening the workbench with a development payload, which
//   makes the extension host load this extension and call the suite's run() — the same contract.
// Either way run() writes {passed, failed, failures} to MLTM_VSCODE_RESULTS; this script copies
// it to MLTM_COUNTS_FILE (read by scripts/test-all.mjs) and exits non-zero on any failure. The
// offline path also saves a screenshot of the workbench to test-results/vscode-workbench.png, and
// serves the diagram test's requests (see serveDiagramRequest): it counts the nodes in the real
// diagram webview's DOM, clicks one there, reads which elements an attack path marks, and
// screenshots the workbench with the diagram open.
// Env: MLTM_VSCODE_MODE=online|offline forces a path; MLTM_VSCODE_TIMEOUT_MS bounds the suite;
// MLTM_VSCODE_SELFTEST_FAIL=1 makes one test assert a wrong value (proves failures are real).
// MLTM_VSCODE_GREP=<text> runs only the tests whose title matches (a developer's quick loop);
// MLTM_VSCODE_PROFILE=1 writes CPU profiles of the renderer and (large-model test) extension host.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
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
import { setupOffline } from './setup-offline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'test-results');
const timeoutMs = Number(process.env.MLTM_VSCODE_TIMEOUT_MS ?? 300_000);
const started = Date.now();
const log = (message) =>
  console.log(`[vscode-tests +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** Writes the counts for test-all and sets the exit code. */
function finish(counts) {
  const countsFile = process.env.MLTM_COUNTS_FILE;
  if (countsFile) writeFileSync(countsFile, JSON.stringify(counts, null, 2));
  for (const f of counts.failures)
    console.log(`  ✗ ${f.title}\n    ${f.message.split('\n').slice(0, 6).join('\n    ')}`);
  console.log(
    `real VS Code: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

function fail(message) {
  console.error(`[vscode-tests] ${message}`);
  finish({ passed: 0, failed: 1, failures: [{ title: 'real-VS-Code suite', message }] });
}

/** A fresh workspace per run (tests edit files): the examples plus test/vscode/workspace. */
function makeWorkspace(base) {
  const workspace = join(base, 'workspace');
  mkdirSync(join(workspace, 'examples'), { recursive: true });
  for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mltm.yaml'))) {
    cpSync(join(root, 'examples', file), join(workspace, 'examples', file));
  }
  cpSync(join(root, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  return workspace;
}

function probeOnline() {
  if (process.env.MLTM_VSCODE_MODE === 'offline') return Promise.resolve(false);
  if (process.env.MLTM_VSCODE_MODE === 'online') return Promise.resolve(true);
  return new Promise((resolve) => {
    const req = request(
      'https://update.code.visualstudio.com/api/releases/stable',
      { method: 'HEAD', timeout: 3000 },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 500);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The frame (nested in VS Code's webview iframes) that holds the mltm diagram, if one is drawn. */
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

/**
 * The diagram test (test/vscode/diagram.test.ts) writes diagram-request.json into the driver
 * folder and waits for diagram-response.json: the node and edge counts in the real webview DOM,
 * a screenshot of the workbench, and the result of clicking a node there (the test then checks
 * that the YAML selection moved to it). Errors are reported to the test, which fails on them.
 */
async function serveDiagramRequest(page, driverDir) {
  const request = JSON.parse(readFileSync(join(driverDir, 'diagram-request.json'), 'utf8'));
  const response = {};
  try {
    const deadline = Date.now() + 30_000;
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
    response.labels = await frame
      .locator('.node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
    // The element the editor cursor is in, as the webview highlights it (null: none).
    await frame
      .locator('.highlighted')
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => undefined);
    response.highlighted = await frame
      .locator('.highlighted')
      .first()
      .getAttribute('data-id', { timeout: 1000 })
      .catch(() => null);
    // An attack path the Fix Plan view asked to highlight: wait for its elements to be marked.
    if (request.onPath !== undefined) {
      const pathDeadline = Date.now() + 15_000;
      while ((await frame.locator('.on-path').count()) !== request.onPath) {
        if (Date.now() > pathDeadline) break;
        await sleep(250);
      }
      response.onPath = await frame.locator('.on-path').evaluateAll((els) =>
        els.map((e) => ({
          id: e.getAttribute('data-id'),
          shape: e.classList.contains('node') ? 'node' : 'edge',
          step: e.getAttribute('data-path-step'),
        })),
      );
      response.pathShown = await frame
        .locator('svg.stage')
        .first()
        .evaluate((e) => ({
          shown: e.classList.contains('path-shown'),
          path: e.getAttribute('data-path'),
        }));
    }
    if (request.screenshot) {
      // A wider window for the picture, with the diagram fitted to its new size.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await sleep(1000);
      await frame.locator('vscode-button[data-action="fit"]').click({ timeout: 5000 });
      await sleep(500);
      await page.screenshot({ path: join(resultsDir, request.screenshot) });
      response.screenshot = join('test-results', request.screenshot);
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

async function runOnline(workspace, resultsFile) {
  const { runTests } = await import('@vscode/test-electron');
  log('VS Code download reachable: running with @vscode/test-electron');
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist', 'test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: {
      MLTM_VSCODE_RESULTS: resultsFile,
      MLTM_VSCODE_TRACE_DIR: resultsDir,
      MLTM_VSCODE_SELFTEST_FAIL: process.env.MLTM_VSCODE_SELFTEST_FAIL ?? '',
      MLTM_VSCODE_GREP: process.env.MLTM_VSCODE_GREP ?? '',
    },
  }).catch(() => undefined); // a failing suite rejects; the results file says why
}

async function runOffline(base, workspace, resultsFile) {
  const setupStarted = Date.now();
  const setup = setupOffline();
  log(
    `offline: code-server ready (${setup.cached ? 'cached' : `installed in ${setup.seconds.toFixed(0)} s`}, ${((Date.now() - setupStarted) / 1000).toFixed(1)} s)`,
  );
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
    }),
  );
  const port = await freePort();
  const serverLog = join(resultsDir, 'vscode-server.log');
  const args = [
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
  ];
  const server = spawn(setup.nodeBinary, args, {
    cwd: base,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      VSCODE_OPTIONS: '--enable-smoke-test-driver',
      MLTM_VSCODE_RESULTS: resultsFile,
      MLTM_VSCODE_DRIVER_DIR: base,
      MLTM_VSCODE_TRACE_DIR: resultsDir,
      XDG_CONFIG_HOME: join(base, 'config'),
      XDG_DATA_HOME: join(base, 'data'),
    },
  });
  const output = [];
  server.stdout.on('data', (d) => output.push(d));
  server.stderr.on('data', (d) => output.push(d));
  const stopServer = () => {
    try {
      // Its own process group (detached): ends the server and the extension host it started.
      if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    writeFileSync(serverLog, Buffer.concat(output));
  };
  let browser;
  try {
    const deadline = Date.now() + timeoutMs;
    await waitForCodeServer(server, output, port, deadline, started);
    log(`code-server listening on 127.0.0.1:${port}`);
    browser = await launchHeadlessChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'dist', 'test', 'vscode', 'index.js'))],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // MLTM_VSCODE_PROFILE=1: a CPU profile of the workbench's renderer for the whole run
    // (test-results/vscode-renderer.cpuprofile), beside the extension host's of the large model.
    const rendererProfile = process.env.MLTM_VSCODE_PROFILE
      ? await page.context().newCDPSession(page)
      : undefined;
    if (rendererProfile) {
      await rendererProfile.send('Profiler.enable');
      await rendererProfile.send('Profiler.setSamplingInterval', { interval: 200 });
      await rendererProfile.send('Profiler.start');
    }
    await page.goto(url);
    log('workbench opened; the extension host runs the suite');
    const diagramRequest = join(base, 'diagram-request.json');
    await waitFor(
      'the suite to write its results (see test-results/vscode-server.log)',
      async () => {
        if (existsSync(diagramRequest)) {
          await serveDiagramRequest(page, base);
          rmSync(diagramRequest, { force: true });
        }
        return existsSync(resultsFile);
      },
      deadline,
      started,
    );
    if (rendererProfile) {
      const { profile } = await rendererProfile.send('Profiler.stop');
      writeFileSync(join(resultsDir, 'vscode-renderer.cpuprofile'), JSON.stringify(profile));
    }
    await page
      .screenshot({ path: join(resultsDir, 'vscode-workbench.png') })
      .catch((error) => log(`screenshot failed: ${error.message}`));
    log('screenshot saved to test-results/vscode-workbench.png');
  } finally {
    await browser?.close().catch(() => undefined);
    stopServer();
  }
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  if (
    !existsSync(join(root, 'dist', 'test', 'vscode', 'index.js')) ||
    !existsSync(join(root, 'dist', 'extension.js'))
  ) {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
      stdio: 'inherit',
    });
    if (built.status !== 0) return fail('the build failed');
  }
  const base = mkdtempSync(join(tmpdir(), 'mltm-vscode-'));
  const resultsFile = join(base, 'results.json');
  const workspace = makeWorkspace(base);
  try {
    if (await probeOnline()) await runOnline(workspace, resultsFile);
    else await runOffline(base, workspace, resultsFile);
    if (!existsSync(resultsFile))
      return fail('the suite did not report results (the extension host did not run it).');
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    finish({ passed: results.passed, failed: results.failed, failures: results.failures });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();

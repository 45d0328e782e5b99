// `npm test`: every check the project has, in order, totalled into one final line
// `N passed, N failed` (what CI reads). Each suite reports its own counts; a step that is not a
// test suite (type-check, lint, build) counts as one check. A later step still runs when an
// earlier one fails, so one run shows everything that is broken — except that nothing runs on a
// failed build, which the rest depends on.
//
// First, the system packages the suites need (scripts/setup-system.mjs): installed when running as
// root with apt-get, otherwise one line naming the command, and nothing else runs. Every step runs
// in its own process group with a time limit (MLTM_STEP_TIMEOUT_MS, default 30 minutes); a step
// that outlives it is killed with everything it started, counted as failed, and the run goes on,
// so `npm test` always ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './setup-system.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const only = process.argv.slice(2);
const stepTimeoutMs = Number(process.env.MLTM_STEP_TIMEOUT_MS ?? 30 * 60_000);

let passed = 0;
let failed = 0;
const failures = [];

/** Runs a step in its own process group; resolves true on exit code 0. */
function run(name, command, args, env = {}, timeoutMs = stepTimeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
      detached: true,
    });
    const timer = setTimeout(() => {
      failures.push(`${name}: killed after ${Math.round(timeoutMs / 1000)} s (time limit)`);
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      failures.push(`${name}: could not start (${error.message})`);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Whatever the step left running (a browser, a server) goes with it.
      killGroup(child.pid);
      resolve(code === 0);
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

async function check(name, command, args) {
  if (only.length > 0 && !only.includes(name)) return true;
  console.log(`\n== ${name} ==`);
  const ok = await run(name, command, args);
  if (ok) passed++;
  else {
    failed++;
    failures.push(`${name} failed`);
  }
  return ok;
}

async function suite(name, command, args, countsFile, env = {}, timeoutMs = stepTimeoutMs) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n== ${name} ==`);
  rmSync(countsFile, { force: true });
  const ok = await run(
    name,
    command,
    args,
    {
      ...env,
      MLTM_COUNTS_FILE: countsFile,
      MLTM_TEST_RESULTS: countsFile,
    },
    timeoutMs,
  );
  if (!existsSync(countsFile)) {
    failed++;
    failures.push(`${name}: the suite did not complete`);
    return;
  }
  const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  passed += counts.passed;
  failed += counts.failed;
  for (const f of counts.failures ?? [])
    failures.push(`${name}: ${f.title}: ${f.message.split('\n')[0]}`);
  if (!ok && counts.failed === 0) {
    failed++;
    failures.push(`${name}: exited with an error`);
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The suites after the build, in order: name, script, and optionally a time limit of their own. */
const SUITES = [
  ['webview', 'scripts/webview/run-tests.mjs'],
  ['vscode', 'scripts/vscode/run-tests.mjs'],
  // The browser build in a real web workbench (code-server's web worker extension host, Chromium).
  // Its runner gives up after 5 minutes (MLTM_WEB_TIMEOUT_MS); the step is killed at 10 whatever.
  ['web', 'scripts/web/run-tests.mjs', 10 * 60_000],
  // pre-commit installs and runs the repository's hooks (.pre-commit-hooks.yaml).
  ['integrations', 'scripts/integrations/run-tests.mjs'],
  // Builds the production VSIX (replacing dist/) and restores the development build.
  ['package', 'scripts/package/run-tests.mjs'],
  // After package: installs the VSIX it built into the real VS Code and checks it activates.
  ['vsix-smoke', 'scripts/vscode/vsix-smoke.mjs'],
];

console.log('== system packages ==');
const systemReady = ensureSystemPackages();
let built = false;
if (!systemReady) {
  failed++;
  failures.push('system packages missing: nothing else ran (see the line above)');
} else {
  await check('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  if (existsSync(join(root, 'webview/main.ts')))
    await check('typecheck-webview', npx, ['tsc', '-p', 'webview/tsconfig.json', '--noEmit']);
  if (existsSync(join(root, 'test/webview/tsconfig.json')))
    await check('typecheck-webview-tests', npx, [
      'tsc',
      '-p',
      'test/webview/tsconfig.json',
      '--noEmit',
    ]);
  await check('lint', npm, ['run', '--silent', 'lint']);
  built = await check('build', process.execPath, ['scripts/build.mjs']);
  if (built) {
    await suite(
      'unit',
      npx,
      ['mocha', '--reporter', join(root, 'scripts/mocha-count-reporter.cjs')],
      join(resultsDir, 'unit.json'),
    );
    // The parse, model, register and hostile-input suites again with the fast YAML reader switched off, so the
    // `yaml` library path (what every file outside the fast reader's subset takes) is tested on
    // its own and the two paths cannot drift apart unseen (see ARCHITECTURE.md, two YAML readers).
    await suite(
      'unit-yaml-library',
      npx,
      [
        'mocha',
        '--config',
        'test/yaml-library.mocharc.json',
        '--reporter',
        join(root, 'scripts/mocha-count-reporter.cjs'),
      ],
      join(resultsDir, 'unit-yaml-library.json'),
      { MLTM_YAML_READER: 'library' },
    );
    for (const [name, script, timeoutMs] of SUITES)
      if (existsSync(join(root, script)))
        await suite(
          name,
          process.execPath,
          [script],
          join(resultsDir, `${name}.json`),
          {},
          timeoutMs ?? stepTimeoutMs,
        );
  } else {
    failures.push('build failed: the test suites did not run');
  }
}

if (failures.length > 0) {
  console.log('\nFailures:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || !built ? 1 : 0;

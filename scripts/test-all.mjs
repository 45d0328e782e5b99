// `npm test`: every check the project has, in order, totalled into one final line
// `N passed, N failed` (what CI reads). Each suite reports its own counts; a step that is not a
// test suite (type-check, lint, build) counts as one check. A later step still runs when an
// earlier one fails, so one run shows everything that is broken — except that nothing runs on a
// failed build, which the rest depends on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const only = process.argv.slice(2);

let passed = 0;
let failed = 0;
const failures = [];

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status === 0;
}

function check(name, command, args) {
  if (only.length > 0 && !only.includes(name)) return true;
  console.log(`\n== ${name} ==`);
  const ok = run(command, args);
  if (ok) passed++;
  else {
    failed++;
    failures.push(`${name} failed`);
  }
  return ok;
}

function suite(name, command, args, countsFile, env = {}) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n== ${name} ==`);
  rmSync(countsFile, { force: true });
  const ok = run(command, args, {
    ...env,
    MLTM_COUNTS_FILE: countsFile,
    MLTM_TEST_RESULTS: countsFile,
  });
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
check('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (existsSync(join(root, 'webview/main.ts')))
  check('typecheck-webview', npx, ['tsc', '-p', 'webview/tsconfig.json', '--noEmit']);
if (existsSync(join(root, 'test/webview/tsconfig.json')))
  check('typecheck-webview-tests', npx, ['tsc', '-p', 'test/webview/tsconfig.json', '--noEmit']);
check('lint', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'lint']);
const built = check('build', process.execPath, ['scripts/build.mjs']);
if (built) {
  suite(
    'unit',
    npx,
    ['mocha', '--reporter', join(root, 'scripts/mocha-count-reporter.cjs')],
    join(resultsDir, 'unit.json'),
  );
  // The parse, model and register suites again with the fast YAML reader switched off, so the
  // `yaml` library path (what every file outside the fast reader's subset takes) is tested on
  // its own and the two paths cannot drift apart unseen (see ARCHITECTURE.md, two YAML readers).
  suite(
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
  if (existsSync(join(root, 'scripts/webview/run-tests.mjs')))
    suite(
      'webview',
      process.execPath,
      ['scripts/webview/run-tests.mjs'],
      join(resultsDir, 'webview.json'),
    );
  if (existsSync(join(root, 'scripts/vscode/run-tests.mjs')))
    suite(
      'vscode',
      process.execPath,
      ['scripts/vscode/run-tests.mjs'],
      join(resultsDir, 'vscode.json'),
    );
  // Last: it builds the production VSIX (replacing dist/) and restores the development build.
  if (existsSync(join(root, 'scripts/package/run-tests.mjs')))
    suite(
      'package',
      process.execPath,
      ['scripts/package/run-tests.mjs'],
      join(resultsDir, 'package.json'),
    );
  // After package: installs the VSIX it built into the real VS Code and checks it activates.
  if (existsSync(join(root, 'scripts/vscode/vsix-smoke.mjs')))
    suite(
      'vsix-smoke',
      process.execPath,
      ['scripts/vscode/vsix-smoke.mjs'],
      join(resultsDir, 'vsix-smoke.json'),
    );
} else {
  failures.push('build failed: the test suites did not run');
}

if (failures.length > 0) {
  console.log('\nFailures:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || !built ? 1 : 0;

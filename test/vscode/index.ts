/**
 * Entry of the real-VS-Code suite: the `run()` contract of `@vscode/test-electron`, which the
 * offline runner (code-server + Chromium) honours too. Runs every `*.test.js` beside it with
 * mocha and writes `{passed, failed, failures}` to the file named by `MLTM_VSCODE_RESULTS`, which
 * the driver (scripts/vscode/run-tests.mjs) waits for.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

interface Failure {
  title: string;
  message: string;
}

/** Runs the suite; resolves when done (failures are reported in the results file and by rejecting). */
export async function run(): Promise<void> {
  // MLTM_VSCODE_GREP runs only the tests whose full title matches (a developer's quick loop).
  const grep = process.env['MLTM_VSCODE_GREP'];
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    ...(grep && { grep }),
  });
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(join(__dirname, file));
  const failures: Failure[] = [];
  let passed = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => passed++);
    runner.on('fail', (test, error: unknown) =>
      failures.push({
        title: test.fullTitle(),
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
  });
  const results = { passed, failed: failures.length, failures };
  const file = process.env['MLTM_VSCODE_RESULTS'];
  if (file) writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`mltm real-VS-Code suite: ${passed} passed, ${failures.length} failed`);
  // Leave the workbench on screen a moment: the offline driver screenshots it after the results appear.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  if (failures.length > 0) throw new Error(`${failures.length} test(s) failed`);
}

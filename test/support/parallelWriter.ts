// A long-lived register writer for the concurrent-writers stress test (test/unit/cli/
// concurrentWriters.test.ts): for every round number read on standard input it runs
// `mltm triage <model> <threat> --notes <name>-<round>` through the CLI's own code path and
// answers one JSON line `{ round, code, stderr }`. Two of these run at once on one register.
import { createInterface } from 'node:readline';
import { runCli } from '../../src/cli/main';

const [model, threat, name] = process.argv.slice(2) as [string, string, string];
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const round = Number(line);
  let stderr = '';
  void runCli(['triage', model, threat, '--notes', `${name}-${round}`], {
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
    cwd: process.cwd(),
    today: '2026-01-01',
  }).then((code) => process.stdout.write(JSON.stringify({ round, code, stderr }) + '\n'));
});

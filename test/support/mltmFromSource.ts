// The child entry of test/support/cliProcess.ts: the CLI from source, as bin/mltm.js runs the
// bundle. `MLTM_TODAY` fixes "today" so runs are reproducible.
import { runCli } from '../../src/cli/main';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  ...(process.env['MLTM_TODAY'] !== undefined && { today: process.env['MLTM_TODAY'] }),
}).then((code) => {
  process.exitCode = code;
});

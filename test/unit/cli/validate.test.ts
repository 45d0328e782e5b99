/**
 * `mltm validate` as users and CI see it: the `file:line:col: severity CODE message` lines, the
 * summary on stderr, exit codes (0 valid, 1 errors, 2 usage), `--quiet`, and the `--format json`
 * shape.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mltm } from './run';

const EXAMPLES = readdirSync('examples')
  .filter((name) => name.endsWith('.mltm.yaml'))
  .map((name) => `examples/${name}`);

const MIXED = [
  'mltm: 1',
  'name: mixed',
  'data:',
  '  unused: { classification: public }',
  'components:',
  '  a: { kind: user }',
  '  b: { kind: trainng_job }',
  '  c: { kind: vector_db }',
  'flows:',
  '  - { from: a, to: b }',
  '',
].join('\n');

describe('mltm validate', () => {
  let folder = '';
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'mltm-validate-'));
    writeFileSync(join(folder, 'mixed.mltm.yaml'), MIXED);
    writeFileSync(join(folder, 'warn.mltm.yaml'), MIXED.replace('trainng_job', 'training_job'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('every example is valid: exit 0, nothing on stdout', async () => {
    assert.ok(EXAMPLES.length >= 8);
    const run = await mltm(['validate', ...EXAMPLES]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      `${EXAMPLES.length} files checked: all valid (0 errors, 0 warnings, 0 info).\n`,
    );
  });

  it('prints exactly `file:line:col: severity CODE message`, in position order, paths relative to cwd', async () => {
    const run = await mltm(['validate', 'mixed.mltm.yaml'], folder);
    assert.equal(run.code, 1);
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      'mixed.mltm.yaml:4:3: info MLTM211 Data `unused` is not carried by any flow nor held by any component.',
      'mixed.mltm.yaml:7:14: error MLTM104 Unknown component kind `trainng_job` for component `b`; did you mean `training_job`? Custom names start with `x-`.',
      'mixed.mltm.yaml:8:3: warning MLTM207 Component `c` has no data flows, so no flow threats can be found for it. Connect it, or remove it if it is not part of the pipeline.',
    ]);
    assert.equal(run.stderr, '1 file checked: 1 invalid (1 error, 1 warning, 1 info).\n');
  });

  it('warnings and infos alone exit 0', async () => {
    const run = await mltm(['validate', join(folder, 'warn.mltm.yaml')], folder);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^warn\.mltm\.yaml:8:3: warning MLTM207 /m);
  });

  it('--quiet prints errors only', async () => {
    const run = await mltm(['validate', '--quiet', 'mixed.mltm.yaml'], folder);
    assert.equal(run.code, 1);
    assert.deepEqual(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(' ')[2]),
      ['MLTM104'],
    );
  });

  it('--format json gives files, problems with ranges and a summary', async () => {
    const run = await mltm(
      ['validate', '--format', 'json', 'mixed.mltm.yaml', 'warn.mltm.yaml'],
      folder,
    );
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const json = JSON.parse(run.stdout) as {
      files: { file: string; valid: boolean; problems: Record<string, unknown>[] }[];
      summary: Record<string, number>;
    };
    assert.deepEqual(Object.keys(json), ['files', 'summary']);
    assert.deepEqual(
      json.files.map((f) => [f.file, f.valid, f.problems.length]),
      [
        ['mixed.mltm.yaml', false, 3],
        ['warn.mltm.yaml', true, 2],
      ],
    );
    assert.deepEqual(json.files[0]?.problems[1], {
      file: 'mixed.mltm.yaml',
      line: 7,
      column: 14,
      endLine: 7,
      endColumn: 25,
      severity: 'error',
      code: 'MLTM104',
      message:
        'Unknown component kind `trainng_job` for component `b`; did you mean `training_job`? Custom names start with `x-`.',
    });
    assert.deepEqual(json.summary, { files: 2, error: 1, warning: 2, info: 2 });
  });

  it('usage errors exit 2 with a message', async () => {
    const none = await mltm(['validate']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give at least one model file/);
    const format = await mltm(['validate', '--format', 'xml', EXAMPLES[0] ?? '']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /unknown --format `xml`; use text or json/);
    const option = await mltm(['validate', '--colour', EXAMPLES[0] ?? '']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option '--colour'/);
  });

  it('--help lists the options and exits 0', async () => {
    const run = await mltm(['validate', '--help']);
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /Usage: mltm validate <model\.mltm\.yaml…> \[--format text\|json\] \[--quiet\]/,
    );
    assert.match(
      run.stdout,
      /--format <value> +text \(file:line:col: severity CODE message\) or json \(default: text\)/,
    );
  });

  it('the built binary gives the same output and exit code', function () {
    // The bundle is built by `npm test` before the unit suite; a bare `npx mocha` may not have it.
    if (!existsSync('dist/cli.js')) this.skip();
    const result = spawnSync(
      process.execPath,
      [join(process.cwd(), 'bin/mltm.js'), 'validate', 'mixed.mltm.yaml'],
      { encoding: 'utf8', cwd: folder },
    );
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /^mixed\.mltm\.yaml:7:14: error MLTM104 Unknown component kind `trainng_job`/m,
    );
  });

  it('the binary stops quietly when its reader closes the pipe (`| head`)', function () {
    if (!existsSync('dist/cli.js')) this.skip();
    // Regression: an unhandled EPIPE printed a Node stack trace. The JSON analysis of this example
    // is ~200 KB, more than a pipe buffers, so the writer is still writing when `head` exits.
    const result = spawnSync(
      'sh',
      [
        '-c',
        'node bin/mltm.js analyze --format json examples/01-fintech-posture.mltm.yaml | head -c 10',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(result.stdout, '{\n  "forma');
    assert.doesNotMatch(result.stderr, /EPIPE|Unhandled|at /);
  });
});

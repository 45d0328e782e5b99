/**
 * Issue 16 defect 12: control characters reached terminals, CI logs and reports. A model name
 * holding a newline and `::error file=…::forged` made `mltm analyze` print a forged GitHub
 * Actions annotation and a fake PASS line; ESC sequences in names or invalid kinds could clear
 * the screen; NUL, ESC and BEL were copied into Markdown and HTML. Every model string is now
 * written inert (core/util/inert.ts): visibly escaped in problems, CLI text and reports.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YAML_READER_ENV } from '../../../src/core/parse/source';
import { inert } from '../../../src/core/util/inert';
import { mltm } from '../cli/run';

/* eslint-disable no-control-regex -- looking for control characters is the point */
/** Every control character but the line breaks the output itself writes. */
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/; /* eslint-enable no-control-regex */
const FORGED = '\n::error file=src/app.ts,line=1::forged\nPASS forged.mltm.yaml: 0 open threats.\n';

function hostileModel(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mltm-defect12-'));
  const q = (s: string) => JSON.stringify(s);
  const text = [
    'mltm: 1',
    `name: ${q(`Shop${FORGED}\u001b[2J\u0007\u0000`)}`,
    'components:',
    `  web: { kind: llm_app, name: ${q(`Web\u001b]0;owned\u0007${FORGED}`)} }`,
    `  user: { kind: user, name: ${q('User\u202eevil')} }`,
    'flows:',
    '  - { from: user, to: web }',
    '',
  ].join('\n');
  const file = join(dir, 'm.mltm.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

function assertInert(output: string, what: string): void {
  assert.doesNotMatch(output, RAW_CONTROL, `${what}: raw control character`);
  for (const line of output.split('\n')) {
    assert.ok(!line.startsWith('::'), `${what}: forged annotation line ${JSON.stringify(line)}`);
    assert.ok(!line.startsWith('PASS forged'), `${what}: forged PASS line`);
  }
}

describe('issue 16 defect 12: control characters are written inert', () => {
  it('inert() escapes every control character visibly, on one line', () => {
    assert.equal(
      inert('a\nb\r\tc\u001b[2J\u0007\u0000\u007f\u202e'),
      'a\\nb\\r\\tc\\u001b[2J\\u0007\\u0000\\u007f\\u202e',
    );
    assert.equal(inert('Zürich — ok'), 'Zürich — ok');
  });

  it('analyze, check and validate print no forged line and no raw control character', async () => {
    const { dir, file } = hostileModel();
    for (const args of [
      ['analyze', file],
      ['check', file, '--fail-on', 'none'],
      ['validate', file],
    ]) {
      const run = await mltm(args, dir);
      assertInert(run.stdout, `${args[0]} stdout`);
      assertInert(run.stderr, `${args[0]} stderr`);
    }
    const analyze = await mltm(['analyze', file], dir);
    assert.match(analyze.stdout, /Shop\\n::error file=src\/app\.ts,line=1::forged\\nPASS forged/);
  });

  it('both YAML readers make analyze, check and validate print the same, inert', async () => {
    // The suite also runs under MLTM_YAML_READER=library (CI's unit-yaml-library step); this
    // case compares the two readers within one run, so neither can print less than the other.
    const { dir, file } = hostileModel();
    const forced = process.env[YAML_READER_ENV];
    const runAll = async (reader: string | undefined) => {
      if (reader === undefined) delete process.env[YAML_READER_ENV];
      else process.env[YAML_READER_ENV] = reader;
      const runs = [];
      for (const args of [
        ['analyze', file],
        ['check', file, '--fail-on', 'none'],
        ['validate', file],
      ])
        runs.push(await mltm(args, dir));
      return runs;
    };
    try {
      const fast = await runAll(undefined);
      const library = await runAll('library');
      assert.deepEqual(library, fast);
      assert.match(
        fast[0]?.stdout ?? '',
        /Shop\\n::error file=src\/app\.ts,line=1::forged\\nPASS forged/,
      );
    } finally {
      if (forced === undefined) delete process.env[YAML_READER_ENV];
      else process.env[YAML_READER_ENV] = forced;
    }
  });

  it('an invalid kind with an escape sequence is quoted visibly in the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mltm-defect12-'));
    writeFileSync(
      join(dir, 'k.mltm.yaml'),
      'mltm: 1\nname: k\ncomponents:\n  a: { kind: "model\\e[2J\\n::error::x" }\n',
    );
    const run = await mltm(['validate', join(dir, 'k.mltm.yaml')], dir);
    assertInert(run.stdout + run.stderr, 'validate');
    assert.match(run.stdout + run.stderr, /Unknown component kind `model\\u001b\[2J\\n::error::x`/);
  });

  it('Markdown, HTML and Mermaid reports carry no raw control character', async () => {
    const { dir, file } = hostileModel();
    for (const format of ['md', 'html', 'mermaid']) {
      const out = join(dir, `r.${format}`);
      const run = await mltm(
        ['report', file, '--format', format, '--output', out, '--date', '2026-01-01'],
        dir,
      );
      assert.equal(run.code, 0, run.stderr);
      const text = readFileSync(out, 'utf8');
      // The HTML report inlines mermaid.min.js, which is ours; check what the model put in.
      const own = format === 'html' ? text.replace(/<script[\s\S]*?<\/script>/g, '') : text;
      assert.doesNotMatch(own, RAW_CONTROL, `${format}: raw control character`);
      assert.ok(own.includes('u001b'), `${format}: ESC written visibly`);
    }
  });
});

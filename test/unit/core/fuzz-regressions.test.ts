/**
 * Regressions for bugs the fuzz suite (test/fuzz) found, one fixture each, named after the bug.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analysis';
import { loadRegister } from '../../../src/core/register/register';
import { readYaml } from '../../../src/core/parse/source';
import { syncRegister } from '../../../src/core/register/sync';
import { generatePipeline } from '../../../bench/generate';
import { analyzeLoaded } from '../../support/analysis';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../fixtures/fuzz', name), 'utf8');

describe('fuzz regressions', () => {
  it('unterminated-quote-at-eof: the syntax error is located inside the file, not one past its end', () => {
    const text = fixture('unterminated-quote-at-eof.mltm.yaml');
    const problems = analyze(text).problems;
    const syntax = problems.find((p) => p.code === 'MLTM001');
    assert.ok(syntax, problems.map((p) => p.code).join(', '));
    assert.ok(
      syntax.range.end <= text.length && syntax.range.start <= syntax.range.end,
      JSON.stringify(syntax.range),
    );
  });

  it('alias-bomb-under-limit: legal aliases expand (each resolved once, not by walking the document per use)', function () {
    this.timeout(60_000); // a hang detector only; it took minutes before the fix
    const text = fixture('alias-bomb-under-limit.mltm.yaml');
    const analysis = analyzeLoaded(text);
    assert.deepEqual(
      analysis.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.equal(analysis.model?.components.length, 2);
  });

  it('alias-bomb-over-limit: a bomb is refused with MLTM003 before anything is expanded', () => {
    const text = fixture('alias-bomb-over-limit.threats.yaml');
    const loaded = loadRegister(text);
    assert.equal(loaded.writable, false);
    const bomb = loaded.problems.find((p) => p.code === 'MLTM003');
    assert.ok(bomb, loaded.problems.map((p) => p.code).join(', '));
    assert.equal(text.slice(bomb.range.start, bomb.range.end), '*l0');
    assert.equal(readYaml(text, 'threat register').sourceMap.size, 0);
  });

  it('aliases resolve to the latest anchor of that name before them, as YAML says', () => {
    const read = readYaml('a: &x 1\nb: *x\nc: &x 2\nd: *x\n', 'model');
    assert.deepEqual(read.value, { a: 1, b: 1, c: 2, d: 2 });
  });

  it('crlf-register-resync: a CRLF register keeps CRLF line endings and a second sync changes nothing', () => {
    const text = fixture('crlf-register-resync.threats.yaml');
    assert.ok(text.includes('\r\n'), 'the fixture must keep its CRLF line endings');
    const analysis = analyze(generatePipeline({ components: 8, seed: 2 }).text);
    const options = { today: '2026-01-01', modelFile: 'fuzz.mltm.yaml' };
    const first = syncRegister(text, analysis, options);
    assert.ok(first.ok);
    assert.equal(
      /(^|[^\r])\n/.test(first.text),
      false,
      'every line ends with CRLF, as in the file',
    );
    const second = syncRegister(first.text, analysis, options);
    assert.ok(second.ok);
    assert.equal(second.changed, false);
    assert.equal(second.text, first.text);
  });
});

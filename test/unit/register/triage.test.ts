/**
 * Triage: the problems `checkRegister` reports (each with its code and the exact text it points
 * at), the `triageThreat` library call behind `mltm triage` and the editor's quick fixes, and the
 * CLI around it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import { syncRegister } from '../../../src/core/register/sync';
import { triageThreat } from '../../../src/core/register/triage';
import {
  analyzed,
  coveredTexts,
  loadedRegister,
  MODEL,
  mltm,
  OPTIONS,
  removeTemp,
  synced,
  tempDir,
  TODAY,
  writeFiles,
} from './helpers';

const ID = 'process-input-tampering@api';

/** Problems of a register text against MODEL, as `[code, the text the range covers]`. */
function problemsOf(text: string, model = MODEL, modelFile = 'm.mltm.yaml'): [string, string][] {
  const { register } = loadedRegister(text);
  return coveredTexts(text, checkRegister(register, analyzed(model), { today: TODAY, modelFile }));
}

function setStatus(text: string, id: string, lines: string): string {
  const marker = `  ${id}:\n`;
  const start = text.indexOf(marker);
  assert.ok(start >= 0);
  const status = text.indexOf('    status: open\n', start);
  return text.slice(0, status) + lines + text.slice(status + '    status: open\n'.length);
}

describe('checkRegister (triage problems)', () => {
  const base = synced(undefined, MODEL);

  it('a fresh register has no problems', () => {
    assert.deepEqual(problemsOf(base), []);
  });

  for (const status of ['accepted', 'transferred', 'not_applicable']) {
    it(`MLTM301: ${status} without a justification, located at the status`, () => {
      assert.deepEqual(problemsOf(setStatus(base, ID, `    status: ${status}\n`)), [
        ['MLTM301', status],
      ]);
      assert.deepEqual(
        problemsOf(setStatus(base, ID, `    status: ${status}\n    justification: "  "\n`)),
        [['MLTM301', status]],
      );
      assert.deepEqual(
        problemsOf(
          setStatus(base, ID, `    status: ${status}\n    justification: covered by the WAF\n`),
        ),
        [],
      );
    });
  }

  it('mitigated and open need no justification', () => {
    assert.deepEqual(problemsOf(setStatus(base, ID, '    status: mitigated\n')), []);
  });

  it('MLTM302: an expired review_by (before the injected today), located at the date', () => {
    const text = setStatus(
      base,
      ID,
      '    status: accepted\n    justification: ok\n    review_by: 2026-11-24\n',
    );
    assert.deepEqual(problemsOf(text), [['MLTM302', '2026-11-24']]);
    assert.deepEqual(
      problemsOf(text.replace('2026-11-24', TODAY)),
      [],
      'due today is not expired yet',
    );
  });

  it('MLTM303: a decision whose element changed, located at the status', () => {
    const decided = synced(setStatus(base, ID, '    status: mitigated\n'), MODEL);
    const hardened = MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }');
    assert.deepEqual(problemsOf(decided, hardened), [['MLTM303', 'mitigated']]);
  });

  it('MLTM304: a stale entry, located at its key', () => {
    const withoutQuery = MODEL.replace(
      '  - { id: query, from: client, to: api, protocol: https }\n',
      '  - { from: client, to: api, protocol: https }\n',
    );
    const stale = synced(base, withoutQuery);
    const problems = problemsOf(stale, withoutQuery);
    assert.ok(problems.length > 0);
    for (const [code, text] of problems) {
      assert.equal(code, 'MLTM304');
      assert.match(text, /@query$/);
    }
  });

  it('MLTM305 / MLTM306: ids no rule or element can produce, with did-you-mean fixes', () => {
    const text = `${base}  proces-input-tampering@api:\n    status: open\n  process-input-tampering@apii:\n    status: open\n  process-input-tampering@nowhere-near:\n    status: open\n`;
    assert.deepEqual(problemsOf(text), [
      ['MLTM305', 'proces-input-tampering@api'],
      ['MLTM306', 'process-input-tampering@apii'],
      ['MLTM306', 'process-input-tampering@nowhere-near'],
    ]);
    const loaded = loadRegister(text).register;
    assert.ok(loaded);
    const fixes = checkRegister(loaded, analyzed(MODEL), { today: TODAY }).map(
      (p) => p.fix?.replacement,
    );
    assert.deepEqual(fixes, [
      'process-input-tampering@api',
      'process-input-tampering@api',
      undefined,
    ]);
  });

  it('MLTM307: a register that names another model, located at `model:`', () => {
    assert.deepEqual(problemsOf(base, MODEL, 'other.mltm.yaml'), [['MLTM307', 'm.mltm.yaml']]);
  });

  it('MLTM308: a hand-edited machine field, located at the key', () => {
    assert.deepEqual(
      problemsOf(base.replace('title: Malicious input reaches a process', 'title: Bad input')),
      [['MLTM308', ID]],
    );
  });
});

describe('triageThreat', () => {
  const base = synced(undefined, MODEL);
  const analysis = analyzed(MODEL);

  it('records a decision with the human fields, stamps it, and keeps the register in sync', () => {
    const result = triageThreat(
      base,
      analysis,
      ID,
      { status: 'accepted', justification: 'internal only', owner: 'bo', reviewBy: '2027-05-01' },
      OPTIONS,
    );
    assert.ok(result.ok);
    const entry = (parse(result.text) as { threats: Record<string, Record<string, unknown>> })
      .threats[ID];
    assert.equal(entry?.['status'], 'accepted');
    assert.equal(entry?.['owner'], 'bo');
    assert.equal(entry?.['review_by'], '2027-05-01');
    assert.deepEqual(
      Object.keys(entry ?? {}).slice(-1),
      ['machine'],
      'human keys go before machine',
    );
    const after = syncRegister(result.text, analysis, OPTIONS);
    assert.ok(after.ok);
    assert.equal(after.changed, false, 'triage output is already what sync would write');
    assert.deepEqual(problemsOf(result.text), []);
  });

  it('refuses a decision that needs a justification without one, an unknown status, a bad date, an unknown threat', () => {
    assert.equal(triageThreat(base, analysis, ID, { status: 'accepted' }, OPTIONS).ok, false);
    assert.equal(
      triageThreat(base, analysis, ID, { status: 'acepted' as never }, OPTIONS).ok,
      false,
    );
    assert.equal(triageThreat(base, analysis, ID, { reviewBy: 'next week' }, OPTIONS).ok, false);
    assert.equal(
      triageThreat(base, analysis, 'nope@api', { status: 'mitigated' }, OPTIONS).ok,
      false,
    );
  });

  it('--confirm clears needs_review after the element changed', () => {
    const hardened = analyzed(MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }'));
    const decided = triageThreat(base, analysis, ID, { status: 'mitigated' }, OPTIONS);
    assert.ok(decided.ok);
    const flagged = syncRegister(decided.text, hardened, OPTIONS);
    assert.ok(flagged.ok);
    assert.deepEqual(flagged.summary.needsReview, [ID]);
    const confirmed = triageThreat(flagged.text, hardened, ID, { confirm: true }, OPTIONS);
    assert.ok(confirmed.ok);
    assert.doesNotMatch(confirmed.text, /needs_review/);
    assert.deepEqual(
      problemsOf(confirmed.text, MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }')),
      [],
    );
  });

  it('reopening clears the recorded decision', () => {
    const decided = triageThreat(base, analysis, ID, { status: 'mitigated' }, OPTIONS);
    assert.ok(decided.ok);
    const reopened = triageThreat(decided.text, analysis, ID, { status: 'open' }, OPTIONS);
    assert.ok(reopened.ok);
    assert.equal(reopened.text, base);
  });
});

describe('mltm triage (CLI)', () => {
  it('writes the decision; refuses without justification and leaves the file alone', async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      const refused = await mltm(['triage', 'm.mltm.yaml', ID, '--status', 'accepted'], dir);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /justification is required/);
      assert.equal(existsSync(join(dir, 'm.threats.yaml')), false);
      const ok = await mltm(
        [
          'triage',
          'm.mltm.yaml',
          ID,
          '--status',
          'accepted',
          '--justification',
          'internal only',
          '--owner',
          'bo',
        ],
        dir,
      );
      assert.equal(ok.code, 0, ok.stderr);
      const text = readFileSync(join(dir, 'm.threats.yaml'), 'utf8');
      assert.match(text, / {4}status: accepted\n {4}owner: bo\n {4}justification: internal only\n/);
    } finally {
      removeTemp(dir);
    }
  });
});

describe('mltm triage <model> (review)', () => {
  it('prints every triage problem located in the register, with a summary and exit code', async () => {
    const dir = tempDir();
    try {
      const register = setStatus(
        setStatus(
          synced(undefined, MODEL),
          ID,
          '    status: accepted\n    review_by: 2026-01-31\n',
        ),
        'flow-sniffing@registry->api',
        '    status: not_applicable\n    justification: public weights\n',
      );
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': register });
      const run = await mltm(['triage', 'm.mltm.yaml'], dir);
      assert.equal(run.code, 1, run.stderr);
      const line = (needle: string) =>
        register.slice(0, register.indexOf(needle)).split('\n').length;
      assert.match(
        run.stdout,
        new RegExp(
          `^m\\.threats\\.yaml:${line('    status: accepted\n    review_by')}:13: warning MLTM301 `,
          'm',
        ),
      );
      assert.match(
        run.stdout,
        new RegExp(
          `^m\\.threats\\.yaml:${line('2026-01-31')}:16: warning MLTM302 .*expired on 2026-01-31`,
          'm',
        ),
      );
      assert.match(run.stdout, /m\.threats\.yaml: 0 errors, 2 warnings, 0 notes\.\n$/);
      writeFiles(dir, { 'm.threats.yaml': synced(undefined, MODEL) });
      const clean = await mltm(['triage', 'm.mltm.yaml'], dir);
      assert.equal(clean.code, 0);
      assert.match(clean.stdout, /0 errors, 0 warnings, 0 notes/);
    } finally {
      removeTemp(dir);
    }
  });
});

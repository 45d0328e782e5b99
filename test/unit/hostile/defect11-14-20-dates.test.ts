/**
 * Issue 16 defects 11, 14 and 20, one calendar-date validator (core/util/date.ts) for all:
 * 11 — `triage --review-by 9999-99-99`, `2027-02-30`, `0000-00-00` exited 0 and a hand-written
 *      `9999-99-99` passed sync and `check` (an acceptance that never expires);
 * 14 — `SOURCE_DATE_EPOCH=99999999999999999` crashed `mltm report`, `SOURCE_DATE_EPOCH=abc` was
 *      ignored and `--date 2026-02-30` silently became 2026-03-02;
 * 20 — a timestamp `review_by` was "not a valid id" instead of "review_by must be a date".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportDate } from '../../../src/cli/commands/report';
import { isCalendarDate, parseTimestamp } from '../../../src/core/util/date';
import { mltm } from '../cli/run';

const MODEL =
  'mltm: 1\nname: d\ncomponents:\n  u: { kind: user }\n  app: { kind: llm_app }\nflows:\n  - { from: u, to: app }\n';

async function synced(): Promise<{ dir: string; model: string; register: string; id: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mltm-dates-'));
  const model = join(dir, 'm.mltm.yaml');
  writeFileSync(model, MODEL);
  assert.equal((await mltm(['sync', model], dir)).code, 0);
  const register = join(dir, 'm.threats.yaml');
  const id = /^ {2}(\S+@\S+):$/m.exec(readFileSync(register, 'utf8'))?.[1];
  assert.ok(id);
  return { dir, model, register, id };
}

/** Accepts the entry `id` by hand with a `review_by` of `value` (what a person would write). */
function setReviewBy(register: string, id: string, value: string): void {
  const text = readFileSync(register, 'utf8');
  const entry = text.indexOf(`  ${id}:\n`);
  const status = text.indexOf('    status: open\n', entry);
  assert.ok(entry >= 0 && status > entry);
  writeFileSync(
    register,
    text.slice(0, status) +
      `    status: accepted\n    justification: reviewed\n    review_by: ${value}\n` +
      text.slice(status + '    status: open\n'.length),
  );
}

describe('issue 16 defect 11: impossible review dates are refused everywhere', () => {
  it('isCalendarDate knows the calendar', () => {
    for (const ok of ['2027-01-31', '2028-02-29', '2000-02-29', '9999-12-31', '0001-01-01'])
      assert.ok(isCalendarDate(ok), ok);
    for (const bad of [
      '9999-99-99',
      '2027-02-30',
      '0000-00-00',
      '2027-02-29',
      '1900-02-29',
      '2027-1-31',
      '2027-01-31T00:00:00Z',
      '2027-13-01',
      '2027-04-31',
    ])
      assert.ok(!isCalendarDate(bad), bad);
  });

  it('triage --review-by refuses impossible dates with exit 2 and leaves the register alone', async () => {
    const { dir, model, register, id } = await synced();
    const before = readFileSync(register, 'utf8');
    for (const date of ['9999-99-99', '2027-02-30', '0000-00-00']) {
      const run = await mltm(
        ['triage', model, id, '--status', 'accepted', '--justification', 'x', '--review-by', date],
        dir,
      );
      assert.equal(run.code, 2, date);
      assert.match(
        run.stderr,
        new RegExp(`review_by must be a date like 2027-01-31 .*not \`${date}\``),
      );
      assert.equal(readFileSync(register, 'utf8'), before);
    }
  });

  it('a hand-written impossible review_by: sync refuses, check fails with the located problem', async () => {
    const { dir, model, register, id } = await synced();
    setReviewBy(register, id, '9999-99-99');
    const sync = await mltm(['sync', model], dir);
    assert.equal(sync.code, 2);
    assert.match(
      sync.stderr,
      /m\.threats\.yaml:\d+:16: error MLTM109 `review_by` of entry .* must be a date like 2027-01-31 .*not `9999-99-99`/,
    );
    assert.doesNotMatch(sync.stderr, /MLTM002/, 'only the date is wrong');
    const check = await mltm(['check', model, '--fail-on', 'none'], dir);
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stdout, /^FAIL .*1 register problem\./m);
    assert.match(check.stdout, /MLTM109 .*`9999-99-99`/);
  });
});

describe('issue 16 defect 20: a timestamp review_by is "review_by must be a date"', () => {
  it('is reported as a date problem, not as an invalid id', async () => {
    const { dir, model, register, id } = await synced();
    setReviewBy(register, id, '2027-01-31T10:00:00Z');
    const sync = await mltm(['sync', model], dir);
    assert.equal(sync.code, 2);
    assert.match(
      sync.stderr,
      /`review_by` of entry .* must be a date like 2027-01-31 .*not `2027-01-31T10:00:00Z`/,
    );
    assert.doesNotMatch(sync.stderr, /not a valid id/);
  });
});

describe('issue 16 defect 14: report dates are validated, one clear line and exit 2', () => {
  it('refuses SOURCE_DATE_EPOCH out of range or not a number, and --date 2026-02-30', () => {
    const huge = reportDate(undefined, { SOURCE_DATE_EPOCH: '99999999999999999' });
    assert.ok('error' in huge);
    assert.match(huge.error, /^SOURCE_DATE_EPOCH `99999999999999999` is not a time mltm can show/);
    const text = reportDate(undefined, { SOURCE_DATE_EPOCH: 'abc' });
    assert.ok('error' in text);
    assert.match(text.error, /^SOURCE_DATE_EPOCH `abc`/);
    const feb = reportDate('2026-02-30', {});
    assert.ok('error' in feb);
    assert.match(feb.error, /^--date `2026-02-30` is not a date/);
    assert.deepEqual(reportDate(undefined, { SOURCE_DATE_EPOCH: '253402300799' }), {
      date: '9999-12-31T23:59:59Z',
    });
    assert.deepEqual(reportDate('2026-03-04T05:06:07+01:00', {}), { date: '2026-03-04T04:06:07Z' });
    assert.equal(parseTimestamp('2026-03-04T24:00:00Z'), undefined);
  });

  it('mltm report exits 2 with one line, no stack trace', async () => {
    const { dir, model } = await synced();
    const previous = process.env['SOURCE_DATE_EPOCH'];
    try {
      for (const epoch of ['99999999999999999', 'abc']) {
        process.env['SOURCE_DATE_EPOCH'] = epoch;
        const run = await mltm(['report', model, '--format', 'md'], dir);
        assert.equal(run.code, 2, epoch);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        assert.doesNotMatch(run.stderr, /at \S+ \(/);
      }
      delete process.env['SOURCE_DATE_EPOCH'];
      const run = await mltm(['report', model, '--format', 'md', '--date', '2026-02-30'], dir);
      assert.equal(run.code, 2);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    } finally {
      if (previous === undefined) delete process.env['SOURCE_DATE_EPOCH'];
      else process.env['SOURCE_DATE_EPOCH'] = previous;
    }
  });
});

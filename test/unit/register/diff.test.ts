/**
 * Threat diff: added, removed and changed (severity, status, missing controls) threats between
 * two versions of a model and their registers — from two files, and against a git revision in a
 * real temporary repository. Text output is a golden file; JSON is checked field by field. Also
 * the canonical effective status the diff, reports and editor share.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { diffThreats } from '../../../src/core/register/diff';
import { loadRegister } from '../../../src/core/register/register';
import { effectiveStatus, effectiveStatusOf } from '../../../src/core/register/status';
import { triageThreat } from '../../../src/core/register/triage';
import { assertGolden } from '../../support/golden';
import { analyzed, MODEL, mltm, OPTIONS, removeTemp, synced, tempDir, writeFiles } from './helpers';

/** New version: weights become restricted (severity up), `query` flow gone, a monitor added. */
const NEW_MODEL = MODEL.replace(
  'weights: { classification: confidential }',
  'weights: { classification: restricted, pii: true }',
).replace(
  '  - { id: query, from: client, to: api, protocol: https }\n',
  '  - { from: client, to: api, protocol: https }\n',
);
const OLD_REGISTER = synced(undefined, MODEL);
const decide = (text: string, model: string) => {
  const result = triageThreat(
    text,
    analyzed(model),
    'process-input-tampering@api',
    { status: 'accepted', justification: 'internal only' },
    OPTIONS,
  );
  assert.ok(result.ok);
  return result.text;
};
const NEW_REGISTER = decide(synced(undefined, NEW_MODEL), NEW_MODEL);

describe('diffThreats', () => {
  it('lists added, removed and changed threats, sorted by id', () => {
    const diff = diffThreats(
      analyzed(MODEL),
      analyzed(NEW_MODEL),
      loadRegister(OLD_REGISTER).register,
      loadRegister(NEW_REGISTER).register,
    );
    assert.ok(
      diff.added.length > 0 &&
        // The new model's personal data also adds two privacy threats on other elements.
        diff.added.every(
          (c) =>
            (c.element === 'client->api' ||
              /^(personal-data-store-exposure|sensitive-attribute-inference)@/.test(c.id)) &&
            c.changes[0] === 'added',
        ),
    );
    assert.ok(
      diff.removed.length > 0 &&
        diff.removed.every((c) => c.element === 'query' && c.after === undefined),
    );
    const status = diff.changed.find((c) => c.id === 'process-input-tampering@api');
    assert.deepEqual(status?.changes, ['severity high → critical', 'status open → accepted']);
    const severity = diff.changed.filter((c) => c.changes.some((w) => w.startsWith('severity ')));
    assert.ok(severity.length > 0, 'restricted personal data raises severities');
    for (const c of severity) assert.notEqual(c.before?.severity, c.after?.severity);
    const ids = [...diff.added, ...diff.removed, ...diff.changed].map((c) => c.id);
    for (const list of [diff.added, diff.removed, diff.changed])
      assert.deepEqual(
        list.map((c) => c.id),
        [...list.map((c) => c.id)].sort(),
      );
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(
      diff.unchanged + diff.changed.length + diff.removed.length,
      analyzed(MODEL).threats.length,
    );
  });

  it('no change between identical versions', () => {
    const diff = diffThreats(
      analyzed(MODEL),
      analyzed(MODEL),
      loadRegister(OLD_REGISTER).register,
      loadRegister(OLD_REGISTER).register,
    );
    assert.deepEqual([diff.added, diff.removed, diff.changed], [[], [], []]);
  });
});

describe('effectiveStatus (canonical)', () => {
  const analysis = analyzed(MODEL);
  const register = loadRegister(decide(OLD_REGISTER, MODEL)).register;
  it('a register decision wins', () => {
    const threat = analysis.threats.find((t) => t.id === 'process-input-tampering@api');
    assert.ok(threat);
    assert.equal(effectiveStatus(threat), 'open');
    assert.deepEqual(
      { ...effectiveStatusOf(threat, register), entry: undefined },
      { status: 'accepted', source: 'register', needsReview: false, entry: undefined },
    );
  });
  it('threats fully mitigated by the controls in the model are mitigated; others open', () => {
    const mitigated = analysis.threats.find((t) => t.mitigated);
    const open = analysis.threats.find(
      (t) => !t.mitigated && t.id !== 'process-input-tampering@api',
    );
    assert.ok(mitigated && open);
    assert.equal(effectiveStatusOf(mitigated, register).source, 'controls');
    assert.equal(effectiveStatus(mitigated, register), 'mitigated');
    assert.equal(effectiveStatus(open, register), 'open');
  });
  it('a decision whose element changed still counts, flagged needsReview', () => {
    const changed = analyzed(MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }'));
    const threat = changed.threats.find((t) => t.id === 'process-input-tampering@api');
    assert.ok(threat);
    const status = effectiveStatusOf(threat, register);
    assert.equal(status.status, 'accepted');
    assert.equal(status.needsReview, true);
  });
  it('an unknown status written by hand counts as open', () => {
    const text = OLD_REGISTER.replace(
      /(process-input-tampering@api:\n(?: {4}.*\n)*? {4}status: )open/,
      '$1acepted',
    );
    const threat = analysis.threats.find((t) => t.id === 'process-input-tampering@api');
    assert.ok(threat);
    assert.equal(effectiveStatus(threat, loadRegister(text).register), 'open');
  });
});

describe('mltm diff', () => {
  it('two files: text (golden) and JSON', async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, {
        'old.mltm.yaml': MODEL,
        'old.threats.yaml': OLD_REGISTER.replaceAll('m.mltm.yaml', 'old.mltm.yaml'),
        'new.mltm.yaml': NEW_MODEL,
        'new.threats.yaml': NEW_REGISTER.replaceAll('m.mltm.yaml', 'new.mltm.yaml'),
      });
      const text = await mltm(['diff', 'old.mltm.yaml', 'new.mltm.yaml'], dir);
      assert.equal(text.code, 0, text.stderr);
      assertGolden('register/diff.txt', text.stdout);
      const json = await mltm(['diff', 'old.mltm.yaml', 'new.mltm.yaml', '--format', 'json'], dir);
      assert.equal(json.code, 0, json.stderr);
      const parsed = JSON.parse(json.stdout) as {
        before: string;
        after: string;
        added: { id: string }[];
        removed: { id: string }[];
        changed: {
          id: string;
          changes: string[];
          before: { status: string };
          after: { status: string };
        }[];
        unchanged: number;
      };
      assert.equal(parsed.before, 'old.mltm.yaml');
      assert.equal(parsed.after, 'new.mltm.yaml');
      const expected = diffThreats(
        analyzed(MODEL),
        analyzed(NEW_MODEL),
        loadRegister(OLD_REGISTER).register,
        loadRegister(NEW_REGISTER).register,
      );
      assert.deepEqual(
        parsed.added.map((c) => c.id),
        expected.added.map((c) => c.id),
      );
      assert.deepEqual(
        parsed.removed.map((c) => c.id),
        expected.removed.map((c) => c.id),
      );
      const accepted = parsed.changed.find((c) => c.id === 'process-input-tampering@api');
      assert.deepEqual([accepted?.before.status, accepted?.after.status], ['open', 'accepted']);
      assert.equal(parsed.unchanged, expected.unchanged);
    } finally {
      removeTemp(dir);
    }
  });

  it('--base <rev>: the model and its register as committed, in a real git repository', async () => {
    const dir = tempDir();
    const git = (...args: string[]) =>
      execFileSync(
        'git',
        [
          '-c',
          'user.name=Test',
          '-c',
          'user.email=test@example.com',
          '-c',
          'commit.gpgsign=false',
          ...args,
        ],
        { cwd: dir, stdio: 'pipe' },
      );
    try {
      git('init', '-q', '-b', 'main');
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': OLD_REGISTER });
      git('add', '.');
      git('commit', '-q', '-m', 'first model');
      writeFiles(dir, { 'm.mltm.yaml': NEW_MODEL, 'm.threats.yaml': NEW_REGISTER });
      const run = await mltm(['diff', 'm.mltm.yaml', '--base', 'HEAD', '--format', 'json'], dir);
      assert.equal(run.code, 0, run.stderr);
      const parsed = JSON.parse(run.stdout) as {
        before: string;
        changed: { id: string; changes: string[] }[];
        added: unknown[];
        removed: unknown[];
      };
      assert.equal(parsed.before, 'm.mltm.yaml@HEAD');
      assert.deepEqual(
        parsed.changed.find((c) => c.id === 'process-input-tampering@api')?.changes,
        ['severity high → critical', 'status open → accepted'],
      );
      assert.ok(parsed.added.length > 0 && parsed.removed.length > 0);
      const text = await mltm(['diff', 'm.mltm.yaml', '--base', 'HEAD'], dir);
      assert.equal(
        text.stdout.replace('m.mltm.yaml@HEAD → m.mltm.yaml', 'old.mltm.yaml → new.mltm.yaml'),
        (await mltm(['diff', join(dir, 'm.mltm.yaml'), '--base', 'HEAD'], dir)).stdout.replace(
          'm.mltm.yaml@HEAD → m.mltm.yaml',
          'old.mltm.yaml → new.mltm.yaml',
        ),
      );
      const unknownRev = await mltm(['diff', 'm.mltm.yaml', '--base', 'no-such-branch'], dir);
      assert.equal(unknownRev.code, 2);
      assert.match(unknownRev.stderr, /unknown git revision `no-such-branch`/);
      // A model that did not exist at the base: every threat is added.
      writeFiles(dir, { 'n.mltm.yaml': MODEL });
      const fresh = await mltm(['diff', 'n.mltm.yaml', '--base', 'HEAD', '--format', 'json'], dir);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.equal(
        (JSON.parse(fresh.stdout) as { added: unknown[] }).added.length,
        analyzed(MODEL).threats.length,
      );
    } finally {
      removeTemp(dir);
    }
  });

  it('refuses a broken model instead of reporting every threat removed', async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, {
        'old.mltm.yaml': MODEL,
        'new.mltm.yaml': MODEL.replace('from: client', 'from: clint'),
      });
      const run = await mltm(['diff', 'old.mltm.yaml', 'new.mltm.yaml'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^new\.mltm\.yaml:13:\d+: error MLTM201 /m);
    } finally {
      removeTemp(dir);
    }
  });
});

/**
 * `mltm rename` on a copy of a real example: every kind of id (component, flow with a written or
 * a derived id, boundary, data), every reference in the model and every register key and
 * `element` renamed in one step — and decisions come through without being flagged for review,
 * because a rename changes nothing a threat depends on. Clashes and invalid ids are refused with
 * located problems and nothing written.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../../../src/core/analysis';
import { syncRegister } from '../../../src/core/register/sync';
import { triageThreat } from '../../../src/core/register/triage';
import { listDir, mltm, removeTemp, tempDir, TODAY, writeFiles } from './helpers';
import { analyzeLoaded } from '../../support/analysis';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', '01-fintech-posture.mltm.yaml');
const OPTIONS = { today: TODAY, modelFile: 'm.mltm.yaml' };

interface Setup {
  readonly dir: string;
  readonly model: () => string;
  readonly register: () => string;
}

/** A temp copy of the example with a synced register holding one decision on `decided`. */
async function setup(decided: string): Promise<Setup> {
  const dir = tempDir();
  copyFileSync(EXAMPLE, join(dir, 'm.mltm.yaml'));
  const model = () => readFileSync(join(dir, 'm.mltm.yaml'), 'utf8');
  const register = () => readFileSync(join(dir, 'm.threats.yaml'), 'utf8');
  const sync = await mltm(['sync', 'm.mltm.yaml'], dir);
  assert.equal(sync.code, 0, sync.stderr);
  const triaged = triageThreat(
    register(),
    analyze(model()),
    decided,
    { status: 'accepted', justification: 'compensating control at the edge', owner: 'sec' },
    OPTIONS,
  );
  assert.ok(triaged.ok, JSON.stringify(!triaged.ok && triaged.problems));
  writeFiles(dir, { 'm.threats.yaml': triaged.text });
  return { dir, model, register };
}

/** After a rename: the model is valid, sync has nothing to do, and no decision needs review. */
function assertConsistent(s: Setup): void {
  const analysis = analyze(s.model());
  assert.deepEqual(
    analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    [],
  );
  const result = syncRegister(s.register(), analysis, OPTIONS);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.deepEqual(result.summary.needsReview, []);
  assert.deepEqual(result.summary.staled, []);
  assert.deepEqual(result.summary.added, []);
  assert.equal(result.changed, false, 'the renamed register is exactly what sync would write');
}

const keys = (register: string) =>
  Object.keys((parse(register) as { threats: Record<string, unknown> }).threats);

describe('mltm rename', () => {
  it('a component: definition, flow ends, derived flow ids, register keys and element', async () => {
    const s = await setup('process-exploit-public-facing@api-gateway');
    try {
      const before = keys(s.register());
      const run = await mltm(['rename', 'm.mltm.yaml', 'api-gateway', 'edge-gateway'], s.dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Renamed component `api-gateway` → `edge-gateway`/);
      const model = s.model();
      assert.doesNotMatch(model.replace(/#.*$/gm, ''), /\bapi-gateway\b/);
      assert.match(model, /^ {2}edge-gateway:\n/m);
      assert.match(model, /from: edge-gateway\n {4}to: loan-origination\n/);
      const after = keys(s.register());
      assert.equal(after.length, before.length);
      assert.deepEqual(
        after,
        before.map((k) =>
          k
            .replace(/@api-gateway(?=->|$)/, '@edge-gateway')
            .replace('->api-gateway', '->edge-gateway'),
        ),
      );
      assert.ok(after.includes('process-exploit-public-facing@edge-gateway'));
      assert.ok(
        after.some((k) => k.endsWith('@edge-gateway->loan-origination')),
        'derived flow id renamed',
      );
      const entry = (parse(s.register()) as { threats: Record<string, Record<string, unknown>> })
        .threats['process-exploit-public-facing@edge-gateway'];
      assert.equal(entry?.['element'], 'edge-gateway');
      assert.equal(entry?.['status'], 'accepted');
      assert.equal(entry?.['owner'], 'sec');
      assertConsistent(s);
      assert.deepEqual(listDir(s.dir), ['m.mltm.yaml', 'm.threats.yaml']);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('a flow with a written id', async () => {
    const s = await setup(keysOfFlow('credit-score-call'));
    try {
      const run = await mltm(['rename', 'm.mltm.yaml', 'credit-score-call', 'scoring-call'], s.dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(s.model(), / {2}- id: scoring-call\n {4}from: loan-origination\n/);
      assert.ok(keys(s.register()).every((k) => !k.endsWith('@credit-score-call')));
      assertConsistent(s);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('a flow with a derived id gets an `id:` line', async () => {
    const s = await setup(keysOfFlow('api-gateway->loan-origination'));
    try {
      const run = await mltm(
        ['rename', 'm.mltm.yaml', 'api-gateway->loan-origination', 'origination-call'],
        s.dir,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        s.model(),
        / {2}- id: origination-call\n {4}from: api-gateway\n {4}to: loan-origination\n/,
      );
      assert.ok(keys(s.register()).some((k) => k.endsWith('@origination-call')));
      assertConsistent(s);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('a boundary: definition, component boundaries and parents; decisions stay valid', async () => {
    const s = await setup('process-exploit-public-facing@api-gateway');
    try {
      const run = await mltm(['rename', 'm.mltm.yaml', 'aws-prod', 'prod-vpc'], s.dir);
      assert.equal(run.code, 0, run.stderr);
      const model = s.model();
      assert.doesNotMatch(model.replace(/#.*$/gm, ''), /\baws-prod\b/);
      assert.equal((model.match(/parent: prod-vpc\n/g) ?? []).length, 3);
      const run2 = await mltm(['rename', 'm.mltm.yaml', 'edge', 'dmz'], s.dir);
      assert.equal(run2.code, 0, run2.stderr);
      assert.match(s.model(), /boundary: dmz\n/);
      assertConsistent(s);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('a data item: definition and every data list', async () => {
    const s = await setup('process-exploit-public-facing@api-gateway');
    try {
      const uses = (
        s
          .model()
          .replace(/#.*$/gm, '')
          .match(/\bloan-application\b/g) ?? []
      ).length;
      assert.ok(uses >= 3);
      const run = await mltm(['rename', 'm.mltm.yaml', 'loan-application', 'loan-app'], s.dir);
      assert.equal(run.code, 0, run.stderr);
      const model = s.model().replace(/#.*$/gm, '');
      assert.doesNotMatch(model, /\bloan-application\b/);
      assert.equal((model.match(/\bloan-app\b/g) ?? []).length, uses);
      assertConsistent(s);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('refuses clashes, invalid and unknown ids with located problems, writing nothing', async () => {
    const s = await setup('process-exploit-public-facing@api-gateway');
    try {
      const model = s.model();
      const register = s.register();
      const line = (needle: string) => model.slice(0, model.indexOf(needle)).split('\n').length;
      const clash = await mltm(['rename', 'm.mltm.yaml', 'api-gateway', 'credit-scorer'], s.dir);
      assert.equal(clash.code, 2);
      assert.match(
        clash.stderr,
        new RegExp(
          `^m\\.mltm\\.yaml:${line('\n  credit-scorer:') + 1}:3: error MLTM107 \`credit-scorer\` is already used`,
          'm',
        ),
      );
      const invalid = await mltm(['rename', 'm.mltm.yaml', 'api-gateway', 'api gateway!'], s.dir);
      assert.equal(invalid.code, 2);
      assert.match(
        invalid.stderr,
        new RegExp(
          `^m\\.mltm\\.yaml:${line('\n  api-gateway:') + 1}:3: error MLTM107 \`api gateway!\` is not a valid id`,
          'm',
        ),
      );
      const unknown = await mltm(['rename', 'm.mltm.yaml', 'api-gatway', 'x'], s.dir);
      assert.equal(unknown.code, 2);
      assert.match(
        unknown.stderr,
        /^m\.mltm\.yaml:1:1: error MLTM107 .*did you mean `api-gateway`\?/m,
      );
      assert.equal(s.model(), model);
      assert.equal(s.register(), register);
      assert.deepEqual(listDir(s.dir), ['m.mltm.yaml', 'm.threats.yaml']);
    } finally {
      removeTemp(s.dir);
    }
  });

  it('refuses when the register already has an entry under a new key, located in the register', async () => {
    const s = await setup('process-exploit-public-facing@api-gateway');
    try {
      const register =
        s.register().replace(/\n$/, '') +
        '\n  process-exploit-public-facing@edge-gateway:\n    status: accepted\n    justification: old decision\n';
      writeFiles(s.dir, { 'm.threats.yaml': register });
      const model = s.model();
      const run = await mltm(['rename', 'm.mltm.yaml', 'api-gateway', 'edge-gateway'], s.dir);
      assert.equal(run.code, 2);
      const line =
        register.split('\n').indexOf('  process-exploit-public-facing@edge-gateway:') + 1;
      assert.match(run.stderr, new RegExp(`^m\\.threats\\.yaml:${line}:3: error MLTM002 `, 'm'));
      assert.equal(s.model(), model);
      assert.equal(s.register(), register);
    } finally {
      removeTemp(s.dir);
    }
  });
});

/** The first threat id on a flow of the example (computed, so the test follows the rules). */
function keysOfFlow(flowId: string): string {
  const threat = analyzeLoaded(readFileSync(EXAMPLE, 'utf8')).threats.find(
    (t) => t.element === flowId,
  );
  assert.ok(threat, `no threat on ${flowId}`);
  return threat.id;
}

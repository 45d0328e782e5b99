/**
 * Properties of the decision layer over random synthetic pipelines (bench/generate.ts, random
 * size and seed; fast-check with a fixed seed, so a failure reproduces):
 * - applying plan step 1 through the real add-control edit and re-analysing lowers the open
 *   risk by exactly the step's `riskReduced`;
 * - the attack paths do not depend on the order of components and flows in the file;
 * - the plan's lazy search (stopping where no bound can win) gives the plan an exhaustive one
 *   (every candidate weighed exactly at every step) gives.
 * Plus the `mltm-plan/1` contract's shape, bad input and graphs that could blow up.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument, isMap, isSeq } from 'yaml';
import { generatePipeline } from '../../../bench/generate';
import { analyze } from '../../../src/core/analysis';
import { Assessment } from '../../../src/core/decide/assess';
import { crownJewels } from '../../../src/core/decide/crownJewels';
import { MAX_PATHS, PATHS_PER_PAIR, attackPaths } from '../../../src/core/decide/paths';
import { fixPlan } from '../../../src/core/decide/plan';
import { riskContext } from '../../../src/core/decide/risk';
import type { PlanJson } from '../../../src/core/decide/contract';
import { planAddControl } from '../../../src/core/edit/addControl';
import { applyEdits } from '../../../src/core/edit/textEdit';
import { mltm } from '../cli/run';
import { decideText } from './helpers';
import { loaded } from '../../support/analysis';

const FC = { seed: 14, numRuns: 25 } as const;

/** The same model with components and flows in another order (a permutation by `shift`). */
function reordered(text: string, shift: number): string {
  const doc = parseDocument(text);
  const components = doc.get('components');
  const flows = doc.get('flows');
  if (isMap(components)) {
    const items = components.items;
    components.items = [
      ...items.slice(shift % items.length),
      ...items.slice(0, shift % items.length),
    ].reverse();
  }
  if (isSeq(flows)) flows.items = [...flows.items].reverse();
  return doc.toString();
}

const comparablePaths = (text: string) =>
  decideText(text).paths.map((p) => ({
    id: p.id,
    kind: p.kind,
    entry: p.entry,
    target: p.target,
    goal: p.goal,
    risk: p.risk,
    steps: p.steps.map((s) => [s.element, s.threats, s.atlas, s.missingControls]),
  }));

describe('decision layer properties', () => {
  it('step 1 lowers open risk by exactly riskReduced after the real add-control edit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        (size, seed) => {
          const text = generatePipeline({ components: size, seed }).text;
          const before = decideText(text, { maxSteps: 1 });
          const step = before.plan.steps[0];
          if (!step) return before.plan.totalRisk === before.plan.residualRisk;
          const model = loaded(analyze(text)).model;
          const planned = planAddControl(text, model, step.element, step.control);
          assert.ok(planned.edit, `no edit for ${step.control} on ${step.element}`);
          const after = decideText(applyEdits(text, [planned.edit]), { maxSteps: 1 });
          assert.equal(before.plan.totalRisk - after.plan.totalRisk, step.riskReduced);
          assert.equal(before.plan.residualRisk, after.plan.totalRisk);
          for (const id of step.closes) assert.ok(!after.open.has(id), `${id} still open`);
          return true;
        },
      ),
      FC,
    );
  });

  it('the lazy plan search gives exactly the plan an exhaustive one gives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        (size, seed) => {
          const analysis = loaded(analyze(generatePipeline({ components: size, seed }).text));
          const input = {
            facts: analysis.facts,
            threats: analysis.threats,
            rules: analysis.ruleSet.rules,
          };
          const jewels = crownJewels(analysis.facts.graph);
          const assessment = () =>
            new Assessment(input, riskContext(analysis.facts.graph, jewels, analysis.atlas));
          const paths = attackPaths(assessment(), jewels);
          const lazy = fixPlan(assessment(), paths, { maxSteps: 12 });
          const exhaustive = fixPlan(assessment(), paths, { maxSteps: 12, exhaustive: true });
          assert.deepEqual(lazy, exhaustive);
          return true;
        },
      ),
      FC,
    );
  });

  it('attack paths are identical whatever the order of components and flows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(50),
        (size, seed, shift) => {
          const text = generatePipeline({ components: size, seed }).text;
          assert.deepEqual(comparablePaths(reordered(text, shift)), comparablePaths(text));
          return true;
        },
      ),
      FC,
    );
  });

  it('a dense, cyclic graph stays bounded: at most k paths per pair and MAX_PATHS in all', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const lines = [
      'mltm: 1',
      'name: dense',
      'boundaries:',
      '  net: { trust: untrusted }',
      'components:',
    ];
    lines.push('  caller: { kind: external_client, boundary: net }');
    for (const id of ids)
      lines.push(`  ${id}: { kind: ${id === 'c39' ? 'model_registry' : 'serving_endpoint'} }`);
    lines.push('flows:', '  - { from: caller, to: c0 }');
    for (const a of ids)
      for (const b of ids) if (a !== b) lines.push(`  - { from: ${a}, to: ${b} }`);
    const decision = decideText(lines.join('\n') + '\n');
    assert.ok(decision.paths.length > 0 && decision.paths.length <= MAX_PATHS);
    const perPair = new Map<string, number>();
    for (const p of decision.paths) {
      const key = `${p.kind} ${p.entry} ${p.target} ${p.goal}`;
      perPair.set(key, (perPair.get(key) ?? 0) + 1);
    }
    for (const n of perPair.values()) assert.ok(n <= PATHS_PER_PAIR);
  });

  it('a model with a cycle and an unreachable part plans without trouble', () => {
    const decision = decideText(
      [
        'mltm: 1',
        'name: odd',
        'components:',
        '  a: { kind: training_job }',
        '  b: { kind: model_registry }',
        '  island: { kind: data_store }',
        'flows:',
        '  - { from: a, to: b }',
        '  - { from: b, to: a }',
        '',
      ].join('\n'),
    );
    assert.equal(decision.paths.length, 0);
    assert.equal(
      decision.plan.totalRisk - decision.plan.steps.reduce((s, x) => s + x.riskReduced, 0),
      decision.plan.residualRisk,
    );
  });
});

describe('mltm plan: the mltm-plan/1 contract and bad input', () => {
  it('has exactly the documented fields', async () => {
    const run = await mltm([
      'plan',
      'examples/02-model-extraction.mltm.yaml',
      '--format',
      'json',
      '--top',
      '3',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as PlanJson;
    assert.deepEqual(Object.keys(json), [
      'format',
      'model',
      'totalRisk',
      'residualRisk',
      'steps',
      'paths',
    ]);
    assert.equal(json.format, 'mltm-plan/1');
    assert.equal(json.model, 'examples/02-model-extraction.mltm.yaml');
    assert.equal(json.steps.length, 3);
    for (const s of json.steps)
      assert.deepEqual(Object.keys(s), [
        'rank',
        'control',
        'element',
        'closes',
        'riskReduced',
        'breaksPaths',
      ]);
    assert.ok(json.paths.length > 0);
    for (const p of json.paths) {
      assert.deepEqual(Object.keys(p), [
        'id',
        'kind',
        'entry',
        'target',
        'goal',
        'risk',
        'status',
        'needsReview',
        'steps',
      ]);
      assert.match(p.id, /^path-[0-9a-f]{16}$/);
      assert.ok(p.kind === 'content' || p.kind === 'access', p.kind);
      // No register beside the example decides a path.
      assert.equal(p.status, 'open');
      assert.equal(p.needsReview, false);
      for (const s of p.steps) {
        assert.deepEqual(Object.keys(s), [
          'element',
          'threats',
          'atlas',
          'missingControls',
          'range',
        ]);
        assert.ok(s.range.startLine >= 1);
      }
    }
    const first = json.paths.find((p) => p.entry === 'partner-storefront');
    assert.deepEqual(first?.steps[0]?.range.startLine, 102);
  });

  it('a model with errors exits 2 with the located problems', async () => {
    const run = await mltm(['plan', 'test/fixtures/invalid/unknown-kind.mltm.yaml']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown-kind\.mltm\.yaml:\d+:\d+: error MLTM/);
    assert.match(run.stderr, /no plan was made/);
    assert.equal(run.stdout, '');
  });

  it('refuses a bad --top and --format', async () => {
    assert.equal(
      (await mltm(['plan', 'examples/02-model-extraction.mltm.yaml', '--top', '0'])).code,
      2,
    );
    assert.equal(
      (await mltm(['plan', 'examples/02-model-extraction.mltm.yaml', '--format', 'xml'])).code,
      2,
    );
  });
});

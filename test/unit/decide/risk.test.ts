/**
 * The risk score explains itself: over every threat of every example, the factors a reviewer
 * reads add up to the likelihood, impact and score shown (docs/risk.md), and one documented
 * threat keeps its exact explanation.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePipeline } from '../../../bench/generate';
import { analyze } from '../../../src/core/analysis';
import { crownJewels } from '../../../src/core/decide/crownJewels';
import { downstreamLimit, riskContext } from '../../../src/core/decide/risk';
import type { PipelineGraph } from '../../../src/core/graph/graph';
import { loaded } from '../../support/analysis';
import { decideText } from './helpers';

const EXAMPLES = 'examples';
const clamp = (v: number) => Math.max(1, Math.min(5, v));
/** `likelihood +2`, `impact ±0`, `likelihood −2`: which side and how much. */
const parseEffect = (effect: string): { on: string; delta: number } => {
  const match = /^(likelihood|impact) (\+\d+|±0|−\d+)$/.exec(effect);
  assert.ok(match, `unreadable effect ${effect}`);
  const [, on, amount] = match as unknown as [string, string, string];
  const delta = amount === '±0' ? 0 : Number(amount.replace('−', '-'));
  return { on, delta };
};

describe('risk: every score is the sum of the factors it shows', () => {
  const models = readdirSync(EXAMPLES).filter((f) => f.endsWith('.mltm.yaml'));

  it('on every threat of the 12 examples, likelihood and impact are 1 plus their factors (1–5), and the score is their product × 4', () => {
    assert.equal(models.length, 12);
    let checked = 0;
    for (const file of models) {
      const decision = decideText(readFileSync(join(EXAMPLES, file), 'utf8'));
      for (const [id, risk] of decision.risks) {
        const sums = { likelihood: 1, impact: 1 };
        let controls = 0;
        for (const f of risk.factors) {
          const { on, delta } = parseEffect(f.effect);
          sums[on as keyof typeof sums] += delta;
          if (f.factor === 'controls') controls++;
          assert.ok(
            f.why.length > 0 && !/undefined|NaN|\[object/.test(f.why),
            `${file} ${id}: ${f.why}`,
          );
        }
        assert.equal(controls, 1, `${file} ${id}: one controls factor`);
        assert.equal(risk.likelihood, clamp(sums.likelihood), `${file} ${id} likelihood`);
        assert.equal(risk.impact, clamp(sums.impact), `${file} ${id} impact`);
        assert.equal(risk.score, risk.likelihood * risk.impact * 4, `${file} ${id} score`);
        checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} threats checked`);
  });

  it('model extraction through the gateway (#2) scores 100 and says why, factor by factor', () => {
    const decision = decideText(
      readFileSync(join(EXAMPLES, '02-model-extraction.mltm.yaml'), 'utf8'),
    );
    const risk = decision.risks.get('model-extraction-inference-api@gateway-to-recs');
    assert.ok(risk);
    assert.equal(risk.score, 100);
    assert.deepEqual(
      risk.factors.map((f) => [f.factor, f.effect]),
      [
        ['reach', 'likelihood +2'],
        ['boundary', 'likelihood +1'],
        ['technique', 'likelihood ±0'],
        ['controls', 'likelihood +1'],
        ['severity', 'impact +2'],
        ['personal-data', 'impact +1'],
        ['crown-jewel', 'impact +1'],
      ],
    );
    const why = new Map(risk.factors.map((f) => [f.factor, f.why]));
    assert.equal(why.get('reach'), 'the flow starts at an entry point (`api-gateway`)');
    assert.match(
      why.get('controls') ?? '',
      /missing: rate_limiting, output_obfuscation, adversarial_input_detection/,
    );
    assert.match(
      why.get('crown-jewel') ?? '',
      /`recs-endpoint` is a crown jewel .* confidentiality$/,
    );
  });
});

/** The models the graph-wide counts are checked on: the examples and generated ones of 30–2,000 components. */
const graphModels = (): string[] => [
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.mltm.yaml'))
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8')),
  ...[30, 120, 400, 2000].map((components, seed) => generatePipeline({ components, seed }).text),
  hubModel(150),
];

/**
 * A hub every component calls both ways, twice (repeated pairs), and that feeds a chain: a
 * component with hundreds of flows, where sorting its neighbours must not cost their square.
 */
function hubModel(spokes: number): string {
  const lines = [
    'mltm: 1',
    'name: Hub',
    'boundaries:',
    '  internet: {name: Internet, trust: untrusted}',
    '  cloud: {name: Cloud, trust: trusted}',
    'components:',
    '  hub: {name: Hub, kind: api_gateway, boundary: cloud}',
  ];
  for (let i = 0; i < spokes; i++)
    lines.push(
      `  s${i}: {name: Spoke ${i}, kind: ${i % 10 === 0 ? 'external_client' : 'serving_endpoint'}, boundary: ${i % 10 === 0 ? 'internet' : 'cloud'}}`,
    );
  lines.push('flows:');
  for (let i = 0; i < spokes; i++)
    lines.push(
      `  - {id: in-${i}, from: s${i}, to: hub, bidirectional: true}`,
      `  - {id: again-${i}, from: s${i}, to: hub}`,
    );
  for (let i = 1; i < spokes; i += 7) lines.push(`  - {id: out-${i}, from: hub, to: s${i}}`);
  return lines.join('\n') + '\n';
}

describe('risk: downstream counts', () => {
  /** Components reachable by one or more flows from `id`, by a plain search (the reference). */
  const trueDownstream = (graph: PipelineGraph, id: string): number => {
    const seen = new Set<string>();
    const queue = [id];
    while (queue.length > 0) {
      for (const e of graph.nodes.get(queue.pop() as string)?.outbound ?? []) {
        const next = e.target.component.id;
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    seen.delete(id);
    return seen.size;
  };

  it('are exact up to the limit and the limit beyond it, on the examples and generated models of 30–2,000 components', () => {
    const texts = graphModels();
    let atLimit = 0;
    for (const text of texts) {
      const analysis = loaded(analyze(text));
      const graph = analysis.facts.graph;
      const context = riskContext(graph, crownJewels(graph), analysis.atlas);
      const limit = downstreamLimit(graph.nodes.size);
      for (const id of graph.nodes.keys()) {
        const expected = Math.min(trueDownstream(graph, id), limit);
        assert.equal(context.downstream.get(id), expected, `${id} of ${graph.nodes.size}`);
        if (expected === limit && limit < graph.nodes.size - 1) atLimit++;
      }
    }
    assert.ok(atLimit > 100, `${atLimit} counts at the limit`);
  });

  it('say "or more" when a count is at the limit, and the exact count below it', () => {
    const decision = decideText(generatePipeline({ components: 2000, seed: 3 }).text);
    const whys = [...decision.risks.values()]
      .flatMap((r) => r.factors)
      .filter((f) => f.factor === 'downstream')
      .map((f) => f.why);
    assert.ok(whys.length > 0);
    for (const why of whys) assert.match(why, /\(500 or more of 2000 components downstream\)$/);
    const small = decideText(readFileSync(join(EXAMPLES, '02-model-extraction.mltm.yaml'), 'utf8'));
    const exact = [...small.risks.values()]
      .flatMap((r) => r.factors)
      .filter((f) => f.factor === 'downstream');
    assert.ok(exact.length > 0 && exact.every((f) => /\(\d+ of 12 components/.test(f.why)));
  });
});

describe('risk: hops from the nearest entry point', () => {
  /**
   * The reference: a breadth-first search over id strings, every frontier and every node's
   * neighbours sorted as strings, as risk first computed it.
   */
  const referenceHops = (graph: PipelineGraph) => {
    const hops = new Map<string, number>();
    const via = new Map<string, string>();
    const isEntry = (id: string) => {
      const node = graph.nodes.get(id)!;
      return (
        node.zone.trust === 'untrusted' ||
        node.elementClass === 'external_entity' ||
        node.component.exposure === 'public'
      );
    };
    let frontier = [...graph.nodes.keys()].sort().filter(isEntry);
    for (const id of frontier) {
      hops.set(id, 0);
      via.set(id, id);
    }
    for (let depth = 1; frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const id of frontier) {
        const node = graph.nodes.get(id)!;
        const neighbours = [
          ...node.outbound.map((e) => e.target.component.id),
          ...node.inbound.filter((e) => e.flow.bidirectional).map((e) => e.source.component.id),
        ].sort();
        for (const n of neighbours) {
          if (hops.has(n)) continue;
          hops.set(n, depth);
          via.set(n, via.get(id)!);
          next.push(n);
        }
      }
      frontier = next.sort();
    }
    return { hops, via };
  };

  it('and the entry point it starts at are those of a search over sorted ids, on the examples and generated models of 30–2,000 components', () => {
    const texts = graphModels();
    let reached = 0;
    let viaAnother = 0;
    for (const text of texts) {
      const analysis = loaded(analyze(text));
      const graph = analysis.facts.graph;
      const context = riskContext(graph, crownJewels(graph), analysis.atlas);
      const expected = referenceHops(graph);
      assert.deepEqual(new Map([...context.hops].sort()), new Map([...expected.hops].sort()));
      assert.deepEqual(new Map([...context.via].sort()), new Map([...expected.via].sort()));
      reached += expected.hops.size;
      for (const [id, entry] of expected.via) if (id !== entry) viaAnother++;
    }
    assert.ok(reached > 1000 && viaAnother > 1000, `${reached} reached, ${viaAnother} via another`);
  });
});

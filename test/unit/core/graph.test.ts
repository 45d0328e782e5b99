/**
 * The graph: zones resolved through nesting and the implicit trusted zone, and every flow
 * classified — crosses a boundary? a trust boundary? toward more, less or the same trust? —
 * with the boundaries it leaves and enters. Table-driven over one model with every situation.
 */
import assert from 'node:assert/strict';
import {
  buildGraph,
  IMPLICIT_ZONE_ID,
  reachableFromOutside,
  type TrustDirection,
} from '../../../src/core/graph/graph';
import { loadModel } from '../../../src/core/model/load';

const TEXT = [
  'mltm: 1',
  'name: zones',
  'boundaries:',
  '  internet: { trust: untrusted }',
  '  dmz: { trust: semi_trusted }',
  '  cloud: { trust: trusted }',
  '  platform: { trust: trusted, parent: cloud }',
  '  training: { trust: trusted, parent: platform }',
  '  sandbox: { trust: untrusted, parent: platform }',
  '  partner: { trust: semi_trusted }',
  'data:',
  '  public-doc: { classification: public }',
  '  card: { classification: restricted, pii: true }',
  'components:',
  '  customer: { kind: user, boundary: internet }',
  '  gateway: { kind: api_gateway, boundary: dmz }',
  '  scorer: { kind: serving_endpoint, boundary: platform }',
  '  trainer: { kind: training_job, boundary: training }',
  '  tool: { kind: tool, boundary: sandbox }',
  '  monitor: { kind: monitoring }',
  '  store: { kind: data_store, boundary: cloud }',
  '  partner-api: { kind: external_data_source, boundary: partner }',
  '  proxy: { kind: api_gateway, boundary: dmz }',
  'flows:',
  '  - { id: in, from: customer, to: gateway, data: [card, public-doc] }',
  '  - { id: forward, from: gateway, to: scorer }',
  '  - { id: reply, from: scorer, to: gateway }',
  '  - { id: train, from: trainer, to: scorer }',
  '  - { id: call-tool, from: scorer, to: tool, bidirectional: true }',
  '  - { id: metrics, from: scorer, to: monitor }',
  '  - { id: persist, from: monitor, to: store }',
  '  - { id: feed, from: partner-api, to: proxy }',
  '  - { id: lateral, from: gateway, to: proxy }',
  '  - { id: archive, from: trainer, to: store, data: [public-doc] }',
  '',
].join('\n');

describe('graph', () => {
  const loaded = loadModel(TEXT);
  const graph = buildGraph(loaded.model ?? assert.fail('model did not load'));

  it('the model is valid', () => {
    assert.deepEqual(loaded.problems, []);
  });

  // component → [zone id, trust, path outermost first]
  const zoneCases: [string, string, string, string[]][] = [
    ['customer', 'internet', 'untrusted', ['internet']],
    ['gateway', 'dmz', 'semi_trusted', ['dmz']],
    ['scorer', 'platform', 'trusted', ['cloud', 'platform']],
    ['trainer', 'training', 'trusted', ['cloud', 'platform', 'training']],
    ['tool', 'sandbox', 'untrusted', ['cloud', 'platform', 'sandbox']],
    ['monitor', IMPLICIT_ZONE_ID, 'trusted', []],
    ['store', 'cloud', 'trusted', ['cloud']],
  ];
  for (const [component, zone, trust, path] of zoneCases) {
    it(`${component} is in zone ${zone || '(implicit)'} (${trust}), path ${path.join(' > ') || '(none)'}`, () => {
      const node = graph.nodes.get(component);
      assert.ok(node);
      assert.equal(node.zone.id, zone);
      assert.equal(node.zone.trust, trust);
      assert.deepEqual(node.zone.path, path);
    });
  }

  it("a nested boundary keeps its own trust, not its parent's", () => {
    assert.equal(graph.zones.get('sandbox')?.trust, 'untrusted');
    assert.equal(graph.zones.get('platform')?.trust, 'trusted');
  });

  // flow → crossesBoundary, crossesTrustBoundary, direction, exits, entries
  const flowCases: [string, boolean, boolean, TrustDirection, string[], string[]][] = [
    ['in', true, true, 'toward_more_trust', ['internet'], ['dmz']],
    ['forward', true, true, 'toward_more_trust', ['dmz'], ['cloud', 'platform']],
    ['reply', true, true, 'toward_less_trust', ['platform', 'cloud'], ['dmz']],
    // Same trust, different (nested) boundaries: a boundary but not a trust boundary.
    ['train', true, false, 'same_trust', ['training'], []],
    // Into an untrusted sandbox nested inside the trusted platform.
    ['call-tool', true, true, 'toward_less_trust', [], ['sandbox']],
    // Into the implicit trusted zone.
    ['metrics', true, false, 'same_trust', ['platform', 'cloud'], []],
    ['persist', true, false, 'same_trust', [], ['cloud']],
    ['feed', true, false, 'same_trust', ['partner'], ['dmz']],
    // Within one zone.
    ['lateral', false, false, 'same_trust', [], []],
    ['archive', true, false, 'same_trust', ['training', 'platform'], []],
  ];
  for (const [
    flowId,
    crossesBoundary,
    crossesTrustBoundary,
    direction,
    exits,
    entries,
  ] of flowCases) {
    it(`flow ${flowId}: boundary ${crossesBoundary}, trust boundary ${crossesTrustBoundary}, ${direction}`, () => {
      const edge = graph.edges.find((e) => e.flow.id === flowId);
      assert.ok(edge, `no edge ${flowId}`);
      assert.equal(edge.crossesBoundary, crossesBoundary);
      assert.equal(edge.crossesTrustBoundary, crossesTrustBoundary);
      assert.equal(edge.direction, direction);
      assert.deepEqual(edge.exits, exits);
      assert.deepEqual(edge.entries, entries);
    });
  }

  it('edges carry their data, highest classification and PII', () => {
    const edge = graph.edges.find((e) => e.flow.id === 'in');
    assert.deepEqual(
      edge?.data.map((d) => d.id),
      ['card', 'public-doc'],
    );
    assert.equal(edge?.classification, 'restricted');
    assert.equal(edge?.carriesPii, true);
    const archive = graph.edges.find((e) => e.flow.id === 'archive');
    assert.equal(archive?.classification, 'public');
    assert.equal(archive?.carriesPii, false);
    assert.equal(graph.edges.find((e) => e.flow.id === 'lateral')?.classification, undefined);
  });

  it('nodes list their inbound and outbound edges in file order', () => {
    assert.deepEqual(
      graph.nodes.get('scorer')?.inbound.map((e) => e.flow.id),
      ['forward', 'train'],
    );
    assert.deepEqual(
      graph.nodes.get('scorer')?.outbound.map((e) => e.flow.id),
      ['reply', 'call-tool', 'metrics'],
    );
  });

  it('reachability from outside follows flows, and bidirectional flows both ways', () => {
    const reached = reachableFromOutside(graph);
    // customer (untrusted, external) → gateway → scorer → ...; tool is untrusted itself.
    for (const id of [
      'customer',
      'gateway',
      'scorer',
      'tool',
      'monitor',
      'store',
      'partner-api',
      'proxy',
    ])
      assert.ok(reached.has(id), id);
    // trainer only sends to scorer; nothing flows into it.
    assert.ok(!reached.has('trainer'));
  });

  it('tolerates a broken model: unknown boundary is untrusted, cycles and unknown ends are skipped', () => {
    const text = [
      'mltm: 1',
      'name: broken',
      'boundaries:',
      '  a: { trust: trusted, parent: b }',
      '  b: { trust: trusted, parent: a }',
      'components:',
      '  x: { kind: training_job, boundary: a }',
      '  y: { kind: training_job, boundary: nowhere }',
      'flows:',
      '  - { id: ok, from: y, to: x }',
      '  - { id: dangling, from: x, to: ghost }',
      '  - { id: loop, from: x, to: x }',
      '',
    ].join('\n');
    const { model } = loadModel(text);
    assert.ok(model);
    const broken = buildGraph(model);
    // A boundary in a cycle is treated as outermost, so no consumer walks the cycle.
    assert.deepEqual(broken.zones.get('a')?.path, ['a']);
    assert.equal(broken.nodes.get('y')?.zone.trust, 'untrusted');
    assert.deepEqual(
      broken.edges.map((e) => e.flow.id),
      ['ok'],
    );
    assert.equal(broken.edges[0]?.direction, 'toward_more_trust');
  });
});

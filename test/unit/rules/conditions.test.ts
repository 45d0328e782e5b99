/**
 * Rule conditions added for the ML pack, tested through a custom pack so the format itself is
 * exercised: paths over several flows (`downstream_of`, `not_downstream_of`, `upstream_of`),
 * conditions on flow ends (`pii`, `data_classification`, `in_feedback_loop`), and the two
 * control-resolution rules for flows (a gateway's ingress controls on what it forwards; the
 * responder's egress controls on request/response flows).
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import type { RulePack } from '../../../src/core/rules/types';
import { analyzeLoaded } from '../../support/analysis';

function pack(rules: string): RulePack {
  const loaded = loadRulePack(`mltm-rules: 1\npack: { id: t }\nrules:\n${rules}`, 'test.yaml');
  assert.deepEqual(
    loaded.problems.map((p) => p.message),
    [],
  );
  assert.ok(loaded.pack);
  return loaded.pack;
}

const MODEL = stringify({
  mltm: 1,
  name: 'conditions',
  boundaries: {
    hub: { name: 'Hub', trust: 'untrusted' },
    internet: { name: 'Internet', trust: 'untrusted' },
    edge: { name: 'Edge', trust: 'semi_trusted' },
  },
  data: {
    weights: { kind: 'model', classification: 'confidential' },
    people: { kind: 'training_data', classification: 'restricted', pii: true },
    req: { kind: 'inference_request', classification: 'internal' },
    pred: { kind: 'prediction', classification: 'internal' },
  },
  components: {
    hf: { kind: 'third_party_model_hub', boundary: 'hub' },
    client: { kind: 'external_client', boundary: 'internet' },
    gateway: { kind: 'api_gateway', boundary: 'edge', controls: ['rate_limiting'] },
    store: { kind: 'data_store' },
    trainer: { kind: 'training_job' },
    evaluation: { kind: 'evaluation' },
    registry: { kind: 'model_registry' },
    server: { kind: 'serving_endpoint', controls: ['output_obfuscation'] },
    other: { kind: 'serving_endpoint' },
  },
  flows: [
    { from: 'hf', to: 'trainer', data: ['weights'] },
    { from: 'store', to: 'trainer', data: ['people'] },
    { from: 'trainer', to: 'evaluation', data: ['weights'] },
    { from: 'evaluation', to: 'registry', data: ['weights'] },
    { from: 'registry', to: 'server', data: ['weights'] },
    { id: 'call', from: 'client', to: 'gateway', bidirectional: true, data: ['req', 'pred'] },
    { id: 'forward', from: 'gateway', to: 'server', bidirectional: true, data: ['req', 'pred'] },
    { id: 'decisions', from: 'server', to: 'store', data: ['pred'] },
    { id: 'other-call', from: 'client', to: 'other', bidirectional: true, data: ['req', 'pred'] },
  ],
});

const elements = (p: RulePack, rule: string) =>
  analyzeLoaded(MODEL, { customPacks: [p] })
    .threats.filter((t) => t.ruleId === rule)
    .map((t) => t.element)
    .sort();

describe('rule conditions: paths over several flows', () => {
  it('downstream_of follows flows forward over several hops', () => {
    const p = pack(
      '  - { id: from-hub, title: T, element: component, when: { downstream_of: { kind: [third_party_model_hub] } }, stride: [T], severity: low }\n',
    );
    assert.deepEqual(elements(p, 'from-hub'), [
      'evaluation',
      'registry',
      'server',
      'store',
      'trainer',
    ]);
  });

  it('does not follow the response half of bidirectional flows', () => {
    // `other` answers `client`, but nothing flows from `other` to `client` in the declared direction.
    const p = pack(
      '  - { id: after-other, title: T, element: component, when: { downstream_of: { kind: [serving_endpoint], not_kind: [] } }, stride: [T], severity: low }\n'.replace(
        ', not_kind: []',
        '',
      ),
    );
    const reached = elements(p, 'after-other');
    assert.ok(!reached.includes('client') && !reached.includes('gateway'), reached.join(', '));
  });

  it('not_downstream_of and upstream_of', () => {
    const p = pack(
      '  - { id: no-registry, title: T, element: component, when: { kind: [serving_endpoint], not_downstream_of: { kind: [model_registry] } }, stride: [R], severity: low }\n' +
        '  - { id: feeds-public, title: T, element: component, when: { kind: [training_job], upstream_of: { kind: [serving_endpoint], reachable_from_outside: true } }, stride: [I], severity: low }\n',
    );
    assert.deepEqual(elements(p, 'no-registry'), ['other']);
    assert.deepEqual(elements(p, 'feeds-public'), ['trainer']);
  });

  it('conditions on flow ends: pii, classification, feedback loop', () => {
    const p = pack(
      '  - { id: pii-end, title: T, element: flow, when: { from: { kind: [training_job], pii: true, data_classification: { min: restricted } } }, stride: [I], severity: low }\n' +
        '  - { id: loop-end, title: T, element: flow, when: { to: { in_feedback_loop: true, kind: [data_store] } }, stride: [T], severity: low }\n',
    );
    assert.deepEqual(elements(p, 'pii-end'), ['trainer->evaluation']);
    assert.deepEqual(elements(p, 'loop-end'), ['decisions']);
  });

  it('the schema rejects an unknown condition inside a path condition, located', () => {
    const loaded = loadRulePack(
      'mltm-rules: 1\nrules:\n  - { id: x, title: T, element: component, when: { downstream_of: { knd: [tool] } }, stride: [T], severity: low }\n',
      'bad.yaml',
    );
    const error = loaded.problems.find((p) => p.severity === 'error');
    assert.ok(error, 'an error');
    assert.match(
      error.message,
      /Unknown condition `knd` on `when\.downstream_of` of rule #1; did you mean `kind`\?/,
    );
    assert.equal(
      loaded.problems.filter((p) => p.severity === 'error').length,
      1,
      'one precise problem, no if/then noise',
    );
    assert.equal(loaded.pack?.rules.length, 0, 'the broken rule is left out');
  });
});

describe('rule condition receives_content_from (content reaching a component over any hops)', () => {
  // Mail and a drive are read by tools; an agent calls them and a post tool. Nothing is drawn
  // from the tools back to the agent: a call returns the result anyway.
  const AGENT_MODEL = stringify({
    mltm: 1,
    name: 'content paths',
    data: { docs: { kind: 'documents', classification: 'confidential' } },
    components: {
      mail: { kind: 'messaging_system' },
      'mail-tool': { kind: 'mcp_server' },
      drive: { kind: 'data_store', data: ['docs'] },
      'drive-tool': { kind: 'tool' },
      agent: { kind: 'agent' },
      'post-tool': { kind: 'tool' },
      chat: { kind: 'external_client' },
      lonely: { kind: 'tool' },
      batch: { kind: 'agent' },
    },
    flows: [
      { from: 'mail', to: 'mail-tool' },
      { from: 'agent', to: 'mail-tool' },
      { from: 'drive', to: 'drive-tool' },
      { from: 'agent', to: 'drive-tool' },
      { from: 'agent', to: 'post-tool' },
      { from: 'post-tool', to: 'chat' },
      { from: 'batch', to: 'lonely' },
    ],
  });
  const reached = (rule: string) =>
    analyzeLoaded(AGENT_MODEL, { customPacks: [pack(rule)] })
      .threats.filter((t) => t.ruleId === 'r')
      .map((t) => t.element)
      .sort();

  it('follows flows forward and tool results back to their callers', () => {
    assert.deepEqual(
      reached(
        '  - { id: r, title: T, element: component, when: { receives_content_from: [{ kind: [messaging_system] }] }, stride: [T], severity: low }\n',
      ),
      ['agent', 'chat', 'drive-tool', 'mail-tool', 'post-tool'],
    );
  });

  it('every entry must hold: untrusted content and confidential data both reach the post tool', () => {
    assert.deepEqual(
      reached(
        '  - { id: r, title: T, element: component, when: { kind: [tool], outbound_to: { kind: [external_client] }, receives_content_from: [{ kind: [messaging_system] }, { data_classification: { min: confidential } }] }, stride: [I], severity: low }\n',
      ),
      ['post-tool'],
    );
    // Without the mail, no untrusted content reaches it: the condition fails.
    assert.deepEqual(
      reached(
        '  - { id: r, title: T, element: component, when: { kind: [tool], receives_content_from: [{ kind: [messaging_system] }, { data_classification: { min: restricted } }] }, stride: [I], severity: low }\n',
      ),
      [],
    );
  });

  it('an unknown condition inside an entry is located with a did-you-mean', () => {
    const loaded = loadRulePack(
      'mltm-rules: 1\nrules:\n  - { id: x, title: T, element: component, when: { receives_content_from: [{ knd: [tool] }] }, stride: [T], severity: low }\n',
      'bad.yaml',
    );
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1, errors.map((p) => p.message).join(' | '));
    assert.match(errors[0]?.message ?? '', /Unknown condition `knd`.*did you mean `kind`\?/);
  });
});

describe('control resolution on flows', () => {
  it('a gateway’s ingress controls count on the flows it forwards, not on other flows into the service', () => {
    const p = pack(
      '  - { id: needs-limit, title: T, element: flow, when: { to: { kind: [serving_endpoint] }, data_kind: [inference_request] }, stride: [D], severity: low, mitigations: { all_of: [rate_limiting] } }\n',
    );
    const threats = analyzeLoaded(MODEL, { customPacks: [p] }).threats.filter(
      (t) => t.ruleId === 'needs-limit',
    );
    const forward = threats.find((t) => t.element === 'forward');
    assert.deepEqual(forward?.mitigatedBy, [
      { control: 'rate_limiting', how: 'neighbour', on: ['gateway'] },
    ]);
    assert.deepEqual(
      threats.find((t) => t.element === 'other-call')?.missingControls,
      ['rate_limiting'],
      'a client holds no controls',
    );
  });

  it('the responder’s egress controls count on a bidirectional flow, not on a one-way flow', () => {
    const p = pack(
      '  - { id: needs-minimal-output, title: T, element: flow, when: { from: { kind: [api_gateway, serving_endpoint] } }, stride: [I], severity: low, mitigations: { all_of: [output_obfuscation] } }\n',
    );
    const threats = analyzeLoaded(MODEL, { customPacks: [p] }).threats.filter(
      (t) => t.ruleId === 'needs-minimal-output',
    );
    assert.equal(
      threats.find((t) => t.element === 'forward')?.mitigated,
      true,
      'the server answers on `forward`',
    );
    assert.equal(
      threats.find((t) => t.element === 'decisions')?.mitigated,
      true,
      'the server sends `decisions`',
    );
    const oneWay = MODEL.replace(
      '  - id: forward\n    from: gateway\n    to: server\n    bidirectional: true\n',
      '  - id: forward\n    from: gateway\n    to: server\n',
    );
    assert.notEqual(oneWay, MODEL);
    const after = analyzeLoaded(oneWay, { customPacks: [p] }).threats.find(
      (t) => t.ruleId === 'needs-minimal-output' && t.element === 'forward',
    );
    assert.deepEqual(
      after?.missingControls,
      ['output_obfuscation'],
      'on a one-way flow only the sender’s egress controls count',
    );
  });
});

/**
 * Every semantic check, each with the smallest model that triggers it: the code, the severity,
 * what the message says, where it points (line:col), and the fix when there is an obvious one.
 * Then the negative side: a clean model has none of them.
 */
import assert from 'node:assert/strict';
import { loadModel } from '../../../src/core/model/load';
import { PROBLEM_CODES } from '../../../src/core/problems';
import { codes, onlyProblem, slice, startOf } from './located';

/** A model: lines joined with newlines. */
const lines = (...rows: string[]) => rows.join('\n') + '\n';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly code: keyof typeof PROBLEM_CODES;
  readonly severity: 'error' | 'warning' | 'info';
  readonly at: string;
  /** The text the range covers. */
  readonly covers: string;
  readonly message: RegExp;
  readonly fix?: string;
  /** Where related locations point. */
  readonly related?: string[];
}

const CASES: Case[] = [
  {
    name: 'unknown component at a flow end, with did-you-mean',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  scorer: { kind: serving_endpoint }',
      '  client: { kind: user }',
      'flows:',
      '  - { from: client, to: scorrer }',
    ),
    code: 'MLTM201',
    severity: 'error',
    at: '7:25',
    covers: 'scorrer',
    message:
      /Flow `client->scorrer` goes to `scorrer`, which is not a component; did you mean `scorer`\?/,
    fix: 'scorer',
  },
  {
    name: 'unknown component at a flow start, nothing close',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  scorer: { kind: serving_endpoint }',
      'flows:',
      '  - { id: f, from: zzz, to: scorer }',
    ),
    code: 'MLTM201',
    severity: 'error',
    at: '6:20',
    covers: 'zzz',
    message: /^Flow `f` starts at `zzz`, which is not a component\.$/,
  },
  {
    name: 'unknown boundary on a component',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      '  platform: { trust: trusted }',
      'components:',
      '  scorer: { kind: serving_endpoint, boundary: platfrom }',
    ),
    code: 'MLTM202',
    severity: 'error',
    at: '6:47',
    covers: 'platfrom',
    message:
      /Component `scorer` is in boundary `platfrom`, which is not defined under `boundaries`; did you mean `platform`\?/,
    fix: 'platform',
  },
  {
    name: 'unknown boundary as a parent',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      '  vpc: { trust: trusted, parent: cloudd }',
      '  cloud: { trust: semi_trusted }',
      'components:',
      '  a: { kind: training_job, boundary: vpc }',
    ),
    code: 'MLTM202',
    severity: 'error',
    at: '4:34',
    covers: 'cloudd',
    message: /Boundary `vpc` has parent `cloudd`, which is not a boundary; did you mean `cloud`\?/,
    fix: 'cloud',
  },
  {
    name: 'unknown data id on a flow',
    text: lines(
      'mltm: 1',
      'name: m',
      'data:',
      '  features: { classification: internal }',
      'components:',
      '  a: { kind: feature_store, data: [features] }',
      '  b: { kind: training_job }',
      'flows:',
      '  - { from: a, to: b, data: [featurs] }',
    ),
    code: 'MLTM203',
    severity: 'error',
    at: '9:30',
    covers: 'featurs',
    message:
      /Flow `a->b` carries data `featurs`, which is not defined under `data`; did you mean `features`\?/,
    fix: 'features',
  },
  {
    name: 'unknown data id on a component',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a:',
      '    kind: data_store',
      '    data:',
      '      - secrets',
    ),
    code: 'MLTM203',
    severity: 'error',
    at: '7:9',
    covers: 'secrets',
    message: /Component `a` refers to data `secrets`, which is not defined under `data`\./,
  },
  {
    name: 'boundary parent cycle, with the other members related',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      '  a: { trust: trusted, parent: c }',
      '  b: { trust: trusted, parent: a }',
      '  c: { trust: trusted, parent: b }',
      'components:',
      '  x: { kind: training_job, boundary: a }',
    ),
    code: 'MLTM204',
    severity: 'error',
    at: '4:32',
    covers: 'c',
    message:
      /Boundaries nest in a cycle: `a` → `c` → `b` → `a`\. A boundary cannot contain itself\./,
    related: ['6:32', '5:32'],
  },
  {
    name: 'boundary that is its own parent',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      '  a: { trust: trusted, parent: a }',
      'components:',
      '  x: { kind: training_job, boundary: a }',
    ),
    code: 'MLTM204',
    severity: 'error',
    at: '4:32',
    covers: 'a',
    message: /cycle: `a` → `a`/,
  },
  {
    name: 'boundaries nested past the depth limit, at the first one past it',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      ...Array.from({ length: 34 }, (_, i) =>
        i === 0 ? '  l0: { trust: trusted }' : `  l${i}: { trust: trusted, parent: l${i - 1} }`,
      ),
      'components:',
      '  x: { kind: training_job, boundary: l33 }',
    ),
    code: 'MLTM213',
    severity: 'error',
    at: '36:34',
    covers: 'l31',
    message:
      /Boundary `l32` is nested more than 32 boundaries deep \(its parent `l31` is at the limit\)/,
  },
  {
    name: 'duplicate explicit flow id',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app }',
      'flows:',
      '  - { id: chat, from: a, to: b }',
      '  - { id: chat, from: b, to: a }',
    ),
    code: 'MLTM205',
    severity: 'error',
    at: '8:11',
    covers: 'chat',
    message: /^Flow id `chat` is used twice; threat ids are built from it, so it must be unique\.$/,
    related: ['7:11'],
  },
  {
    name: 'duplicate derived flow id explains how to tell them apart',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app }',
      'flows:',
      '  - { from: a, to: b }',
      '  - { from: a, to: b, protocol: grpc }',
    ),
    code: 'MLTM205',
    severity: 'error',
    at: '8:5',
    covers: '{ from: a, to: b, protocol: grpc }',
    message: /Flow id `a->b` is used twice.*Two flows from `a` to `b` need an `id:` each/,
    related: ['7:5'],
  },
  {
    name: 'self-loop',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: agent }',
      'flows:',
      '  - { from: a, to: a }',
    ),
    code: 'MLTM206',
    severity: 'error',
    at: '6:20',
    covers: 'a',
    message: /Flow `a->a` goes from `a` to itself/,
  },
  {
    name: 'unconnected component',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app }',
      '  lonely: { kind: vector_db }',
      'flows:',
      '  - { from: a, to: b }',
    ),
    code: 'MLTM207',
    severity: 'warning',
    at: '6:3',
    covers: 'lonely',
    message: /Component `lonely` has no data flows/,
  },
  {
    name: 'flow id that is also a component id',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app }',
      'flows:',
      '  - { id: b, from: a, to: b }',
    ),
    code: 'MLTM208',
    severity: 'error',
    at: '7:11',
    covers: 'b',
    message: /Flow id `b` is also a component id; threat ids `<rule>@<id>` would clash/,
    related: ['5:3'],
  },
  {
    name: 'controls on an external entity',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  partner: { kind: external_client, controls: [mtls, authn] }',
      '  api: { kind: api_gateway }',
      'flows:',
      '  - { from: partner, to: api }',
    ),
    code: 'MLTM209',
    severity: 'warning',
    at: '4:47',
    covers: '[mtls, authn]',
    message:
      /`partner` is an external entity \(external_client\).*Declare `mtls`, `authn` on its flows or on the component that receives them\./,
  },
  {
    name: 'reverse of a bidirectional flow',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: llm_app }',
      '  b: { kind: external_llm_provider }',
      'flows:',
      '  - { id: ask, from: a, to: b, bidirectional: true }',
      '  - { id: answer, from: b, to: a }',
    ),
    code: 'MLTM210',
    severity: 'info',
    at: '8:5',
    covers: '{ id: answer, from: b, to: a }',
    message: /Flow `answer` is the reverse of the bidirectional flow `ask`/,
    related: ['7:5'],
  },
  {
    name: 'unused boundary',
    text: lines(
      'mltm: 1',
      'name: m',
      'boundaries:',
      '  empty: { trust: untrusted }',
      'components:',
      '  a: { kind: training_job }',
    ),
    code: 'MLTM211',
    severity: 'info',
    at: '4:3',
    covers: 'empty',
    message: /Boundary `empty` contains no components\./,
  },
  {
    name: 'unused data item',
    text: lines(
      'mltm: 1',
      'name: m',
      'data:',
      '  orphan: { classification: public }',
      'components:',
      '  a: { kind: training_job }',
    ),
    code: 'MLTM211',
    severity: 'info',
    at: '4:3',
    covers: 'orphan',
    message: /Data `orphan` is not carried by any flow nor held by any component\./,
  },
  {
    name: 'crown jewel nobody holds',
    text: lines(
      'mltm: 1',
      'name: m',
      'data:',
      '  weights: { classification: restricted, crown_jewel: integrity }',
      'components:',
      '  a: { kind: training_job }',
    ),
    code: 'MLTM212',
    severity: 'warning',
    at: '4:42',
    covers: 'crown_jewel',
    message:
      /Data `weights` is a crown jewel but no component holds it.*add `weights` to the `data`/,
  },
  {
    name: 'unknown control, with did-you-mean and a fix',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  reg: { kind: model_registry, controls: [authz, audit_loging] }',
    ),
    code: 'MLTM105',
    severity: 'error',
    at: '4:50',
    covers: 'audit_loging',
    message:
      /Unknown control kind `audit_loging` for component `reg`; did you mean `audit_logging`\?/,
    fix: 'audit_logging',
  },
  {
    name: 'unknown control on a flow, nothing close: lists the known ones',
    text: lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app }',
      'flows:',
      '  - { from: a, to: b, controls: [quantum_shield] }',
    ),
    code: 'MLTM105',
    severity: 'error',
    at: '7:34',
    covers: 'quantum_shield',
    message:
      /Unknown control kind `quantum_shield` for flow #1\. Known values: authn, authz,.*Custom names start with `x-`\./,
  },
];

describe('semantic checks', () => {
  for (const c of CASES) {
    it(`${c.code} ${c.name}`, () => {
      const { problems, model } = loadModel(c.text);
      assert.ok(model, 'the model still loads');
      const p = onlyProblem(problems, c.code);
      assert.equal(p.severity, c.severity);
      assert.match(p.message, c.message);
      assert.equal(startOf(c.text, p.range), c.at);
      assert.equal(slice(c.text, p.range), c.covers);
      if (c.fix === undefined) assert.equal(p.fix, undefined);
      else {
        assert.ok(p.fix, 'has a fix');
        assert.equal(p.fix.replacement, c.fix);
        assert.deepEqual(p.fix.range, p.range);
        assert.equal(p.fix.title, `Change to \`${c.fix}\``);
        // Applying the fix removes the problem.
        const fixed =
          c.text.slice(0, p.fix.range.start) + p.fix.replacement + c.text.slice(p.fix.range.end);
        assert.ok(
          !codes(loadModel(fixed).problems).includes(c.code),
          'the fix resolves the problem',
        );
      }
      if (c.related)
        assert.deepEqual(
          (p.related ?? []).map((r) => startOf(c.text, r.range)),
          c.related,
        );
    });
  }

  it('every semantic code has a test case here', () => {
    // MLTM220 is a rule-pack problem numbered in the privacy range (test/unit/rules/privacy.test.ts).
    const semanticCodes = Object.keys(PROBLEM_CODES).filter(
      (code) => /^MLTM2\d\d$/.test(code) && code !== 'MLTM220',
    );
    const tested = new Set(CASES.map((c) => c.code));
    assert.deepEqual(
      semanticCodes.filter((code) => !tested.has(code as keyof typeof PROBLEM_CODES)),
      [],
    );
  });

  it('a clean model with every feature has no problems', () => {
    const text = lines(
      'mltm: 1',
      'name: clean',
      'boundaries:',
      '  outer: { trust: semi_trusted }',
      '  inner: { trust: trusted, parent: outer }',
      'data:',
      '  d: { classification: internal }',
      'components:',
      '  a: { kind: user }',
      '  b: { kind: llm_app, boundary: inner, data: [d] }',
      '  c: { kind: external_llm_provider }',
      'flows:',
      '  - { from: a, to: b, controls: [authn] }',
      '  - { id: ask, from: b, to: c, bidirectional: true, data: [d] }',
    );
    assert.deepEqual(loadModel(text).problems, []);
  });

  it('a component without flows is not reported when the model has no flows yet', () => {
    assert.deepEqual(
      codes(
        loadModel(
          lines(
            'mltm: 1',
            'name: m',
            'components:',
            '  a: { kind: user }',
            '  b: { kind: llm_app }',
          ),
        ).problems,
      ),
      [],
    );
  });

  it('a component missing its kind is reported once, and flows naming it still resolve', () => {
    // Regression: the component was dropped, so its flows were also reported as going to an
    // unknown component (with a wrong did-you-mean).
    const text = lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      '  b: { tech: kserve }',
      '  c:',
      'flows:',
      '  - { from: a, to: b }',
      '  - { from: a, to: c }',
    );
    const { problems, model } = loadModel(text);
    assert.deepEqual(codes(problems), ['MLTM101', 'MLTM103']);
    assert.equal(startOf(text, problems[0]?.range ?? { start: 0, end: 0 }), '5:3');
    assert.deepEqual(
      model?.components.map((c) => [c.id, c.kind]),
      [
        ['a', 'user'],
        ['b', ''],
        ['c', ''],
      ],
    );
  });

  it('problems are ordered by position', () => {
    const text = lines(
      'mltm: 1',
      'name: m',
      'components:',
      '  a: { kind: user }',
      'flows:',
      '  - { from: x, to: y }',
      '  - { from: a, to: a }',
    );
    const starts = loadModel(text).problems.map((p) => p.range.start);
    assert.deepEqual(
      starts,
      [...starts].sort((x, y) => x - y),
    );
    assert.deepEqual(codes(loadModel(text).problems), ['MLTM201', 'MLTM201', 'MLTM206']);
  });
});

/**
 * The built-in privacy pack (`src/core/rules/builtin/privacy.rules.yaml`): the pack itself
 * (loads cleanly, every rule a `category: privacy` rule with LINDDUN codes), then every rule on
 * one pipeline with personal data where it fires and the same pipeline with the controls an
 * architect would add where they would add them (the threat stays listed with nothing missing);
 * the same pipeline without personal data, every example, and every case-study model that
 * declares no personal data produce no privacy threat at all.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { threatsOf as allThreats } from '../../../src/core/analysis';
import { BUILTIN_PACK_SOURCES } from '../../../src/core/rules/builtin';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import type { Rule } from '../../../src/core/rules/types';
import { REPO_ROOT } from '../../support/sharedKb';
import { analyzeValid, assertFiresAndSilenced, threatsOf } from './harness';

const PACK_FILE = 'builtin:privacy.rules.yaml';

function privacyRules(): readonly Rule[] {
  const source = BUILTIN_PACK_SOURCES.find((s) => s.file === PACK_FILE);
  assert.ok(source, `${PACK_FILE} is bundled`);
  const loaded = loadRulePack(source.text, PACK_FILE);
  assert.deepEqual(
    loaded.problems.map((p) => `${p.code} ${p.message}`),
    [],
  );
  assert.ok(loaded.pack);
  return loaded.pack.rules;
}

type Obj = Record<string, unknown>;

/**
 * A lender's pipeline: customers apply through a scoring endpoint and chat with an assistant
 * that calls an external LLM provider; profiles are shared with a partner, joined into features,
 * trained into a model that both the endpoint and the assistant serve; predictions are monitored
 * and conversations remembered.
 */
const PIPELINE: Obj = {
  mltm: 1,
  name: 'privacy test',
  boundaries: {
    internet: { name: 'Internet', trust: 'untrusted' },
    partner: { name: 'Partner', trust: 'semi_trusted' },
    vendor: { name: 'LLM vendor', trust: 'semi_trusted' },
    platform: { name: 'Platform', trust: 'trusted' },
  },
  data: {
    profile: { kind: 'raw_data', classification: 'restricted', pii: true },
    share: { kind: 'raw_data', classification: 'confidential', pii: true },
    feats: { kind: 'features', classification: 'restricted', pii: true },
    train: { kind: 'training_data', classification: 'restricted', pii: true },
    weights: { kind: 'model', classification: 'confidential' },
    req: { kind: 'inference_request', classification: 'restricted', pii: true },
    pred: { kind: 'prediction', classification: 'confidential', pii: true },
    prompt: { kind: 'prompt', classification: 'confidential', pii: true },
  },
  components: {
    customer: { kind: 'user', boundary: 'internet' },
    endpoint: { kind: 'serving_endpoint', boundary: 'platform' },
    chat: { kind: 'llm_app', boundary: 'platform' },
    provider: { kind: 'external_llm_provider', boundary: 'vendor' },
    memory: { kind: 'memory_store', boundary: 'platform' },
    store: { kind: 'data_store', boundary: 'platform', data: ['profile'] },
    'partner-ingest': { kind: 'data_ingestion', boundary: 'partner' },
    features: { kind: 'feature_store', boundary: 'platform' },
    trainer: { kind: 'training_job', boundary: 'platform', data: ['train'] },
    registry: { kind: 'model_registry', boundary: 'platform' },
    monitor: { kind: 'monitoring', boundary: 'platform' },
  },
  flows: [
    { from: 'customer', to: 'endpoint', data: ['req'] },
    { from: 'customer', to: 'chat', data: ['prompt'] },
    { from: 'store', to: 'features', data: ['profile'] },
    { from: 'store', to: 'partner-ingest', data: ['share'] },
    { from: 'features', to: 'trainer', data: ['feats'] },
    { from: 'trainer', to: 'registry', data: ['weights'] },
    { from: 'registry', to: 'endpoint', data: ['weights'] },
    { from: 'registry', to: 'chat', data: ['weights'] },
    { from: 'endpoint', to: 'monitor', data: ['pred'] },
    { from: 'chat', to: 'provider', data: ['prompt'] },
    { from: 'chat', to: 'memory', data: ['prompt'] },
  ],
};

const TEXT = stringify(PIPELINE);

/** The same pipeline with every `pii: true` removed (and restricted data made confidential). */
function withoutPersonalData(model: Obj): string {
  const data = Object.fromEntries(
    Object.entries(model['data'] as Record<string, Obj>).map(([id, d]) => [
      id,
      { kind: d['kind'], classification: 'confidential' },
    ]),
  );
  return stringify({ ...model, data });
}

/** Rule → where it fires in PIPELINE, and the controls (on which element) that mitigate it. */
const CASES: Record<string, { element: string; silence: { on: string; controls: string[] }[] }[]> =
  {
    'personal-data-store-exposure': [
      {
        element: 'store',
        silence: [
          { on: 'store', controls: ['data_minimisation', 'pseudonymisation', 'retention_limits'] },
        ],
      },
    ],
    'personal-data-collected-without-notice': [
      // On the flow or where the data arrives: the app records the notice and basis.
      {
        element: 'customer->endpoint',
        silence: [{ on: 'customer->endpoint', controls: ['consent_records'] }],
      },
      { element: 'customer->chat', silence: [{ on: 'chat', controls: ['consent_records'] }] },
    ],
    'personal-data-leaves-trust-zone': [
      {
        element: 'store->partner-ingest',
        silence: [
          { on: 'store->partner-ingest', controls: ['data_minimisation', 'pseudonymisation'] },
        ],
      },
    ],
    'personal-data-to-llm-provider': [
      // Egress placement: redaction in the app that sends the prompt counts.
      { element: 'chat->provider', silence: [{ on: 'chat', controls: ['pii_redaction'] }] },
    ],
    'personal-data-logged': [
      {
        element: 'endpoint->monitor',
        silence: [{ on: 'endpoint->monitor', controls: ['pseudonymisation'] }],
      },
    ],
    'training-without-legal-basis': [
      { element: 'trainer', silence: [{ on: 'trainer', controls: ['consent_records'] }] },
    ],
    'trained-model-erasure-gap': [
      { element: 'trainer', silence: [{ on: 'trainer', controls: ['erasure_support'] }] },
    ],
    'generative-model-memorisation': [
      { element: 'trainer', silence: [{ on: 'trainer', controls: ['differential_privacy'] }] },
    ],
    'reidentification-by-joining': [
      {
        element: 'features',
        silence: [{ on: 'features', controls: ['data_minimisation', 'pseudonymisation'] }],
      },
    ],
    'sensitive-attribute-inference': [
      {
        element: 'endpoint',
        silence: [{ on: 'endpoint', controls: ['data_minimisation', 'human_review'] }],
      },
    ],
    'personal-data-kept-in-monitoring': [
      { element: 'monitor', silence: [{ on: 'monitor', controls: ['retention_limits'] }] },
      { element: 'memory', silence: [{ on: 'memory', controls: ['retention_limits'] }] },
    ],
  };

describe('privacy pack (LINDDUN)', () => {
  it('loads cleanly; every rule is a privacy rule with LINDDUN codes and a test case', () => {
    const rules = privacyRules();
    assert.ok(rules.length >= 11);
    for (const rule of rules) {
      assert.equal(rule.category, 'privacy', rule.id);
      assert.ok(rule.linddun.length > 0, `${rule.id} has LINDDUN codes`);
      assert.ok(rule.why && rule.detection && rule.containment, `${rule.id} is complete`);
    }
    assert.deepEqual(rules.map((r) => r.id).sort(), Object.keys(CASES).sort());
  });

  for (const [ruleId, cases] of Object.entries(CASES))
    for (const { element, silence } of cases)
      it(`${ruleId} fires on ${element} and is mitigated by ${silence.map((s) => s.controls.join(' + ')).join(', ')}`, () => {
        const threat = assertFiresAndSilenced(TEXT, ruleId, element, silence);
        assert.equal(threat.category, 'privacy');
        assert.ok(threat.linddun.length > 0);
      });

  it('fires exactly where the cases say on the pipeline with personal data', () => {
    const fired = allThreats(analyzeValid(TEXT))
      .filter((t) => t.category === 'privacy')
      .map((t) => t.id)
      .sort();
    const expected = Object.entries(CASES)
      .flatMap(([rule, cases]) => cases.map((c) => `${rule}@${c.element}`))
      .sort();
    assert.deepEqual(fired, expected);
  });

  it('LINDDUN codes come in LINDDUN order on threats', () => {
    const [threat] = threatsOf(analyzeValid(TEXT), 'personal-data-store-exposure', 'store');
    assert.deepEqual(threat?.linddun, ['L', 'I', 'Nr', 'D', 'DD', 'Nc']);
  });

  it('nothing fires on the same pipeline without personal data', () => {
    const privacy = allThreats(analyzeValid(withoutPersonalData(PIPELINE))).filter(
      (t) => t.category === 'privacy' || t.linddun.length > 0,
    );
    assert.deepEqual(
      privacy.map((t) => t.id),
      [],
    );
  });

  it('nothing fires on any example or case-study model once its personal data is removed, nor on the case studies that declare none', () => {
    const dirs = [join(REPO_ROOT, 'examples'), join(REPO_ROOT, 'test/fixtures/casestudies')];
    let models = 0;
    for (const dir of dirs)
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.mltm.yaml'))) {
        const model = parse(readFileSync(join(dir, file), 'utf8')) as Obj;
        const declaresPii = Object.values((model['data'] ?? {}) as Record<string, Obj>).some(
          (d) => d['pii'] === true,
        );
        const texts = [withoutPersonalData(model)];
        if (!declaresPii) texts.push(readFileSync(join(dir, file), 'utf8'));
        for (const text of texts) {
          const privacy = allThreats(analyzeValid(text)).filter((t) => t.category === 'privacy');
          assert.deepEqual(
            privacy.map((t) => t.id),
            [],
            `${file} without personal data`,
          );
        }
        models++;
      }
    assert.ok(models >= 40, `checked ${models} models`);
  });
});

describe('rule packs: a rule must name a threat category (MLTM220)', () => {
  it('a privacy rule without LINDDUN codes, and a security rule without STRIDE letters, are located errors and left out', () => {
    const text = [
      'mltm-rules: 1',
      'rules:',
      '  - { id: no-linddun, title: A, category: privacy, element: component, when: {}, stride: [], severity: low }',
      '  - { id: no-stride, title: B, element: component, when: {}, stride: [], severity: low }',
      '  - { id: fine, title: C, category: privacy, element: component, when: {}, stride: [], linddun: [Nc, L], severity: low }',
      '',
    ].join('\n');
    const loaded = loadRulePack(text, 'mine.yaml');
    const codes = loaded.problems.map((p) => p.code);
    assert.deepEqual(codes, ['MLTM220', 'MLTM220']);
    const [first, second] = loaded.problems;
    assert.match(first?.message ?? '', /`no-linddun`.*LINDDUN code/);
    assert.equal(text.slice(first?.range.start, first?.range.end), 'privacy');
    assert.match(second?.message ?? '', /`no-stride`.*STRIDE letter/);
    assert.equal(text.slice(second?.range.start, second?.range.end), '[]');
    assert.deepEqual(
      loaded.pack?.rules.map((r) => [r.id, r.linddun]),
      [['fine', ['L', 'Nc']]],
    );
  });

  it('an unknown LINDDUN code is a schema error', () => {
    const loaded = loadRulePack(
      'mltm-rules: 1\nrules:\n  - { id: bad, title: A, category: privacy, element: component, when: {}, stride: [], linddun: [X], severity: low }\n',
      'mine.yaml',
    );
    assert.ok(loaded.problems.some((p) => p.severity === 'error'));
    assert.deepEqual(loaded.pack?.rules ?? [], []);
  });
});

/**
 * The built-in ML pack (`src/core/rules/builtin/ml.rules.yaml`): the pack itself (loads cleanly,
 * every rule complete, every ATLAS and OWASP id real), then every rule on a minimal model where
 * it fires and the same model with the controls an architect would add where they would add
 * them (the threat stays listed with nothing missing), plus near misses where it must not fire.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { activeRuleSet } from '../../../src/core/analysis';
import { bundledAtlasCatalogue } from '../../../src/core/kb/atlas';
import { OWASP_BY_ID } from '../../../src/core/kb/owasp';
import { BUILTIN_PACK_SOURCES } from '../../../src/core/rules/builtin';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import type { Rule } from '../../../src/core/rules/types';
import { analyzeValid, assertFiresAndSilenced, threatsOf } from './harness';
import { agenticCaseRules } from './agenticCases';

const PACK_FILE = 'builtin:ml.rules.yaml';

function mlRules(): readonly Rule[] {
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

const BOUNDARIES = {
  internet: { name: 'Internet', trust: 'untrusted' },
  hub: { name: 'Public hub', trust: 'untrusted' },
  edge: { name: 'Edge', trust: 'semi_trusted' },
  corp: { name: 'Corporate network', trust: 'semi_trusted' },
  platform: { name: 'ML platform', trust: 'trusted' },
};

const DATA = {
  req: { kind: 'inference_request', classification: 'internal' },
  pred: { kind: 'prediction', classification: 'internal' },
  fb: { kind: 'feedback', classification: 'internal' },
  labels: { kind: 'labels', classification: 'internal' },
  raw: { kind: 'raw_data', classification: 'internal' },
  train: { kind: 'training_data', classification: 'internal' },
  ptrain: { kind: 'training_data', classification: 'confidential', pii: true },
  weights: { kind: 'model', classification: 'confidential' },
  image: { kind: 'code', classification: 'internal' },
  runs: { kind: 'logs', classification: 'internal' },
  ds: { kind: 'training_data', classification: 'public' },
};

function model(components: Record<string, Obj>, flows: Obj[] = []): string {
  return stringify({
    mltm: 1,
    name: 'ml test',
    boundaries: BOUNDARIES,
    data: DATA,
    components,
    flows,
  });
}

/** A public endpoint behind a gateway, trained on data from a store, published through a registry. */
const PIPELINE = {
  components: {
    client: { kind: 'external_client', boundary: 'internet' },
    gateway: { kind: 'api_gateway', boundary: 'edge' },
    endpoint: { kind: 'serving_endpoint', boundary: 'platform', tech: 'kserve' },
    store: { kind: 'data_store', boundary: 'platform' },
    trainer: { kind: 'training_job', boundary: 'platform' },
    registry: { kind: 'model_registry', boundary: 'platform' },
  },
  flows: [
    { id: 'call', from: 'client', to: 'gateway', bidirectional: true, data: ['req', 'pred'] },
    { id: 'forward', from: 'gateway', to: 'endpoint', bidirectional: true, data: ['req', 'pred'] },
    { id: 'read', from: 'store', to: 'trainer', data: ['train'] },
    { id: 'publish', from: 'trainer', to: 'registry', data: ['weights'] },
    { id: 'deploy', from: 'registry', to: 'endpoint', data: ['weights'] },
  ],
};

const pipeline = (extra: { components?: Record<string, Obj>; flows?: Obj[] } = {}) =>
  model({ ...PIPELINE.components, ...extra.components }, [
    ...PIPELINE.flows,
    ...(extra.flows ?? []),
  ]);

describe('built-in ML pack', () => {
  it('has at least 20 complete ML rules; with the LLM pack at least 40 ML-specific rules', () => {
    const rules = mlRules();
    assert.ok(rules.length >= 20, `only ${rules.length} rules`);
    const catalogue = bundledAtlasCatalogue();
    for (const rule of rules) {
      assert.equal(rule.category, 'ml', `${rule.id}: category ml`);
      assert.ok(
        rule.description && rule.why && rule.detection && rule.containment,
        `${rule.id}: description, why, detection, containment`,
      );
      assert.ok(
        (rule.mitigations.all_of?.length ?? 0) + (rule.mitigations.any_of?.length ?? 0) > 0,
        `${rule.id}: mitigations`,
      );
      assert.ok(rule.owasp.length > 0, `${rule.id}: OWASP ids`);
      for (const id of rule.atlas)
        assert.ok(
          catalogue.technique(id),
          `${rule.id}: ATLAS ${id} is a technique of ATLAS ${catalogue.version}`,
        );
      for (const id of rule.owasp) assert.ok(OWASP_BY_ID.has(id), `${rule.id}: OWASP ${id}`);
    }
    const ruleSet = activeRuleSet();
    assert.deepEqual(
      ruleSet.problems.flatMap((f) => f.problems.map((p) => `${f.file} ${p.code} ${p.message}`)),
      [],
    );
    const mlSpecific = ruleSet.rules.filter((r) => r.category === 'ml');
    assert.ok(mlSpecific.length >= 40, `only ${mlSpecific.length} ML-specific rules`);
    for (const rule of rules)
      assert.ok(
        ruleSet.rules.some((r) => r.id === rule.id),
        `${rule.id} active`,
      );
  });

  it('cites the ATLAS ids the scenarios need, under their ATLAS names', () => {
    const catalogue = bundledAtlasCatalogue();
    const cited = new Set(mlRules().flatMap((r) => r.atlas));
    const expected: Record<string, string> = {
      'AML.T0020': 'Poison Training Data',
      'AML.T0024.000': 'Infer Training Data Membership',
      'AML.T0024.001': 'Invert AI Model',
      'AML.T0024.002': 'Extract AI Model',
      'AML.T0010.003': 'Model',
      'AML.T0010.002': 'Data',
      'AML.T0011.000': 'Unsafe AI Artifacts',
      'AML.T0018.000': 'Poison AI Model',
      'AML.T0043.004': 'Insert Backdoor Trigger',
      'AML.T0015': 'Evade AI Model',
      'AML.T0029': 'Denial of AI Service',
      'AML.T0034': 'Cost Harvesting',
      'AML.T0031': 'Erode AI Model Integrity',
    };
    for (const [id, name] of Object.entries(expected)) {
      assert.ok(cited.has(id), `${id} is cited`);
      assert.equal(catalogue.nameOf(id), name);
    }
  });
});

describe('built-in ML pack against the official ATLAS.yaml', () => {
  const official = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    '..',
    'shared',
    'kb',
    'ATLAS.yaml',
  );
  it('every ATLAS id cited resolves, and the catalogue names it as MITRE does', function () {
    if (!existsSync(official)) {
      console.log(
        `      note: ${official} not found; skipping the check of ML rule ATLAS ids against the official data.`,
      );
      this.skip();
    }
    const root = parse(readFileSync(official, 'utf8')) as {
      matrices: { techniques: { id: string; name: string }[] }[];
    };
    const names = new Map(root.matrices.flatMap((m) => m.techniques).map((t) => [t.id, t.name]));
    const catalogue = bundledAtlasCatalogue();
    for (const rule of mlRules()) {
      for (const id of rule.atlas) {
        assert.ok(names.has(id), `${rule.id}: ${id} is in ATLAS.yaml`);
        assert.equal(catalogue.nameOf(id), names.get(id), `${rule.id}: ${id} name`);
      }
    }
  });
});

describe('ML rules: training data', () => {
  it('training-data-poisoning: a training job outsiders can reach, silenced by validation and provenance', () => {
    const text = pipeline({
      flows: [{ id: 'upload', from: 'client', to: 'store', data: ['raw'] }],
    });
    assertFiresAndSilenced(text, 'training-data-poisoning', 'trainer', [
      { on: 'trainer', controls: ['data_validation', 'data_provenance'] },
    ]);
    // Provenance and validation on the flow that feeds the job count too.
    assertFiresAndSilenced(text, 'training-data-poisoning', 'trainer', [
      { on: 'read', controls: ['data_validation', 'data_provenance'] },
    ]);
    assert.equal(
      threatsOf(analyzeValid(pipeline()), 'training-data-poisoning').length,
      0,
      'no path from outside: no threat',
    );
  });

  it('untrusted-training-data-contribution: records from a less-trusted zone into a store', () => {
    const text = pipeline({
      flows: [{ id: 'upload', from: 'client', to: 'store', data: ['raw'] }],
    });
    assertFiresAndSilenced(text, 'untrusted-training-data-contribution', 'upload', [
      { on: 'upload', controls: ['data_provenance'] },
    ]);
    const hub = pipeline({
      components: { feed: { kind: 'external_data_source', boundary: 'internet' } },
      flows: [{ id: 'pull', from: 'feed', to: 'store', data: ['raw'] }],
    });
    assert.equal(
      threatsOf(analyzeValid(hub), 'untrusted-training-data-contribution').length,
      0,
      'external feeds are supply chain',
    );
  });

  it('label-manipulation: a labeling tool, silenced by label QA (data_validation)', () => {
    const text = pipeline({
      components: { labels: { kind: 'labeling', boundary: 'platform' } },
      flows: [{ from: 'labels', to: 'store', data: ['labels'] }],
    });
    assertFiresAndSilenced(text, 'label-manipulation', 'labels', [
      { on: 'labels', controls: ['data_validation'] },
    ]);
  });

  it('feedback-loop-poisoning: predictions written back to the store training reads', () => {
    const text = pipeline({
      flows: [{ id: 'decisions', from: 'endpoint', to: 'store', data: ['pred'] }],
    });
    assertFiresAndSilenced(text, 'feedback-loop-poisoning', 'decisions', [
      { on: 'decisions', controls: ['data_validation', 'human_review'] },
    ]);
    assertFiresAndSilenced(text, 'feedback-loop-poisoning', 'decisions', [
      { on: 'decisions', controls: ['data_validation'] },
      { on: 'endpoint', controls: ['drift_monitoring'] },
    ]);
    const noLoop = pipeline({
      components: { archive: { kind: 'data_store', boundary: 'platform' } },
      flows: [{ id: 'decisions', from: 'endpoint', to: 'archive', data: ['pred'] }],
    });
    assert.equal(
      threatsOf(analyzeValid(noLoop), 'feedback-loop-poisoning').length,
      0,
      'an archive training never reads is no loop',
    );
  });
});

describe('ML rules: supply chain, backdoors, model files', () => {
  const withHub = (extra: { components?: Record<string, Obj>; flows?: Obj[] } = {}) =>
    pipeline({
      components: { hf: { kind: 'third_party_model_hub', boundary: 'hub' }, ...extra.components },
      flows: [
        { id: 'hub-pull', from: 'hf', to: 'trainer', data: ['weights'] },
        ...(extra.flows ?? []),
      ],
    });

  it('third-party-model-supply-chain: a hub pull, silenced by a digest pin and an AI-BOM', () => {
    assertFiresAndSilenced(withHub(), 'third-party-model-supply-chain', 'hub-pull', [
      { on: 'hub-pull', controls: ['artifact_checksums', 'aibom'] },
    ]);
  });

  it('third-party-dataset-supply-chain: a public dataset into training, not content for RAG', () => {
    const text = pipeline({
      components: { feed: { kind: 'external_data_source', boundary: 'internet' } },
      flows: [{ id: 'dataset', from: 'feed', to: 'trainer', data: ['ds'] }],
    });
    assertFiresAndSilenced(text, 'third-party-dataset-supply-chain', 'dataset', [
      { on: 'dataset', controls: ['data_provenance', 'data_validation'] },
    ]);
    const rag = model(
      {
        feed: { kind: 'external_data_source', boundary: 'internet' },
        indexer: { kind: 'rag_indexer', boundary: 'platform' },
      },
      [{ from: 'feed', to: 'indexer', data: ['raw'] }],
    );
    assert.equal(threatsOf(analyzeValid(rag), 'third-party-dataset-supply-chain').length, 0);
  });

  it('pulled-model-backdoor: evaluation of a model derived from a hub model, several hops away', () => {
    const text = withHub({
      components: { evaluation: { kind: 'evaluation', boundary: 'platform' } },
      flows: [{ from: 'trainer', to: 'evaluation', data: ['weights'] }],
    });
    assertFiresAndSilenced(text, 'pulled-model-backdoor', 'evaluation', [
      { on: 'evaluation', controls: ['model_hardening'] },
    ]);
    const noHub = pipeline({
      components: { evaluation: { kind: 'evaluation', boundary: 'platform' } },
      flows: [{ from: 'trainer', to: 'evaluation', data: ['weights'] }],
    });
    assert.equal(
      threatsOf(analyzeValid(noHub), 'pulled-model-backdoor').length,
      0,
      'no hub upstream: no threat',
    );
  });

  it('unsafe-model-deserialization: a pickle-based stack loading models, silenced by scanning where models arrive', () => {
    const text = model(
      {
        trainer: { kind: 'training_job', boundary: 'platform' },
        registry: { kind: 'model_registry', boundary: 'platform' },
        server: { kind: 'serving_endpoint', boundary: 'platform', tech: 'TorchServe + PyTorch' },
      },
      [
        { from: 'trainer', to: 'registry', data: ['weights'] },
        { id: 'load', from: 'registry', to: 'server', data: ['weights'] },
      ],
    );
    assertFiresAndSilenced(text, 'unsafe-model-deserialization', 'server', [
      { on: 'load', controls: ['model_scanning'] },
    ]);
    const safe = text.replace('TorchServe + PyTorch', 'pytorch, safetensors');
    const threat = threatsOf(analyzeValid(safe), 'unsafe-model-deserialization', 'server')[0];
    assert.ok(threat?.mitigated, 'safetensors implies model scanning');
    assert.equal(threat?.mitigatedBy[0]?.how, 'implied');
    assert.equal(
      threatsOf(
        analyzeValid(text.replace('TorchServe + PyTorch', 'onnxruntime')),
        'unsafe-model-deserialization',
      ).length,
      0,
    );
  });
});

describe('ML rules: registries, promotion, deployment', () => {
  it('model-registry-tampering: unsigned models in the registry', () => {
    assertFiresAndSilenced(pipeline(), 'model-registry-tampering', 'registry', [
      { on: 'registry', controls: ['model_signing'] },
    ]);
    assertFiresAndSilenced(pipeline(), 'model-registry-tampering', 'registry', [
      { on: 'publish', controls: ['model_signing'] },
    ]);
  });

  it('model-weights-exfiltration: weights readable from anywhere', () => {
    assertFiresAndSilenced(pipeline(), 'model-weights-exfiltration', 'registry', [
      { on: 'registry', controls: ['network_policy'] },
    ]);
    const images = model(
      {
        ci: { kind: 'ci_cd', boundary: 'platform' },
        images: { kind: 'artifact_store', boundary: 'platform' },
      },
      [{ from: 'ci', to: 'images', data: ['image'] }],
    );
    assert.equal(
      threatsOf(analyzeValid(images), 'model-weights-exfiltration').length,
      0,
      'an image registry holds no weights',
    );
  });

  it('model-load-unverified: deployment from the registry without signature or digest', () => {
    assertFiresAndSilenced(pipeline(), 'model-load-unverified', 'deploy', [
      { on: 'deploy', controls: ['artifact_checksums'] },
    ]);
    assertFiresAndSilenced(pipeline(), 'model-load-unverified', 'deploy', [
      { on: 'endpoint', controls: ['model_signing'] },
    ]);
  });

  it('model-promoted-without-evaluation: training straight into the registry', () => {
    assertFiresAndSilenced(pipeline(), 'model-promoted-without-evaluation', 'trainer', [
      { on: 'trainer', controls: ['model_hardening'] },
    ]);
    const gated = model(
      {
        trainer: { kind: 'training_job' },
        evaluation: { kind: 'evaluation' },
        registry: { kind: 'model_registry' },
      },
      [
        { from: 'trainer', to: 'evaluation', data: ['weights'] },
        { from: 'evaluation', to: 'registry', data: ['weights'] },
      ],
    );
    assert.equal(threatsOf(analyzeValid(gated), 'model-promoted-without-evaluation').length, 0);
  });

  it('model-auto-promotion-unreviewed: evaluation promotes without a person', () => {
    const text = model(
      {
        trainer: { kind: 'training_job' },
        evaluation: { kind: 'evaluation' },
        registry: { kind: 'model_registry' },
      },
      [
        { from: 'trainer', to: 'evaluation', data: ['weights'] },
        { id: 'promote', from: 'evaluation', to: 'registry', data: ['weights'] },
      ],
    );
    assertFiresAndSilenced(text, 'model-auto-promotion-unreviewed', 'promote', [
      { on: 'evaluation', controls: ['human_review'] },
    ]);
  });

  it('serving-without-versioned-registry: a model served from a bucket', () => {
    const text = model(
      {
        notebook: { kind: 'training_job' },
        bucket: { kind: 'artifact_store' },
        server: { kind: 'serving_endpoint' },
      },
      [
        { from: 'notebook', to: 'bucket', data: ['weights'] },
        { id: 'load', from: 'bucket', to: 'server', data: ['weights'] },
      ],
    );
    assertFiresAndSilenced(text, 'serving-without-versioned-registry', 'server', [
      { on: 'load', controls: ['artifact_checksums'] },
    ]);
    assert.equal(
      threatsOf(analyzeValid(pipeline()), 'serving-without-versioned-registry').length,
      0,
      'served from a registry',
    );
  });
});

describe('ML rules: inference APIs', () => {
  it('model-extraction-inference-api: rate limits at the gateway and labels-only answers at the endpoint', () => {
    const threat = assertFiresAndSilenced(pipeline(), 'model-extraction-inference-api', 'forward', [
      { on: 'gateway', controls: ['rate_limiting'] },
      { on: 'endpoint', controls: ['output_obfuscation'] },
    ]);
    assert.ok(threat.atlas.includes('AML.T0024.002') && threat.atlas.includes('AML.T0024'));
    // Stores, registries and CI feeding the endpoint are not request paths.
    assert.deepEqual(
      threatsOf(analyzeValid(pipeline()), 'model-extraction-inference-api').map((t) => t.element),
      ['forward'],
    );
  });

  it('model-inversion-inference-api: an endpoint outsiders query, trained on personal data', () => {
    const text = pipeline().replace(
      '- id: read\n    from: store\n    to: trainer\n    data:\n      - train',
      '- id: read\n    from: store\n    to: trainer\n    data:\n      - ptrain',
    );
    assert.notEqual(text, pipeline(), 'the test model uses personal training data');
    assertFiresAndSilenced(text, 'model-inversion-inference-api', 'endpoint', [
      { on: 'endpoint', controls: ['output_obfuscation'] },
    ]);
    assert.equal(
      threatsOf(analyzeValid(pipeline()), 'model-inversion-inference-api').length,
      0,
      'no personal training data',
    );
  });

  it('membership-inference-training-data: a job on personal data whose model outsiders can query', () => {
    const text = pipeline().replace(
      '- id: read\n    from: store\n    to: trainer\n    data:\n      - train',
      '- id: read\n    from: store\n    to: trainer\n    data:\n      - ptrain',
    );
    assertFiresAndSilenced(text, 'membership-inference-training-data', 'trainer', [
      { on: 'trainer', controls: ['differential_privacy'] },
    ]);
    const internal = text.replace(/ {2}- id: forward[\s\S]*?- pred\n/, '');
    assert.equal(
      threatsOf(analyzeValid(internal), 'membership-inference-training-data').length,
      0,
      'nobody outside can query the model',
    );
  });

  it('evasion-adversarial-examples: detection at the endpoint and a hardened model', () => {
    assertFiresAndSilenced(pipeline(), 'evasion-adversarial-examples', 'forward', [
      { on: 'endpoint', controls: ['adversarial_input_detection', 'model_hardening'] },
    ]);
  });

  it('ml-service-cost-harvesting: quotas at the gateway count on the forwarded flow', () => {
    const threat = assertFiresAndSilenced(pipeline(), 'ml-service-cost-harvesting', 'forward', [
      { on: 'gateway', controls: ['rate_limiting'] },
    ]);
    assert.ok(threat.atlas.includes('AML.T0029') && threat.atlas.includes('AML.T0034'));
    const direct = model(
      {
        client: { kind: 'external_client', boundary: 'internet' },
        endpoint: { kind: 'serving_endpoint', boundary: 'platform' },
      },
      [{ from: 'client', to: 'endpoint', data: ['req'] }],
    );
    assert.equal(
      threatsOf(analyzeValid(direct), 'ml-service-cost-harvesting').length,
      0,
      'direct calls are the STRIDE pack’s ai-service-denial-of-service',
    );
    assert.equal(threatsOf(analyzeValid(direct), 'ai-service-denial-of-service').length, 1);
  });

  it('automated-decisions-unreviewed: predictions drive a business system', () => {
    const text = pipeline({
      components: { payouts: { kind: 'x-business-system', boundary: 'platform' } },
      flows: [{ id: 'auto', from: 'endpoint', to: 'payouts', data: ['pred'] }],
    });
    assertFiresAndSilenced(text, 'automated-decisions-unreviewed', 'auto', [
      { on: 'payouts', controls: ['human_review'] },
    ]);
  });
});

describe('ML rules: monitoring and trackers', () => {
  it('model-drift-unmonitored: counts drift monitoring on a monitor the endpoint reports to, implied by tech', () => {
    const text = pipeline({
      components: { monitor: { kind: 'monitoring', boundary: 'platform', tech: 'prometheus' } },
      flows: [{ from: 'endpoint', to: 'monitor', data: ['runs'] }],
    });
    assertFiresAndSilenced(text, 'model-drift-unmonitored', 'endpoint', [
      { on: 'monitor', controls: ['drift_monitoring'] },
    ]);
    const evidently = text.replace('tech: prometheus', 'tech: evidently');
    assert.equal(
      threatsOf(analyzeValid(evidently), 'model-drift-unmonitored', 'endpoint')[0]?.mitigated,
      true,
    );
  });

  it('tracker-training-data-logged: a job on personal data logging to the tracker', () => {
    const text = model(
      {
        store: { kind: 'data_store' },
        trainer: { kind: 'training_job' },
        tracker: { kind: 'experiment_tracker' },
      },
      [
        { from: 'store', to: 'trainer', data: ['ptrain'] },
        { id: 'log', from: 'trainer', to: 'tracker', data: ['runs'] },
      ],
    );
    assertFiresAndSilenced(text, 'tracker-training-data-logged', 'log', [
      { on: 'trainer', controls: ['output_filtering'] },
    ]);
    assert.equal(
      threatsOf(analyzeValid(text.replace('- ptrain', '- train')), 'tracker-training-data-logged')
        .length,
      0,
    );
  });
});

describe('ML pack test coverage', () => {
  it('every ML rule is exercised by a test in this file', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const elsewhere = agenticCaseRules();
    for (const rule of mlRules())
      assert.ok(source.includes(`'${rule.id}'`) || elsewhere.has(rule.id), `${rule.id} has a test`);
  });
});

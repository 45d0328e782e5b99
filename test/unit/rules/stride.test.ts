/**
 * The built-in generic STRIDE pack (`src/core/rules/builtin/stride.rules.yaml`): the pack itself
 * (loads cleanly, every rule complete, every ATLAS id real), then every rule on a minimal model
 * where it fires, the same model with the controls architects would add where they would add
 * them (the threat stays listed, with nothing missing), and a near miss where it must not fire.
 * Last, a well-controlled pipeline on which no generic threat is left open.
 *
 * Only this pack's rules are asserted on, so the ML and LLM packs can grow independently.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { activeRuleSet } from '../../../src/core/analysis';
import { BUILTIN_PACK_SOURCES } from '../../../src/core/rules/builtin';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import type { Rule } from '../../../src/core/rules/types';
import { sharedKbFileOrSkip } from '../../support/sharedKb';
import { agenticCaseRules } from './agenticCases';
import { analyzeValid, assertFiresAndSilenced, threatsOf, withControls } from './harness';

const PACK_FILE = 'builtin:stride.rules.yaml';

function strideSource(): string {
  const source = BUILTIN_PACK_SOURCES.find((s) => s.file === PACK_FILE);
  assert.ok(source, `${PACK_FILE} is bundled`);
  return source.text;
}

function strideRules(): readonly Rule[] {
  const loaded = loadRulePack(strideSource(), PACK_FILE);
  assert.ok(loaded.pack);
  return loaded.pack.rules;
}

// ---------------------------------------------------------------------------------------------
// Model builder: three zones and a small data catalogue shared by every test model.
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const BOUNDARIES = {
  internet: { name: 'Internet', trust: 'untrusted' },
  edge: { name: 'Edge', trust: 'semi_trusted' },
  corp: { name: 'Corporate network', trust: 'semi_trusted' },
  platform: { name: 'ML platform', trust: 'trusted' },
  platform2: { name: 'Second trusted zone', trust: 'trusted' },
};

const DATA = {
  pub: { kind: 'inference_request', classification: 'public' },
  req: { kind: 'inference_request', classification: 'internal' },
  conf: { kind: 'prediction', classification: 'confidential' },
  feats: { kind: 'features', classification: 'confidential' },
  cards: { kind: 'raw_data', classification: 'restricted', pii: true },
  contacts: { kind: 'raw_data', classification: 'internal', pii: true },
  weights: { kind: 'model', classification: 'confidential' },
  audit: { kind: 'logs', classification: 'confidential' },
  metrics: { kind: 'logs', classification: 'internal' },
};

/** A model text with the shared zones and data, the given components and flows. */
function model(components: Record<string, Obj>, flows: Obj[] = []): string {
  return stringify({
    mltm: 1,
    name: 'stride test',
    boundaries: BOUNDARIES,
    data: DATA,
    components,
    flows,
  });
}

const openIds = (text: string): string[] => {
  const ids = new Set(strideRules().map((r) => r.id));
  return analyzeValid(text)
    .threats.filter((t) => ids.has(t.ruleId) && !t.mitigated)
    .map((t) => t.id);
};

// ---------------------------------------------------------------------------------------------
// The pack
// ---------------------------------------------------------------------------------------------

describe('built-in STRIDE pack', () => {
  it('loads without problems and takes part in the active rule set', () => {
    const loaded = loadRulePack(strideSource(), PACK_FILE);
    assert.deepEqual(
      loaded.problems.map((p) => `${p.code} ${p.message}`),
      [],
    );
    const ruleSet = activeRuleSet();
    const mine = ruleSet.problems.filter((f) => f.file === PACK_FILE);
    assert.deepEqual(
      mine.flatMap((f) => f.problems.map((p) => `${p.code} ${p.message}`)),
      [],
    );
    const active = new Set(ruleSet.rules.map((r) => r.id));
    for (const rule of strideRules()) assert.ok(active.has(rule.id), `${rule.id} is active`);
  });

  it('has at least 32 complete generic rules', () => {
    const rules = strideRules();
    assert.ok(rules.length >= 32, `only ${rules.length} rules`);
    const ids = new Set<string>();
    for (const rule of rules) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)+$/, `${rule.id}: kebab-case id`);
      assert.ok(!ids.has(rule.id), `${rule.id}: unique`);
      ids.add(rule.id);
      assert.equal(rule.category, 'stride', `${rule.id}: category stride`);
      assert.ok(rule.description && rule.description.length > 20, `${rule.id}: description`);
      assert.ok(rule.why && /\{element\}/.test(rule.why), `${rule.id}: why names the element`);
      assert.ok(rule.detection && rule.detection.length > 20, `${rule.id}: detection`);
      assert.ok(rule.containment && rule.containment.length > 20, `${rule.id}: containment`);
      const controls = [...(rule.mitigations.all_of ?? []), ...(rule.mitigations.any_of ?? [])];
      assert.ok(
        controls.length > 0,
        `${rule.id}: has mitigations (a threat nobody can close is noise)`,
      );
      assert.ok(rule.stride.length > 0, `${rule.id}: STRIDE letters`);
      if (rule.element === 'flow') {
        // STRIDE-per-element: a flow is T, I or D; S, R and E on flows are interactions.
        assert.ok(rule.stride.every((s) => 'STRIDE'.includes(s)));
      }
    }
  });

  it('uses only placeholders the engine fills for the element type', () => {
    const allowed = {
      component: new Set(['element', 'kind', 'zone', 'tech', 'data', 'classification']),
      flow: new Set([
        'element',
        'from',
        'to',
        'from_zone',
        'to_zone',
        'data',
        'classification',
        'kind',
      ]),
    };
    for (const rule of strideRules()) {
      for (const m of (rule.why ?? '').matchAll(/\{([a-z_]+)\}/g)) {
        assert.ok(
          allowed[rule.element].has(m[1] ?? ''),
          `${rule.id}: {${m[1]}} is not filled for ${rule.element} rules`,
        );
      }
    }
  });

  it('cites only ATLAS ids that exist in the official ATLAS data', function () {
    const file = sharedKbFileOrSkip(this, 'ATLAS.yaml', 'the ATLAS id check of the STRIDE pack');
    const atlas = parse(readFileSync(file, 'utf8')) as {
      matrices: { techniques: { id: string }[] }[];
    };
    const known = new Set(atlas.matrices.flatMap((m) => m.techniques.map((t) => t.id)));
    for (const rule of strideRules())
      for (const id of rule.atlas)
        assert.ok(known.has(id), `${rule.id}: ${id} is an ATLAS technique`);
  });

  it('covers STRIDE per element and per interaction', () => {
    const rules = strideRules();
    const letters = (element: 'component' | 'flow') =>
      new Set(rules.filter((r) => r.element === element).flatMap((r) => r.stride));
    assert.deepEqual([...letters('component')].sort(), ['D', 'E', 'I', 'R', 'S', 'T']);
    assert.deepEqual([...letters('flow')].sort(), ['D', 'E', 'I', 'R', 'S', 'T']);
  });
});

// ---------------------------------------------------------------------------------------------
// One rule at a time
// ---------------------------------------------------------------------------------------------

interface RuleCase {
  readonly rule: string;
  /** What the case shows, for the test title. */
  readonly scenario: string;
  readonly text: string;
  readonly element: string;
  readonly stride: readonly string[];
  readonly atlas?: readonly string[];
  readonly owasp?: readonly string[];
  /** Controls added where architects put them; the threat must then miss nothing. */
  readonly silence: { on: string; controls: readonly string[] }[];
  /** Expected severity before any fix, where the case pins it. */
  readonly severity?: string;
  /** Near misses: models (and the element to look at, or anywhere) where the rule must not fire. */
  readonly negatives: { scenario: string; text: string; element?: string }[];
}

const user = (boundary = 'internet') => ({ kind: 'user', boundary });
const gateway = (controls: string[] = []) => ({ kind: 'api_gateway', boundary: 'edge', controls });
const scorer = (controls: string[] = [], boundary = 'platform') => ({
  kind: 'serving_endpoint',
  boundary,
  controls,
});

const CASES: RuleCase[] = [
  // ---- external entities ----
  {
    rule: 'external-caller-spoofing',
    scenario: 'an internet user calls the gateway; authn at the gateway closes it',
    text: model({ customer: user(), gw: gateway() }, [
      { id: 'call', from: 'customer', to: 'gw', data: ['req'] },
    ]),
    element: 'call',
    stride: ['S'],
    atlas: ['AML.T0012'],
    silence: [{ on: 'gw', controls: ['authn'] }],
    negatives: [
      {
        scenario: 'a pull from a model hub is not a caller',
        text: model(
          {
            hub: { kind: 'third_party_model_hub', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ id: 'pull', from: 'hub', to: 'trainer' }],
        ),
      },
    ],
  },
  {
    rule: 'external-source-spoofing',
    scenario: 'a model pulled from a public hub; a pinned digest on the pull closes it',
    text: model(
      {
        hub: { kind: 'third_party_model_hub', boundary: 'internet' },
        trainer: { kind: 'training_job', boundary: 'platform' },
      },
      [{ id: 'pull', from: 'hub', to: 'trainer', data: ['weights'] }],
    ),
    element: 'pull',
    stride: ['S'],
    atlas: [],
    silence: [{ on: 'pull', controls: ['artifact_checksums'] }],
    negatives: [
      {
        scenario: 'a user call is not a pulled source',
        text: model({ customer: user(), gw: gateway() }, [{ from: 'customer', to: 'gw' }]),
      },
    ],
  },
  {
    rule: 'external-caller-repudiation',
    scenario: 'an internet user calls the gateway; audit logging at the gateway closes it',
    text: model({ customer: user(), gw: gateway() }, [
      { id: 'call', from: 'customer', to: 'gw', data: ['req'] },
    ]),
    element: 'call',
    stride: ['R'],
    silence: [{ on: 'gw', controls: ['audit_logging'] }],
    negatives: [
      {
        scenario: 'a service-to-service call',
        text: model({ gw: gateway(), svc: scorer() }, [{ from: 'gw', to: 'svc' }]),
      },
    ],
  },
  {
    rule: 'external-source-repudiation',
    scenario: 'a partner feed ingested; lineage at the ingestion job closes it',
    text: model(
      {
        feed: { kind: 'external_data_source', boundary: 'internet' },
        ingest: { kind: 'data_ingestion', boundary: 'platform' },
      },
      [{ id: 'feed-in', from: 'feed', to: 'ingest', data: ['contacts'] }],
    ),
    element: 'feed-in',
    stride: ['R'],
    silence: [{ on: 'ingest', controls: ['data_provenance'] }],
    negatives: [
      {
        scenario: 'a user call',
        text: model({ customer: user(), gw: gateway() }, [{ from: 'customer', to: 'gw' }]),
      },
    ],
  },
  // ---- processes ----
  {
    rule: 'internal-caller-spoofing',
    scenario: 'an app calls a model service in the same zone; authn at the service closes it',
    text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
      { id: 'app-call', from: 'app', to: 'svc', data: ['req'] },
    ]),
    element: 'app-call',
    stride: ['S'],
    silence: [{ on: 'svc', controls: ['authn'] }],
    negatives: [
      {
        scenario: 'a deployment from CI/CD is not a call',
        text: model({ ci: { kind: 'ci_cd', boundary: 'platform' }, svc: scorer() }, [
          { from: 'ci', to: 'svc' },
        ]),
      },
      {
        scenario: 'a call across a trust boundary (boundary-inbound-spoofed-source instead)',
        text: model({ gw: gateway(), svc: scorer() }, [{ from: 'gw', to: 'svc' }]),
      },
      {
        scenario: 'a read from a store is not a call',
        text: model({ fs: { kind: 'feature_store', boundary: 'platform' }, svc: scorer() }, [
          { from: 'fs', to: 'svc' },
        ]),
      },
    ],
  },
  {
    rule: 'process-input-tampering',
    scenario: 'a model service called directly from the internet; input validation closes it',
    text: model({ customer: user(), svc: scorer() }, [
      { from: 'customer', to: 'svc', data: ['req'] },
    ]),
    element: 'svc',
    stride: ['T'],
    silence: [{ on: 'svc', controls: ['input_validation'] }],
    negatives: [
      {
        scenario: 'a service behind a gateway is judged at the gateway',
        text: model({ customer: user(), gw: gateway(), svc: scorer() }, [
          { from: 'customer', to: 'gw' },
          { from: 'gw', to: 'svc' },
        ]),
        element: 'svc',
      },
      {
        scenario: 'an internal service nobody outside reaches',
        text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
          { from: 'app', to: 'svc' },
        ]),
      },
      {
        scenario: 'a training job fed from outside (poisoning is the ML pack’s)',
        text: model(
          {
            feed: { kind: 'external_data_source', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ from: 'feed', to: 'trainer' }],
        ),
      },
    ],
  },
  {
    rule: 'process-repudiation',
    scenario: 'an ingestion job writes to a lake; audit logging on the job closes it',
    text: model(
      {
        ingest: { kind: 'data_ingestion', boundary: 'platform' },
        lake: { kind: 'data_store', boundary: 'platform' },
      },
      [{ from: 'ingest', to: 'lake', data: ['req'] }],
    ),
    element: 'ingest',
    stride: ['R'],
    silence: [{ on: 'ingest', controls: ['audit_logging'] }],
    negatives: [
      {
        scenario: 'a process that writes to no store',
        text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
          { from: 'app', to: 'svc' },
        ]),
      },
    ],
  },
  {
    rule: 'process-information-disclosure',
    scenario: 'an internet-facing service returns confidential predictions; authz closes it',
    text: model({ customer: user(), svc: scorer() }, [
      { from: 'customer', to: 'svc', data: ['conf'], bidirectional: true },
    ]),
    element: 'svc',
    stride: ['I'],
    silence: [{ on: 'svc', controls: ['authz'] }],
    negatives: [
      {
        scenario: 'only internal data',
        text: model({ customer: user(), svc: scorer() }, [
          { from: 'customer', to: 'svc', data: ['req'] },
        ]),
      },
      {
        scenario: 'a gateway only forwards',
        text: model({ customer: user(), gw: gateway() }, [
          { from: 'customer', to: 'gw', data: ['conf'] },
        ]),
      },
    ],
  },
  {
    rule: 'ai-service-denial-of-service',
    scenario: 'a model endpoint called straight from the internet; rate limiting closes it',
    text: model({ customer: user(), svc: scorer() }, [
      { id: 'predict', from: 'customer', to: 'svc', data: ['req'] },
    ]),
    element: 'svc',
    stride: ['D'],
    atlas: ['AML.T0029', 'AML.T0034.000'],
    silence: [{ on: 'predict', controls: ['rate_limiting'] }],
    negatives: [
      {
        scenario:
          'an endpoint behind a gateway (the gateway’s inbound flow carries the flood threat)',
        text: model({ customer: user(), gw: gateway(), svc: scorer() }, [
          { from: 'customer', to: 'gw' },
          { from: 'gw', to: 'svc' },
        ]),
        element: 'svc',
      },
      {
        scenario: 'an endpoint only internal services call',
        text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
          { from: 'app', to: 'svc' },
        ]),
      },
    ],
  },
  {
    rule: 'process-exploit-public-facing',
    scenario: 'an internet-facing gateway; a WAF closes it',
    text: model({ customer: user(), gw: gateway() }, [
      { from: 'customer', to: 'gw', data: ['req'] },
    ]),
    element: 'gw',
    stride: ['T', 'E'],
    atlas: ['AML.T0049'],
    silence: [{ on: 'gw', controls: ['waf'] }],
    negatives: [
      {
        scenario: 'a client system in a trusted zone is not the internet',
        text: model({ core: { kind: 'external_client', boundary: 'platform2' }, svc: scorer() }, [
          { from: 'core', to: 'svc' },
        ]),
      },
      {
        scenario: 'a pull from a hub does not expose the puller',
        text: model(
          {
            hub: { kind: 'third_party_model_hub', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ from: 'hub', to: 'trainer' }],
        ),
      },
    ],
  },
  // ---- data stores ----
  {
    rule: 'data-store-unauthorized-write',
    scenario: 'a lake any identity can write; least-privilege authz closes it',
    text: model(
      {
        ingest: { kind: 'data_ingestion', boundary: 'platform' },
        lake: { kind: 'data_store', boundary: 'platform' },
      },
      [{ from: 'ingest', to: 'lake', data: ['req'] }],
    ),
    element: 'lake',
    stride: ['T'],
    silence: [{ on: 'lake', controls: ['authz'] }],
    negatives: [
      {
        scenario: 'processes are not stores',
        text: model(
          {
            ingest: { kind: 'data_ingestion', boundary: 'platform' },
            lake: { kind: 'data_store', boundary: 'platform' },
          },
          [{ from: 'ingest', to: 'lake' }],
        ),
        element: 'ingest',
      },
    ],
  },
  {
    rule: 'data-store-repudiation',
    scenario:
      'a feature store with confidential features; audit logs on a monitoring sink it ships to close it',
    text: model(
      {
        fs: { kind: 'feature_store', boundary: 'platform', data: ['feats'] },
        siem: { kind: 'monitoring', boundary: 'platform' },
      },
      [{ from: 'fs', to: 'siem', data: ['metrics'] }],
    ),
    element: 'fs',
    stride: ['R'],
    silence: [{ on: 'siem', controls: ['audit_logging'] }],
    negatives: [
      {
        scenario: 'a store with internal data only',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['req'] } }),
      },
    ],
  },
  {
    rule: 'data-store-unauthorized-read',
    scenario: 'a registry holding confidential weights; authz closes it',
    text: model({ registry: { kind: 'model_registry', boundary: 'platform', data: ['weights'] } }),
    element: 'registry',
    stride: ['I'],
    atlas: ['AML.T0035', 'AML.T0036', 'AML.T0025'],
    silence: [{ on: 'registry', controls: ['authz'] }],
    negatives: [
      {
        scenario: 'a store of public data',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['pub'] } }),
      },
    ],
  },
  {
    rule: 'data-store-unencrypted-at-rest',
    scenario: 'a lake of cardholder data; encryption at rest closes it',
    text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['cards'] } }),
    element: 'lake',
    stride: ['I'],
    severity: 'high',
    silence: [{ on: 'lake', controls: ['encryption_at_rest'] }],
    negatives: [
      {
        scenario: 'a store of internal data',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['req'] } }),
      },
    ],
  },
  {
    rule: 'personal-data-unencrypted-at-rest',
    scenario: 'personal data labelled internal; encryption at rest closes it',
    text: model({ crm: { kind: 'data_store', boundary: 'platform', data: ['contacts'] } }),
    element: 'crm',
    stride: ['I'],
    silence: [{ on: 'crm', controls: ['encryption_at_rest'] }],
    negatives: [
      {
        scenario: 'restricted personal data is the general rule’s (no double report)',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['cards'] } }),
      },
      {
        scenario: 'no personal data',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['req'] } }),
      },
    ],
  },
  {
    rule: 'data-store-denial-of-service',
    scenario:
      'a public event collector writes into a lake; rate limiting at the collector closes it',
    text: model(
      {
        shopper: user(),
        collector: { kind: 'data_ingestion', boundary: 'platform' },
        lake: { kind: 'data_store', boundary: 'platform' },
      },
      [
        { from: 'shopper', to: 'collector', data: ['req'] },
        { from: 'collector', to: 'lake', data: ['req'] },
      ],
    ),
    element: 'lake',
    stride: ['D'],
    silence: [{ on: 'collector', controls: ['rate_limiting'] }],
    negatives: [
      {
        scenario: 'a store fed by a batch job only',
        text: model(
          {
            feed: { kind: 'external_data_source', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
            registry: { kind: 'model_registry', boundary: 'platform' },
          },
          [
            { from: 'feed', to: 'trainer' },
            { from: 'trainer', to: 'registry' },
          ],
        ),
        element: 'registry',
      },
    ],
  },
  // ---- flows ----
  {
    rule: 'flow-tampering-in-transit',
    scenario: 'a plain flow between two services; TLS on the flow closes it',
    text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
      { id: 'hop', from: 'app', to: 'svc', data: ['req'] },
    ]),
    element: 'hop',
    stride: ['T'],
    severity: 'low',
    silence: [{ on: 'hop', controls: ['encryption_in_transit'] }],
    negatives: [],
  },
  {
    rule: 'flow-sniffing',
    scenario: 'confidential predictions in clear; mTLS on the flow closes it',
    text: model({ svc: scorer(), app: { kind: 'llm_app', boundary: 'platform' } }, [
      { id: 'answer', from: 'svc', to: 'app', data: ['conf'] },
    ]),
    element: 'answer',
    stride: ['I'],
    silence: [{ on: 'answer', controls: ['mtls'] }],
    negatives: [
      {
        scenario: 'internal data only',
        text: model({ svc: scorer(), app: { kind: 'llm_app', boundary: 'platform' } }, [
          { from: 'svc', to: 'app', data: ['req'] },
        ]),
      },
    ],
  },
  {
    rule: 'boundary-flow-flooding',
    scenario: 'internet traffic into the gateway; rate limiting at the gateway closes it',
    text: model({ customer: user(), gw: gateway() }, [
      { id: 'call', from: 'customer', to: 'gw', data: ['req'] },
    ]),
    element: 'call',
    stride: ['D'],
    severity: 'medium',
    silence: [{ on: 'gw', controls: ['rate_limiting'] }],
    negatives: [
      {
        scenario: 'staff on the corporate network',
        text: model({ analyst: user('corp'), tool: { kind: 'labeling', boundary: 'platform' } }, [
          { from: 'analyst', to: 'tool' },
        ]),
      },
      {
        scenario: 'a pull from a hub',
        text: model(
          {
            hub: { kind: 'third_party_model_hub', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ from: 'hub', to: 'trainer' }],
        ),
      },
      {
        scenario: 'an ML service called directly (ai-service-denial-of-service instead)',
        text: model({ customer: user(), svc: scorer() }, [{ from: 'customer', to: 'svc' }]),
      },
    ],
  },
  // ---- interactions across trust boundaries ----
  {
    rule: 'boundary-inbound-spoofed-source',
    scenario: 'the DMZ gateway calls a trusted service; mTLS on the flow closes it',
    text: model({ gw: gateway(), svc: scorer() }, [
      { id: 'fwd', from: 'gw', to: 'svc', data: ['req'] },
    ]),
    element: 'fwd',
    stride: ['S'],
    severity: 'medium',
    silence: [{ on: 'fwd', controls: ['mtls'] }],
    negatives: [
      {
        scenario: 'a read from a store in the DMZ',
        text: model({ cache: { kind: 'data_store', boundary: 'edge' }, svc: scorer() }, [
          { from: 'cache', to: 'svc' },
        ]),
      },
      {
        scenario: 'telemetry into monitoring',
        text: model({ gw: gateway(), siem: { kind: 'monitoring', boundary: 'platform' } }, [
          { from: 'gw', to: 'siem', data: ['audit'] },
        ]),
      },
    ],
  },
  {
    rule: 'boundary-inbound-privilege-escalation',
    scenario: 'the DMZ gateway forwards into a trusted service; authz at the service closes it',
    text: model({ gw: gateway(), svc: scorer() }, [
      { id: 'fwd', from: 'gw', to: 'svc', data: ['req'] },
    ]),
    element: 'fwd',
    stride: ['E'],
    silence: [{ on: 'svc', controls: ['authz'] }],
    negatives: [
      {
        scenario: 'requests into the gateway itself are authorised where they land',
        text: model({ customer: user(), gw: gateway() }, [{ from: 'customer', to: 'gw' }]),
      },
      {
        scenario: 'a deployment from CI/CD',
        text: model({ ci: { kind: 'ci_cd', boundary: 'edge' }, svc: scorer() }, [
          { from: 'ci', to: 'svc' },
        ]),
      },
      {
        scenario: 'a model pulled from a hub',
        text: model(
          {
            hub: { kind: 'third_party_model_hub', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ from: 'hub', to: 'trainer' }],
        ),
      },
    ],
  },
  {
    rule: 'boundary-outbound-sensitive-data',
    scenario:
      'a service sends confidential scores to a partner; output filtering at the service closes it',
    text: model({ svc: scorer(), partner: { kind: 'external_client', boundary: 'internet' } }, [
      { id: 'to-partner', from: 'svc', to: 'partner', data: ['conf'] },
    ]),
    element: 'to-partner',
    stride: ['I'],
    silence: [{ on: 'svc', controls: ['output_filtering'] }],
    negatives: [
      {
        scenario: 'prompts sent to a hosted LLM (the LLM pack’s llm-data-disclosure-to-provider)',
        text: model(
          {
            app: { kind: 'llm_app', boundary: 'platform' },
            provider: { kind: 'external_llm_provider', boundary: 'internet' },
          },
          [{ from: 'app', to: 'provider', data: ['conf'] }],
        ),
      },
      {
        scenario: 'a registry handing artifacts to CI',
        text: model(
          {
            registry: { kind: 'model_registry', boundary: 'platform' },
            ci: { kind: 'ci_cd', boundary: 'edge' },
          },
          [{ from: 'registry', to: 'ci', data: ['weights'] }],
        ),
      },
      {
        scenario: 'internal data',
        text: model({ svc: scorer(), partner: { kind: 'external_client', boundary: 'internet' } }, [
          { from: 'svc', to: 'partner', data: ['req'] },
        ]),
      },
    ],
  },
  {
    rule: 'boundary-outbound-personal-data',
    scenario:
      'personal data labelled internal sent to a partner; output minimisation on the flow closes it',
    text: model({ svc: scorer(), partner: { kind: 'external_client', boundary: 'internet' } }, [
      { id: 'to-partner', from: 'svc', to: 'partner', data: ['contacts'] },
    ]),
    element: 'to-partner',
    stride: ['I'],
    silence: [{ on: 'to-partner', controls: ['output_obfuscation'] }],
    negatives: [
      {
        scenario: 'restricted personal data is the general rule’s',
        text: model({ svc: scorer(), partner: { kind: 'external_client', boundary: 'internet' } }, [
          { from: 'svc', to: 'partner', data: ['cards'] },
        ]),
      },
      {
        scenario: 'a flow inside one zone',
        text: model({ svc: scorer(), app: { kind: 'llm_app', boundary: 'platform' } }, [
          { from: 'svc', to: 'app', data: ['contacts'] },
        ]),
      },
    ],
  },
  {
    rule: 'boundary-call-repudiation',
    scenario: 'calls from the DMZ into the platform; audit logging at the gateway closes it',
    text: model({ gw: gateway(), svc: scorer() }, [
      { id: 'fwd', from: 'gw', to: 'svc', data: ['req'] },
    ]),
    element: 'fwd',
    stride: ['R'],
    silence: [{ on: 'gw', controls: ['audit_logging'] }],
    negatives: [
      {
        scenario: 'a call inside one trust level',
        text: model(
          { app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer([], 'platform2') },
          [{ from: 'app', to: 'svc' }],
        ),
      },
      {
        scenario: 'telemetry into monitoring',
        text: model({ gw: gateway(), siem: { kind: 'monitoring', boundary: 'platform' } }, [
          { from: 'gw', to: 'siem', data: ['audit'] },
        ]),
      },
    ],
  },
  {
    rule: 'lateral-movement-from-semi-trusted',
    scenario:
      'a DMZ component reaches into the trusted zone; network policy at the receiver closes it',
    text: model({ gw: gateway(), svc: scorer() }, [
      { id: 'fwd', from: 'gw', to: 'svc', data: ['req'] },
    ]),
    element: 'fwd',
    stride: ['S', 'E'],
    silence: [{ on: 'svc', controls: ['network_policy'] }],
    negatives: [
      {
        scenario: 'a store in the DMZ does not initiate connections',
        text: model({ cache: { kind: 'data_store', boundary: 'edge' }, svc: scorer() }, [
          { from: 'cache', to: 'svc' },
        ]),
      },
      {
        scenario: 'two trusted zones',
        text: model({ app: { kind: 'llm_app', boundary: 'platform2' }, svc: scorer() }, [
          { from: 'app', to: 'svc' },
        ]),
      },
    ],
  },
  // ---- operational security ----
  {
    rule: 'ci-cd-secrets-exposure',
    scenario: 'a pipeline with deploy credentials; a secrets manager closes it',
    text: model({ ci: { kind: 'ci_cd', boundary: 'platform', data: ['cards'] } }),
    element: 'ci',
    stride: ['I', 'E'],
    atlas: ['AML.T0055'],
    severity: 'high',
    silence: [{ on: 'ci', controls: ['secrets_management'] }],
    negatives: [{ scenario: 'a serving endpoint', text: model({ svc: scorer() }) }],
  },
  {
    rule: 'job-credentials-exposure',
    scenario: 'a training job holding store credentials; a secrets manager closes it',
    text: model({ trainer: { kind: 'training_job', boundary: 'platform' } }),
    element: 'trainer',
    stride: ['I', 'E'],
    atlas: ['AML.T0055'],
    silence: [{ on: 'trainer', controls: ['secrets_management'] }],
    negatives: [{ scenario: 'a serving endpoint', text: model({ svc: scorer() }) }],
  },
  {
    rule: 'stale-access-sensitive-store',
    scenario: 'a store of confidential features; periodic access review closes it',
    text: model({ fs: { kind: 'feature_store', boundary: 'platform', data: ['feats'] } }),
    element: 'fs',
    stride: ['S', 'E'],
    atlas: ['AML.T0012'],
    silence: [{ on: 'fs', controls: ['access_review'] }],
    negatives: [
      {
        scenario: 'a store of internal data',
        text: model({ lake: { kind: 'data_store', boundary: 'platform', data: ['req'] } }),
      },
    ],
  },
  {
    rule: 'internal-component-publicly-exposed',
    scenario: 'an experiment tracker opened to the internet; authn plus network policy close it',
    text: model(
      { someone: user(), tracker: { kind: 'experiment_tracker', boundary: 'platform' } },
      [{ id: 'browse', from: 'someone', to: 'tracker' }],
    ),
    element: 'tracker',
    stride: ['T', 'I', 'E'],
    atlas: ['AML.T0049', 'AML.T0007'],
    severity: 'critical',
    silence: [{ on: 'tracker', controls: ['authn', 'network_policy'] }],
    negatives: [
      {
        scenario: 'a registry only the platform uses',
        text: model(
          {
            trainer: { kind: 'training_job', boundary: 'platform' },
            registry: { kind: 'model_registry', boundary: 'platform' },
          },
          [{ from: 'trainer', to: 'registry' }],
        ),
      },
      {
        scenario: 'a training job that pulls from a hub is not exposed by the pull',
        text: model(
          {
            hub: { kind: 'third_party_model_hub', boundary: 'internet' },
            trainer: { kind: 'training_job', boundary: 'platform' },
          },
          [{ from: 'hub', to: 'trainer' }],
        ),
      },
    ],
  },
  {
    rule: 'admin-surface-unauthenticated',
    scenario: 'a model registry with no authentication; authn closes it',
    text: model({ registry: { kind: 'model_registry', boundary: 'platform', tech: 'mlflow' } }),
    element: 'registry',
    stride: ['S', 'E'],
    silence: [{ on: 'registry', controls: ['authn'] }],
    negatives: [
      {
        scenario: 'a plain data store',
        text: model({ lake: { kind: 'data_store', boundary: 'platform' } }),
      },
    ],
  },
  {
    rule: 'restricted-data-process-unaudited',
    scenario: 'a training job reading cardholder data; audit logging closes it',
    text: model(
      {
        lake: { kind: 'data_store', boundary: 'platform' },
        trainer: { kind: 'training_job', boundary: 'platform' },
        evaluation: { kind: 'evaluation', boundary: 'platform' },
      },
      [
        { from: 'lake', to: 'trainer', data: ['cards'] },
        { from: 'trainer', to: 'evaluation', data: ['weights'] },
      ],
    ),
    element: 'trainer',
    stride: ['R'],
    silence: [{ on: 'trainer', controls: ['audit_logging'] }],
    negatives: [
      {
        scenario: 'a process that writes to a store (process-repudiation instead)',
        text: model(
          {
            ingest: { kind: 'data_ingestion', boundary: 'platform' },
            lake: { kind: 'data_store', boundary: 'platform' },
          },
          [{ from: 'ingest', to: 'lake', data: ['cards'] }],
        ),
        element: 'ingest',
      },
      {
        scenario: 'confidential, not restricted',
        text: model({ app: { kind: 'llm_app', boundary: 'platform' }, svc: scorer() }, [
          { from: 'app', to: 'svc', data: ['conf'] },
        ]),
      },
    ],
  },
  {
    rule: 'ci-cd-pipeline-tampering',
    scenario: 'a pipeline shipping models; a human approval gate closes it',
    text: model({ ci: { kind: 'ci_cd', boundary: 'platform' } }),
    element: 'ci',
    stride: ['T'],
    owasp: ['ML06:2023'],
    silence: [{ on: 'ci', controls: ['human_review'] }],
    negatives: [
      {
        scenario: 'a training job',
        text: model({ trainer: { kind: 'training_job', boundary: 'platform' } }),
      },
    ],
  },
  {
    rule: 'ci-cd-dependency-subversion',
    scenario: 'a pipeline installing unpinned packages; an AI-BOM closes it',
    text: model({ ci: { kind: 'ci_cd', boundary: 'platform' } }),
    element: 'ci',
    stride: ['T'],
    atlas: ['AML.T0010.001'],
    owasp: ['ML06:2023'],
    silence: [{ on: 'ci', controls: ['aibom'] }],
    negatives: [{ scenario: 'a serving endpoint', text: model({ svc: scorer() }) }],
  },
  {
    rule: 'audit-trail-tampering',
    scenario: 'a SIEM receiving audit events; separate authorization closes it',
    text: model({ svc: scorer(), siem: { kind: 'monitoring', boundary: 'platform' } }, [
      { from: 'svc', to: 'siem', data: ['audit'] },
    ]),
    element: 'siem',
    stride: ['T', 'R'],
    silence: [{ on: 'siem', controls: ['authz'] }],
    negatives: [
      {
        scenario: 'a metrics system with internal telemetry',
        text: model({ svc: scorer(), metrics: { kind: 'monitoring', boundary: 'platform' } }, [
          { from: 'svc', to: 'metrics', data: ['metrics'] },
        ]),
      },
    ],
  },
  {
    rule: 'tracker-logged-secrets',
    scenario: 'an experiment tracker; secret scanning and a vault close it',
    text: model({ tracker: { kind: 'experiment_tracker', boundary: 'platform' } }),
    element: 'tracker',
    stride: ['I'],
    atlas: ['AML.T0055'],
    silence: [{ on: 'tracker', controls: ['secrets_management'] }],
    negatives: [
      {
        scenario: 'a model registry',
        text: model({ registry: { kind: 'model_registry', boundary: 'platform' } }),
      },
    ],
  },
];

describe('STRIDE rules, one by one', () => {
  it('every rule of the pack has a case', () => {
    const covered = new Set([...CASES.map((c) => c.rule), ...agenticCaseRules()]);
    assert.deepEqual(
      strideRules()
        .map((r) => r.id)
        .filter((id) => !covered.has(id)),
      [],
    );
  });

  for (const c of CASES) {
    describe(c.rule, () => {
      it(`fires: ${c.scenario}`, () => {
        const threat = assertFiresAndSilenced(c.text, c.rule, c.element, c.silence);
        assert.deepEqual([...threat.stride], [...c.stride]);
        assert.equal(threat.category, 'stride');
        if (c.atlas) assert.deepEqual([...threat.atlas], [...c.atlas]);
        if (c.owasp) assert.deepEqual([...threat.owasp], [...c.owasp]);
        if (c.severity) assert.equal(threat.severity, c.severity);
        assert.doesNotMatch(threat.why, /\{[a-z_]+\}/, 'every placeholder is filled');
      });
      for (const n of c.negatives) {
        it(`does not fire: ${n.scenario}`, () => {
          assert.deepEqual(
            threatsOf(analyzeValid(n.text), c.rule, n.element).map((t) => t.id),
            [],
          );
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Control placement as architects deploy it
// ---------------------------------------------------------------------------------------------

describe('STRIDE rules and where controls are declared', () => {
  it('a service mesh on both ends (istio) closes tampering and spoofing between them', () => {
    const text = model(
      {
        app: { kind: 'llm_app', boundary: 'platform', tech: 'langchain, istio' },
        svc: { kind: 'serving_endpoint', boundary: 'platform', tech: 'kserve, istio' },
      },
      [{ id: 'hop', from: 'app', to: 'svc', data: ['conf'] }],
    );
    const analysis = analyzeValid(text);
    for (const rule of ['flow-tampering-in-transit', 'flow-sniffing', 'internal-caller-spoofing']) {
      const [threat] = threatsOf(analysis, rule, 'hop');
      assert.ok(threat, `${rule} listed`);
      assert.equal(threat.mitigated, true, `${rule} mitigated by the mesh`);
      assert.equal(threat.mitigatedBy[0]?.how, 'implied');
    }
  });

  it('a mesh on one end only does not count for transport', () => {
    const text = model(
      {
        app: { kind: 'llm_app', boundary: 'platform' },
        svc: { kind: 'serving_endpoint', boundary: 'platform', tech: 'istio' },
      },
      [{ id: 'hop', from: 'app', to: 'svc' }],
    );
    assert.equal(
      threatsOf(analyzeValid(text), 'flow-tampering-in-transit', 'hop')[0]?.mitigated,
      false,
    );
  });

  it('a gateway with authn, rate limits and a WAF closes the internet-facing threats of the gateway', () => {
    const text = model(
      { customer: user(), gw: gateway(['authn', 'rate_limiting', 'waf', 'audit_logging']) },
      [{ id: 'call', from: 'customer', to: 'gw', controls: ['encryption_in_transit'] }],
    );
    assert.deepEqual(openIds(text), []);
  });

  it('vault in tech implies secrets management for CI/CD', () => {
    const text = model({
      ci: { kind: 'ci_cd', boundary: 'platform', tech: 'github-actions, vault' },
    });
    assert.equal(threatsOf(analyzeValid(text), 'ci-cd-secrets-exposure', 'ci')[0]?.mitigated, true);
  });

  it('declared authz counts as authenticated for an admin surface', () => {
    const text = withControls(
      model({ registry: { kind: 'model_registry', boundary: 'platform' } }),
      'registry',
      ['authz'],
    );
    assert.equal(
      threatsOf(analyzeValid(text), 'admin-surface-unauthenticated', 'registry')[0]?.mitigated,
      true,
    );
  });

  it('CI/CD secrets exposure keeps its severity whatever the exposure', () => {
    const text = model(
      { dev: user(), ci: { kind: 'ci_cd', boundary: 'platform', exposure: 'public' } },
      [{ from: 'dev', to: 'ci', data: ['cards'] }],
    );
    assert.equal(
      threatsOf(analyzeValid(text), 'ci-cd-secrets-exposure', 'ci')[0]?.severity,
      'high',
    );
  });

  it('an external caller reaches only one spoofing rule per flow', () => {
    const text = model({ customer: user(), gw: gateway(), svc: scorer() }, [
      { id: 'call', from: 'customer', to: 'gw' },
      { id: 'fwd', from: 'gw', to: 'svc' },
    ]);
    const analysis = analyzeValid(text);
    const spoofing = [
      'external-caller-spoofing',
      'external-source-spoofing',
      'boundary-inbound-spoofed-source',
      'internal-caller-spoofing',
    ];
    for (const flow of ['call', 'fwd']) {
      const hits = spoofing.flatMap((rule) => threatsOf(analysis, rule, flow));
      assert.equal(hits.length, 1, `${flow}: ${hits.map((t) => t.ruleId).join(', ')}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// No crying wolf: a pipeline built the way careful teams build it
// ---------------------------------------------------------------------------------------------

describe('STRIDE rules on a well-controlled pipeline', () => {
  const components: Record<string, Obj> = {
    customer: { kind: 'user', boundary: 'internet' },
    partner: { kind: 'external_client', boundary: 'internet' },
    hub: { kind: 'third_party_model_hub', boundary: 'internet' },
    feed: { kind: 'external_data_source', boundary: 'internet' },
    gw: {
      kind: 'api_gateway',
      boundary: 'edge',
      tech: 'kong',
      controls: ['authn', 'rate_limiting', 'waf', 'audit_logging'],
    },
    scorer: {
      kind: 'serving_endpoint',
      boundary: 'platform',
      tech: 'kserve, istio',
      controls: [
        'authz',
        'input_validation',
        'audit_logging',
        'output_obfuscation',
        'output_filtering',
        'network_policy',
      ],
    },
    fs: {
      kind: 'feature_store',
      boundary: 'platform',
      tech: 'feast, istio',
      controls: ['authz', 'encryption_at_rest', 'audit_logging', 'access_review', 'network_policy'],
    },
    ingest: {
      kind: 'data_ingestion',
      boundary: 'platform',
      tech: 'airflow, vault',
      controls: ['data_validation', 'data_provenance', 'audit_logging', 'authz'],
    },
    lake: {
      kind: 'data_store',
      boundary: 'platform',
      tech: 's3',
      controls: ['authz', 'encryption_at_rest', 'audit_logging', 'access_review', 'network_policy'],
    },
    trainer: {
      kind: 'training_job',
      boundary: 'platform',
      tech: 'kubeflow, vault',
      controls: ['audit_logging', 'data_provenance'],
    },
    registry: {
      kind: 'model_registry',
      boundary: 'platform',
      tech: 'mlflow, sigstore',
      controls: ['authn', 'authz', 'audit_logging', 'encryption_at_rest', 'access_review'],
    },
    tracker: {
      kind: 'experiment_tracker',
      boundary: 'platform',
      tech: 'mlflow',
      controls: [
        'authn',
        'authz',
        'audit_logging',
        'encryption_at_rest',
        'access_review',
        'secrets_management',
      ],
    },
    ci: {
      kind: 'ci_cd',
      boundary: 'platform',
      tech: 'github-actions, vault',
      controls: ['authn', 'aibom', 'audit_logging', 'human_review'],
    },
    siem: {
      kind: 'monitoring',
      boundary: 'platform',
      tech: 'splunk',
      controls: ['authz', 'audit_logging'],
    },
  };
  const flows: Obj[] = [
    {
      id: 'score',
      from: 'customer',
      to: 'gw',
      bidirectional: true,
      data: ['cards', 'conf'],
      controls: ['encryption_in_transit'],
    },
    {
      id: 'api',
      from: 'partner',
      to: 'gw',
      bidirectional: true,
      data: ['req', 'conf'],
      controls: ['encryption_in_transit'],
    },
    {
      id: 'fwd',
      from: 'gw',
      to: 'scorer',
      bidirectional: true,
      data: ['cards', 'conf'],
      controls: ['mtls', 'network_policy'],
    },
    { from: 'fs', to: 'scorer', data: ['feats'] },
    {
      id: 'feed-in',
      from: 'feed',
      to: 'ingest',
      data: ['contacts'],
      controls: ['encryption_in_transit'],
    },
    { from: 'ingest', to: 'lake', data: ['contacts'], controls: ['encryption_in_transit'] },
    { from: 'lake', to: 'fs', data: ['feats'], controls: ['encryption_in_transit'] },
    { from: 'lake', to: 'trainer', data: ['feats'], controls: ['encryption_in_transit'] },
    {
      id: 'pull',
      from: 'hub',
      to: 'trainer',
      data: ['weights'],
      controls: ['encryption_in_transit', 'artifact_checksums', 'publisher_verification'],
    },
    { from: 'trainer', to: 'tracker', data: ['metrics'], controls: ['encryption_in_transit'] },
    {
      from: 'trainer',
      to: 'registry',
      data: ['weights'],
      controls: ['encryption_in_transit', 'model_signing'],
    },
    { from: 'registry', to: 'ci', data: ['weights'], controls: ['encryption_in_transit'] },
    {
      id: 'deploy',
      from: 'ci',
      to: 'scorer',
      data: ['weights'],
      controls: ['encryption_in_transit', 'model_signing'],
    },
    {
      from: 'gw',
      to: 'siem',
      data: ['audit'],
      controls: ['encryption_in_transit', 'network_policy'],
    },
    { from: 'scorer', to: 'siem', data: ['audit'], controls: ['encryption_in_transit'] },
  ];
  const WELL_CONTROLLED = model(components, flows);

  it('leaves no generic threat open', () => {
    assert.deepEqual(openIds(WELL_CONTROLLED), []);
  });

  it('still lists the threats (they stay in the register as mitigated)', () => {
    const ids = new Set(strideRules().map((r) => r.id));
    const listed = analyzeValid(WELL_CONTROLLED).threats.filter((t) => ids.has(t.ruleId));
    assert.ok(listed.length > 30, `${listed.length} generic threats listed`);
  });

  it('reopens exactly what a removed control was closing', () => {
    const weakened = structuredClone(components);
    (weakened['gw'] as { controls: string[] }).controls = ['authn', 'audit_logging'];
    assert.deepEqual(openIds(model(weakened, flows)).sort(), [
      'boundary-flow-flooding@api',
      'boundary-flow-flooding@score',
      'process-exploit-public-facing@gw',
      'process-input-tampering@gw',
    ]);
  });
});

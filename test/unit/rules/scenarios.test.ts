/**
 * The example models against their scenarios (`examples/README.md`, "Threats a reader should
 * expect"; the scenario list in ../shared/SCENARIOS.md): each example produces the threats its
 * scenario names, on the elements named, with the ATLAS ids named, open or mitigated as stated.
 * Then a property over every example: declaring every listed mitigating control of a threat on
 * its element (all of `all_of`, plus one `any_of` choice) removes every missing control.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withMerged, type Threat } from '../../../src/core/rules/evaluate';
import { analyzeValid, withControls } from './harness';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');
const exampleFiles = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.mltm.yaml'))
  .sort();
const read = (prefix: string): string => {
  const file = exampleFiles.find((f) => f.startsWith(prefix));
  assert.ok(file, `an example ${prefix}-*.mltm.yaml`);
  return readFileSync(join(EXAMPLES, file), 'utf8');
};

/** `<ruleId>@<element>`, the ATLAS ids it must cite, and whether it must be open. */
type Expectation = readonly [
  threatId: string,
  atlas: readonly string[],
  state: 'open' | 'mitigated',
];

const SCENARIOS: Record<string, { title: string; expect: readonly Expectation[] }> = {
  '01': {
    title: 'fintech posture: the top risk of each model',
    expect: [
      ['model-extraction-inference-api@public-recs-call', ['AML.T0024', 'AML.T0024.002'], 'open'],
      ['third-party-model-supply-chain@hub-pull', ['AML.T0010.003'], 'open'],
      ['unsafe-model-deserialization@recs-trainer', ['AML.T0011.000'], 'open'],
      ['evasion-adversarial-examples@fraud-score-call', ['AML.T0015'], 'open'],
      ['feedback-loop-poisoning@fraud-label-feedback', ['AML.T0020'], 'open'],
      ['feedback-loop-poisoning@fraud-decision-log', ['AML.T0020'], 'open'],
      ['model-registry-tampering@model-registry', ['AML.T0018'], 'open'],
      ['admin-surface-unauthenticated@mlflow-tracking', [], 'open'],
      ['data-store-unauthorized-read@mlflow-tracking', ['AML.T0035'], 'open'],
      [
        'tracker-training-data-logged@recs-trainer->mlflow-tracking',
        ['AML.T0007', 'AML.T0035'],
        'open',
      ],
      // credit is the best-controlled model
      ['model-drift-unmonitored@credit-scorer', ['AML.T0031'], 'mitigated'],
      ['model-drift-unmonitored@fraud-scorer', ['AML.T0031'], 'open'],
    ],
  },
  '02': {
    title: 'model extraction through the public API',
    expect: [
      [
        'model-extraction-inference-api@gateway-to-recs',
        ['AML.T0024', 'AML.T0024.002', 'AML.T0005.001', 'AML.T0040'],
        'open',
      ],
      ['ml-service-cost-harvesting@gateway-to-recs', ['AML.T0029', 'AML.T0034'], 'open'],
      ['model-inversion-inference-api@recs-endpoint', ['AML.T0024.001'], 'open'],
      ['external-caller-spoofing@public-recs-call', ['AML.T0012'], 'open'],
      ['external-caller-repudiation@public-recs-call', [], 'open'],
    ],
  },
  '03': {
    title: 'fraud model evasion and feedback-loop poisoning',
    expect: [
      ['evasion-adversarial-examples@gateway-to-scorer', ['AML.T0015', 'AML.T0043'], 'open'],
      ['feedback-loop-poisoning@label-feedback', ['AML.T0020', 'AML.T0031'], 'open'],
      ['feedback-loop-poisoning@decision-log', ['AML.T0020'], 'open'],
      ['model-drift-unmonitored@fraud-scorer', ['AML.T0031'], 'open'],
      [
        'untrusted-training-data-contribution@dispute-submission',
        ['AML.T0020', 'AML.T0059'],
        'open',
      ],
      // the registry is signed and deploys verify: rollback to a verified version is possible
      ['model-registry-tampering@model-registry', ['AML.T0018'], 'mitigated'],
      ['model-load-unverified@model-deploy', [], 'mitigated'],
    ],
  },
  '04': {
    title: 'backdoored third-party model',
    expect: [
      ['third-party-model-supply-chain@hub-pull', ['AML.T0010.003', 'AML.T0058'], 'open'],
      ['pulled-model-backdoor@model-eval', ['AML.T0018.000', 'AML.T0043.004'], 'open'],
      ['unsafe-model-deserialization@finetune-job', ['AML.T0011.000', 'AML.T0018.002'], 'open'],
      ['unsafe-model-deserialization@damage-scorer', ['AML.T0011.000'], 'open'],
      ['model-registry-tampering@model-registry', ['AML.T0018', 'AML.T0018.002'], 'open'],
      ['model-load-unverified@model-deploy', ['AML.T0010.004'], 'open'],
    ],
  },
  '05': {
    title: 'sentiment API under prompt injection',
    expect: [
      ['llm-direct-prompt-injection@classify-request', ['AML.T0051.000'], 'open'],
      ['llm-jailbreak@classify-request', ['AML.T0054'], 'open'],
      ['ml-service-cost-harvesting@classify-request', ['AML.T0029'], 'open'],
      ['llm-resource-intensive-prompts@classify-request', ['AML.T0034.001'], 'open'],
      ['process-exploit-public-facing@api-gateway', ['AML.T0049'], 'open'],
      ['llm-output-rendering-exfiltration@sentiment-api', ['AML.T0077'], 'open'],
    ],
  },
  '06': {
    title: 'unauthenticated ResNet endpoint',
    expect: [
      ['ml-service-cost-harvesting@alb-to-api', ['AML.T0029', 'AML.T0034'], 'open'],
      [
        'model-extraction-inference-api@alb-to-api',
        ['AML.T0024', 'AML.T0024.002', 'AML.T0040'],
        'open',
      ],
      ['process-exploit-public-facing@alb', ['AML.T0049'], 'open'],
      ['external-caller-spoofing@public-predict', ['AML.T0012'], 'open'],
      ['external-caller-repudiation@public-predict', [], 'open'],
      ['training-data-poisoning@finetune-notebook', ['AML.T0020'], 'open'],
    ],
  },
  '07': {
    title: 'zero-trust fraud platform: mostly mitigated',
    expect: [
      ['membership-inference-training-data@fraud-trainer', ['AML.T0024.000'], 'open'],
      ['evasion-adversarial-examples@gateway-to-model', ['AML.T0015'], 'open'],
      ['model-extraction-inference-api@gateway-to-model', ['AML.T0024.002'], 'mitigated'],
      ['ml-service-cost-harvesting@gateway-to-model', ['AML.T0029'], 'mitigated'],
      ['model-registry-tampering@model-registry', ['AML.T0018'], 'mitigated'],
      ['external-caller-spoofing@checkout-score', ['AML.T0012'], 'mitigated'],
      ['flow-tampering-in-transit@gateway-to-model', [], 'mitigated'],
    ],
  },
  '08': {
    title: 'hardening the model registry',
    expect: [
      ['model-registry-tampering@mlflow-registry', ['AML.T0018', 'AML.T0018.002'], 'open'],
      ['model-registry-tampering@artifact-store', ['AML.T0018'], 'open'],
      ['model-weights-exfiltration@mlflow-registry', ['AML.T0048.004'], 'open'],
      ['model-weights-exfiltration@artifact-store', ['AML.T0048.004'], 'open'],
      ['data-store-unauthorized-write@artifact-store', [], 'open'],
      ['model-load-unverified@model-fetch', ['AML.T0018'], 'open'],
      ['stale-access-sensitive-store@mlflow-registry', ['AML.T0012'], 'open'],
      ['ci-cd-secrets-exposure@ci-runner', ['AML.T0055'], 'open'],
    ],
  },
  '09': {
    title: 'poisoned recommender',
    expect: [
      ['untrusted-training-data-contribution@shopper-events', ['AML.T0020', 'AML.T0059'], 'open'],
      ['training-data-poisoning@recs-trainer', ['AML.T0020'], 'open'],
      ['feedback-loop-poisoning@impression-log', ['AML.T0020', 'AML.T0031'], 'open'],
      ['model-auto-promotion-unreviewed@auto-promote', ['AML.T0031'], 'open'],
      ['automated-decisions-unreviewed@demand-feed', [], 'open'],
      ['model-drift-unmonitored@recs-endpoint', ['AML.T0031'], 'open'],
    ],
  },
  '10': {
    title: 'silent accuracy decay: drift monitoring missing although monitoring exists',
    expect: [
      ['model-drift-unmonitored@sentiment-model', ['AML.T0031'], 'open'],
      ['evasion-adversarial-examples@sentiment-call', ['AML.T0015'], 'open'],
      ['llm-direct-prompt-injection@gateway-to-chatbot', ['AML.T0051.000'], 'mitigated'],
      ['llm-sensitive-data-disclosure@chatbot', ['AML.T0057'], 'mitigated'],
    ],
  },
  '11': {
    title: 'RAG LLM app with an agent and tools',
    expect: [
      ['llm-indirect-prompt-injection-retrieval@rag-retrieval', ['AML.T0051.001'], 'open'],
      ['llm-indirect-prompt-injection-tool-output@agent', ['AML.T0051.001'], 'open'],
      ['rag-untrusted-content-indexed@ticket-ingest', ['AML.T0070'], 'open'],
      ['rag-vector-store-poisoning@vector-db', ['AML.T0070'], 'open'],
      ['rag-retrieval-without-document-acl@vector-db', ['AML.T0085.000', 'AML.T0057'], 'open'],
      ['llm-sensitive-data-disclosure@copilot', ['AML.T0057'], 'open'],
      ['agent-excessive-agency@email-call', ['AML.T0053', 'AML.T0086'], 'open'],
      ['agent-excessive-agency@fetch-call', ['AML.T0053', 'AML.T0086'], 'open'],
      ['agent-excessive-agency@sql-call', ['AML.T0053'], 'open'],
      ['agent-memory-poisoning@memory-store', ['AML.T0080.000'], 'open'],
      // the outward halves of the e-mail and fetch tools are drawn: the lethal trifecta
      ['agent-lethal-trifecta@email-tool', ['AML.T0086'], 'open'],
      ['agent-lethal-trifecta@web-fetch-tool', ['AML.T0086'], 'open'],
    ],
  },
  '12': {
    title: 'agent with MCP tools: a coding assistant connected to mail, a drive, Slack and the web',
    expect: [
      ['agent-lethal-trifecta@slack-server', ['AML.T0086'], 'open'],
      ['agent-lethal-trifecta@fetch-server', ['AML.T0086'], 'open'],
      ['messaging-prompt-injection@read-mail', ['AML.T0051.001'], 'open'],
      ['llm-indirect-prompt-injection-tool-output@assistant', ['AML.T0051.001'], 'open'],
      [
        'package-registry-malicious-package@npx-install',
        ['AML.T0073', 'AML.T0074', 'AML.T0011.001'],
        'open',
      ],
      ['agent-tool-supply-chain@call-slack', ['AML.T0010.005', 'AML.T0110'], 'open'],
      ['agent-config-credential-discovery@mcp-json', ['AML.T0083'], 'open'],
      ['mcp-server-token-aggregation@mail-server', ['AML.T0098'], 'open'],
      ['mcp-server-token-aggregation@github-server', ['AML.T0098'], 'mitigated'],
      ['agent-config-hidden-instructions@rules-files', ['AML.T0081'], 'open'],
      ['coding-assistant-command-execution@assistant', ['AML.T0050'], 'open'],
      ['agent-sends-messages-as-organisation@post-slack', ['AML.T0052'], 'open'],
    ],
  },
};

describe('example models produce the threats of their scenarios', () => {
  it('covers every example', () => {
    assert.deepEqual(
      exampleFiles.map((f) => f.slice(0, 2)),
      Object.keys(SCENARIOS).sort(),
    );
  });

  for (const [prefix, scenario] of Object.entries(SCENARIOS)) {
    it(`${prefix}: ${scenario.title}`, () => {
      const analysis = analyzeValid(read(prefix));
      assert.deepEqual(
        analysis.problems.filter((p) => p.severity !== 'info').map((p) => p.message),
        [],
        'valid, no warnings',
      );
      // A threat merged into another (`covers`) is still produced, under its own id.
      const byId = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
      for (const [id, atlas, state] of scenario.expect) {
        const threat = byId.get(id);
        assert.ok(threat, `${prefix}: expected ${id}`);
        for (const technique of atlas)
          assert.ok(threat.atlas.includes(technique), `${id} cites ${technique}`);
        assert.equal(
          threat.mitigated ? 'mitigated' : 'open',
          state,
          `${id} should be ${state} (missing: ${threat.missingControls.join(', ')})`,
        );
      }
    });
  }

  it('every threat of every example explains itself: a filled-in why, and ML threats say how to detect and contain them', () => {
    for (const file of exampleFiles) {
      for (const threat of analyzeValid(readFileSync(join(EXAMPLES, file), 'utf8')).threats) {
        assert.ok(
          threat.why.length > 0 && !/\{[a-z_]+\}/.test(threat.why),
          `${file} ${threat.id}: why "${threat.why}"`,
        );
        if (threat.category === 'ml')
          assert.ok(
            threat.detection && threat.containment,
            `${file} ${threat.id}: detection and containment`,
          );
      }
    }
  });

  it('07: the zero-trust platform has few open findings, far fewer than any other example', () => {
    // Zero trust is a security posture: the measure is open security (STRIDE and ML) findings.
    // Privacy findings answer another question; 07 declares personal data and no privacy
    // controls, so it has them (asserted below).
    const open = (prefix: string) =>
      analyzeValid(read(prefix)).threats.filter((t) => !t.mitigated && t.category !== 'privacy');
    const zeroTrust = open('07');
    assert.ok(
      zeroTrust.length <= 5,
      `07 has ${zeroTrust.length} open threats: ${zeroTrust.map((t) => t.id).join(', ')}`,
    );
    for (const prefix of Object.keys(SCENARIOS).filter((p) => p !== '07')) {
      assert.ok(
        open(prefix).length > 3 * zeroTrust.length,
        `${prefix} has many more open threats than 07`,
      );
    }
    const privacy = analyzeValid(read('07')).threats.filter((t) => t.category === 'privacy');
    assert.ok(privacy.length > 0, '07 handles personal data: LINDDUN threats are listed');
  });

  it('01 (fintech posture) and 11 (RAG app) hold personal data and show LINDDUN threats', () => {
    for (const [prefix, expected] of [
      ['01', ['training-without-legal-basis', 'trained-model-erasure-gap']],
      ['11', ['personal-data-to-llm-provider', 'personal-data-kept-in-monitoring']],
    ] as const) {
      const privacy = analyzeValid(read(prefix)).threats.filter((t) => t.category === 'privacy');
      for (const rule of expected)
        assert.ok(
          privacy.some((t) => t.ruleId === rule && t.linddun.length > 0),
          `${prefix} shows ${rule}: ${privacy.map((t) => t.id).join(', ')}`,
        );
    }
  });
});

/**
 * The controls that fully mitigate a threat: every `all_of`, plus the first `any_of`, of its own
 * rule and of each rule merged into it (`covers`), which it also needs.
 */
function fullMitigation(threat: Threat): string[] {
  const controls: string[] = [];
  for (const part of [threat, ...(threat.merged ?? [])]) {
    const anyOf = part.mitigations.anyOf;
    const satisfied = anyOf.length === 0 || !anyOf.some((c) => part.missingControls.includes(c));
    for (const c of [
      ...part.mitigations.allOf,
      ...(satisfied || anyOf[0] === undefined ? [] : [anyOf[0]]),
    ])
      if (!controls.includes(c)) controls.push(c);
  }
  return controls;
}

describe('property: declaring the listed controls removes the missing-control findings', () => {
  for (const file of exampleFiles) {
    it(file, () => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      const before = analyzeValid(text).threats;
      const open = before.filter((t) => t.missingControls.length > 0);
      assert.ok(open.length > 0 || file.startsWith('07'), 'the example has open threats to fix');
      // Controls per element (external entities hold none: their threats are flow rules).
      const additions = new Map<string, Set<string>>();
      for (const threat of open) {
        const set = additions.get(threat.element) ?? new Set<string>();
        for (const control of fullMitigation(threat)) set.add(control);
        additions.set(threat.element, set);
      }
      let fixed = text;
      for (const [element, controls] of additions)
        fixed = withControls(fixed, element, [...controls]);
      const after = analyzeValid(fixed).threats;
      const afterById = new Map(after.map((t) => [t.id, t]));
      for (const threat of open) {
        const now = afterById.get(threat.id);
        assert.ok(
          now,
          `${threat.id} is still listed (adding controls does not change what an element is)`,
        );
        assert.deepEqual(
          now.missingControls,
          [],
          `${threat.id}: declaring ${fullMitigation(threat).join(' + ')} on ${threat.element} leaves nothing missing`,
        );
      }
      assert.deepEqual(
        after.filter((t) => t.missingControls.length > 0).map((t) => t.id),
        [],
        'no missing controls anywhere',
      );
    });
  }
});

/**
 * The rules added for agents, MCP, coding assistants, computer use, public products, devices
 * and registries (issue 15), across the three built-in packs: each fires on a minimal model of
 * the shape it foresees, with its ATLAS ids, and is silenced by the controls an architect adds
 * where they would add them; a near-miss of each must not fire. The widened shapes of older
 * rules (MCP servers as tools, coding assistants as agents) are tested here too.
 */
import assert from 'node:assert/strict';
import { caseModel, ruleCaseTests, type RuleCase } from './caseTable';
import { analyzeValid, threatsOf } from './harness';

/** A model text from YAML sections. */
const model = (parts: Parameters<typeof caseModel>[1]) => caseModel('agentic rule test', parts);

const CONFIDENTIAL_DOCS = `  docs: { kind: documents, classification: confidential }`;

/** An assistant reading mail and a drive, with a fetch tool and a chat-posting tool. */
const TRIFECTA_PARTS = {
  data: CONFIDENTIAL_DOCS,
  components: `  employee: { kind: user, boundary: internet }
  inbox: { kind: messaging_system, boundary: app }
  drive: { kind: data_store, boundary: app, data: [docs] }
  assistant: { kind: agent, boundary: app }
  read-drive: { kind: mcp_server, boundary: app }
  fetch: { kind: tool, boundary: app }
  web: { kind: external_data_source, boundary: internet }
  post: { kind: tool, boundary: app }
  chat: { kind: messaging_system, boundary: app }`,
  flows: `  - { from: employee, to: assistant }
  - { from: inbox, to: assistant }
  - { from: assistant, to: read-drive }
  - { from: drive, to: read-drive, data: [docs] }
  - { from: assistant, to: fetch }
  - { from: fetch, to: web }
  - { from: assistant, to: post }
  - { from: post, to: chat }`,
};
const TRIFECTA = model(TRIFECTA_PARTS);

const CUSTOMER_SHOP = `  customer: { kind: user, boundary: internet }
  shop: { kind: web_app, boundary: app }`;

const CASES: readonly RuleCase[] = [
  {
    rule: 'agent-lethal-trifecta',
    scenario: 'an assistant reads mail and a confidential drive and can post to chat',
    text: TRIFECTA,
    element: 'post',
    atlas: ['AML.T0086', 'AML.T0051.001', 'AML.T0025'],
    owasp: ['LLM01:2025', 'LLM06:2025', 'ASI01:2026', 'ASI02:2026'],
    silence: [{ on: 'post', controls: ['human_review'] }],
    negatives: [
      {
        why: 'no untrusted content reaches the assistant (no mailbox)',
        text: TRIFECTA.replace('  - { from: inbox, to: assistant }\n', ''),
        element: 'post',
      },
      {
        why: 'the drive holds only internal data',
        text: TRIFECTA.replace('classification: confidential', 'classification: internal'),
      },
      {
        why: 'a tool that sends nowhere outside (writes to an internal store)',
        text: TRIFECTA.replace(
          '  chat: { kind: messaging_system, boundary: app }',
          '  chat: { kind: data_store, boundary: app }',
        ),
        element: 'post',
      },
    ],
  },
  {
    rule: 'llm-prompt-infiltration-public-app',
    scenario: 'reviews posted on a public shop are summarised by a support bot',
    text: model({
      components: `${CUSTOMER_SHOP}
  reviews: { kind: data_store, boundary: app }
  support: { kind: llm_app, boundary: app }`,
      flows: `  - { from: customer, to: shop }
  - { from: shop, to: reviews }
  - { from: reviews, to: support }`,
    }),
    element: 'reviews->support',
    atlas: ['AML.T0093', 'AML.T0051.002', 'AML.T0094'],
    silence: [{ on: 'support', controls: ['untrusted_content_marking'] }],
    negatives: [
      {
        why: 'the store is written only by an internal job',
        text: model({
          components: `  job: { kind: data_ingestion, boundary: app }
  reviews: { kind: data_store, boundary: app }
  support: { kind: llm_app, boundary: app }`,
          flows: `  - { from: job, to: reviews }
  - { from: reviews, to: support }`,
        }),
      },
    ],
  },
  {
    rule: 'messaging-prompt-injection',
    scenario: 'an assistant reads a mailbox',
    text: model({
      components: `  inbox: { kind: messaging_system, boundary: app }
  assistant: { kind: agent, boundary: app }`,
      flows: `  - { from: inbox, to: assistant }`,
    }),
    element: 'inbox->assistant',
    atlas: ['AML.T0051.001', 'AML.T0093', 'AML.T0080.001'],
    silence: [{ on: 'assistant', controls: ['untrusted_content_marking'] }],
    negatives: [
      {
        why: 'an assistant that only sends mail does not read it',
        text: model({
          components: `  outbox: { kind: messaging_system, boundary: app }
  assistant: { kind: agent, boundary: app }`,
          flows: `  - { from: assistant, to: outbox }`,
        }),
      },
    ],
  },
  {
    rule: 'computer-use-untrusted-screen',
    scenario: 'a computer-use agent reads the browser it drives',
    text: model({
      components: `  desktop: { kind: desktop_environment, boundary: app }
  operator: { kind: computer_use_agent, boundary: app }`,
      flows: `  - { from: desktop, to: operator }
  - { from: operator, to: desktop }`,
    }),
    element: 'desktop->operator',
    atlas: ['AML.T0100', 'AML.T0078', 'AML.T0051.001'],
    silence: [{ on: 'operator', controls: ['human_review'] }],
    negatives: [
      {
        why: 'the agent only sends to the desktop; nothing is read back in the model',
        text: model({
          components: `  desktop: { kind: desktop_environment, boundary: app }
  operator: { kind: computer_use_agent, boundary: app }`,
          flows: `  - { from: operator, to: desktop }`,
        }),
        element: 'operator->desktop',
      },
    ],
  },
  {
    rule: 'computer-use-agent-actions',
    scenario: 'a computer-use agent on the user’s desktop',
    text: model({
      components: `  desktop: { kind: desktop_environment, boundary: app }
  operator: { kind: computer_use_agent, boundary: app }`,
      flows: `  - { from: operator, to: desktop }`,
    }),
    element: 'operator',
    atlas: ['AML.T0048', 'AML.T0112', 'AML.T0112.000'],
    silence: [{ on: 'operator', controls: ['sandboxing', 'human_review'] }],
    negatives: [
      {
        why: 'an ordinary agent is not a computer-use agent',
        text: model({
          components: `  agent: { kind: agent, boundary: app }
  tool: { kind: tool, boundary: app }`,
          flows: `  - { from: agent, to: tool }`,
        }),
      },
    ],
  },
  {
    rule: 'agent-sends-messages-as-organisation',
    scenario: 'an agent sends e-mail',
    text: model({
      components: `  agent: { kind: agent, boundary: app }
  outbox: { kind: messaging_system, boundary: app }`,
      flows: `  - { from: agent, to: outbox }`,
    }),
    element: 'agent->outbox',
    atlas: ['AML.T0052', 'AML.T0052.000', 'AML.T0061'],
    owasp: ['LLM06:2025', 'ASI02:2026', 'ASI09:2026'],
    silence: [{ on: 'agent', controls: ['human_review'] }],
    negatives: [
      {
        why: 'a plain service sending mail is not an agent',
        text: model({
          components: `  billing: { kind: web_app, boundary: app }
  outbox: { kind: messaging_system, boundary: app }`,
          flows: `  - { from: billing, to: outbox }`,
        }),
      },
    ],
  },
  {
    rule: 'agent-financial-action-unreviewed',
    scenario: 'an agent calls a Stripe payments tool',
    text: model({
      components: `  agent: { kind: agent, boundary: app }
  pay: { kind: tool, boundary: app, tech: Stripe payments }`,
      flows: `  - { from: agent, to: pay }`,
    }),
    element: 'pay',
    atlas: ['AML.T0048.000', 'AML.T0053'],
    silence: [{ on: 'pay', controls: ['human_review'] }],
    negatives: [
      {
        why: 'a search tool moves no money',
        text: model({
          components: `  agent: { kind: agent, boundary: app }
  search: { kind: tool, boundary: app, tech: elasticsearch }`,
          flows: `  - { from: agent, to: search }`,
        }),
      },
    ],
  },
  {
    rule: 'agent-configuration-discovery',
    scenario: 'an internet user talks to an agent with tools',
    text: model({
      components: `  customer: { kind: user, boundary: internet }
  agent: { kind: agent, boundary: app }
  tool: { kind: tool, boundary: app }`,
      flows: `  - { from: customer, to: agent }
  - { from: agent, to: tool }`,
    }),
    element: 'agent',
    atlas: ['AML.T0084', 'AML.T0084.000', 'AML.T0084.001', 'AML.T0084.003'],
    silence: [{ on: 'agent', controls: ['llm_guardrails'] }],
    negatives: [
      {
        why: 'an internal agent started by a scheduler has no outside callers',
        text: model({
          components: `  cron: { kind: ci_cd, boundary: app }
  agent: { kind: agent, boundary: app }
  tool: { kind: tool, boundary: app }`,
          flows: `  - { from: cron, to: agent }
  - { from: agent, to: tool }`,
        }),
      },
    ],
  },
  {
    rule: 'agent-config-hidden-instructions',
    scenario: 'a rules file read by a coding assistant',
    text: model({
      components: `  rules: { kind: agent_config, boundary: app }
  assistant: { kind: coding_assistant, boundary: app }`,
      flows: `  - { from: rules, to: assistant }`,
    }),
    element: 'rules',
    atlas: ['AML.T0080', 'AML.T0081', 'AML.T0051.000', 'AML.T0051.002'],
    owasp: ['LLM01:2025', 'ASI01:2026', 'ASI04:2026'],
    silence: [{ on: 'rules', controls: ['config_scanning'] }],
    negatives: [
      {
        why: 'a prompt template store is not an agent configuration file',
        text: model({
          components: `  tpl: { kind: prompt_template, boundary: app }
  chat: { kind: llm_app, boundary: app }`,
          flows: `  - { from: tpl, to: chat }`,
        }),
      },
    ],
  },
  {
    rule: 'agent-config-credential-discovery',
    scenario: 'an mcp.json configuring an assistant’s servers',
    text: model({
      components: `  mcp-json: { kind: agent_config, boundary: app }
  assistant: { kind: coding_assistant, boundary: app }`,
      flows: `  - { from: mcp-json, to: assistant }`,
    }),
    element: 'mcp-json',
    atlas: ['AML.T0083', 'AML.T0084.001', 'AML.T0084.002'],
    silence: [{ on: 'mcp-json', controls: ['secrets_management'] }],
    negatives: [
      {
        why: 'an ordinary data store is not agent configuration',
        text: model({
          components: `  store: { kind: data_store, boundary: app }
  assistant: { kind: coding_assistant, boundary: app }`,
          flows: `  - { from: store, to: assistant }`,
        }),
        element: 'store',
      },
    ],
  },
  {
    rule: 'mcp-server-token-aggregation',
    scenario: 'a GitHub MCP server calling the repository API for an agent',
    text: model({
      components: `  agent: { kind: agent, boundary: app }
  github: { kind: mcp_server, boundary: app }
  repos: { kind: data_store, boundary: app }`,
      flows: `  - { from: agent, to: github }
  - { from: github, to: repos }`,
    }),
    element: 'github',
    atlas: ['AML.T0098', 'AML.T0055', 'AML.T0091.000', 'AML.T0025'],
    silence: [{ on: 'github', controls: ['scoped_credentials'] }],
    negatives: [
      {
        why: 'an in-process tool is the agent’s own credential question, not an MCP server’s',
        text: model({
          components: `  agent: { kind: agent, boundary: app }
  lookup: { kind: tool, boundary: app }
  repos: { kind: data_store, boundary: app }`,
          flows: `  - { from: agent, to: lookup }
  - { from: lookup, to: repos }`,
        }),
      },
    ],
  },
  {
    rule: 'coding-assistant-command-execution',
    scenario: 'a coding assistant in the IDE',
    text: model({
      components: `  dev: { kind: user, boundary: app }
  assistant: { kind: coding_assistant, boundary: app }`,
      flows: `  - { from: dev, to: assistant }`,
    }),
    element: 'assistant',
    atlas: ['AML.T0050', 'AML.T0102', 'AML.T0112.000', 'AML.T0037', 'AML.T0048'],
    owasp: ['LLM06:2025', 'ASI05:2026'],
    silence: [{ on: 'assistant', controls: ['sandboxing'] }],
    negatives: [
      {
        why: 'a chat app runs no commands',
        text: model({
          components: `  dev: { kind: user, boundary: app }
  chat: { kind: llm_app, boundary: app }`,
          flows: `  - { from: dev, to: chat }`,
        }),
      },
    ],
  },
  {
    rule: 'coding-assistant-hallucinated-packages',
    scenario: 'a coding assistant installs from npm',
    text: model({
      components: `  npm: { kind: package_registry, boundary: internet }
  assistant: { kind: coding_assistant, boundary: app }`,
      flows: `  - { from: npm, to: assistant }`,
    }),
    element: 'assistant',
    atlas: ['AML.T0062', 'AML.T0011.001'],
    silence: [{ on: 'assistant', controls: ['dependency_pinning'] }],
    negatives: [
      {
        why: 'CI installing from a registry is not an assistant proposing names',
        text: model({
          components: `  npm: { kind: package_registry, boundary: internet }
  ci: { kind: ci_cd, boundary: app }`,
          flows: `  - { from: npm, to: ci }`,
        }),
      },
    ],
  },
  {
    rule: 'ai-product-model-probing',
    scenario: 'a public shop calls a recommendation model',
    text: model({
      components: `${CUSTOMER_SHOP}
  recommender: { kind: serving_endpoint, boundary: app }`,
      flows: `  - { from: customer, to: shop }
  - { from: shop, to: recommender }`,
    }),
    element: 'shop->recommender',
    atlas: ['AML.T0047', 'AML.T0063', 'AML.T0042', 'AML.T0014'],
    silence: [{ on: 'recommender', controls: ['rate_limiting', 'adversarial_input_detection'] }],
    negatives: [
      {
        why: 'an internal back-office app',
        text: model({
          components: `  staff: { kind: web_app, boundary: app }
  recommender: { kind: serving_endpoint, boundary: app }`,
          flows: `  - { from: staff, to: recommender }`,
        }),
      },
    ],
  },
  {
    rule: 'on-device-model-full-access',
    scenario: 'a mobile app with an on-device model',
    text: model({
      data: `  weights: { kind: model, classification: confidential }`,
      components: `  app: { kind: mobile_app, boundary: devices, data: [weights] }
  api: { kind: web_app, boundary: app }`,
      flows: `  - { from: app, to: api }`,
    }),
    element: 'app',
    atlas: [
      'AML.T0044',
      'AML.T0043.000',
      'AML.T0042',
      'AML.T0047',
      'AML.T0015',
      'AML.T0063',
      'AML.T0018.001',
      'AML.T0043.004',
    ],
    silence: [{ on: 'app', controls: ['model_hardening'] }],
    negatives: [
      {
        why: 'the model stays on the server',
        text: model({
          data: `  weights: { kind: model, classification: confidential }`,
          components: `  app: { kind: mobile_app, boundary: devices }
  api: { kind: serving_endpoint, boundary: app, data: [weights] }`,
          flows: `  - { from: app, to: api }`,
        }),
      },
    ],
  },
  {
    rule: 'transfer-attack-from-public-base-model',
    scenario: 'a public endpoint serving a model fine-tuned from a hub model',
    text: model({
      components: `  hub: { kind: third_party_model_hub, boundary: internet }
  tune: { kind: training_job, boundary: app }
  endpoint: { kind: serving_endpoint, boundary: app }
  customer: { kind: user, boundary: internet }`,
      flows: `  - { from: hub, to: tune }
  - { from: tune, to: endpoint }
  - { from: customer, to: endpoint }`,
    }),
    element: 'endpoint',
    atlas: ['AML.T0043.002', 'AML.T0005.002'],
    silence: [{ on: 'endpoint', controls: ['model_hardening'] }],
    negatives: [
      {
        why: 'a model trained in house from scratch',
        text: model({
          components: `  store: { kind: data_store, boundary: app }
  train: { kind: training_job, boundary: app }
  endpoint: { kind: serving_endpoint, boundary: app }
  customer: { kind: user, boundary: internet }`,
          flows: `  - { from: store, to: train }
  - { from: train, to: endpoint }
  - { from: customer, to: endpoint }`,
        }),
      },
    ],
  },
  {
    rule: 'biometric-capture-spoofing',
    scenario: 'a KYC selfie from a mobile app to a face-match model',
    text: model({
      data: `  selfie: { kind: raw_data, classification: confidential, pii: true }`,
      components: `  app: { kind: mobile_app, boundary: devices }
  face-match: { kind: serving_endpoint, boundary: app }`,
      flows: `  - { id: capture, from: app, to: face-match, data: [selfie] }`,
    }),
    element: 'capture',
    atlas: ['AML.T0088', 'AML.T0015', 'AML.T0041', 'AML.T0073'],
    silence: [{ on: 'face-match', controls: ['liveness_detection', 'device_attestation'] }],
    negatives: [
      {
        why: 'the app sends no personal capture',
        text: model({
          data: `  clicks: { kind: raw_data, classification: internal }`,
          components: `  app: { kind: mobile_app, boundary: devices }
  face-match: { kind: serving_endpoint, boundary: app }`,
          flows: `  - { id: capture, from: app, to: face-match, data: [clicks] }`,
        }),
      },
    ],
  },
  {
    rule: 'control-plane-remote-code-execution',
    scenario: 'a Ray dashboard and jobs API',
    text: model({
      components: `  ray: { kind: control_plane, boundary: app, tech: ray }
  workers: { kind: training_job, boundary: app }`,
      flows: `  - { from: ray, to: workers }`,
    }),
    element: 'ray',
    atlas: ['AML.T0050', 'AML.T0072', 'AML.T0075', 'AML.T0089', 'AML.T0090'],
    silence: [{ on: 'ray', controls: ['authn', 'network_policy'] }],
    negatives: [
      {
        why: 'monitoring dashboards run no jobs',
        text: model({
          components: `  grafana: { kind: monitoring, boundary: app }
  workers: { kind: training_job, boundary: app }`,
          flows: `  - { from: workers, to: grafana }`,
        }),
      },
    ],
  },
  {
    rule: 'package-registry-malicious-package',
    scenario: 'CI installs from PyPI',
    text: model({
      components: `  pypi: { kind: package_registry, boundary: internet }
  ci: { kind: ci_cd, boundary: app }`,
      flows: `  - { id: install, from: pypi, to: ci }`,
    }),
    element: 'install',
    atlas: ['AML.T0010.001', 'AML.T0011.001', 'AML.T0073', 'AML.T0074', 'AML.T0111'],
    silence: [{ on: 'install', controls: ['dependency_pinning', 'publisher_verification'] }],
    negatives: [
      {
        why: 'an internal artifact store is not a public registry',
        text: model({
          components: `  artifacts: { kind: artifact_store, boundary: app }
  ci: { kind: ci_cd, boundary: app }`,
          flows: `  - { id: install, from: artifacts, to: ci }`,
        }),
      },
    ],
  },
  {
    rule: 'model-hub-namesquatting',
    scenario: 'a training job pulls a base model from a hub organisation',
    text: model({
      components: `  hub: { kind: third_party_model_hub, boundary: internet }
  tune: { kind: training_job, boundary: app }`,
      flows: `  - { id: pull, from: hub, to: tune }`,
    }),
    element: 'pull',
    atlas: ['AML.T0073', 'AML.T0074', 'AML.T0111'],
    silence: [{ on: 'pull', controls: ['publisher_verification'] }],
    negatives: [
      {
        why: 'packages from a registry are the package rule’s',
        text: model({
          components: `  pypi: { kind: package_registry, boundary: internet }
  tune: { kind: training_job, boundary: app }`,
          flows: `  - { id: pull, from: pypi, to: tune }`,
        }),
      },
    ],
  },
  // Widened shapes of older rules: MCP servers count as tools, coding assistants as agents.
  {
    rule: 'agent-tool-supply-chain',
    scenario: 'a coding assistant connects to an MCP server',
    text: model({
      components: `  assistant: { kind: coding_assistant, boundary: app }
  server: { kind: mcp_server, boundary: app }`,
      flows: `  - { from: assistant, to: server }`,
    }),
    element: 'assistant->server',
    atlas: ['AML.T0010.005', 'AML.T0011.002', 'AML.T0109', 'AML.T0110'],
    silence: [{ on: 'assistant', controls: ['tool_allowlist'] }],
    negatives: [],
  },
  {
    rule: 'agent-tool-credential-exposure',
    scenario: 'an MCP client holding tokens for its servers; scoped credentials close it',
    text: model({
      components: `  desktop-assistant: { kind: mcp_client, boundary: app }
  server: { kind: mcp_server, boundary: app }`,
      flows: `  - { from: desktop-assistant, to: server }`,
    }),
    element: 'desktop-assistant',
    atlas: ['AML.T0083', 'AML.T0098'],
    silence: [{ on: 'desktop-assistant', controls: ['scoped_credentials'] }],
    negatives: [],
  },
  {
    rule: 'llm-direct-prompt-injection',
    scenario: 'users type into a public web app that builds the prompt',
    text: model({
      components: `${CUSTOMER_SHOP}
  chat: { kind: llm_app, boundary: app }`,
      flows: `  - { from: customer, to: shop }
  - { from: shop, to: chat }`,
    }),
    element: 'shop->chat',
    atlas: ['AML.T0051.000', 'AML.T0068'],
    silence: [{ on: 'chat', controls: ['llm_guardrails', 'input_validation'] }],
    negatives: [
      {
        why: 'a back-office app only staff reach',
        text: model({
          components: `  staff: { kind: web_app, boundary: app }
  chat: { kind: llm_app, boundary: app }`,
          flows: `  - { from: staff, to: chat }`,
        }),
      },
    ],
  },
  {
    rule: 'evasion-adversarial-examples',
    scenario: 'a network sensor passes outsiders’ traffic to a detector',
    text: model({
      components: `  traffic: { kind: external_data_source, boundary: internet }
  sensor: { kind: data_ingestion, boundary: app }
  detector: { kind: serving_endpoint, boundary: app }`,
      flows: `  - { from: traffic, to: sensor }
  - { from: sensor, to: detector }`,
    }),
    element: 'sensor->detector',
    atlas: [
      'AML.T0015',
      'AML.T0043',
      'AML.T0043.001',
      'AML.T0043.003',
      'AML.T0042',
      'AML.T0005',
      'AML.T0043.000',
      'AML.T0043.002',
    ],
    silence: [{ on: 'detector', controls: ['adversarial_input_detection', 'model_hardening'] }],
    negatives: [
      {
        why: 'the sensor only sees internal data',
        text: model({
          components: `  db: { kind: data_store, boundary: app }
  sensor: { kind: data_ingestion, boundary: app }
  detector: { kind: serving_endpoint, boundary: app }`,
          flows: `  - { from: db, to: sensor }
  - { from: sensor, to: detector }`,
        }),
      },
    ],
  },
  {
    rule: 'on-device-model-full-access',
    scenario: 'an endpoint agent on customers’ machines scores files with a local model',
    text: model({
      data: `  weights: { kind: model, classification: confidential }`,
      components: `  endpoint-agent: { kind: serving_endpoint, boundary: devices, data: [weights] }
  updates: { kind: artifact_store, boundary: app }`,
      flows: `  - { from: updates, to: endpoint-agent, data: [weights] }`,
    }),
    element: 'endpoint-agent',
    atlas: [
      'AML.T0044',
      'AML.T0043.000',
      'AML.T0042',
      'AML.T0047',
      'AML.T0015',
      'AML.T0063',
      'AML.T0018.001',
      'AML.T0043.004',
    ],
    silence: [{ on: 'endpoint-agent', controls: ['model_hardening'] }],
    negatives: [],
  },
  {
    rule: 'agent-excessive-agency',
    scenario: 'a computer-use agent acts on the desktop it drives',
    text: model({
      components: `  operator: { kind: computer_use_agent, boundary: app }
  desktop: { kind: desktop_environment, boundary: app }`,
      flows: `  - { from: operator, to: desktop }`,
    }),
    element: 'operator->desktop',
    atlas: ['AML.T0053', 'AML.T0085.001', 'AML.T0086', 'AML.T0101'],
    silence: [{ on: 'operator', controls: ['tool_permissions', 'human_review'] }],
    negatives: [],
  },
];

describe('rules for agents, MCP, coding assistants, products and registries', () => {
  ruleCaseTests(CASES);

  it('the lethal trifecta fires on each outward tool, not on tools that only read', () => {
    const elements = threatsOf(analyzeValid(TRIFECTA), 'agent-lethal-trifecta')
      .map((t) => t.element)
      .sort();
    assert.deepEqual(elements, ['fetch', 'post']);
  });
});

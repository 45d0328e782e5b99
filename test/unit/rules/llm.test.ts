/**
 * The built-in LLM / RAG / agent rules (`src/core/rules/builtin/llm.rules.yaml`): each rule fires
 * on a minimal model, carries the ATLAS ids and STRIDE letters it promises, and is left with no
 * missing controls once the controls are declared where architects put them; near-misses do
 * not fire. A fully controlled RAG + agent model reports nothing missing from this pack.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { analyze } from '../../../src/core/analysis';
import { BUILTIN_PACK_SOURCES } from '../../../src/core/rules/builtin';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import { sharedKbFileOrSkip } from '../../support/sharedKb';
import { agenticCaseRules } from './agenticCases';
import { analyzeUnmerged, analyzeValid, assertFiresAndSilenced, threatsOf } from './harness';

const PACK_FILE = 'builtin:llm.rules.yaml';
const packSource = BUILTIN_PACK_SOURCES.find((s) => s.file === PACK_FILE);

/** A model text from its sections (boundaries and data are optional). */
function model(parts: {
  boundaries?: string;
  data?: string;
  components: string;
  flows?: string;
}): string {
  return [
    'mltm: 1',
    'name: llm rule test',
    ...(parts.boundaries ? ['boundaries:', parts.boundaries] : []),
    ...(parts.data ? ['data:', parts.data] : []),
    'components:',
    parts.components,
    ...(parts.flows ? ['flows:', parts.flows] : []),
    '',
  ].join('\n');
}

const ZONES = `  internet: { name: Internet, trust: untrusted }
  app: { name: App VPC, trust: trusted }`;

/** A customer-facing chat app behind a gateway, with confidential documents retrieved by RAG. */
const CHAT = model({
  boundaries: ZONES,
  data: `  docs: { kind: documents, classification: confidential }
  question: { kind: prompt, classification: internal }`,
  components: `  customer: { kind: user, boundary: internet }
  gw: { kind: api_gateway, boundary: app, tech: kong }
  chat: { kind: llm_app, boundary: app }
  vdb: { kind: vector_db, boundary: app, tech: pgvector }
  idx: { kind: rag_indexer, boundary: app }
  wiki: { kind: data_store, boundary: app }
  tpl: { kind: prompt_template, boundary: app }`,
  flows: `  - { from: customer, to: gw, data: [question] }
  - { from: gw, to: chat, data: [question] }
  - { from: wiki, to: idx, data: [docs] }
  - { from: idx, to: vdb, data: [docs] }
  - { id: retrieve, from: vdb, to: chat, data: [docs] }
  - { from: tpl, to: chat }`,
});

/** An internal nightly summarisation job: no user input, reads a store, writes a store. */
const BATCH = model({
  boundaries: ZONES,
  data: `  tickets: { kind: documents, classification: confidential }`,
  components: `  tickets-db: { kind: data_store, boundary: app }
  summariser: { kind: llm_app, boundary: app }
  tpl: { kind: prompt_template, boundary: app }
  reports: { kind: data_store, boundary: app }`,
  flows: `  - { from: tickets-db, to: summariser, data: [tickets] }
  - { from: tpl, to: summariser }
  - { from: summariser, to: reports }`,
});

/** An agent with tools, memory and an upstream chat app. */
const AGENT = model({
  boundaries: `${ZONES}
  vendor: { name: Vendor MCP, trust: untrusted }`,
  components: `  customer: { kind: user, boundary: internet }
  chat: { kind: llm_app, boundary: app }
  agent: { kind: agent, boundary: app }
  calendar: { kind: tool, boundary: vendor, tech: mcp }
  runner: { kind: tool, boundary: app, tech: e2b code-interpreter }
  memory: { kind: memory_store, boundary: app }`,
  flows: `  - { from: customer, to: chat }
  - { id: delegate, from: chat, to: agent }
  - { id: book, from: agent, to: calendar }
  - { id: run, from: agent, to: runner }
  - { from: agent, to: memory }
  - { from: memory, to: agent }`,
});

/**
 * An LLM app that calls a hosted model and a self-hosted one, writes notes into a CRM and
 * passes its verdicts to a claims system that acts on them.
 */
const PROVIDER = model({
  boundaries: ZONES,
  data: `  case: { kind: prompt, classification: restricted, pii: true }`,
  components: `  agent-desk: { kind: user, boundary: internet }
  assistant: { kind: llm_app, boundary: app }
  openai: { kind: external_llm_provider, boundary: internet }
  llama: { kind: serving_endpoint, boundary: app, tech: vllm }
  crm: { kind: data_store, boundary: app }
  claims: { kind: x-claims-system, boundary: app }
  metrics: { kind: monitoring, boundary: app }`,
  flows: `  - { from: agent-desk, to: assistant, data: [case] }
  - { id: complete, from: assistant, to: openai, data: [case], bidirectional: true }
  - { id: self-hosted, from: assistant, to: llama, bidirectional: true }
  - { id: write-crm, from: assistant, to: crm }
  - { id: decide, from: assistant, to: claims }
  - { from: assistant, to: metrics }`,
});

/** An LLM app called directly by clients, without a gateway. */
const DIRECT = model({
  boundaries: ZONES,
  components: `  partner: { kind: external_client, boundary: internet }
  bot: { kind: llm_app, boundary: app }`,
  flows: `  - { from: partner, to: bot }`,
});

/** A recommender's ANN item index: a vector store that serves a classical model, not an LLM. */
const RECOMMENDER = model({
  boundaries: ZONES,
  data: `  items: { kind: embeddings, classification: confidential }`,
  components: `  shopper: { kind: user, boundary: internet }
  recs: { kind: serving_endpoint, boundary: app }
  ann: { kind: vector_db, boundary: app, tech: faiss }
  trainer: { kind: training_job, boundary: app }`,
  flows: `  - { from: shopper, to: recs }
  - { from: recs, to: ann, bidirectional: true, data: [items] }
  - { from: trainer, to: ann, data: [items] }`,
});

/** Documents from outside indexed for retrieval. */
const INGEST = model({
  boundaries: ZONES,
  components: `  web: { kind: external_data_source, boundary: internet }
  uploads: { kind: user, boundary: internet }
  idx: { kind: rag_indexer, boundary: app }
  vdb: { kind: vector_db, boundary: app }
  docs: { kind: data_store, boundary: app }
  chat: { kind: llm_app, boundary: app }`,
  flows: `  - { id: crawl, from: web, to: idx }
  - { id: upload, from: uploads, to: idx }
  - { id: internal, from: docs, to: idx }
  - { from: idx, to: vdb }
  - { from: vdb, to: chat }`,
});

interface Case {
  readonly rule: string;
  readonly text: string;
  readonly element: string;
  readonly atlas: readonly string[];
  readonly stride: readonly string[];
  readonly owasp?: readonly string[];
  /** Controls that leave the threat with nothing missing, where architects declare them. */
  readonly silence: { on: string; controls: readonly string[] }[];
  /** Near-misses: the rule must not fire on `element` (any element when absent) of `text`. */
  readonly negatives?: readonly {
    readonly text: string;
    readonly element?: string;
    readonly why: string;
  }[];
}

const CASES: readonly Case[] = [
  // Prompt injection and jailbreaks
  {
    rule: 'llm-direct-prompt-injection',
    text: CHAT,
    element: 'gw->chat',
    atlas: ['AML.T0051.000', 'AML.T0068'],
    stride: ['T', 'E'],
    owasp: ['LLM01:2025'],
    // In the app.
    silence: [{ on: 'chat', controls: ['llm_guardrails', 'input_validation'] }],
    negatives: [
      { text: BATCH, why: 'an internal batch job with no user input' },
      {
        text: AGENT,
        element: 'delegate',
        why: 'an agent fed only by another LLM component (covered by propagation)',
      },
      { text: CHAT, element: 'tpl->chat', why: 'the system prompt is not caller input' },
      { text: CHAT, element: 'customer->gw', why: 'the gateway is not the model' },
    ],
  },
  {
    rule: 'llm-direct-prompt-injection',
    text: CHAT,
    element: 'gw->chat',
    atlas: ['AML.T0051.000', 'AML.T0068'],
    stride: ['T', 'E'],
    // A guardrail screening the caller's prompt in front of the app, while retrieval and the
    // template reach the app unscreened.
    silence: [{ on: 'gw->chat', controls: ['llm_guardrails', 'input_validation'] }],
  },
  {
    rule: 'llm-jailbreak',
    text: CHAT,
    element: 'gw->chat',
    atlas: ['AML.T0054', 'AML.T0048.001', 'AML.T0048.003'],
    stride: ['E'],
    silence: [{ on: 'gw->chat', controls: ['llm_guardrails'] }],
    negatives: [{ text: BATCH, why: 'no one can prompt a batch job' }],
  },
  {
    rule: 'llm-jailbreak',
    text: DIRECT,
    element: 'partner->bot',
    atlas: ['AML.T0054', 'AML.T0048.001', 'AML.T0048.003'],
    stride: ['E'],
    silence: [{ on: 'bot', controls: ['llm_guardrails'] }],
  },
  {
    rule: 'llm-indirect-prompt-injection-retrieval',
    text: CHAT,
    element: 'retrieve',
    atlas: ['AML.T0051.001'],
    stride: ['T', 'E'],
    silence: [{ on: 'chat', controls: ['llm_guardrails'] }],
    negatives: [
      { text: CHAT, element: 'tpl->chat', why: 'the system prompt is not retrieved content' },
      { text: CHAT, element: 'gw->chat', why: 'user input is direct, not indirect, injection' },
    ],
  },
  {
    rule: 'llm-indirect-prompt-injection-retrieval',
    text: BATCH,
    element: 'tickets-db->summariser',
    atlas: ['AML.T0051.001'],
    stride: ['T', 'E'],
    silence: [{ on: 'tickets-db->summariser', controls: ['llm_guardrails'] }],
  },
  {
    rule: 'llm-indirect-prompt-injection-tool-output',
    text: AGENT,
    element: 'agent',
    atlas: ['AML.T0051.001', 'AML.T0099'],
    stride: ['T', 'E'],
    silence: [{ on: 'agent', controls: ['llm_guardrails'] }],
    negatives: [{ text: CHAT, why: 'an LLM app without tools' }],
  },
  {
    rule: 'llm-injection-propagation-between-models',
    text: AGENT,
    element: 'delegate',
    atlas: ['AML.T0051.001', 'AML.T0061'],
    stride: ['T', 'E'],
    silence: [{ on: 'agent', controls: ['llm_guardrails'] }],
    negatives: [{ text: AGENT, element: 'book', why: 'a tool is not a model' }],
  },
  // Retrieval and vector stores
  {
    rule: 'rag-vector-store-poisoning',
    text: CHAT,
    element: 'vdb',
    atlas: ['AML.T0070', 'AML.T0071', 'AML.T0066', 'AML.T0067.000'],
    stride: ['T'],
    owasp: ['LLM04:2025', 'LLM08:2025'],
    // Validation and provenance where indexing happens, write access on the store.
    silence: [
      { on: 'idx', controls: ['data_validation', 'data_provenance'] },
      { on: 'vdb', controls: ['authz'] },
    ],
    negatives: [
      { text: BATCH, why: 'no vector store' },
      { text: RECOMMENDER, element: 'ann', why: 'the item index of a recommender serves no LLM' },
    ],
  },
  {
    rule: 'rag-untrusted-content-indexed',
    text: INGEST,
    element: 'crawl',
    atlas: ['AML.T0070'],
    stride: ['T'],
    silence: [{ on: 'idx', controls: ['data_validation', 'data_provenance'] }],
    negatives: [
      { text: INGEST, element: 'internal', why: 'documents from a store as trusted as the index' },
      { text: INGEST, element: 'idx->vdb', why: 'the indexer writing its own index' },
    ],
  },
  {
    rule: 'rag-untrusted-content-indexed',
    text: INGEST,
    element: 'upload',
    atlas: ['AML.T0070'],
    stride: ['T'],
    silence: [{ on: 'upload', controls: ['data_validation', 'data_provenance'] }],
  },
  {
    rule: 'rag-retrieval-without-document-acl',
    text: CHAT,
    element: 'vdb',
    atlas: ['AML.T0085.000', 'AML.T0057'],
    stride: ['I', 'E'],
    silence: [{ on: 'vdb', controls: ['authz'] }],
    negatives: [
      { text: INGEST, element: 'vdb', why: 'an index of data not declared confidential' },
      { text: RECOMMENDER, element: 'ann', why: 'the item index of a recommender serves no LLM' },
    ],
  },
  {
    rule: 'rag-credential-harvesting',
    text: CHAT,
    element: 'vdb',
    atlas: ['AML.T0082'],
    stride: ['I'],
    silence: [{ on: 'idx', controls: ['data_validation'] }],
    negatives: [
      { text: BATCH, why: 'a data store is not a retrieval index' },
      { text: RECOMMENDER, element: 'ann', why: 'the item index of a recommender serves no LLM' },
    ],
  },
  {
    rule: 'rag-embedding-inversion',
    text: CHAT,
    element: 'vdb',
    atlas: [],
    stride: ['I'],
    owasp: ['LLM08:2025'],
    silence: [{ on: 'vdb', controls: ['authz', 'encryption_at_rest'] }],
    negatives: [
      { text: INGEST, element: 'vdb', why: 'no confidential data declared' },
      { text: RECOMMENDER, element: 'ann', why: 'the item index of a recommender serves no LLM' },
    ],
  },
  // Disclosure through the LLM
  {
    rule: 'llm-sensitive-data-disclosure',
    text: CHAT,
    element: 'chat',
    atlas: ['AML.T0057'],
    stride: ['I'],
    owasp: ['LLM02:2025'],
    silence: [{ on: 'chat', controls: ['output_filtering'] }],
    negatives: [
      { text: BATCH, why: 'confidential data but no outside caller' },
      { text: DIRECT, why: 'an outside caller but no confidential data' },
      {
        text: model({
          boundaries: ZONES,
          data: `  sys: { kind: prompt, classification: confidential }`,
          components: `  customer: { kind: user, boundary: internet }
  chat: { kind: llm_app, boundary: app }
  tpl: { kind: prompt_template, boundary: app }`,
          flows: `  - { from: customer, to: chat }
  - { from: tpl, to: chat, data: [sys] }`,
        }),
        why: 'the only confidential data is the system prompt (llm-system-prompt-extraction)',
      },
    ],
  },
  {
    rule: 'llm-system-prompt-extraction',
    text: CHAT,
    element: 'chat',
    atlas: ['AML.T0056', 'AML.T0069', 'AML.T0069.000', 'AML.T0069.001', 'AML.T0069.002'],
    stride: ['I'],
    owasp: ['LLM07:2025'],
    silence: [{ on: 'chat', controls: ['output_filtering'] }],
    negatives: [{ text: BATCH, why: 'no one can ask a batch job for its prompt' }],
  },
  {
    rule: 'prompt-template-embedded-secrets',
    text: CHAT,
    element: 'tpl',
    atlas: ['AML.T0083', 'AML.T0055'],
    stride: ['I', 'E'],
    silence: [{ on: 'tpl', controls: ['secrets_management'] }],
    negatives: [{ text: CHAT, element: 'wiki', why: 'an ordinary data store' }],
  },
  {
    rule: 'agent-configuration-tampering',
    text: CHAT,
    element: 'tpl',
    atlas: ['AML.T0081'],
    stride: ['T', 'E'],
    silence: [{ on: 'tpl', controls: ['authz', 'artifact_checksums'] }],
    negatives: [{ text: CHAT, element: 'vdb', why: 'a vector store is not configuration' }],
  },
  // Agents and tools
  {
    rule: 'agent-excessive-agency',
    text: AGENT,
    element: 'book',
    atlas: ['AML.T0053', 'AML.T0085.001', 'AML.T0086', 'AML.T0101'],
    stride: ['T', 'I', 'D', 'E'],
    owasp: ['LLM06:2025', 'ASI02:2026'],
    // Scoped credentials on the tool, approval in the agent.
    silence: [
      { on: 'calendar', controls: ['tool_permissions'] },
      { on: 'agent', controls: ['human_review'] },
    ],
    negatives: [
      { text: AGENT, element: 'agent->memory', why: 'writing memory is not a tool call' },
    ],
  },
  {
    rule: 'agent-excessive-agency',
    text: AGENT,
    element: 'run',
    atlas: ['AML.T0053', 'AML.T0085.001', 'AML.T0086', 'AML.T0101'],
    stride: ['T', 'I', 'D', 'E'],
    // Least privilege in the agent, a sandbox on the code runner.
    silence: [
      { on: 'agent', controls: ['tool_permissions'] },
      { on: 'runner', controls: ['sandboxing'] },
    ],
  },
  {
    rule: 'agent-code-execution-unsandboxed',
    text: AGENT,
    element: 'runner',
    atlas: ['AML.T0050', 'AML.T0053', 'AML.T0072', 'AML.T0105', 'AML.T0108'],
    stride: ['T', 'E'],
    silence: [{ on: 'runner', controls: ['sandboxing', 'network_policy'] }],
    negatives: [{ text: AGENT, element: 'calendar', why: 'a tool that runs no code' }],
  },
  {
    rule: 'agent-tool-supply-chain',
    text: AGENT,
    element: 'book',
    atlas: ['AML.T0010.005', 'AML.T0011.002', 'AML.T0109', 'AML.T0110'],
    stride: ['S', 'T', 'E'],
    owasp: ['LLM03:2025', 'ASI04:2026'],
    // Pinned on the tool.
    silence: [{ on: 'calendar', controls: ['tool_allowlist'] }],
    negatives: [
      { text: CHAT, why: 'no tools' },
      { text: AGENT, element: 'agent->memory', why: 'memory is not a tool' },
    ],
  },
  {
    rule: 'agent-tool-supply-chain',
    text: AGENT,
    element: 'run',
    atlas: ['AML.T0010.005', 'AML.T0011.002', 'AML.T0109', 'AML.T0110'],
    stride: ['S', 'T', 'E'],
    // Allowlisted in the agent's tool configuration.
    silence: [{ on: 'agent', controls: ['tool_allowlist'] }],
  },
  {
    rule: 'agent-tool-credential-exposure',
    text: AGENT,
    element: 'agent',
    atlas: ['AML.T0083', 'AML.T0098'],
    stride: ['I', 'E'],
    silence: [{ on: 'agent', controls: ['secrets_management'] }],
    negatives: [{ text: AGENT, element: 'chat', why: 'an LLM app that calls no tools' }],
  },
  {
    rule: 'agent-memory-poisoning',
    text: AGENT,
    element: 'memory',
    atlas: ['AML.T0080.000', 'AML.T0080.001', 'AML.T0092'],
    stride: ['T', 'I'],
    silence: [{ on: 'memory', controls: ['memory_isolation'] }],
    negatives: [{ text: CHAT, element: 'wiki', why: 'an ordinary data store' }],
  },
  {
    rule: 'agent-runaway-resource-consumption',
    text: AGENT,
    element: 'agent',
    atlas: ['AML.T0034.002'],
    stride: ['D'],
    owasp: ['LLM10:2025', 'ASI08:2026'],
    silence: [{ on: 'agent', controls: ['rate_limiting'] }],
    negatives: [{ text: CHAT, why: 'no agent with tools' }],
  },
  // Handling of LLM output
  {
    rule: 'llm-output-rendering-exfiltration',
    text: CHAT,
    element: 'chat',
    atlas: ['AML.T0077', 'AML.T0067', 'AML.T0011.003', 'AML.T0048.003', 'AML.T0052.000'],
    stride: ['T', 'I'],
    silence: [{ on: 'chat', controls: ['output_filtering'] }],
    negatives: [{ text: BATCH, why: 'output goes to a store, not to a client' }],
  },
  {
    rule: 'llm-output-unsafe-downstream-use',
    text: PROVIDER,
    element: 'write-crm',
    atlas: [],
    stride: ['T', 'E'],
    owasp: ['LLM05:2025'],
    // The receiver treats the text as untrusted input.
    silence: [{ on: 'crm', controls: ['input_validation'] }],
    negatives: [
      { text: PROVIDER, element: 'assistant->metrics', why: 'telemetry to monitoring' },
      {
        text: PROVIDER,
        element: 'complete',
        why: 'the provider call is covered by the provider rules',
      },
      {
        text: PROVIDER,
        element: 'self-hosted',
        why: 'a serving endpoint called by the app is the model itself',
      },
    ],
  },
  {
    rule: 'llm-output-unsafe-downstream-use',
    text: AGENT,
    element: 'book',
    atlas: [],
    stride: ['T', 'E'],
    // The LLM side encodes what it emits.
    silence: [{ on: 'agent', controls: ['output_filtering'] }],
  },
  {
    rule: 'llm-misinformation-unreviewed-decisions',
    text: PROVIDER,
    element: 'decide',
    atlas: [],
    stride: ['T'],
    owasp: ['LLM09:2025', 'ASI09:2026'],
    // The review step sits in the receiving business process.
    silence: [{ on: 'claims', controls: ['human_review'] }],
    negatives: [
      { text: AGENT, element: 'book', why: 'tool calls are covered by excessive agency' },
      { text: PROVIDER, element: 'assistant->metrics', why: 'telemetry drives no decision' },
      {
        text: PROVIDER,
        element: 'write-crm',
        why: 'records merely stored (covered by unsafe downstream use)',
      },
      { text: PROVIDER, element: 'self-hosted', why: 'the prompt going to the model' },
    ],
  },
  // External LLM providers
  {
    rule: 'llm-data-disclosure-to-provider',
    text: PROVIDER,
    element: 'complete',
    atlas: [],
    stride: ['I'],
    owasp: ['LLM02:2025'],
    silence: [{ on: 'complete', controls: ['output_filtering'] }],
    negatives: [{ text: CHAT, why: 'no external provider' }],
  },
  {
    rule: 'llm-provider-api-key-exposure',
    text: PROVIDER,
    element: 'complete',
    atlas: ['AML.T0055', 'AML.T0012', 'AML.T0091.000', 'AML.T0048.000', 'AML.T0040'],
    stride: ['S', 'I'],
    silence: [{ on: 'assistant', controls: ['secrets_management'] }],
    negatives: [{ text: PROVIDER, element: 'write-crm', why: 'not a provider call' }],
  },
  // Unbounded consumption (request floods: the STRIDE pack's ai-service-denial-of-service)
  {
    rule: 'llm-resource-intensive-prompts',
    text: CHAT,
    element: 'gw->chat',
    atlas: ['AML.T0034.001'],
    stride: ['D'],
    owasp: ['LLM10:2025'],
    silence: [{ on: 'gw->chat', controls: ['input_validation'] }],
    negatives: [{ text: BATCH, why: 'no outside callers' }],
  },
  {
    rule: 'llm-resource-intensive-prompts',
    text: DIRECT,
    element: 'partner->bot',
    atlas: ['AML.T0034.001'],
    stride: ['D'],
    silence: [{ on: 'bot', controls: ['input_validation'] }],
  },
];

describe('built-in LLM rules', () => {
  it('the pack loads without problems and every ATLAS id exists in ATLAS 5.6.0', () => {
    assert.ok(packSource, 'the LLM pack is bundled');
    const loaded = loadRulePack(packSource.text, PACK_FILE);
    assert.deepEqual(
      loaded.problems.map((p) => `${p.code} ${p.message}`),
      [],
    );
    const analysis = analyze('mltm: 1\nname: x\ncomponents:\n  a: {kind: user}\n');
    const packProblems = analysis.ruleProblems
      .filter((f) => f.file === PACK_FILE)
      .flatMap((f) => f.problems.map((p) => `${p.code} ${p.message}`));
    assert.deepEqual(packProblems, []);
    assert.ok((loaded.pack?.rules.length ?? 0) >= 20, 'at least 20 rules');
  });

  it('every rule is an ML rule with a description, why, detection and containment', () => {
    const rules = loadRulePack(packSource?.text ?? '', PACK_FILE).pack?.rules ?? [];
    for (const rule of rules) {
      assert.equal(rule.category, 'ml', rule.id);
      for (const field of ['description', 'why', 'detection', 'containment'] as const)
        assert.ok((rule[field] ?? '').length > 20, `${rule.id} needs a ${field}`);
      assert.ok(
        rule.mitigations.all_of !== undefined || rule.mitigations.any_of !== undefined,
        `${rule.id} needs mitigations`,
      );
      assert.ok(
        rule.owasp.every((id) => id.startsWith('LLM') || id.startsWith('ASI')),
        `${rule.id} cites OWASP LLM or agentic ids`,
      );
    }
  });

  it('cites ATLAS ids by their ATLAS 5.6.0 names when the official data is beside the project', function () {
    const text = readFileSync(
      sharedKbFileOrSkip(this, 'ATLAS.yaml', 'the ATLAS id check of the LLM pack'),
      'utf8',
    );
    const data = parse(text) as { matrices: { techniques: { id: string }[] }[] };
    const ids = new Set(data.matrices.flatMap((m) => m.techniques.map((t) => t.id)));
    const rules = loadRulePack(packSource?.text ?? '', PACK_FILE).pack?.rules ?? [];
    for (const rule of rules)
      for (const id of rule.atlas) assert.ok(ids.has(id), `${rule.id}: ${id} is not in ATLAS.yaml`);
  });

  it('every rule of the pack has a test case here', () => {
    const rules = loadRulePack(packSource?.text ?? '', PACK_FILE).pack?.rules ?? [];
    const tested = new Set([...CASES.map((c) => c.rule), ...agenticCaseRules()]);
    assert.deepEqual(
      rules.map((r) => r.id).filter((id) => !tested.has(id)),
      [],
    );
  });

  for (const c of CASES) {
    describe(`${c.rule} on ${c.element}`, () => {
      it('fires with its ATLAS ids and STRIDE letters, and is silenced by its controls', () => {
        const threat = assertFiresAndSilenced(c.text, c.rule, c.element, c.silence);
        assert.deepEqual([...threat.atlas].sort(), [...c.atlas].sort());
        assert.deepEqual([...threat.stride].sort(), [...c.stride].sort());
        if (c.owasp) assert.deepEqual([...threat.owasp].sort(), [...c.owasp].sort());
        assert.ok(!threat.why.includes('{'), `why has unfilled placeholders: ${threat.why}`);
      });
      for (const negative of c.negatives ?? []) {
        it(`does not fire: ${negative.why}`, () => {
          assert.deepEqual(
            threatsOf(analyzeValid(negative.text), c.rule, negative.element).map((t) => t.id),
            [],
          );
        });
      }
    });
  }

  it('controls where architects put them silence a controlled RAG + agent model: nothing missing from this pack', () => {
    const text = model({
      boundaries: `${ZONES}
  vendor: { name: Vendor MCP, trust: untrusted }`,
      data: `  docs: { kind: documents, classification: restricted, pii: true }`,
      components: `  customer: { kind: user, boundary: internet }
  gw: { kind: api_gateway, boundary: app, tech: kong, controls: [authn, rate_limiting] }
  chat: { kind: llm_app, boundary: app, tech: nemo-guardrails, controls: [output_filtering, secrets_management] }
  tpl: { kind: prompt_template, boundary: app, controls: [authz, artifact_checksums, secrets_management] }
  sources: { kind: external_data_source, boundary: internet }
  idx: { kind: rag_indexer, boundary: app, tech: great-expectations dvc }
  vdb: { kind: vector_db, boundary: app, controls: [authz, encryption_at_rest] }
  agent: { kind: agent, boundary: app, tech: vault llama-guard, controls: [tool_permissions, human_review, rate_limiting, output_filtering] }
  calendar: { kind: tool, boundary: vendor, controls: [tool_allowlist] }
  runner: { kind: tool, boundary: app, tech: jupyter gvisor, controls: [network_policy, tool_allowlist] }
  memory: { kind: memory_store, boundary: app, controls: [memory_isolation] }
  openai: { kind: external_llm_provider, boundary: internet }
  crm: { kind: data_store, boundary: app, controls: [input_validation, human_review] }`,
      flows: `  - { from: customer, to: gw }
  - { from: gw, to: chat, controls: [input_validation] }
  - { from: tpl, to: chat }
  - { from: sources, to: idx, data: [docs] }
  - { from: idx, to: vdb, data: [docs] }
  - { from: vdb, to: chat, data: [docs] }
  - { from: chat, to: agent }
  - { from: agent, to: calendar }
  - { from: agent, to: runner }
  - { from: agent, to: memory }
  - { from: memory, to: agent }
  - { from: chat, to: openai, bidirectional: true, controls: [output_filtering, encryption_in_transit] }
  - { from: agent, to: crm }`,
    });
    const analysis = analyzeUnmerged(text);
    const llmRules = new Set(
      (loadRulePack(packSource?.text ?? '', PACK_FILE).pack?.rules ?? []).map((r) => r.id),
    );
    const ours = analysis.threats.filter((t) => llmRules.has(t.ruleId));
    assert.ok(ours.length >= 20, `the model exercises most of the pack (got ${ours.length})`);
    assert.deepEqual(
      ours
        .filter((t) => !t.mitigated)
        .map((t) => `${t.id} missing ${t.missingControls.join(', ')}`),
      [],
    );
  });

  it('raises severity for public exposure and restricted data, lowers it for public data', () => {
    const direct = threatsOf(
      analyzeValid(DIRECT),
      'llm-direct-prompt-injection',
      'partner->bot',
    )[0];
    assert.equal(direct?.severity, 'critical', 'high, +1 for prompts crossing from the internet');
    const behindGateway = threatsOf(
      analyzeValid(CHAT),
      'llm-direct-prompt-injection',
      'gw->chat',
    )[0];
    assert.equal(behindGateway?.severity, 'high');
    assert.equal(
      threatsOf(analyzeValid(DIRECT), 'llm-resource-intensive-prompts', 'partner->bot')[0]
        ?.severity,
      'medium',
      'cost threats keep their base severity',
    );
    const provider = threatsOf(
      analyzeValid(PROVIDER),
      'llm-data-disclosure-to-provider',
      'complete',
    )[0];
    assert.equal(provider?.severity, 'high', 'medium, +1 for personal data sent out');
    const publicOnly = PROVIDER.replace(
      'classification: restricted, pii: true',
      'classification: public',
    );
    assert.equal(
      threatsOf(analyzeValid(publicOnly), 'llm-data-disclosure-to-provider', 'complete')[0]
        ?.severity,
      'low',
    );
  });
});

/**
 * The rules for incident shapes of agents, LLM clients, mail and hosts that reach LLM APIs
 * (issue 15, the agent side of the ATLAS case-study misses): each fires on a minimal model of the
 * shape it foresees, with its ATLAS ids, is silenced by the controls an architect adds where they
 * would add them, and does not fire on the near-miss that tells it apart from its neighbours.
 */
import { caseModel, ruleCaseTests, type RuleCase } from './caseTable';

/** The zones of these incidents: the internet, a corporate network and a vendor. */
const INCIDENT_BOUNDARIES = `  internet: { name: Internet, trust: untrusted }
  corp: { name: Corporate network, trust: trusted }
  vendor: { name: Vendor, trust: semi_trusted }`;

/** A model text from YAML sections. */
const model = (parts: Parameters<typeof caseModel>[1]) =>
  caseModel('incident rule test', { boundaries: INCIDENT_BOUNDARIES, ...parts });

const WORKSTATION_LLM = model({
  components: `  host: { kind: x-workstation, boundary: corp }
  provider: { kind: external_llm_provider, boundary: vendor }`,
  flows: `  - { from: host, to: provider, protocol: https }`,
});

const MAILED_WORKSTATION = model({
  components: `  sender: { kind: external_client, boundary: internet }
  mail: { kind: messaging_system, boundary: corp }
  staff: { kind: user, boundary: corp }
  host: { kind: x-workstation, boundary: corp }
  web: { kind: external_data_source, boundary: internet }`,
  flows: `  - { from: sender, to: mail }
  - { from: mail, to: staff }
  - { from: staff, to: host }
  - { from: host, to: web }`,
});

const FETCH_AGENT = model({
  components: `  person: { kind: user, boundary: corp }
  agent: { kind: agent, boundary: corp }
  fetch: { kind: tool, boundary: corp }
  calendar: { kind: tool, boundary: corp }
  web: { kind: external_data_source, boundary: internet }`,
  flows: `  - { from: person, to: agent }
  - { from: agent, to: fetch, bidirectional: true }
  - { from: web, to: fetch }
  - { from: agent, to: calendar, bidirectional: true }`,
});

const DESKTOP_CLIENT = model({
  data: `  token: { kind: credentials, classification: restricted }`,
  components: `  person: { kind: user, boundary: corp }
  client: { kind: llm_app, boundary: corp, data: [token] }
  backend: { kind: api_gateway, boundary: vendor }
  llm: { kind: serving_endpoint, boundary: vendor }`,
  flows: `  - { from: person, to: client }
  - { from: client, to: backend, data: [token], protocol: https }
  - { from: backend, to: llm }`,
});

const LOCAL_CONSOLE = model({
  components: `  site: { kind: external_data_source, boundary: internet }
  browser: { kind: external_client, boundary: corp }
  console: { kind: control_plane, boundary: corp }
  agent: { kind: agent, boundary: corp }`,
  flows: `  - { from: site, to: browser }
  - { from: browser, to: console }
  - { from: console, to: agent }`,
});

const LAUNCHED_AGENT = model({
  components: `  developer: { kind: user, boundary: corp }
  extension: { kind: coding_assistant, boundary: corp }
  cli-agent: { kind: agent, boundary: corp }
  shell: { kind: tool, boundary: corp }`,
  flows: `  - { from: developer, to: extension }
  - { from: extension, to: cli-agent }
  - { from: cli-agent, to: shell }`,
});

const TICKET_TOOL = model({
  data: `  tickets: { kind: documents, classification: internal }`,
  components: `  customer: { kind: external_client, boundary: internet }
  portal: { kind: web_app, boundary: corp }
  tracker: { kind: data_store, boundary: corp }
  server: { kind: mcp_server, boundary: corp }
  assistant: { kind: mcp_client, boundary: corp }
  engineer: { kind: user, boundary: corp }`,
  flows: `  - { from: customer, to: portal, data: [tickets] }
  - { from: portal, to: tracker, data: [tickets] }
  - { from: engineer, to: assistant }
  - { from: assistant, to: server, bidirectional: true }
  - { from: server, to: tracker, data: [tickets], bidirectional: true }`,
});

const CHAT_INSTALL = model({
  components: `  developer: { kind: user, boundary: corp }
  chatbot: { kind: external_llm_provider, boundary: vendor }
  registry: { kind: package_registry, boundary: internet }
  env: { kind: x-python-environment, boundary: corp }`,
  flows: `  - { from: developer, to: chatbot, protocol: https }
  - { from: chatbot, to: developer }
  - { from: developer, to: env }
  - { from: registry, to: env, protocol: https }`,
});

const MAIL_ASSISTANT = model({
  components: `  sender: { kind: external_client, boundary: internet }
  mailbox: { kind: messaging_system, boundary: corp }
  assistant: { kind: llm_app, boundary: corp }
  owner: { kind: user, boundary: corp }`,
  flows: `  - { from: sender, to: mailbox }
  - { from: mailbox, to: assistant }
  - { from: assistant, to: owner }
  - { from: owner, to: mailbox }`,
});

const CODE_TOOL = model({
  data: `  script: { kind: code, classification: internal }`,
  components: `  visitor: { kind: external_client, boundary: internet }
  agent: { kind: agent, boundary: corp }
  runner: { kind: tool, boundary: corp }`,
  flows: `  - { from: visitor, to: agent }
  - { from: agent, to: runner, data: [script], bidirectional: true }`,
});

const CASES: readonly RuleCase[] = [
  {
    rule: 'llm-api-command-and-control',
    scenario: 'a workstation may call a hosted LLM API',
    text: WORKSTATION_LLM,
    element: 'host',
    atlas: ['AML.T0096', 'AML.T0102'],
    silence: [{ on: 'host', controls: ['egress_allowlist', 'audit_logging'] }],
    negatives: [
      {
        why: 'the caller is an LLM app (its own provider calls are other rules’ business)',
        text: WORKSTATION_LLM.replace('kind: x-workstation', 'kind: llm_app'),
      },
      {
        why: 'the host reaches only an ordinary web service',
        text: WORKSTATION_LLM.replace('kind: external_llm_provider', 'kind: external_data_source'),
      },
    ],
  },
  {
    rule: 'mail-attachment-user-execution',
    scenario: 'staff open mail from outside on a workstation that reaches the internet',
    text: MAILED_WORKSTATION,
    element: 'host',
    atlas: ['AML.T0052', 'AML.T0073', 'AML.T0074', 'AML.T0011', 'AML.T0037', 'AML.T0025'],
    silence: [{ on: 'host', controls: ['input_validation', 'sandboxing'] }],
    negatives: [
      {
        why: 'the workstation has no outbound connection to an untrusted zone',
        text: MAILED_WORKSTATION.replace('  - { from: host, to: web }\n', ''),
        element: 'host',
      },
      {
        why: 'nothing the user brings to the host came by mail',
        text: MAILED_WORKSTATION.replace('  - { from: mail, to: staff }\n', ''),
        element: 'host',
      },
    ],
  },
  {
    rule: 'agent-fetch-tool-drive-by',
    scenario: 'an agent’s fetch tool downloads pages from the web',
    text: FETCH_AGENT,
    element: 'fetch',
    atlas: ['AML.T0078', 'AML.T0074', 'AML.T0108'],
    silence: [{ on: 'fetch', controls: ['egress_allowlist'] }],
    negatives: [
      {
        why: 'the agent’s other tool gets web content only back through the agent',
        text: FETCH_AGENT,
        element: 'calendar',
      },
      {
        why: 'the tool reads an internal source',
        text: FETCH_AGENT.replace(
          'web: { kind: external_data_source, boundary: internet }',
          'web: { kind: data_store, boundary: corp }',
        ),
        element: 'fetch',
      },
    ],
  },
  {
    rule: 'llm-client-session-token-theft',
    scenario: 'a desktop LLM client holds a session token for the vendor’s API',
    text: DESKTOP_CLIENT,
    element: 'client',
    atlas: ['AML.T0047', 'AML.T0089', 'AML.T0090', 'AML.T0091.000', 'AML.T0048.000'],
    silence: [{ on: 'client', controls: ['scoped_credentials'] }],
    negatives: [
      {
        why: 'the client holds no credentials',
        text: DESKTOP_CLIENT.replace(', data: [token] }\n  backend', ' }\n  backend').replace(
          'data: [token], protocol',
          'protocol',
        ),
        element: 'client',
      },
    ],
  },
  {
    rule: 'local-agent-console-cross-site',
    scenario: 'a local agent console is opened in the browser that also opens web pages',
    text: LOCAL_CONSOLE,
    element: 'console',
    atlas: ['AML.T0011.003', 'AML.T0106', 'AML.T0107', 'AML.T0081'],
    silence: [{ on: 'console', controls: ['input_validation'] }],
    negatives: [
      {
        why: 'the browser opens no pages from the web',
        text: LOCAL_CONSOLE.replace('  - { from: site, to: browser }\n', ''),
        element: 'console',
      },
      {
        why: 'the console controls no agent',
        text: LOCAL_CONSOLE.replace('  - { from: console, to: agent }\n', ''),
        element: 'console',
      },
    ],
  },
  {
    rule: 'agent-launched-with-tools',
    scenario: 'an IDE extension starts a CLI agent with a shell tool',
    text: LAUNCHED_AGENT,
    element: 'cli-agent',
    atlas: ['AML.T0103'],
    silence: [{ on: 'cli-agent', controls: ['tool_permissions'] }],
    negatives: [
      {
        why: 'the agent is started by its user, not by another LLM component',
        text: LAUNCHED_AGENT.replace(
          '{ from: extension, to: cli-agent }',
          '{ from: developer, to: cli-agent }',
        ),
        element: 'cli-agent',
      },
      {
        why: 'the launched agent has no tools',
        text: LAUNCHED_AGENT.replace('  - { from: cli-agent, to: shell }\n', ''),
        element: 'cli-agent',
      },
    ],
  },
  {
    rule: 'llm-prompt-infiltration-tool-read',
    scenario: 'an MCP server reads tickets customers write through a portal',
    text: TICKET_TOOL,
    element: 'server->tracker',
    atlas: ['AML.T0093', 'AML.T0051.002'],
    silence: [{ on: 'server', controls: ['untrusted_content_marking'] }],
    negatives: [
      {
        why: 'the server only writes to the tracker (no response carries records back)',
        text: TICKET_TOOL.replace(
          '{ from: server, to: tracker, data: [tickets], bidirectional: true }',
          '{ from: server, to: tracker, data: [tickets] }',
        ),
        element: 'server->tracker',
      },
      {
        why: 'the flow names no written content coming back',
        text: TICKET_TOOL.replace(
          '{ from: server, to: tracker, data: [tickets], bidirectional: true }',
          '{ from: server, to: tracker, bidirectional: true }',
        ),
        element: 'server->tracker',
      },
    ],
  },
  {
    rule: 'llm-suggested-package-install',
    scenario: 'a developer installs the packages a chat model suggested',
    text: CHAT_INSTALL,
    element: 'env',
    atlas: ['AML.T0062', 'AML.T0011.001', 'AML.T0048.003'],
    silence: [{ on: 'env', controls: ['dependency_pinning'] }],
    negatives: [
      {
        why: 'the developer does not ask a model',
        text: CHAT_INSTALL.replace('  - { from: chatbot, to: developer }\n', ''),
        element: 'env',
      },
    ],
  },
  {
    rule: 'llm-worm-self-replication',
    scenario: 'a mail assistant drafts replies its owner sends',
    text: MAIL_ASSISTANT,
    element: 'assistant',
    atlas: ['AML.T0061'],
    silence: [{ on: 'assistant', controls: ['llm_guardrails'] }],
    negatives: [
      {
        why: 'the drafts are never sent as mail',
        text: MAIL_ASSISTANT.replace('  - { from: owner, to: mailbox }\n', ''),
        element: 'assistant',
      },
    ],
  },
  {
    rule: 'agent-generated-code-execution',
    scenario: 'an agent hands the code it wrote to a code-running tool',
    text: CODE_TOOL,
    element: 'agent->runner',
    atlas: ['AML.T0050', 'AML.T0112.000'],
    silence: [{ on: 'runner', controls: ['sandboxing', 'network_policy'] }],
    negatives: [
      {
        why: 'the flow to the tool carries no code',
        text: CODE_TOOL.replace('data: [script], bidirectional', 'bidirectional'),
        element: 'agent->runner',
      },
    ],
  },
];

describe('rules for incident shapes of agents, LLM clients, mail and LLM API hosts', () => {
  ruleCaseTests(CASES);
});

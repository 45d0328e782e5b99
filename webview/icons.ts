/**
 * Component kind → codicon. The glyphs are drawn as SVG text in the `codicon` font (bundled
 * from @vscode/codicons), so icons follow the theme's foreground colour like the rest of VS Code.
 * Code points come from the codicon.csv of the pinned @vscode/codicons version.
 */
const CODEPOINTS: Readonly<Record<string, number>> = {
  person: 0xea67,
  globe: 0xeb01,
  cloud: 0xebaa,
  package: 0xeb29,
  database: 0xeace,
  tag: 0xea66,
  archive: 0xea98,
  beaker: 0xea79,
  dashboard: 0xeacd,
  repo: 0xea62,
  gear: 0xeaf8,
  server: 0xeb50,
  shield: 0xeb53,
  sparkle: 0xec10,
  'file-code': 0xeae9,
  'list-tree': 0xeb86,
  robot: 0xec20,
  'symbol-method': 0xea8c,
  'comment-discussion': 0xeac7,
  pulse: 0xeb31,
  'circuit-board': 0xeabe,
  'server-process': 0xeba2,
  graph: 0xeb03,
  browser: 0xeaae,
  plug: 0xeb2d,
  extensions: 0xeae6,
  copilot: 0xec1e,
  settings: 0xeb52,
  'vm-connect': 0xeba9,
  vm: 0xea7a,
  'settings-gear': 0xeb51,
  library: 0xeb9c,
  mail: 0xeb1c,
  'device-mobile': 0xeadb,
  key: 0xeb11,
};

const KIND_ICONS: Readonly<Record<string, string>> = {
  user: 'person',
  external_client: 'globe',
  external_data_source: 'cloud',
  third_party_model_hub: 'package',
  external_llm_provider: 'sparkle',
  data_ingestion: 'server-process',
  data_store: 'database',
  labeling: 'tag',
  feature_store: 'database',
  training_job: 'beaker',
  evaluation: 'dashboard',
  experiment_tracker: 'graph',
  model_registry: 'repo',
  artifact_store: 'archive',
  ci_cd: 'gear',
  serving_endpoint: 'server',
  api_gateway: 'shield',
  llm_app: 'sparkle',
  prompt_template: 'file-code',
  vector_db: 'database',
  rag_indexer: 'list-tree',
  agent: 'robot',
  tool: 'symbol-method',
  memory_store: 'comment-discussion',
  monitoring: 'pulse',
  web_app: 'browser',
  mcp_server: 'plug',
  mcp_client: 'extensions',
  coding_assistant: 'copilot',
  agent_config: 'settings',
  computer_use_agent: 'vm-connect',
  desktop_environment: 'vm',
  control_plane: 'settings-gear',
  package_registry: 'library',
  messaging_system: 'mail',
  mobile_app: 'device-mobile',
  identity_provider: 'key',
};

/** The codicon name for a kind (custom kinds get a generic chip). */
export function iconName(kind: string): string {
  return KIND_ICONS[kind] ?? 'circuit-board';
}

/** The glyph to draw in the codicon font. */
export function iconGlyph(kind: string): string {
  return String.fromCodePoint(CODEPOINTS[iconName(kind)] ?? 0xeabe);
}

/**
 * Deterministic synthetic ML pipelines for the benchmark and the fuzz tests: a seeded PRNG picks
 * realistic component kinds per pipeline stage (external sources → ingestion → stores → training
 * → registry → serving → LLM apps → monitoring), trust boundaries that nest, a data catalogue,
 * controls that suit each kind and `tech` values (some of which imply controls). Every generated
 * model is valid: `analyze()` reports no error and no warning for it, so a benchmark measures the
 * full pipeline and a fuzz mutation starts from something real.
 *
 * The same seed and options always give the same text, byte for byte, on every machine.
 */
import { stringify } from 'yaml';

/** A small, fast, seedable PRNG (mulberry32): deterministic across platforms and Node versions. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Up to `max` distinct elements of a list, in list order. */
  some<T>(items: readonly T[], max: number): T[];
}

/** Creates a PRNG from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    chance: (p: number) => next() < p,
    some<T>(items: readonly T[], max: number): T[] {
      const count = int(max + 1);
      const chosen = new Set<number>();
      for (let i = 0; i < count; i++) chosen.add(int(items.length));
      return [...chosen].sort((a, b) => a - b).map((index) => items[index] as T);
    },
  };
}

export interface GenerateOptions {
  /** How many components (at least 2). */
  readonly components: number;
  /** Average outgoing flows per component; 3 by default. */
  readonly flowsPerComponent?: number;
  /** PRNG seed; 1 by default. */
  readonly seed?: number;
}

/** A generated pipeline: the plain model, its YAML text and its size. */
export interface GeneratedPipeline {
  readonly model: SyntheticModel;
  readonly text: string;
  readonly components: number;
  readonly flows: number;
  readonly seed: number;
}

/** The plain-object shape of a generated model (a subset of the model format). */
export interface SyntheticModel {
  mltm: 1;
  name: string;
  description: string;
  boundaries: Record<string, { name: string; trust: string; parent?: string }>;
  data: Record<string, { name: string; kind: string; classification: string; pii?: boolean }>;
  components: Record<string, SyntheticComponent>;
  flows: SyntheticFlow[];
}

export interface SyntheticComponent {
  kind: string;
  name: string;
  boundary: string;
  tech?: string;
  exposure?: string;
  owner?: string;
  data?: string[];
  controls?: string[];
}

export interface SyntheticFlow {
  id?: string;
  from: string;
  to: string;
  data?: string[];
  protocol?: string;
  bidirectional?: boolean;
  controls?: string[];
}

type Zone = 'external' | 'edge' | 'platform';

interface KindProfile {
  readonly kind: string;
  readonly zone: Zone;
  readonly short: string;
  readonly tech: readonly string[];
  readonly controls: readonly string[];
  readonly holds?: readonly string[];
}

/** Kinds by pipeline stage, with the technologies and controls a real team would use for them. */
const KINDS: readonly KindProfile[] = [
  { kind: 'user', zone: 'external', short: 'user', tech: [], controls: [] },
  {
    kind: 'external_client',
    zone: 'external',
    short: 'client',
    tech: ['ios app', 'partner backend'],
    controls: [],
  },
  {
    kind: 'external_data_source',
    zone: 'external',
    short: 'feed',
    tech: ['s3 partner bucket', 'kafka'],
    controls: [],
  },
  {
    kind: 'third_party_model_hub',
    zone: 'external',
    short: 'hub',
    tech: ['hugging face'],
    controls: [],
  },
  {
    kind: 'external_llm_provider',
    zone: 'external',
    short: 'llm',
    tech: ['openai', 'bedrock'],
    controls: [],
  },
  {
    kind: 'api_gateway',
    zone: 'edge',
    short: 'gw',
    tech: ['kong', 'envoy', 'apigee'],
    controls: ['authn', 'rate_limiting', 'waf', 'input_validation', 'audit_logging'],
  },
  {
    kind: 'data_ingestion',
    zone: 'platform',
    short: 'ingest',
    tech: ['spark', 'airflow', 'flink'],
    controls: ['data_validation', 'data_provenance', 'authn'],
  },
  {
    kind: 'data_store',
    zone: 'platform',
    short: 'lake',
    tech: ['s3', 'postgres', 'bigquery'],
    controls: ['encryption_at_rest', 'authz', 'access_review', 'audit_logging'],
    holds: ['raw_data', 'training_data'],
  },
  {
    kind: 'labeling',
    zone: 'platform',
    short: 'label',
    tech: ['label studio'],
    controls: ['authn', 'human_review'],
  },
  {
    kind: 'feature_store',
    zone: 'platform',
    short: 'features',
    tech: ['feast', 'tecton'],
    controls: ['encryption_at_rest', 'authz'],
    holds: ['features'],
  },
  {
    kind: 'training_job',
    zone: 'platform',
    short: 'train',
    tech: ['kubeflow', 'sagemaker', 'pytorch'],
    controls: ['data_validation', 'differential_privacy', 'secrets_management'],
  },
  {
    kind: 'evaluation',
    zone: 'platform',
    short: 'eval',
    tech: ['mlflow evaluate', 'giskard'],
    controls: ['model_scanning', 'human_review'],
  },
  {
    kind: 'experiment_tracker',
    zone: 'platform',
    short: 'tracker',
    tech: ['mlflow', 'wandb'],
    controls: ['authn', 'authz'],
  },
  {
    kind: 'model_registry',
    zone: 'platform',
    short: 'registry',
    tech: ['mlflow', 'sagemaker', 'vertex'],
    controls: ['authz', 'audit_logging', 'model_signing', 'artifact_checksums'],
    holds: ['model'],
  },
  {
    kind: 'artifact_store',
    zone: 'platform',
    short: 'artifacts',
    tech: ['s3', 'artifactory'],
    controls: ['encryption_at_rest', 'artifact_checksums', 'aibom'],
    holds: ['model', 'code'],
  },
  {
    kind: 'ci_cd',
    zone: 'platform',
    short: 'ci',
    tech: ['github actions', 'argo'],
    controls: ['secrets_management', 'model_signing', 'authn'],
  },
  {
    kind: 'serving_endpoint',
    zone: 'platform',
    short: 'serve',
    tech: ['kserve + istio', 'seldon', 'fastapi'],
    controls: ['authz', 'output_obfuscation', 'adversarial_input_detection', 'rate_limiting'],
  },
  {
    kind: 'llm_app',
    zone: 'platform',
    short: 'chat',
    tech: ['langchain', 'fastapi'],
    controls: ['llm_guardrails', 'output_filtering', 'input_validation'],
  },
  {
    kind: 'prompt_template',
    zone: 'platform',
    short: 'prompts',
    tech: ['git'],
    controls: ['authz'],
    holds: ['prompt'],
  },
  {
    kind: 'vector_db',
    zone: 'platform',
    short: 'vectors',
    tech: ['pgvector', 'weaviate'],
    controls: ['authz', 'encryption_at_rest'],
    holds: ['embeddings'],
  },
  {
    kind: 'rag_indexer',
    zone: 'platform',
    short: 'indexer',
    tech: ['llamaindex'],
    controls: ['data_validation', 'data_provenance'],
  },
  {
    kind: 'agent',
    zone: 'platform',
    short: 'agent',
    tech: ['langgraph'],
    controls: ['tool_permissions', 'tool_allowlist', 'human_review'],
  },
  {
    kind: 'tool',
    zone: 'platform',
    short: 'tool',
    tech: ['mcp server'],
    controls: ['sandboxing', 'authz'],
  },
  {
    kind: 'memory_store',
    zone: 'platform',
    short: 'memory',
    tech: ['redis'],
    controls: ['memory_isolation', 'encryption_at_rest'],
  },
  {
    kind: 'monitoring',
    zone: 'platform',
    short: 'monitor',
    tech: ['prometheus', 'evidently', 'grafana'],
    controls: ['drift_monitoring', 'audit_logging'],
  },
];

const DATA_KINDS: readonly { kind: string; classification: string; pii?: boolean }[] = [
  { kind: 'raw_data', classification: 'confidential', pii: true },
  { kind: 'training_data', classification: 'confidential' },
  { kind: 'labels', classification: 'internal' },
  { kind: 'features', classification: 'confidential', pii: true },
  { kind: 'model', classification: 'confidential' },
  { kind: 'inference_request', classification: 'internal', pii: true },
  { kind: 'prediction', classification: 'internal' },
  { kind: 'feedback', classification: 'internal' },
  { kind: 'prompt', classification: 'internal' },
  { kind: 'documents', classification: 'restricted' },
  { kind: 'embeddings', classification: 'confidential' },
  { kind: 'credentials', classification: 'restricted' },
  { kind: 'logs', classification: 'internal' },
  { kind: 'code', classification: 'internal' },
];

const PROTOCOLS = ['https', 'grpc', 'kafka', 's3', 'jdbc', 'sftp'];
const TRANSPORT_CONTROLS = [
  'encryption_in_transit',
  'mtls',
  'authn',
  'input_validation',
  'rate_limiting',
];
const TEAMS = ['ml-platform', 'data-eng', 'fraud-ml', 'search', 'sre', 'security'];

/**
 * Generates a valid synthetic pipeline. Deterministic: the same options give the same text.
 * Sizes from 2 to tens of thousands of components; about `flowsPerComponent` flows each.
 */
export function generatePipeline(options: GenerateOptions): GeneratedPipeline {
  const count = Math.max(2, Math.floor(options.components));
  const flowsPerComponent = options.flowsPerComponent ?? 3;
  const seed = options.seed ?? 1;
  const rng = createRng(seed);

  // Boundaries: untrusted internet and vendors, a semi-trusted edge, trusted VPCs with nested
  // namespaces. Roughly one boundary per 25 components, so big models have many zones.
  const boundaries: SyntheticModel['boundaries'] = {};
  const zoneBoundaries: Record<Zone, string[]> = { external: [], edge: [], platform: [] };
  const vendors = Math.max(1, Math.floor(count / 200));
  boundaries['internet'] = { name: 'Internet', trust: 'untrusted' };
  zoneBoundaries.external.push('internet');
  for (let v = 1; v <= vendors; v++) {
    boundaries[`vendor-${v}`] = { name: `Vendor ${v}`, trust: 'untrusted' };
    zoneBoundaries.external.push(`vendor-${v}`);
  }
  boundaries['edge'] = { name: 'Edge / DMZ', trust: 'semi_trusted' };
  zoneBoundaries.edge.push('edge');
  const vpcs = Math.max(1, Math.floor(count / 250));
  const namespaces = Math.max(1, Math.floor(count / 25));
  for (let v = 1; v <= vpcs; v++)
    boundaries[`vpc-${v}`] = { name: `Production VPC ${v}`, trust: 'trusted' };
  for (let n = 1; n <= namespaces; n++) {
    boundaries[`ns-${n}`] = {
      name: `Namespace ${n}`,
      trust: rng.chance(0.15) ? 'semi_trusted' : 'trusted',
      parent: `vpc-${1 + ((n - 1) % vpcs)}`,
    };
    zoneBoundaries.platform.push(`ns-${n}`);
  }

  // Data catalogue: about one item per four components, every kind represented early.
  const data: SyntheticModel['data'] = {};
  const dataIds: string[] = [];
  // Never more items than flows, so every item is carried by at least one flow.
  const dataCount = Math.min(Math.max(3, Math.floor(count / 4)), count - 1);
  for (let d = 0; d < dataCount; d++) {
    const profile = DATA_KINDS[d % DATA_KINDS.length]!;
    const id = `${profile.kind.replace(/_/g, '-')}-${d + 1}`;
    data[id] = {
      name: `${profile.kind.replace(/_/g, ' ')} ${d + 1}`,
      kind: profile.kind,
      classification: profile.classification,
      ...(profile.pii ? { pii: true } : {}),
    };
    dataIds.push(id);
  }
  const dataByKind = new Map<string, string[]>();
  for (const id of dataIds) {
    const kind = data[id]!.kind;
    dataByKind.set(kind, [...(dataByKind.get(kind) ?? []), id]);
  }

  // Components: about 15% external entities, 5% gateways, the rest platform services, in
  // pipeline order so flows between neighbours read like a real pipeline.
  const components: SyntheticModel['components'] = {};
  const ids: string[] = [];
  const externalKinds = KINDS.filter((k) => k.zone === 'external');
  const platformKinds = KINDS.filter((k) => k.zone === 'platform');
  const gateway = KINDS.find((k) => k.kind === 'api_gateway')!;
  const usedBoundaries = new Set<string>();
  const heldData = new Set<string>();
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    const profile =
      i === 0 || roll < 0.15
        ? rng.pick(externalKinds)
        : roll < 0.2
          ? gateway
          : rng.pick(platformKinds);
    const id = `${profile.short}-${i + 1}`;
    const zoneList = zoneBoundaries[profile.zone];
    const boundary = zoneList[i % zoneList.length]!;
    usedBoundaries.add(boundary);
    const component: SyntheticComponent = {
      kind: profile.kind,
      name: `${profile.kind.replace(/_/g, ' ')} ${i + 1}`,
      boundary,
    };
    if (profile.tech.length > 0 && rng.chance(0.8)) component.tech = rng.pick(profile.tech);
    if (profile.zone !== 'external') {
      component.exposure =
        profile.zone === 'edge' ? 'public' : rng.chance(0.8) ? 'internal' : 'private';
      component.owner = rng.pick(TEAMS);
      const controls = rng.some(profile.controls, 3);
      if (controls.length > 0) component.controls = controls;
      const holdable = (profile.holds ?? []).flatMap((kind) => dataByKind.get(kind) ?? []);
      if (holdable.length > 0) {
        component.data = rng.some(holdable, 2);
        if (component.data.length === 0) delete component.data;
        for (const d of component.data ?? []) heldData.add(d);
      }
    }
    components[id] = component;
    ids.push(id);
  }
  // Only boundaries that hold a component (or a boundary that does) are kept.
  const keep = new Set(usedBoundaries);
  for (const id of usedBoundaries) {
    const parent = boundaries[id]?.parent;
    if (parent) keep.add(parent);
  }
  for (const id of Object.keys(boundaries)) if (!keep.has(id)) delete boundaries[id];

  // Flows: mostly to a near-downstream neighbour (pipelines are chains with fan-out), some to
  // any component. Every component gets at least one flow; pairs never repeat in either direction
  // of a bidirectional flow; every data item is carried by some flow.
  const flows: SyntheticFlow[] = [];
  const pairs = new Set<string>();
  const target = Math.max(count, Math.round(count * flowsPerComponent));
  let unusedData = dataIds.filter((d) => !heldData.has(d));
  let explicitIds = 0;
  const addFlow = (from: number, to: number): boolean => {
    if (from === to) return false;
    const a = ids[from]!;
    const b = ids[to]!;
    if (pairs.has(`${a}|${b}`) || pairs.has(`${b}|${a}`)) return false;
    pairs.add(`${a}|${b}`);
    const flow: SyntheticFlow = { from: a, to: b };
    if (rng.chance(0.2)) flow.id = `flow-${++explicitIds}`;
    const carried = rng.some(dataIds, 2);
    if (unusedData.length > 0) {
      const first = unusedData[0]!;
      unusedData = unusedData.slice(1);
      if (!carried.includes(first)) carried.unshift(first);
    }
    if (carried.length > 0) flow.data = carried;
    flow.protocol = rng.pick(PROTOCOLS);
    if (rng.chance(0.1)) flow.bidirectional = true;
    const controls = rng.some(TRANSPORT_CONTROLS, 2);
    if (controls.length > 0) flow.controls = controls;
    flows.push(flow);
    return true;
  };
  for (let i = 0; i < count; i++) {
    let tries = 0;
    while (!addFlow(i, (i + 1 + tries) % count) && tries < count) tries++;
  }
  let attempts = 0;
  while (flows.length < target && attempts < target * 20) {
    attempts++;
    const from = rng.int(count);
    const to = rng.chance(0.7)
      ? (from + 1 + rng.int(Math.min(12, count - 1))) % count
      : rng.int(count);
    addFlow(from, to);
  }

  const model: SyntheticModel = {
    mltm: 1,
    name: `Synthetic pipeline (${count} components, seed ${seed})`,
    description: 'Generated by bench/generate.ts for benchmarks and fuzz tests.',
    boundaries,
    data,
    components,
    flows,
  };
  return { model, text: toYaml(model), components: count, flows: flows.length, seed };
}

/** The model as YAML text in the style people write: block mappings, one flow per line. */
export function toYaml(model: SyntheticModel): string {
  const { flows, ...rest } = model;
  const head = stringify(rest, { lineWidth: 0 });
  const flowLines = flows.map(
    (flow) => `  - ${stringify(flow, { lineWidth: 0, collectionStyle: 'flow' }).trimEnd()}`,
  );
  return `${head}flows:\n${flowLines.join('\n')}\n`;
}

/** Shapes of {@link generateBoundaryNesting}: one long chain, one long cycle, or a random forest. */
export type NestingShape = 'chain' | 'cycle' | 'random';

/**
 * A model whose boundaries nest through `parent:` — the hostile shape that was quadratic (issue 16
 * defect 9): `chain` nests every boundary in the previous one, `cycle` also closes the chain on
 * itself, `random` gives each boundary a random parent (earlier, later, itself or unknown, so
 * cycles, forests and dangling parents all occur). Two components sit in the innermost and
 * outermost boundaries with a flow between them, so zones reach the rules and the diagram.
 * Deterministic for a seed.
 */
export function generateBoundaryNesting(count: number, shape: NestingShape, seed = 1): string {
  const rng = createRng(seed);
  const n = Math.max(1, Math.floor(count));
  const lines = ['mltm: 1', `name: ${shape} of ${n} boundaries`, 'boundaries:'];
  for (let i = 0; i < n; i++) {
    let parent: string | undefined;
    if (shape === 'random') {
      const pick = rng.next();
      if (pick < 0.15) parent = undefined;
      else if (pick < 0.2) parent = `nowhere-${i}`;
      else parent = `b${rng.int(n)}`;
    } else if (i > 0) parent = `b${i - 1}`;
    else if (shape === 'cycle') parent = `b${n - 1}`;
    lines.push(
      `  b${i}:`,
      `    name: Boundary ${i}`,
      `    trust: ${i % 2 ? 'trusted' : 'untrusted'}`,
    );
    if (parent !== undefined) lines.push(`    parent: ${parent}`);
  }
  lines.push(
    'components:',
    '  inner:',
    '    kind: serving_endpoint',
    `    boundary: b${n - 1}`,
    '  outer:',
    '    kind: user',
    '    boundary: b0',
    'flows:',
    '  - from: outer',
    '    to: inner',
    '',
  );
  return lines.join('\n');
}

/**
 * The control catalogue: every control kind of the model format with what it addresses (STRIDE
 * letters, MITRE ATLAS mitigations) and where it must be declared to count. Placement is what
 * keeps the engine from crying wolf: rate limiting on the gateway protects the endpoint behind
 * it; TLS on a flow is a property of that flow, not of a component.
 *
 * Mapping decisions start from `../shared/kb/proposed-mapping.yaml` (controls section), reviewed:
 * each ATLAS mitigation listed here is checked against the ATLAS catalogue by the tests.
 */
import type { StrideLetter } from './stride';

/**
 * Where a control counts:
 * - `transport`: on the flow itself, or on both ends (a service mesh covers every flow between
 *   two meshed components).
 * - `ingress`: on the flow, or on the component that receives it; for a component, on the
 *   component or on every inbound flow or the upstream component of every inbound flow (a gateway).
 * - `egress`: on the flow, or on the component that sends it; for a component, on the component
 *   or on every outbound flow.
 * - `either`: on the flow or either end; for a component, on the component or on every flow of it.
 * - `component`: on the component (for a flow: either end).
 * - `observed`: on the component, or on a monitoring component it sends data to.
 */
export type ControlPlacement =
  'transport' | 'ingress' | 'egress' | 'either' | 'component' | 'observed';

export interface ControlInfo {
  readonly id: string;
  readonly title: string;
  readonly stride: readonly StrideLetter[];
  /** ATLAS mitigation ids (AML.M…) this control implements, fully or in part. */
  readonly atlasMitigations: readonly string[];
  readonly placement: ControlPlacement;
  /** What to write in the model, for quick-fix titles and reports. */
  readonly advice: string;
}

const control = (
  id: string,
  title: string,
  stride: StrideLetter[],
  atlasMitigations: string[],
  placement: ControlPlacement,
  advice: string,
): ControlInfo => ({ id, title, stride, atlasMitigations, placement, advice });

/** Every control kind of the format, in the schema's order. */
export const CONTROLS: readonly ControlInfo[] = [
  control(
    'authn',
    'Authentication',
    ['S'],
    ['AML.M0019', 'AML.M0005'],
    'ingress',
    'Authenticate every caller (users, services, workloads) before it reaches the component.',
  ),
  control(
    'authz',
    'Authorization / least privilege',
    ['E', 'I'],
    ['AML.M0005', 'AML.M0019'],
    'ingress',
    'Grant each caller only the operations and data it needs (RBAC/ABAC, document ACLs, tenant isolation).',
  ),
  control(
    'mtls',
    'Mutual TLS / workload identity',
    ['S', 'T', 'I'],
    ['AML.M0012'],
    'transport',
    'Encrypt and mutually authenticate the connection (e.g. a service mesh).',
  ),
  control(
    'encryption_in_transit',
    'Encryption in transit',
    ['T', 'I'],
    ['AML.M0012'],
    'transport',
    'Use TLS on the connection.',
  ),
  control(
    'encryption_at_rest',
    'Encryption at rest',
    ['I'],
    ['AML.M0012'],
    'component',
    'Encrypt stored data with managed keys.',
  ),
  control(
    'rate_limiting',
    'Rate limiting and quotas',
    ['D', 'I'],
    ['AML.M0004'],
    'ingress',
    'Limit queries per client and cap spend, so bulk querying and floods are throttled.',
  ),
  control(
    'input_validation',
    'Input validation',
    ['T', 'E'],
    ['AML.M0033'],
    'ingress',
    'Validate inputs against a strict schema (types, ranges, sizes, file types) and reject the rest.',
  ),
  control(
    'output_filtering',
    'Output filtering',
    ['I', 'T'],
    ['AML.M0020'],
    'egress',
    'Validate, encode and redact outputs (DLP) before they leave.',
  ),
  control(
    'model_signing',
    'Model signing and verification',
    ['T', 'S', 'R'],
    ['AML.M0013', 'AML.M0014'],
    'either',
    'Sign model artifacts when published and verify the signature before loading (e.g. Sigstore).',
  ),
  control(
    'artifact_checksums',
    'Artifact digests / pinning',
    ['T'],
    ['AML.M0014'],
    'either',
    'Pin artifacts by digest (sha256, hub revision, image digest) and verify it on use.',
  ),
  control(
    'audit_logging',
    'Audit logging',
    ['R'],
    ['AML.M0024'],
    'observed',
    'Keep tamper-evident logs of queries, prompts, tool calls and administrative actions.',
  ),
  control(
    'drift_monitoring',
    'Drift and performance monitoring',
    ['T', 'D'],
    ['AML.M0008', 'AML.M0024'],
    'observed',
    'Monitor input and prediction drift and model quality, with alerts (e.g. Evidently, Alibi Detect).',
  ),
  control(
    'adversarial_input_detection',
    'Adversarial input detection',
    ['T', 'I'],
    ['AML.M0015'],
    'ingress',
    'Detect adversarial inputs and abnormal query patterns (near-duplicate probing).',
  ),
  control(
    'data_provenance',
    'Data provenance',
    ['T', 'R'],
    ['AML.M0025'],
    'either',
    'Record where data comes from and version it; accept data only from known sources.',
  ),
  control(
    'access_review',
    'Access review',
    ['E', 'S'],
    [],
    'component',
    'Review who has access regularly; remove stale identities; grant just in time.',
  ),
  control(
    'secrets_management',
    'Secrets management',
    ['I', 'E', 'S'],
    [],
    'component',
    'Keep secrets in a vault with short-lived credentials; never in code, prompts or configs.',
  ),
  control(
    'waf',
    'Web application firewall',
    ['T', 'D', 'E'],
    [],
    'ingress',
    'Filter requests with WAF rules, including rules for ML payloads.',
  ),
  control(
    'network_policy',
    'Network policy / segmentation',
    ['I', 'E', 'S', 'D'],
    ['AML.M0032'],
    'ingress',
    'Restrict who can connect (segmentation, private endpoints, egress allowlists).',
  ),
  control(
    'differential_privacy',
    'Differential privacy',
    ['I'],
    [],
    'component',
    'Train with differential privacy or another privacy-enhancing technique.',
  ),
  control(
    'human_review',
    'Human review',
    ['E', 'T', 'R'],
    ['AML.M0029'],
    'component',
    'Require a person to approve consequential actions (agent actions, promotions, labels).',
  ),
  control(
    'llm_guardrails',
    'LLM guardrails',
    ['T', 'E', 'I'],
    ['AML.M0020', 'AML.M0021', 'AML.M0022'],
    'ingress',
    'Screen prompts and retrieved content for injection and jailbreaks; filter unsafe output.',
  ),
  control(
    'output_obfuscation',
    'Output minimisation',
    ['I'],
    ['AML.M0002'],
    'egress',
    'Return labels rather than scores; round or truncate confidences; return top-k only.',
  ),
  control(
    'model_scanning',
    'Model scanning / safe formats',
    ['E', 'T'],
    ['AML.M0016', 'AML.M0011'],
    'ingress',
    'Scan model files before loading and prefer safe formats (safetensors, ONNX) over pickle.',
  ),
  control(
    'aibom',
    'AI bill of materials',
    ['T', 'R'],
    ['AML.M0023', 'AML.M0016'],
    'either',
    'Keep an AI-BOM of models, datasets and dependencies; pin and scan them.',
  ),
  control(
    'data_validation',
    'Data validation',
    ['T', 'I'],
    ['AML.M0007'],
    'ingress',
    'Validate and sanitise data before training or indexing (outliers, label QA, PII and secrets).',
  ),
  control(
    'model_hardening',
    'Model hardening',
    ['T'],
    ['AML.M0003', 'AML.M0006', 'AML.M0008'],
    'component',
    'Harden the model: adversarial training, robustness tests before release, red-teaming.',
  ),
  control(
    'tool_permissions',
    'Tool permissions',
    ['E', 'I'],
    ['AML.M0026', 'AML.M0027', 'AML.M0028', 'AML.M0030'],
    'component',
    'Give each tool the least privilege, per-user credentials, and no tools on untrusted input.',
  ),
  control(
    'tool_allowlist',
    'Tool allowlist',
    ['T', 'S'],
    ['AML.M0014', 'AML.M0023'],
    'component',
    'Allow only known tools and MCP servers, pinned by version; detect changed tool definitions.',
  ),
  control(
    'sandboxing',
    'Sandboxing',
    ['E'],
    ['AML.M0032'],
    'component',
    'Run untrusted code, tools and model loading in an isolated sandbox.',
  ),
  control(
    'memory_isolation',
    'Memory isolation',
    ['T', 'I'],
    ['AML.M0031'],
    'component',
    'Scope memory per user, validate what is written to it, and expire it.',
  ),
  control(
    'publisher_verification',
    'Publisher / namespace verification',
    ['S', 'T'],
    ['AML.M0013', 'AML.M0014'],
    'ingress',
    'Take models, packages and tools only from verified publishers and namespaces; check for look-alike names.',
  ),
  control(
    'dependency_pinning',
    'Dependency pinning',
    ['T'],
    ['AML.M0014', 'AML.M0023'],
    'either',
    'Pin every dependency to an exact version and hash in a lock file; update deliberately.',
  ),
  control(
    'config_scanning',
    'Agent config scanning',
    ['T', 'E'],
    ['AML.M0033'],
    'ingress',
    'Scan agent rules and configuration files for hidden instructions (invisible Unicode, injected text) and review every change.',
  ),
  control(
    'egress_allowlist',
    'Egress allowlist',
    ['I', 'E'],
    ['AML.M0032'],
    'egress',
    'Allow outbound connections and URL fetches only to listed destinations.',
  ),
  control(
    'scoped_credentials',
    'Scoped short-lived credentials',
    ['S', 'E', 'I'],
    ['AML.M0026', 'AML.M0027', 'AML.M0028'],
    'component',
    'Give each user, task or tool a credential with the least scope, expiring soon, instead of a long-lived key.',
  ),
  control(
    'device_attestation',
    'Device attestation',
    ['S', 'T'],
    [],
    'ingress',
    'Accept captured input only from a device and app whose integrity is attested (Play Integrity, App Attest).',
  ),
  control(
    'liveness_detection',
    'Liveness / deepfake detection',
    ['S'],
    ['AML.M0034'],
    'ingress',
    'Check captured faces, voices and documents for liveness and deepfakes before trusting them.',
  ),
  control(
    'untrusted_content_marking',
    'Untrusted content marking (spotlighting)',
    ['T', 'E'],
    ['AML.M0021', 'AML.M0030'],
    'component',
    'Mark retrieved and third-party content in the prompt (delimit, datamark or encode it) and tell the model never to follow instructions in it.',
  ),
  // Privacy controls (the privacy pack, LINDDUN): no ATLAS mitigation implements them.
  control(
    'data_minimisation',
    'Data minimisation',
    ['I'],
    [],
    'either',
    'Collect, keep, send and train on only the personal fields the purpose needs; drop, aggregate or coarsen the rest at the source.',
  ),
  control(
    'pseudonymisation',
    'Pseudonymisation',
    ['I'],
    [],
    'either',
    'Replace direct identifiers with tokens or keyed hashes before the data reaches this element, and keep the key elsewhere under separate access.',
  ),
  control(
    'retention_limits',
    'Retention limits',
    [],
    [],
    'component',
    'Set and enforce a retention period (TTL or scheduled deletion) for the personal data this store keeps.',
  ),
  control(
    'consent_records',
    'Purpose and consent records',
    [],
    [],
    'either',
    'Record the purpose and legal basis for each use of the personal data (consent records, a processing register entry) and check it before the data is used.',
  ),
  control(
    'pii_redaction',
    'PII redaction',
    ['I'],
    [],
    'egress',
    'Detect and redact or mask personal data before it leaves this element (prompts to a provider, logs, indexes).',
  ),
  control(
    'erasure_support',
    'Erasure support',
    [],
    [],
    'component',
    "Trace each person's records through snapshots, features and models, and honour erasure requests by deleting them and retraining (or unlearning) the models trained on them.",
  ),
];

export const CONTROL_BY_ID: ReadonlyMap<string, ControlInfo> = new Map(
  CONTROLS.map((c) => [c.id, c]),
);

/** Information about any control id, including custom `x-` controls (which count where declared). */
export function controlInfo(id: string): ControlInfo {
  return (
    CONTROL_BY_ID.get(id) ?? {
      id,
      title: id,
      stride: [],
      atlasMitigations: [],
      placement: 'either',
      advice: `Declare \`${id}\`.`,
    }
  );
}

/**
 * Well-known `tech` values and the controls they bring by themselves. Conservative on purpose:
 * only technologies that provide the control by being there (a mesh gives mTLS), never ones that
 * merely can be configured to (a gateway *can* rate-limit; that must be declared). Implied
 * controls are always shown as implied.
 */
export const TECH_IMPLIED_CONTROLS: Readonly<Record<string, readonly string[]>> = {
  istio: ['mtls'],
  linkerd: ['mtls'],
  'consul-connect': ['mtls'],
  spiffe: ['mtls'],
  spire: ['mtls'],
  sigstore: ['model_signing'],
  cosign: ['model_signing'],
  evidently: ['drift_monitoring'],
  'alibi-detect': ['drift_monitoring', 'adversarial_input_detection'],
  whylabs: ['drift_monitoring'],
  arize: ['drift_monitoring'],
  fiddler: ['drift_monitoring'],
  vault: ['secrets_management'],
  modelscan: ['model_scanning'],
  safetensors: ['model_scanning'],
  'nemo-guardrails': ['llm_guardrails'],
  'llama-guard': ['llm_guardrails'],
  'guardrails-ai': ['llm_guardrails'],
  'lakera-guard': ['llm_guardrails'],
  opacus: ['differential_privacy'],
  'tensorflow-privacy': ['differential_privacy'],
  'great-expectations': ['data_validation'],
  tfdv: ['data_validation'],
  deequ: ['data_validation'],
  presidio: ['output_filtering', 'pii_redaction'],
  dvc: ['data_provenance'],
  openlineage: ['data_provenance'],
  gvisor: ['sandboxing'],
  firecracker: ['sandboxing'],
  'kata-containers': ['sandboxing'],
  cilium: ['network_policy'],
  calico: ['network_policy'],
};

/** Lower-case words of a `tech` value ("KServe + Istio" → kserve, istio). */
export function techTokens(tech: string | undefined): string[] {
  if (!tech) return [];
  return tech
    .toLowerCase()
    .split(/[^a-z0-9.-]+/)
    .filter((token) => token.length > 0);
}

/** Controls implied by a `tech` value, with the token that implies each. */
export function impliedControls(tech: string | undefined): { control: string; by: string }[] {
  const implied: { control: string; by: string }[] = [];
  for (const token of techTokens(tech)) {
    for (const control of TECH_IMPLIED_CONTROLS[token] ?? []) {
      if (!implied.some((i) => i.control === control)) implied.push({ control, by: token });
    }
  }
  return implied;
}

/**
 * NIST AI Risk Management Framework 1.0 (NIST AI 100-1, January 2023,
 * https://doi.org/10.6028/NIST.AI.100-1): the subcategories of its GOVERN, MAP, MEASURE and MANAGE
 * functions that a threat model as code can give evidence for, with the project's short
 * paraphrase of each (the framework's own wording is in the publication, Tables 1-4), and which
 * control kinds of the model format and which threats count towards each.
 *
 * Vetted by hand against NIST AI 100-1 (subcategory ids and their subject). Only subcategories a
 * declared control or a found threat speaks to are listed; the rest of the framework (culture,
 * workforce, stakeholder engagement) is organisational and out of a model's reach.
 */
import type { LinddunCode } from './linddun';

export type AiRmfFunction = 'GOVERN' | 'MAP' | 'MEASURE' | 'MANAGE';

export interface AiRmfSubcategory {
  /** As NIST writes it: `MAP 1.1`. */
  readonly id: string;
  readonly fn: AiRmfFunction;
  /** The project's paraphrase of the subcategory. */
  readonly summary: string;
  /** Control kinds whose presence in a model is evidence for it. */
  readonly controls: readonly string[];
}

export const NIST_AI_RMF_SOURCE = 'NIST AI 100-1, AI Risk Management Framework 1.0 (2023)';
export const NIST_AI_RMF_URL = 'https://doi.org/10.6028/NIST.AI.100-1';

export const NIST_AI_RMF: readonly AiRmfSubcategory[] = [
  {
    id: 'GOVERN 1.1',
    fn: 'GOVERN',
    summary:
      'Legal and regulatory requirements on the AI system are understood, managed and documented.',
    controls: ['consent_records', 'erasure_support', 'retention_limits'],
  },
  {
    id: 'GOVERN 6.1',
    fn: 'GOVERN',
    summary:
      'Policies address the risks of third-party entities (models, data, software, services).',
    controls: ['publisher_verification', 'dependency_pinning', 'tool_allowlist'],
  },
  {
    id: 'MAP 1.1',
    fn: 'MAP',
    summary:
      'Intended purpose, context of use and applicable laws and expectations are documented.',
    controls: ['consent_records'],
  },
  {
    id: 'MAP 3.5',
    fn: 'MAP',
    summary: 'Processes for human oversight are defined, assessed and documented.',
    controls: ['human_review'],
  },
  {
    id: 'MAP 4.1',
    fn: 'MAP',
    summary:
      'Technology and legal risks of components, including third-party data and software, are mapped.',
    controls: ['aibom', 'data_provenance'],
  },
  {
    id: 'MEASURE 2.4',
    fn: 'MEASURE',
    summary: 'The behaviour of the AI system and its components is monitored in production.',
    controls: ['drift_monitoring', 'audit_logging'],
  },
  {
    id: 'MEASURE 2.7',
    fn: 'MEASURE',
    summary: 'Security and resilience of the AI system are evaluated and documented.',
    controls: [
      'authn',
      'authz',
      'mtls',
      'encryption_in_transit',
      'encryption_at_rest',
      'rate_limiting',
      'input_validation',
      'output_filtering',
      'adversarial_input_detection',
      'model_hardening',
      'llm_guardrails',
      'secrets_management',
      'network_policy',
      'sandboxing',
    ],
  },
  {
    id: 'MEASURE 2.10',
    fn: 'MEASURE',
    summary: 'Privacy risk of the AI system is examined and documented.',
    controls: [
      'differential_privacy',
      'data_minimisation',
      'pseudonymisation',
      'pii_redaction',
      'retention_limits',
      'consent_records',
      'erasure_support',
      'output_obfuscation',
    ],
  },
  {
    id: 'MANAGE 3.1',
    fn: 'MANAGE',
    summary:
      'Risks from third-party resources are monitored and risk controls applied and documented.',
    controls: ['artifact_checksums', 'model_signing', 'aibom', 'publisher_verification'],
  },
  {
    id: 'MANAGE 3.2',
    fn: 'MANAGE',
    summary: 'Pre-trained models used in development are monitored as part of regular maintenance.',
    controls: ['model_scanning', 'model_signing', 'artifact_checksums'],
  },
  {
    id: 'MANAGE 4.1',
    fn: 'MANAGE',
    summary:
      'Post-deployment monitoring plans are implemented, with user input, override and incident response.',
    controls: ['drift_monitoring', 'audit_logging', 'human_review'],
  },
];

/** What a threat is, for the mapping: its category, LINDDUN codes and the controls it asks for. */
export interface MappableThreat {
  readonly category: 'stride' | 'ml' | 'privacy';
  readonly linddun: readonly LinddunCode[];
  readonly mitigations: { readonly allOf: readonly string[]; readonly anyOf: readonly string[] };
}

/**
 * The subcategories a threat falls under: every security threat under MEASURE 2.7, every privacy
 * threat under MEASURE 2.10 (and GOVERN 1.1 when it is a non-compliance or unawareness threat:
 * a legal duty), plus the subcategories of the controls that would mitigate it.
 */
export function aiRmfSubcategoriesOf(threat: MappableThreat): string[] {
  const ids = new Set<string>();
  if (threat.category === 'privacy') {
    ids.add('MEASURE 2.10');
    if (threat.linddun.includes('Nc') || threat.linddun.includes('U')) ids.add('GOVERN 1.1');
  } else ids.add('MEASURE 2.7');
  const wanted = new Set([...threat.mitigations.allOf, ...threat.mitigations.anyOf]);
  for (const sub of NIST_AI_RMF) if (sub.controls.some((c) => wanted.has(c))) ids.add(sub.id);
  return NIST_AI_RMF.map((s) => s.id).filter((id) => ids.has(id));
}

export interface AiRmfRow {
  readonly subcategory: AiRmfSubcategory;
  /** Control kinds of the subcategory that the model declares or implies somewhere, sorted. */
  readonly evidence: readonly string[];
  /** Open threats that fall under it. */
  readonly openThreats: number;
}

/** The per-model summary the reports show: one row per subcategory, in the framework's order. */
export function aiRmfSummary(
  controlsInModel: ReadonlySet<string>,
  openThreats: readonly MappableThreat[],
): AiRmfRow[] {
  const counts = new Map<string, number>();
  for (const threat of openThreats)
    for (const id of aiRmfSubcategoriesOf(threat)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return NIST_AI_RMF.map((subcategory) => ({
    subcategory,
    evidence: subcategory.controls.filter((c) => controlsInModel.has(c)).sort(),
    openThreats: counts.get(subcategory.id) ?? 0,
  }));
}

/**
 * The closed vocabularies of the model format — component kinds, control kinds, trust levels,
 * data classifications, data kinds, exposure — read from `schemas/pipeline.schema.json`, the
 * single source for validation, editor completion and documentation.
 */
import pipelineSchema from '../../../schemas/pipeline.schema.json';

interface EnumSchema {
  enum?: string[];
  enumDescriptions?: string[];
  anyOf?: EnumSchema[];
}

function enumOf(schema: EnumSchema): {
  values: readonly string[];
  descriptions: ReadonlyMap<string, string>;
} {
  const source = schema.enum ? schema : (schema.anyOf ?? []).find((option) => option.enum);
  const values = source?.enum ?? [];
  const descriptions = new Map(
    values.map((value, index) => [value, source?.enumDescriptions?.[index] ?? '']),
  );
  return { values, descriptions };
}

const definitions = pipelineSchema.definitions;

export const COMPONENT_KINDS = enumOf(definitions.component.properties.kind as EnumSchema);
export const CONTROL_KINDS = enumOf(definitions.component.properties.controls.items as EnumSchema);
export const TRUST_LEVELS = enumOf(definitions.boundary.properties.trust as EnumSchema);
export const CLASSIFICATIONS = enumOf(definitions.data.properties.classification as EnumSchema);
export const DATA_KINDS = enumOf(definitions.data.properties.kind as EnumSchema);
export const EXPOSURES = enumOf(definitions.component.properties.exposure as EnumSchema);

export type TrustLevel = 'untrusted' | 'semi_trusted' | 'trusted';
export type Classification = 'public' | 'internal' | 'confidential' | 'restricted';
export type Exposure = 'public' | 'internal' | 'private';

/** Trust levels in increasing order; a flow toward a higher index goes toward more trust. */
export const TRUST_ORDER: readonly TrustLevel[] = ['untrusted', 'semi_trusted', 'trusted'];
/** Classifications in increasing sensitivity. */
export const CLASSIFICATION_ORDER: readonly Classification[] = [
  'public',
  'internal',
  'confidential',
  'restricted',
];

/**
 * Component kinds that are external entities in STRIDE-per-element terms: outside the team's
 * control, so they hold no controls and get Spoofing/Repudiation rather than all six.
 */
export const EXTERNAL_KINDS: ReadonlySet<string> = new Set([
  'user',
  'external_client',
  'external_data_source',
  'third_party_model_hub',
  'external_llm_provider',
  'package_registry',
]);

/** Component kinds that are data stores in STRIDE-per-element terms (T, R, I, D). */
export const DATA_STORE_KINDS: ReadonlySet<string> = new Set([
  'data_store',
  'feature_store',
  'model_registry',
  'artifact_store',
  'vector_db',
  'memory_store',
  'prompt_template',
  'experiment_tracker',
  'agent_config',
]);

/** The STRIDE-per-element class of a component kind; custom `x-` kinds count as processes. */
export type ElementClass = 'external_entity' | 'process' | 'data_store';

export function elementClassOf(kind: string): ElementClass {
  if (EXTERNAL_KINDS.has(kind)) return 'external_entity';
  if (DATA_STORE_KINDS.has(kind)) return 'data_store';
  return 'process';
}

/** Whether a value names a custom (`x-` prefixed) kind or control. */
export function isCustomName(value: string): boolean {
  return value.startsWith('x-');
}

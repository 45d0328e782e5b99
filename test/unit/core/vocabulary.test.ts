/**
 * The vocabularies stay one list: the component kinds and control kinds of the model schema are
 * the ones the rule-pack schema accepts, every control kind has a catalogue entry (placement,
 * STRIDE, ATLAS mitigations) in schema order, and every vocabulary value has a description for
 * completion and the docs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTROLS } from '../../../src/core/kb/controls';
import {
  CLASSIFICATIONS,
  COMPONENT_KINDS,
  CONTROL_KINDS,
  DATA_KINDS,
  EXPOSURES,
  TRUST_LEVELS,
  elementClassOf,
} from '../../../src/core/model/vocabulary';

type Node = { [key: string]: unknown };

/** Every `enum` in a schema that contains `marker`, with its JSON pointer. */
function enumsContaining(schema: unknown, marker: string, path = ''): [string, unknown[]][] {
  if (Array.isArray(schema))
    return schema.flatMap((item, i) => enumsContaining(item, marker, `${path}/${i}`));
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Node;
  const own: [string, unknown[]][] =
    Array.isArray(node['enum']) && (node['enum'] as unknown[]).includes(marker)
      ? [[path, node['enum'] as unknown[]]]
      : [];
  return [
    ...own,
    ...Object.entries(node).flatMap(([key, value]) =>
      enumsContaining(value, marker, `${path}/${key}`),
    ),
  ];
}

describe('vocabularies', () => {
  const pipeline = JSON.parse(readFileSync('schemas/pipeline.schema.json', 'utf8')) as unknown;
  const rules = JSON.parse(readFileSync('schemas/rules.schema.json', 'utf8')) as unknown;

  it('has the kinds DESIGN.md requires (25 component kinds, 30 control kinds at least)', () => {
    assert.ok(COMPONENT_KINDS.values.length >= 25);
    assert.ok(CONTROL_KINDS.values.length >= 30);
  });

  it('has the agent-era kinds and controls of issue 15, classified for STRIDE-per-element', () => {
    // Contract names: other tools (importers, OTM mapping, users' models) rely on them.
    const kinds = [
      'web_app',
      'mcp_server',
      'mcp_client',
      'coding_assistant',
      'agent_config',
      'computer_use_agent',
      'desktop_environment',
      'control_plane',
      'package_registry',
      'messaging_system',
      'mobile_app',
      'identity_provider',
    ];
    const controls = [
      'publisher_verification',
      'dependency_pinning',
      'config_scanning',
      'egress_allowlist',
      'scoped_credentials',
      'device_attestation',
      'liveness_detection',
      'untrusted_content_marking',
    ];
    for (const kind of kinds) assert.ok(COMPONENT_KINDS.values.includes(kind), kind);
    for (const kind of controls) assert.ok(CONTROL_KINDS.values.includes(kind), kind);
    assert.equal(elementClassOf('package_registry'), 'external_entity');
    assert.equal(elementClassOf('agent_config'), 'data_store');
    assert.equal(elementClassOf('mcp_server'), 'process');
    assert.equal(elementClassOf('coding_assistant'), 'process');
  });

  it('every control kind list in both schemas is the same list', () => {
    const lists = [
      ...enumsContaining(pipeline, 'rate_limiting'),
      ...enumsContaining(rules, 'rate_limiting'),
    ];
    assert.ok(lists.length >= 4, String(lists.length));
    for (const [path, values] of lists) assert.deepEqual(values, CONTROL_KINDS.values, path);
  });

  it('every component kind list in both schemas is the same list', () => {
    const lists = [
      ...enumsContaining(pipeline, 'serving_endpoint'),
      ...enumsContaining(rules, 'serving_endpoint'),
    ];
    assert.ok(lists.length >= 3, String(lists.length));
    for (const [path, values] of lists) assert.deepEqual(values, COMPONENT_KINDS.values, path);
  });

  it('every control kind has a catalogue entry, in schema order', () => {
    assert.deepEqual(
      CONTROLS.map((c) => c.id),
      CONTROL_KINDS.values,
    );
  });

  for (const [name, vocabulary] of Object.entries({
    COMPONENT_KINDS,
    CONTROL_KINDS,
    TRUST_LEVELS,
    CLASSIFICATIONS,
    DATA_KINDS,
    EXPOSURES,
  })) {
    it(`${name}: every value has a description`, () => {
      for (const value of vocabulary.values)
        assert.ok((vocabulary.descriptions.get(value) ?? '').length > 10, value);
    });
  }
});

/**
 * What attack paths mean, on small hand-written pipelines: content is cleaned only by a control
 * that cleans its kind of data (provenance of training data does not clean a hub model, scanning
 * a model does not clean a dataset), access moves only on threats that give a hold on an
 * element, and the fix plan credits a step with the paths it cuts.
 */
import assert from 'node:assert/strict';
import {
  CLEANS,
  CLEANING_CONTROLS,
  cleansKind,
  controlCleans,
  givesFoothold,
} from '../../../src/core/decide/paths';
import type { Threat } from '../../../src/core/rules/evaluate';
import { decideText } from './helpers';

/** A hub feeding a trainer that publishes to the registry; `{CONTROLS}` and `{PULLED}` vary. */
const PIPELINE = `mltm: 1
name: Hub model into a registry
boundaries:
  hub: { name: Public hub, trust: untrusted }
  prod: { name: Production, trust: trusted }
data:
  weights: { name: Weights, kind: model, classification: confidential }
  rows: { name: Rows, kind: training_data, classification: confidential }
  bundle: { name: Vendor bundle, kind: x-vendor-bundle, classification: confidential }
components:
  hf: { name: Hub, kind: third_party_model_hub, boundary: hub }
  train: { name: Trainer, kind: training_job, boundary: prod, controls: [{CONTROLS}] }
  registry: { name: Registry, kind: model_registry, boundary: prod }
flows:
  - { id: pull, from: hf, to: train, data: [{PULLED}] }
  - { id: publish, from: train, to: registry, data: [weights] }
`;

const pipeline = (controls: string, pulled = 'weights') =>
  PIPELINE.replace('{CONTROLS}', controls).replace('{PULLED}', pulled);

const contentPaths = (text: string) =>
  decideText(text)
    .paths.filter((p) => p.kind === 'content')
    .map((p) => `${p.goal}: ${p.steps.map((s) => s.element).join(' > ')}`);

describe('attack paths: what cleans content, what moves access', () => {
  it('provenance on the trainer does not clean a model pulled from a hub; scanning it does', () => {
    assert.deepEqual(contentPaths(pipeline('data_provenance')), [
      'confidentiality: hf > pull > train > publish > registry',
      'integrity: hf > pull > train > publish > registry',
    ]);
    assert.deepEqual(contentPaths(pipeline('model_scanning')), []);
    assert.deepEqual(contentPaths(pipeline('model_signing')), []);
  });

  it('a dataset pulled from the hub is cleaned by provenance or validation, not by model scanning', () => {
    assert.deepEqual(contentPaths(pipeline('data_provenance', 'rows')), []);
    assert.deepEqual(contentPaths(pipeline('data_validation', 'rows')), []);
    assert.equal(contentPaths(pipeline('model_scanning', 'rows')).length, 2);
  });

  it('a flow carrying a model and a dataset is cleaned only when both kinds are', () => {
    assert.equal(contentPaths(pipeline('model_scanning', 'weights, rows')).length, 2);
    assert.equal(contentPaths(pipeline('data_provenance', 'weights, rows')).length, 2);
    assert.deepEqual(
      contentPaths(pipeline('model_scanning, data_provenance', 'weights, rows')),
      [],
    );
  });

  it('a custom kind, whose nature mltm cannot tell, is cleaned by any cleaning control, and only by one', () => {
    for (const control of ['data_provenance', 'model_scanning', 'llm_guardrails'])
      assert.deepEqual(contentPaths(pipeline(control, 'bundle')), [], control);
    assert.equal(contentPaths(pipeline('authz', 'bundle')).length, 2);
    // The built-in kind beside it still needs its own cleaner.
    assert.equal(contentPaths(pipeline('data_provenance', 'weights, bundle')).length, 2);
    assert.deepEqual(contentPaths(pipeline('model_scanning', 'weights, bundle')), []);
    assert.ok(cleansKind('untrusted_content_marking', 'x-tool-io'));
    assert.ok(!cleansKind('untrusted_content_marking', 'model'));
    assert.ok(!cleansKind('authz', 'x-tool-io'));
  });

  it('every cleaning control says what it cleans, and a flow that names no kind is cleaned by any', () => {
    assert.deepEqual([...CLEANING_CONTROLS].sort(), Object.keys(CLEANS).sort());
    for (const control of CLEANING_CONTROLS) assert.ok(controlCleans(control, []), control);
    assert.ok(controlCleans('model_scanning', ['model']));
    assert.ok(!controlCleans('model_scanning', ['model', 'training_data']));
    assert.ok(!controlCleans('data_provenance', ['model']));
    assert.ok(!controlCleans('authz', []));
  });

  it('access moves on spoofing, tampering and elevation, not on disclosure, repudiation or denial', () => {
    const threat = (stride: string) => ({ stride: [...stride] }) as unknown as Threat;
    for (const letter of 'STE') assert.ok(givesFoothold(threat(letter)), letter);
    for (const letter of 'RID') assert.ok(!givesFoothold(threat(letter)), letter);
    assert.ok(givesFoothold(threat('IT')));
  });

  it('the plan step that scans the hub pull is credited with the content paths it cuts', () => {
    const decision = decideText(pipeline('data_provenance'));
    const content = decision.paths.filter((p) => p.kind === 'content').map((p) => p.id);
    assert.equal(content.length, 2);
    const cutting = decision.plan.steps.filter((s) =>
      content.some((id) => s.breaksPaths.includes(id)),
    );
    assert.equal(cutting.length, 1, JSON.stringify(decision.plan.steps));
    const [step] = cutting;
    assert.ok(
      step && ['model_scanning', 'model_signing', 'artifact_checksums'].includes(step.control),
    );
    assert.ok(step && ['pull', 'train'].includes(step.element), step?.element);
    for (const id of content) assert.ok(step?.breaksPaths.includes(id));
  });
});

/**
 * `mltm import <files> --compare <model>`: each kind of drift gives its code at the right line
 * of the model and, as the related location, of the evidence file; exit 1 on drift, 0 when the
 * model and the files agree.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mltm } from '../cli/run';

const MESH = join(__dirname, '..', '..', 'fixtures', 'import', 'mesh');

/** 1-based line of the first line of `text` that contains `needle` (after line `after`). */
function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i]?.includes(needle)) return i + 1;
  throw new Error(`${needle} not found`);
}

describe('mltm import --compare', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mltm-drift-'));
    cpSync(MESH, join(dir, 'k8s'), { recursive: true });
    const drafted = await mltm(['import', 'k8s', '--output', 'model.mltm.yaml'], dir);
    assert.equal(drafted.code, 0, drafted.stderr);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a fresh draft agrees with its files (exit 0)', async () => {
    const run = await mltm(['import', 'k8s', '--compare', 'model.mltm.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /model\.mltm\.yaml agrees with 3 files/);
  });

  it('reports a claimed control a file contradicts at the claim and at the policy line', async () => {
    const model = readFileSync(join(dir, 'model.mltm.yaml'), 'utf8').replace(
      /( {2}explainer-demo:\n(?: {4}.*\n)*? {4}x-source: "k8s\/workloads\.yaml:23")/,
      '$1\n    controls: [mtls, authz]',
    );
    writeFileSync(join(dir, 'model.mltm.yaml'), model);
    const run = await mltm(['import', 'k8s', '--compare', 'model.mltm.yaml'], dir);
    assert.equal(run.code, 1, run.stderr);
    const claim = lineOf(model, 'controls: [mtls, authz]');
    assert.match(
      run.stderr,
      new RegExp(
        `model\\.mltm\\.yaml:${claim}:16: error MLTM510 \`explainer-demo\` claims \`mtls\`, but the PeerAuthentication sets mode PERMISSIVE \\(k8s/istio\\.yaml:21\\)\\.\n  k8s/istio\\.yaml:21:5: related:`,
      ),
    );
    assert.match(
      run.stderr,
      new RegExp(
        `model\\.mltm\\.yaml:${claim}:22: error MLTM510 \`explainer-demo\` claims \`authz\`, but an AuthorizationPolicy rule \`\\{\\}\` allows every request \\(k8s/istio\\.yaml:64\\)\\.\n  k8s/istio\\.yaml:64:7: related:`,
      ),
    );
  });

  it("reports a file element missing from the model, at the element and the model's components", async () => {
    const model = readFileSync(join(dir, 'model.mltm.yaml'), 'utf8');
    const without = model
      .replace(/ {2}reviewer:\n( {4}.*\n)+?(?=\S| {2}\S)/, '')
      .replace(/ {2}- from: s3-fraud-models\n {4}to: reviewer\n( {4}.*\n)+/, '');
    writeFileSync(join(dir, 'model.mltm.yaml'), without);
    const run = await mltm(['import', 'k8s', '--compare', 'model.mltm.yaml'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `k8s/workloads\\.yaml:37:3: warning MLTM511 KServe InferenceService \`reviewer\` predictor \\(sklearn\\)\\. is not in model\\.mltm\\.yaml .*\n  model\\.mltm\\.yaml:${lineOf(without, 'components:')}:1: related: the model's components`,
      ),
    );
  });

  it('reports model elements whose source is gone, and evidence that no longer proves a control', async () => {
    const model = readFileSync(join(dir, 'model.mltm.yaml'), 'utf8').replace(
      'components:\n',
      'components:\n  old-job:\n    kind: training_job\n    x-source: "argo/removed.yaml:4"\n',
    );
    writeFileSync(join(dir, 'model.mltm.yaml'), model);
    // The scorer's NetworkPolicy is deleted: its x-evidence no longer proves network_policy.
    const policies = readFileSync(join(dir, 'k8s', 'network-policies.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'k8s', 'network-policies.yaml'),
      policies.slice(policies.indexOf('---\n') + 4),
    );
    const run = await mltm(['import', 'k8s', '--compare', 'model.mltm.yaml'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `model\\.mltm\\.yaml:${lineOf(model, 'argo/removed.yaml')}:15: warning MLTM512 \`old-job\` was drafted from \`argo/removed\\.yaml\`, which no longer exists\\.`,
      ),
    );
    const evidence = lineOf(model, 'network_policy: "k8s/network-policies.yaml:13"');
    assert.match(
      run.stderr,
      new RegExp(
        `model\\.mltm\\.yaml:${evidence}:23: warning MLTM513 \`scorer\` claims \`network_policy\` from \`k8s/network-policies\\.yaml:13\`, but that file no longer proves it\\.\n  k8s/network-policies\\.yaml:1:1: related: the evidence file`,
      ),
    );
  });
});

/**
 * Drift diagnostics in a real VS Code: with `mltm.drift.evidencePaths` naming the fixture's
 * Kubernetes folder, a model claiming `mtls` on a workload whose PeerAuthentication is PERMISSIVE
 * shows MLTM510 at the claim, with the message `mltm import --compare` prints and a related
 * location on the policy's line; once the evidence says STRICT (a file watcher sees it), the
 * diagnostic goes away.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, mltmDiagnostics, open } from './helpers';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
const hasDrift = (list: vscode.Diagnostic[]) => list.some((d) => codeOf(d) === 'MLTM510');

describe('drift diagnostics (mltm.drift.evidencePaths)', () => {
  const model = fixture('drift', 'scoring.mltm.yaml');
  const istio = fixture('drift', 'k8s', 'istio.yaml');
  let original: Uint8Array | undefined;
  const setting = (value: string[] | undefined) =>
    vscode.workspace
      .getConfiguration('mltm', model)
      .update('drift.evidencePaths', value, vscode.ConfigurationTarget.Workspace);

  before(async () => {
    original = await vscode.workspace.fs.readFile(istio);
  });
  after(async () => {
    await setting(undefined);
    if (original) await vscode.workspace.fs.writeFile(istio, original);
  });

  it('shows a contradicted mtls claim at the claim, and clears it when the policy is STRICT', async () => {
    await setting(['drift/k8s']);
    const editor = await open(model);
    const list = await mltmDiagnostics(model, hasDrift);
    const drift = list.filter((d) => codeOf(d) === 'MLTM510');
    assert.equal(drift.length, 1, 'one contradiction');
    const [finding] = drift as [vscode.Diagnostic];
    const text = editor.document.getText();
    const claimLine = text.split('\n').findIndex((l) => l.includes('controls: [mtls]'));
    assert.equal(finding.range.start.line, claimLine, 'on the line of the claim');
    assert.equal(editor.document.getText(finding.range), 'mtls');
    assert.equal(
      finding.message,
      '`scorer` claims `mtls`, but the PeerAuthentication sets mode PERMISSIVE (k8s/istio.yaml:12).',
    );
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
    const related = finding.relatedInformation?.[0];
    assert.ok(related, 'a related location in the evidence file');
    assert.equal(related.location.uri.toString(), istio.toString());
    assert.deepEqual(
      [related.location.range.start.line, related.location.range.start.character],
      [11, 4],
      'at `mode: PERMISSIVE`',
    );

    const strict = new TextDecoder()
      .decode(original)
      .replace('mode: PERMISSIVE', 'mode: STRICT')
      .replace('PERMISSIVE proves no mTLS', 'now STRICT');
    await vscode.workspace.fs.writeFile(istio, new TextEncoder().encode(strict));
    const after = await mltmDiagnostics(model, (l) => !hasDrift(l) && l.length > 0, 30_000);
    assert.ok(!hasDrift(after), 'the contradiction is gone');
  });
});

/**
 * "Draft Threat Model from Workspace Files" in a real VS Code: run on a folder of the fixture
 * workspace (DVC files and Kubernetes manifests), it opens an unsaved draft beside the files
 * whose text is what the core importer drafts from the same files, and which mltm analyses.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyze } from '../../src/core/analysis';
import { fixture } from './helpers';

describe('Draft Threat Model from Workspace Files', () => {
  it('drafts a model from a fixture folder and opens it beside, unsaved', async () => {
    const folder = fixture('pipeline');
    const document = (await vscode.commands.executeCommand(
      'mltm.draftModelFromWorkspace',
      folder,
    )) as vscode.TextDocument | undefined;
    assert.ok(document, 'the command returned the draft');
    try {
      await check(document);
    } finally {
      // Close the unsaved draft without a save prompt, so no later test meets a modal dialog.
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});

describe('Draft Threat Model from an OTM file with register decisions', () => {
  it('opens the register beside the draft, unsaved, with the decisions the OTM file carries', async () => {
    const document = (await vscode.commands.executeCommand(
      'mltm.draftModelFromWorkspace',
      fixture('otm'),
    )) as vscode.TextDocument | undefined;
    assert.ok(document, 'the command returned the draft');
    const register = vscode.workspace.textDocuments.find((d) =>
      d.uri.path.endsWith('/otm/otm.draft.threats.yaml'),
    );
    try {
      assert.ok(register, 'the register is open beside the draft');
      assert.equal(register.uri.scheme, 'untitled', 'nothing is written until the user saves');
      const text = register.getText();
      assert.match(text, /^model: otm\.draft\.mltm\.yaml$/m);
      assert.match(
        text,
        / {2}model-inversion-inference-api@resnet-api:\n(?: {4}.*\n)*? {4}status: accepted\n(?: {4}.*\n)*? {4}justification: "?Labels only: no confidence scores leave the API\."?\n/,
      );
      assert.match(
        text,
        / {2}transfer-attack-from-public-base-model@resnet-api:\n(?: {4}.*\n)*? {4}status: not_applicable\n/,
      );
      assert.equal(vscode.window.activeTextEditor?.document, document, 'the draft keeps focus');
    } finally {
      for (const open of [register, document])
        if (open) {
          await vscode.window.showTextDocument(open, { preview: false });
          await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        }
    }
  });
});

async function check(document: vscode.TextDocument): Promise<void> {
  {
    assert.equal(document.uri.scheme, 'untitled');
    assert.ok(document.uri.path.endsWith('/pipeline/pipeline.draft.mltm.yaml'), document.uri.path);
    assert.equal(vscode.window.activeTextEditor?.document, document);
    const text = document.getText();
    assert.match(text, /^# Draft threat model written by `mltm import` from 6 files/);
    assert.match(text, /x-source: "dvc\.yaml:3"/);
    assert.match(text, /mtls: "k8s\/istio\.yaml:9"/);
    const analysis = analyze(text);
    assert.deepEqual(
      analysis.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.ok(analysis.status === 'loaded', 'the draft loads');
    assert.ok(analysis.model.components.some((c) => c.id === 'train' && c.kind === 'training_job'));
    assert.ok(analysis.threats.length > 0);
  }
}

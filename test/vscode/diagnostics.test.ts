/**
 * Diagnostics as a user sees them in the Problems panel: for every example, exactly what the
 * engine reports (same codes, same lines); updated after an edit; threats on flows linked to
 * both ends; register problems on the register file.
 */
import { analyzeLoaded } from '../support/analysis';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { analyze, threatsOf } from '../../src/core/analysis';
import { checkRegister, loadRegister } from '../../src/core/register/register';
import { SEVERITY_ORDER } from '../../src/core/rules/types';
import { LineIndex } from '../../src/core/util/lineIndex';
import {
  analysedDiagnostics,
  fixture,
  mltmDiagnostics,
  open,
  openExample,
  restore,
  selfTestFail,
  showDiagnostics,
} from './helpers';

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);
const seen = (list: readonly vscode.Diagnostic[]) =>
  list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${code(d)}`).sort();

/** What the engine says a user should see for a model with no register: problems, then threats at or above `low`. */
function expectedFor(text: string): string[] {
  const analysis = analyze(text);
  const index = new LineIndex(text);
  const at = (offset: number) => {
    const p = index.position(offset);
    return `${p.line}:${p.column}`;
  };
  const floor = SEVERITY_ORDER.indexOf('low');
  return [
    ...analysis.problems.map((p) => `${at(p.range.start)} ${p.code}`),
    ...threatsOf(analysis)
      .filter((t) => !t.mitigated && SEVERITY_ORDER.indexOf(t.severity) >= floor)
      .map((t) => `${at(t.range.start)} ${t.ruleId}`),
  ].sort();
}

describe('diagnostics', () => {
  // One diagnostic per threat (mltm.diagnostics.show: threats); fixPlan.test.ts tests the default.
  before(() => showDiagnostics('threats'));
  after(() => showDiagnostics(undefined));
  const examples = readdirSync(join(__dirname, '..', '..', '..', 'examples'))
    .filter((f) => f.endsWith('.mltm.yaml'))
    .sort();

  it('finds all twelve examples', () => {
    assert.equal(examples.length, 12);
  });

  for (const example of examples) {
    it(`${example}: shows exactly the engine's problems and open threats, at the engine's lines`, async () => {
      const editor = await openExample(example);
      const expected = expectedFor(editor.document.getText());
      const list = await analysedDiagnostics(editor.document.uri);
      assert.deepEqual(seen(list), expected);
      for (const d of list) {
        assert.equal(d.source, 'mltm');
        assert.ok(
          typeof d.code === 'object' &&
            d.code.target.toString().startsWith('https://github.com/mltm-dev/mltm/blob/main/docs/'),
          'code links to documentation',
        );
      }
    });
  }

  it('updates after an edit: adding the missing control removes the threat, undo brings it back', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const uri = editor.document.uri;
    const dos = (l: vscode.Diagnostic[]) =>
      l.filter((d) => code(d) === 'ai-service-denial-of-service');
    const before = await mltmDiagnostics(uri, (l) => dos(l).length === 1);
    const diagnostic = dos(before)[0] as vscode.Diagnostic;
    assert.equal(diagnostic.range.start.line + 1, 28, 'on the id of scoring-api');
    assert.match(
      diagnostic.message,
      /ML service flooded with requests \(high\) on `scoring-api`: missing rate_limiting/,
    );
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    const text = editor.document.getText();
    const at = text.indexOf('controls: []');
    await editor.edit((b) =>
      b.replace(
        new vscode.Range(
          editor.document.positionAt(at),
          editor.document.positionAt(at + 'controls: []'.length),
        ),
        'controls: [rate_limiting]',
      ),
    );
    const after = await mltmDiagnostics(uri, (l) => l.length > 0 && dos(l).length === 0);
    assert.equal(after.length, before.length - 1);
    await vscode.commands.executeCommand('undo');
    await mltmDiagnostics(uri, (l) => dos(l).length === 1);
    await restore(editor.document, text);
  });

  it("links a flow's threat to both ends of the flow", async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const list = await mltmDiagnostics(editor.document.uri, (l) =>
      l.some((d) => code(d) === 'external-caller-spoofing'),
    );
    const spoofing = list.find((d) => code(d) === 'external-caller-spoofing') as vscode.Diagnostic;
    const related = (spoofing.relatedInformation ?? []).map(
      (r) => `${r.location.range.start.line + 1} ${r.message}`,
    );
    assert.deepEqual(related, [
      '24 source of the flow: `shopper`',
      '28 destination of the flow: `scoring-api`',
    ]);
  });

  it('reports register problems on the register: expired, unjustified, needs review, stale (tagged unnecessary); decided threats leave the model', async () => {
    const modelEditor = await open(fixture('register', 'bank.mltm.yaml'));
    const registerUri = fixture('register', 'bank.threats.yaml');
    const registerText = new TextDecoder().decode(await vscode.workspace.fs.readFile(registerUri));
    const loaded = loadRegister(registerText);
    assert.ok(loaded.register);
    const analysis = analyzeLoaded(modelEditor.document.getText());
    const expected = checkRegister(loaded.register, analysis, {
      today: new Date().toISOString().slice(0, 10),
      modelFile: 'bank.mltm.yaml',
    });
    const list = await mltmDiagnostics(registerUri, (l) => l.length === expected.length);
    const codes = list.map(code).sort();
    assert.deepEqual(codes, ['MLTM301', 'MLTM302', 'MLTM303', 'MLTM304']);
    assert.deepEqual(codes, expected.map((p) => p.code).sort());
    const stale = list.find((d) => code(d) === 'MLTM304') as vscode.Diagnostic;
    assert.deepEqual(stale.tags, [vscode.DiagnosticTag.Unnecessary]);
    assert.equal(stale.range.start.line + 1, 11);
    assert.equal(
      (list.find((d) => code(d) === 'MLTM302') as vscode.Diagnostic).range.start.line + 1,
      8,
    );
    // Decided threats (accepted, not applicable) are not reported on the model; an open one links to its entry.
    const model = await mltmDiagnostics(modelEditor.document.uri, (l) =>
      l.some((d) => code(d) === 'external-caller-spoofing'),
    );
    assert.ok(!model.some((d) => code(d) === 'ai-service-denial-of-service'));
    assert.ok(!model.some((d) => code(d) === 'process-exploit-public-facing'));
    assert.ok(!model.some((d) => code(d) === 'external-caller-repudiation'));
    assert.equal(
      (list.find((d) => code(d) === 'MLTM303') as vscode.Diagnostic).range.start.line + 1,
      17,
    );
    const spoofing = model.find((d) => code(d) === 'external-caller-spoofing') as vscode.Diagnostic;
    const entryLink = spoofing.relatedInformation?.find(
      (r) => r.location.uri.toString() === registerUri.toString(),
    );
    assert.ok(entryLink, 'links to the register entry');
    assert.equal(entryLink.location.range.start.line + 1, selfTestFail() ? 99 : 13);
  });

  it('hides schema problems when the setting says never, and shows them again', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const uri = editor.document.uri;
    const text = editor.document.getText();
    const at = text.indexOf('kind: model_registry');
    await editor.edit((b) =>
      b.replace(
        new vscode.Range(
          editor.document.positionAt(at),
          editor.document.positionAt(at + 'kind: model_registry'.length),
        ),
        'kind: model_registri',
      ),
    );
    await mltmDiagnostics(uri, (l) => l.some((d) => code(d) === 'MLTM104'));
    const config = vscode.workspace.getConfiguration('mltm');
    await config.update(
      'diagnostics.schemaProblems',
      'never',
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      await mltmDiagnostics(uri, (l) => !l.some((d) => code(d) === 'MLTM104'));
    } finally {
      await config.update(
        'diagnostics.schemaProblems',
        undefined,
        vscode.ConfigurationTarget.Workspace,
      );
    }
    await mltmDiagnostics(uri, (l) => l.some((d) => code(d) === 'MLTM104'));
    await restore(editor.document, text);
  });
});

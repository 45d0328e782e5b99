/**
 * What a user gets while editing a model: quick fixes (order and edit result), hover text,
 * completion of ids and kinds, CodeLens counts, and rename of an id in model and register.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { elementRisks } from '../../src/core/views/elementRisk';
import { editorDecision } from '../../src/core/views/problemsPanel';
import { analyzeLoaded } from '../support/analysis';
import {
  analysedDiagnostics,
  fixture,
  mltmDiagnostics,
  open,
  restore,
  waitFor,
  showDiagnostics,
} from './helpers';

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);
const hoverText = (hovers: vscode.Hover[]) =>
  hovers
    .flatMap((h) =>
      h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')),
    )
    .join('\n');

const revert = (editor: vscode.TextEditor, text: string) => restore(editor.document, text);

describe('editing a model', () => {
  // One diagnostic per threat (mltm.diagnostics.show: threats); fixPlan.test.ts tests the default.
  before(() => showDiagnostics('threats'));
  after(() => showDiagnostics(undefined));
  // Every test starts from the fixture as written, even after a failed one.
  let shopText = '';
  before(async () => {
    shopText = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(fixture('edit', 'shop.mltm.yaml')),
    );
  });
  afterEach(async () => {
    const document = await vscode.workspace.openTextDocument(fixture('edit', 'shop.mltm.yaml'));
    if (document.getText() !== shopText || document.isDirty) await restore(document, shopText);
  });

  it('offers quick fixes in order: add the control (preferred), accept, not applicable, documentation; the fix edits the model', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const original = editor.document.getText();
    const list = await analysedDiagnostics(editor.document.uri);
    const diagnostic = list.find(
      (d) => code(d) === 'ai-service-denial-of-service',
    ) as vscode.Diagnostic;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    // Actions come back through the API converter without their `diagnostics`; they are told apart by title.
    const mine = actions.filter(
      (a) => a.title.includes('ai-service-denial-of-service') || a.title.includes('rate_limiting'),
    );
    assert.ok(actions.length > 0, 'quick fixes offered');
    assert.deepEqual(
      mine.map((a) => a.title),
      [
        'Add control `rate_limiting` (Rate limiting and quotas) to `scoring-api`',
        'Accept the risk of `ai-service-denial-of-service@scoring-api` in the register…',
        'Mark `ai-service-denial-of-service@scoring-api` not applicable in the register…',
        'Show documentation for rule ai-service-denial-of-service',
      ],
    );
    assert.equal(mine[0]?.isPreferred, true);
    assert.equal(mine.filter((a) => a.isPreferred).length, 1);
    assert.deepEqual(mine[1]?.command?.arguments?.slice(1), [
      'ai-service-denial-of-service@scoring-api',
      'accepted',
    ]);
    const edit = mine[0]?.edit;
    assert.ok(edit);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.match(
      editor.document.getText(),
      /\n {2}scoring-api:\n(?: {4}.*\n)*? {4}controls: \[rate_limiting\]\n/,
    );
    await mltmDiagnostics(
      editor.document.uri,
      (l) => l.length > 0 && !l.some((d) => code(d) === 'ai-service-denial-of-service'),
    );
    await revert(editor, original);
  });

  it('the internal addControl command adds to a flow (for the diagram)', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const original = editor.document.getText();
    assert.equal(
      await vscode.commands.executeCommand(
        'mltm.addControl',
        editor.document.uri,
        'shopper->scoring-api',
        'mtls',
      ),
      true,
    );
    assert.ok(
      editor.document
        .getText()
        .includes(
          '  - from: shopper\n    to: scoring-api\n    data: [request]\n    controls: [mtls]\n',
        ),
    );
    assert.equal(
      await vscode.commands.executeCommand(
        'mltm.addControl',
        editor.document.uri,
        'no-such-element',
        'mtls',
      ),
      false,
    );
    await revert(editor, original);
  });

  it('hover on a component lists its threats with STRIDE, ATLAS names and links, severity, status and why', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    await mltmDiagnostics(editor.document.uri);
    const position = editor.document.positionAt(
      editor.document.getText().indexOf('scoring-api:') + 2,
    );
    const text = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        position,
      ),
    );
    assert.match(text, /\*\*scoring-api\*\* \(serving_endpoint\) — 4 threats, 4 open/);
    assert.match(text, /ML service flooded with requests\*\* · high · status: open/);
    assert.match(
      text,
      /STRIDE: Denial of service · ATLAS: \[AML\.T0029 Denial of AI Service\]\(https:\/\/atlas\.mitre\.org\/techniques\/AML\.T0029\)/,
    );
    assert.match(text, /Why: /);
    // Each threat's risk with the factors behind it, as the reports word it.
    assert.match(
      text,
      /Risk (\d+) = likelihood (\d) \(from 1: reach [+±]\d, .*\) × impact (\d) \(from 1: severity [+±]\d, .*\) × 4/,
    );
    assert.match(text, /Missing: `rate_limiting`/);
  });

  it('completes component ids after `to:`, control kinds in `controls` and component kinds after `kind:`', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    const original = editor.document.getText();
    await mltmDiagnostics(editor.document.uri);
    const end = editor.document.positionAt(original.length);
    await editor.edit((b) => b.insert(end, '  - from: shopper\n    to: '));
    const position = editor.document.positionAt(editor.document.getText().length);
    const ids = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      position,
    );
    const labels = ids.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const id of ['shopper', 'scoring-api', 'model-store'])
      assert.ok(labels.includes(id), `${id} offered`);
    const controlsAt = editor.document.positionAt(
      original.indexOf('controls: []') + 'controls: ['.length,
    );
    const controls = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      controlsAt,
    );
    const controlLabels = controls.items.map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );
    for (const control of [
      'rate_limiting',
      'authn',
      'llm_guardrails',
      // the agent-era controls (issue 15)
      'publisher_verification',
      'dependency_pinning',
      'config_scanning',
      'egress_allowlist',
      'scoped_credentials',
      'device_attestation',
      'liveness_detection',
      'untrusted_content_marking',
    ])
      assert.ok(controlLabels.includes(control), `${control} offered`);
    const kindAt = editor.document.positionAt(original.indexOf('kind: user') + 'kind: '.length);
    const kinds = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      kindAt,
    );
    const kindLabels = kinds.items.map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );
    for (const kind of [
      'serving_endpoint',
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
    ])
      assert.ok(kindLabels.includes(kind), `component kind ${kind} offered`);
    await revert(editor, original);
  });

  it('shows "N threats · M open" and "Diagram" above components and flows', async () => {
    const editor = await open(fixture('edit', 'shop.mltm.yaml'));
    await mltmDiagnostics(editor.document.uri);
    const lenses = await waitFor('code lenses', async () => {
      const list = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        editor.document.uri,
        100,
      );
      return list.length > 0 ? list : undefined;
    });
    const counts = lenses.filter((l) => l.command?.command === 'mltm.showElementThreats');
    const shown = counts.map((l) => `${l.range.start.line + 1} ${l.command?.title}`);
    // The risk is the highest risk score of the element's open threats, as the core scores it.
    const analysis = analyzeLoaded(editor.document.getText());
    const risks = elementRisks(analysis.threats, editorDecision(analysis, undefined));
    const risk = (id: string) => ` · risk ${risks.get(id)?.highest ?? '∅'}`;
    assert.deepEqual(shown, [
      '24 0 threats · 0 open',
      `28 4 threats · 4 open${risk('scoring-api')}`,
      `34 2 threats · 2 open${risk('model-store')}`,
      `40 6 threats · 6 open${risk(analysis.model.flows[0]?.id ?? '')}`,
      `43 1 threat · 1 open${risk('load-model')}`,
    ]);
    // Each element also gets a lens opening the diagram focused on it, on the same line.
    const diagram = lenses.filter((l) => l.command?.command === 'mltm.openDiagram');
    assert.deepEqual(
      diagram.map((l) => l.range.start.line + 1),
      counts.map((l) => l.range.start.line + 1),
    );
    assert.equal(
      diagram[1]?.command?.arguments?.[1],
      counts[1]?.command?.arguments?.[1],
      'focused on the same element',
    );
  });

  it('renames an id (F2) in the model and its register together', async () => {
    const editor = await open(fixture('register', 'bank.mltm.yaml'));
    await mltmDiagnostics(editor.document.uri);
    const position = editor.document.positionAt(
      editor.document.getText().indexOf('scoring-api:') + 1,
    );
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      editor.document.uri,
      position,
      'risk-api',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const model = editor.document.getText();
    assert.ok(model.includes('  risk-api:\n') && !model.includes('scoring-api'));
    assert.ok(model.includes('    to: risk-api\n'));
    const register = await vscode.workspace.openTextDocument(
      fixture('register', 'bank.threats.yaml'),
    );
    const text = register.getText();
    const keys = Object.keys((parse(text) as { threats: Record<string, unknown> }).threats);
    assert.deepEqual(keys, [
      'ai-service-denial-of-service@risk-api',
      'process-exploit-public-facing@risk-api',
      'flow-tampering-in-transit@shopper',
      'external-caller-spoofing@shopper->risk-api',
      'external-caller-repudiation@shopper->risk-api',
    ]);
    assert.ok(
      text.includes('# Register fixture: one decision of each kind the editor must flag.'),
      'comments kept',
    );
    assert.ok(text.includes('    justification: A CDN quota absorbs floods.'), 'human fields kept');
  });
});

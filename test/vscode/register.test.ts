/**
 * The register as a user drives it: "accept risk" writes the register file (through a
 * WorkspaceEdit, justification given as the command's argument, as the quick fix's prompt
 * would), the threat leaves the Problems panel, and the Threat Register view shows it accepted.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MltmApi } from '../../src/extension/extension';
import { parse } from 'yaml';
import { fixture, mltmDiagnostics, open, openExample, waitFor, showDiagnostics } from './helpers';

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);

function api(): MltmApi {
  const extension = vscode.extensions.getExtension<MltmApi>('mltm.mltm');
  assert.ok(extension?.isActive);
  return extension.exports;
}

describe('threat register', () => {
  // One diagnostic per threat (mltm.diagnostics.show: threats); fixPlan.test.ts tests the default.
  before(() => showDiagnostics('threats'));
  after(() => showDiagnostics(undefined));
  const threatId = 'ai-service-denial-of-service@scoring-api';

  it('accept risk writes the register file with the status and justification', async () => {
    const editor = await open(fixture('accept', 'shop.mltm.yaml'));
    await mltmDiagnostics(editor.document.uri, (l) =>
      l.some((d) => code(d) === 'ai-service-denial-of-service'),
    );
    const ok = await vscode.commands.executeCommand(
      'mltm.setThreatStatus',
      editor.document.uri,
      threatId,
      'accepted',
      'Cloudflare rate limits the route until Q3.',
    );
    assert.equal(ok, true);
    const registerUri = fixture('accept', 'shop.threats.yaml');
    const onDisk = await waitFor('the register on disk', async () => {
      const text = await vscode.workspace.fs.readFile(registerUri).then(
        (b) => new TextDecoder().decode(b),
        () => undefined,
      );
      return text?.includes('accepted') ? text : undefined;
    });
    const register = parse(onDisk) as {
      'mltm-register': number;
      model: string;
      threats: Record<string, Record<string, unknown>>;
    };
    assert.equal(register['mltm-register'], 1);
    assert.equal(register.model, 'shop.mltm.yaml');
    assert.equal(register.threats[threatId]?.['status'], 'accepted');
    assert.equal(
      register.threats[threatId]?.['justification'],
      'Cloudflare rate limits the route until Q3.',
    );
    assert.equal(
      Object.keys(register.threats).length,
      13,
      'every threat of the model has an entry',
    );
    await mltmDiagnostics(
      editor.document.uri,
      (l) => l.length > 0 && !l.some((d) => code(d) === 'ai-service-denial-of-service'),
    );
    // Published together with the model's: the register mltm wrote has no problems of its own.
    assert.deepEqual(
      vscode.languages
        .getDiagnostics(registerUri)
        .filter((d) => d.source === 'mltm')
        .map((d) => `${code(d)} ${d.message}`),
      [],
    );
  });

  it('asks for a justification when none is given; cancelling changes nothing', async () => {
    const uri = fixture('accept', 'shop.mltm.yaml');
    const registerUri = fixture('accept', 'shop.threats.yaml');
    const before = new TextDecoder().decode(await vscode.workspace.fs.readFile(registerUri));
    const pending = vscode.commands.executeCommand(
      'mltm.setThreatStatus',
      uri,
      'process-input-tampering@scoring-api',
      'not_applicable',
    );
    // The input box is open when the command is still waiting; closing it is "cancel".
    let settled = false;
    void Promise.resolve(pending).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(settled, false, 'the command waits for the justification');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, false);
    const document = vscode.workspace.textDocuments.find(
      (d) => d.uri.toString() === registerUri.toString(),
    );
    assert.equal(document?.getText() ?? before, before);
  });

  it("the CodeLens command shows only the element's threats in the register view", async () => {
    await vscode.commands.executeCommand(
      'mltm.showElementThreats',
      fixture('accept', 'shop.mltm.yaml'),
      'model-store',
    );
    const items = await api().registerTreeItems();
    const threats = items.filter((i) => i.contextValue.startsWith('threat')).map((i) => i.label);
    assert.ok(threats.length >= 2);
    assert.ok(threats.includes('ML administration surface without authentication'));
    assert.ok(
      !threats.includes('ML service flooded with requests'),
      'threats of other elements are hidden',
    );
    assert.equal(
      vscode.window.activeTextEditor?.document.getText(vscode.window.activeTextEditor.selection),
      'model-store',
    );
    await vscode.commands.executeCommand('mltm.register.clearFilter');
  });

  it('refuses an unknown status and an unknown threat', async () => {
    const uri = fixture('accept', 'shop.mltm.yaml');
    assert.equal(
      await vscode.commands.executeCommand('mltm.setThreatStatus', uri, threatId, 'ignored', 'x'),
      false,
    );
    assert.equal(
      await vscode.commands.executeCommand(
        'mltm.setThreatStatus',
        uri,
        'no-rule@scoring-api',
        'accepted',
        'x',
      ),
      false,
    );
  });

  it('the Threat Register view shows the threats grouped by element, and by status', async () => {
    await vscode.commands.executeCommand('mltm.register.filter', {});
    await vscode.commands.executeCommand('mltm.register.groupBy', 'element');
    const items = await api().registerTreeItems();
    const model = items.find((i) => i.label === 'Shop recommender (accept-risk fixture)');
    assert.ok(model, 'the model is listed');
    assert.match(model.description, /^shop\.mltm\.yaml · 12 open$/);
    const accepted = items.find(
      (i) => i.label === 'ML service flooded with requests' && i.description.includes('accepted'),
    );
    assert.ok(accepted, 'the accepted threat is shown with its status');
    assert.equal(accepted.contextValue, 'threat-accepted');
    assert.equal(accepted.description, 'high · accepted · missing rate_limiting');
    await vscode.commands.executeCommand('mltm.register.groupBy', 'status');
    await vscode.commands.executeCommand('mltm.register.filter', { statuses: ['accepted'] });
    const all = await api().registerTreeItems();
    const start = all.findIndex((i) => i.label === 'Shop recommender (accept-risk fixture)');
    const end = all.findIndex((i, index) => index > start && i.depth === 0);
    const filtered = all.slice(start + 1, end < 0 ? undefined : end);
    const groups = filtered.filter((i) => i.contextValue === 'group').map((i) => i.label);
    assert.deepEqual(groups, ['accepted']);
    assert.deepEqual(
      filtered
        .filter((i) => i.contextValue.startsWith('threat'))
        .map((i) => `${i.label} | ${i.description}`),
      ['ML service flooded with requests | scoring-api · high · missing rate_limiting'],
    );
    await vscode.commands.executeCommand('mltm.register.filter', {});
    await vscode.commands.executeCommand('mltm.register.groupBy', 'element');
  });

  it('shows privacy threats with their category and LINDDUN codes, and filters by category', async () => {
    const editor = await openExample('11-rag-llm-app.mltm.yaml');
    await mltmDiagnostics(editor.document.uri);
    await vscode.commands.executeCommand('mltm.register.groupBy', 'element');
    const modelThreats = async () => {
      const all = await api().registerTreeItems();
      const start = all.findIndex((i) => i.label.startsWith('Ask Atlas'));
      assert.ok(start >= 0, 'the RAG example is listed');
      const end = all.findIndex((i, index) => index > start && i.depth === 0);
      return all
        .slice(start + 1, end < 0 ? undefined : end)
        .filter((i) => i.contextValue.startsWith('threat'));
    };
    await vscode.commands.executeCommand('mltm.register.filter', {});
    const everything = await modelThreats();
    const linddun = /privacy \((?:LINDDUN )(?:L|I|Nr|D|DD|U|Nc)(?:, (?:L|I|Nr|D|DD|U|Nc))*\)/;
    const labelled = everything.filter((i) => linddun.test(i.description));
    assert.ok(labelled.length > 0, 'privacy threats name their category and LINDDUN codes');
    await vscode.commands.executeCommand('mltm.register.filter', { category: 'privacy' });
    const privacy = await modelThreats();
    assert.equal(privacy.length, labelled.length, 'the privacy filter keeps exactly those');
    assert.ok(privacy.every((i) => linddun.test(i.description)));
    await vscode.commands.executeCommand('mltm.register.filter', { category: 'security' });
    const security = await modelThreats();
    assert.equal(security.length, everything.length - labelled.length);
    assert.ok(security.every((i) => !i.description.includes('privacy')));
    await vscode.commands.executeCommand('mltm.register.filter', {});
  });

  it('creates a model from a scenario template, then syncs its register', async () => {
    const target = fixture('templates', 'resnet.mltm.yaml');
    const created = await vscode.commands.executeCommand<vscode.Uri>(
      'mltm.newModelFromTemplate',
      '06-unauthenticated-resnet.mltm.yaml',
      target,
    );
    assert.equal(created?.toString(), target.toString());
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), target.toString());
    const diagnostics = await mltmDiagnostics(target);
    assert.ok(diagnostics.length > 10);
    assert.equal(await vscode.commands.executeCommand('mltm.syncRegister', target), true);
    const register = parse(
      new TextDecoder().decode(
        await vscode.workspace.fs.readFile(fixture('templates', 'resnet.threats.yaml')),
      ),
    ) as { model: string; threats: Record<string, { status: string }> };
    assert.equal(register.model, 'resnet.mltm.yaml');
    const threatCount =
      (
        await vscode.extensions.getExtension<MltmApi>('mltm.mltm')?.exports.registerTreeItems()
      )?.filter((i) => i.contextValue === 'threat-open').length ?? 0;
    assert.ok(Object.keys(register.threats).length > 10);
    assert.ok(Object.values(register.threats).every((entry) => entry.status === 'open'));
    assert.ok(threatCount >= Object.keys(register.threats).length, 'the register view lists them');
  });

  it('three register writes started at once all land: a sync and two decisions', async () => {
    const model = fixture('concurrent', 'shop.mltm.yaml');
    const registerUri = fixture('concurrent', 'shop.threats.yaml');
    await vscode.workspace.fs.writeFile(
      model,
      await vscode.workspace.fs.readFile(fixture('accept', 'shop.mltm.yaml')),
    );
    // No register yet: each write alone would create it; together, one creates and two update.
    const results = await Promise.all([
      vscode.commands.executeCommand('mltm.syncRegister', model),
      vscode.commands.executeCommand('mltm.setThreatStatus', model, threatId, 'accepted', 'Q3.'),
      vscode.commands.executeCommand(
        'mltm.setThreatStatus',
        model,
        'process-input-tampering@scoring-api',
        'not_applicable',
        'The scorer takes no free text.',
      ),
    ]);
    assert.deepEqual(results, [true, true, true]);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(registerUri));
    const register = parse(text) as { threats: Record<string, Record<string, unknown>> };
    assert.equal(Object.keys(register.threats).length, 13, 'one entry per threat, none twice');
    assert.equal(register.threats[threatId]?.['status'], 'accepted');
    assert.equal(
      register.threats['process-input-tampering@scoring-api']?.['status'],
      'not_applicable',
    );
    assert.equal(text.match(/^mltm-register:/gm)?.length, 1, 'the file was written once over');
  });

  it('leaves the Problems panel open on an example (for the screenshot)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openExample('06-unauthenticated-resnet.mltm.yaml');
    await mltmDiagnostics(editor.document.uri);
    await vscode.commands.executeCommand('mltm.register.groupBy', 'severity');
    await api().registerTreeItems();
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('mltm.register.focus');
    await vscode.window.showTextDocument(editor.document);
    // Let the view render what registerTreeItems() already computed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
});

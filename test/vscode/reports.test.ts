/**
 * "Generate Threat Report" as a user runs it: the command (its pickers skipped by arguments)
 * writes the report file, opens it, and the file says what the engine says — the headline, the
 * threat counts, SARIF results with the register's decisions as suppressions — for the model as it
 * is in the editor, unsaved edits included. Expected values come from the core engine (`analyze`,
 * `loadRegister`, `effectiveStatus`), not from the report writers under test.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadRegister, type ThreatRegister } from '../../src/core/register/register';
import { effectiveStatus } from '../../src/core/register/status';
import { fixture, open, openExample, waitFor } from './helpers';
import { analyzeLoaded } from '../support/analysis';

interface SarifResult {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  suppressions?: { justification: string }[];
  properties: Record<string, unknown>;
  locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
}

const read = async (uri: vscode.Uri): Promise<string | undefined> =>
  vscode.workspace.fs.readFile(uri).then(
    (bytes) => new TextDecoder().decode(bytes),
    () => undefined,
  );

/** What the engine says about a model text (and its register text): name, threat count, open count. */
function engineCounts(
  text: string,
  registerText?: string,
): {
  name: string;
  total: number;
  open: number;
  register: ThreatRegister | undefined;
  ids: string[];
} {
  const analysis = analyzeLoaded(text);
  assert.ok(analysis.model, 'the fixture loads');
  const register = registerText === undefined ? undefined : loadRegister(registerText).register;
  const open = analysis.threats.filter((t) => effectiveStatus(t, register) === 'open').length;
  return {
    name: analysis.model.name,
    total: analysis.threats.length,
    open,
    register,
    ids: analysis.threats.map((t) => t.id),
  };
}

/** Whether a Markdown preview of `uri` is among the open tabs. */
function previewOpen(uri: vscode.Uri): boolean {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some(
      (tab) =>
        tab.input instanceof vscode.TabInputWebview &&
        tab.input.viewType.includes('markdown.preview') &&
        tab.label.includes(name),
    ),
  );
}

describe('generate report', () => {
  it("writes a Markdown report beside an example, with the engine's headline and counts, and previews it", async () => {
    const editor = await openExample('06-unauthenticated-resnet.mltm.yaml');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      editor.document.uri,
      'md',
    );
    const expectedUri = fixture('examples', '06-unauthenticated-resnet.report.md');
    assert.equal(
      written?.toString(),
      expectedUri.toString(),
      'written beside the model as <name>.report.md',
    );
    const text = await read(expectedUri);
    assert.ok(text, 'the report file exists');
    const engine = engineCounts(editor.document.getText());
    assert.ok(engine.total > 0);
    assert.equal(text.split('\n')[0], `# Threat model report: ${engine.name}`);
    assert.ok(
      text.includes(`**${engine.total} threats, ${engine.open} open.**`),
      `headline counts ${engine.total}/${engine.open} in:\n${text.slice(0, 800)}`,
    );
    assert.ok(text.includes('```mermaid\nflowchart'), 'the diagram is in the report');
    assert.ok(
      text.includes('| Model | examples/06-unauthenticated-resnet.mltm.yaml |'),
      'the model is named relative to the workspace',
    );
    await waitFor('the Markdown preview of the report', () =>
      previewOpen(expectedUri) ? true : undefined,
    );
    // No temporary file is left behind by the atomic write.
    const siblings = await vscode.workspace.fs.readDirectory(fixture('examples'));
    assert.deepEqual(
      siblings.filter(([name]) => name.endsWith('.tmp')),
      [],
    );
  });

  it("writes SARIF with one result per threat that is not silently mitigated, the register's decisions as suppressions", async () => {
    const editor = await open(fixture('report', 'bank.mltm.yaml'));
    const target = fixture('out', 'bank.sarif');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      editor.document.uri,
      'sarif',
      target,
    );
    assert.equal(written?.toString(), target.toString());
    const text = await read(target);
    assert.ok(text, 'the SARIF file exists (its folder was created)');
    const sarif = JSON.parse(text) as {
      version: string;
      runs: { tool: { driver: { name: string } }; results: SarifResult[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.ok(run);
    assert.equal(run.tool.driver.name, 'mltm');
    const analysis = analyzeLoaded(editor.document.getText());
    const register = loadRegister(
      (await read(fixture('report', 'bank.threats.yaml'))) ?? '',
    ).register;
    assert.ok(register, 'the fixture register loads');
    // Expected from the engine: every threat except those mitigated by controls with no register entry.
    const expected = new Map<string, string>();
    for (const t of analysis.threats) {
      const status = effectiveStatus(t, register);
      if (status === 'mitigated' && !register.byId.has(t.id)) continue;
      expected.set(t.id, status);
    }
    const threatResults = run.results.filter((r) => r.properties['threatId'] !== undefined);
    assert.deepEqual(
      new Map(
        threatResults.map((r) => [
          r.partialFingerprints['mltmThreatId/v1'],
          String(r.properties['status']),
        ]),
      ),
      expected,
    );
    for (const r of threatResults)
      assert.equal(
        r.suppressions !== undefined,
        r.properties['status'] !== 'open',
        `${String(r.properties['threatId'])}: suppressed exactly when decided`,
      );
    const accepted = threatResults.find(
      (r) => r.properties['threatId'] === 'ai-service-denial-of-service@scoring-api',
    );
    assert.equal(
      accepted?.suppressions?.[0]?.justification,
      'accepted: A CDN quota absorbs floods.',
    );
    assert.equal(
      threatResults.filter((r) => !r.suppressions).length,
      analysis.threats.filter((t) => effectiveStatus(t, register) === 'open').length,
      "open results = the engine's open threats",
    );
    for (const r of run.results)
      assert.equal(r.locations[0]?.physicalLocation.artifactLocation.uri, 'report/bank.mltm.yaml');
    // SARIF opens as a file in an editor.
    await waitFor('the SARIF report in an editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === target.toString()
        ? true
        : undefined,
    );
  });

  it('reports the model as it is in the editor: unsaved edits are in the report, the file on disk is untouched', async () => {
    // The web workbench (code-server) auto-saves after a second by default; an unsaved edit must stay unsaved here.
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect<string>('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const uri = fixture('report', 'bank.mltm.yaml');
    const editor = await open(uri);
    const onDisk = await read(uri);
    const registerText = await read(fixture('report', 'bank.threats.yaml'));
    const before = engineCounts(editor.document.getText(), registerText);
    // Unsaved: a new name and a control on the public endpoint (which mitigates some of its threats).
    const edited = editor.document
      .getText()
      .replace('name: Bank scoring (report fixture)', 'name: Bank scoring (unsaved edit)')
      .replace('    controls: []', '    controls: [rate_limiting, waf, input_validation]');
    await editor.edit((b) =>
      b.replace(
        new vscode.Range(
          editor.document.positionAt(0),
          editor.document.positionAt(editor.document.getText().length),
        ),
        edited,
      ),
    );
    assert.equal(editor.document.isDirty, true);
    try {
      const after = engineCounts(editor.document.getText(), registerText);
      assert.notEqual(
        after.open,
        before.open,
        "the edit changes the engine's open count (else this test proves nothing)",
      );
      const target = fixture('out', 'bank-unsaved.md');
      await vscode.commands.executeCommand('mltm.generateReport', uri, 'md', target);
      const text = await read(target);
      assert.ok(text);
      assert.equal(text.split('\n')[0], '# Threat model report: Bank scoring (unsaved edit)');
      assert.ok(
        text.includes(`**${after.total} threats, ${after.open} open.**`),
        `counts ${after.total}/${after.open} of the edited text`,
      );
      const nowOnDisk = await read(uri);
      assert.ok(
        nowOnDisk?.includes('name: Bank scoring (report fixture)') &&
          !nowOnDisk.includes('name: Bank scoring (unsaved edit)'),
        `the model file was not saved; on disk now:\n${nowOnDisk ?? '(missing)'}`,
      );
      assert.equal(
        nowOnDisk,
        onDisk,
        `the model file is unchanged; before:\n${JSON.stringify(onDisk)}\nnow:\n${JSON.stringify(nowOnDisk)}`,
      );
      assert.equal(editor.document.isDirty, true);
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    }
  });

  it('reports the register as it is in the editor: a decision typed a moment ago, not yet analysed, is in the report', async () => {
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect<string>('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const model = await open(fixture('report', 'bank.mltm.yaml'));
    const registerEditor = await open(fixture('report', 'bank.threats.yaml'));
    const before = engineCounts(model.document.getText(), registerEditor.document.getText());
    const decided = registerEditor.document
      .getText()
      .replace(
        '  external-caller-spoofing@shopper->scoring-api:\n    status: open\n',
        '  external-caller-spoofing@shopper->scoring-api:\n    status: accepted\n    justification: Callers are vetted partners.\n',
      );
    const after = engineCounts(model.document.getText(), decided);
    assert.equal(
      after.open,
      before.open - 1,
      'the decision closes one open threat (else this test proves nothing)',
    );
    try {
      await registerEditor.edit((b) =>
        b.replace(
          new vscode.Range(
            registerEditor.document.positionAt(0),
            registerEditor.document.positionAt(registerEditor.document.getText().length),
          ),
          decided,
        ),
      );
      // At once: the edit's analysis still waits for its debounce, the report must not answer
      // from the analysis before it (issue 19: Sync then Generate Report in a browser workbench).
      const target = fixture('out', 'bank-register-unsaved.md');
      await vscode.commands.executeCommand('mltm.generateReport', model.document.uri, 'md', target);
      const text = await read(target);
      assert.ok(
        text?.includes(`**${after.total} threats, ${after.open} open.**`),
        `counts ${after.total}/${after.open} of the edited register; the report says:\n${text?.split('\n').slice(0, 8).join('\n') ?? '(nothing)'}`,
      );
    } finally {
      await vscode.window.showTextDocument(registerEditor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    }
  });

  it("writes HTML and JSON too: a self-contained page under a strict CSP, and the engine's threats", async () => {
    const uri = fixture('report', 'bank.mltm.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    const html = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      uri,
      'html',
      fixture('out', 'bank.html'),
    );
    assert.ok(html);
    const page = await read(html);
    assert.ok(page !== undefined && page.startsWith('<!doctype html>'), 'an HTML page');
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.ok(page.includes('Bank scoring (report fixture)'));
    const json = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      uri,
      'json',
      fixture('out', 'bank.json'),
    );
    assert.ok(json);
    const report = JSON.parse((await read(json)) ?? '') as { threats: { id: string }[] };
    assert.deepEqual(
      report.threats.map((t) => t.id).sort(),
      analyzeLoaded(document.getText())
        .threats.map((t) => t.id)
        .sort(),
    );
  });

  it('never saves a report as a model or a register (issue 16, defect 2)', async () => {
    const uri = fixture('report', 'bank.mltm.yaml');
    for (const name of ['bank-report.threats.yaml', 'bank-report.mltm.yaml']) {
      const target = fixture('out', name);
      const result = await vscode.commands
        .executeCommand<vscode.Uri | undefined>('mltm.generateReport', uri, 'sarif', target)
        .then(
          (value) => value,
          () => undefined,
        );
      assert.equal(result, undefined);
      assert.equal(await read(target), undefined, `${name} was not written`);
    }
  });

  it('writes nothing for a model with errors, and says why', async () => {
    const uri = fixture('out', 'broken.mltm.yaml');
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode(
        'mltm: 1\nname: Broken\ncomponents:\n  api: { kind: serving_endpoint, boundary: nowhere }\nflows:\n  - { from: api, to: missing }\n',
      ),
    );
    await open(uri);
    const result = await vscode.commands.executeCommand('mltm.generateReport', uri, 'md');
    assert.equal(result, undefined);
    assert.equal(await read(fixture('out', 'broken.report.md')), undefined, 'no report file');
  });

  it('asks for a format when none is given; cancelling the picker writes nothing', async () => {
    const uri = fixture('report', 'bank.mltm.yaml');
    const pending = vscode.commands.executeCommand('mltm.generateReport', uri);
    let settled = false;
    void Promise.resolve(pending).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(settled, false, 'the command waits for a format');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, undefined);
    for (const ext of ['md', 'html', 'sarif', 'json'])
      assert.equal(
        await read(fixture('report', `bank.report.${ext}`)),
        undefined,
        `no bank.report.${ext}`,
      );
  });
});

/**
 * The model session in the editor, for the defects the core's ModelWorkspace fixed:
 * - a 1,000-component model (analysed in the worker thread) gets a report with its diagram;
 * - a `*.mltm.yml` model keeps its register link: editing the register re-analyses, and the
 *   register's quick fixes are offered;
 * - custom packs are found by the same rule as the CLI (here: a pack two folders up).
 * Named to run last, and each test deletes what it wrote: a tracked 1,000-component model or a
 * new `.mltm` folder (which re-analyses every model) would slow the suites after it.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { generatePipeline } from '../../bench/generate';
import { WORKER_THRESHOLD } from '../../src/extension/analysisService';
import { fixture, mltmDiagnostics, open, waitFor, showDiagnostics } from './helpers';

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);
const read = async (uri: vscode.Uri) =>
  new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
const write = (uri: vscode.Uri, text: string) =>
  vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));

const SHOP = `mltm: 1
name: Shop recommender (.yml fixture)
boundaries:
  internet: { name: Internet, trust: untrusted }
  cloud: { name: Cloud, trust: trusted }
components:
  shopper: { name: Shopper, kind: user, boundary: internet }
  scoring-api: { name: Scoring API, kind: serving_endpoint, boundary: cloud, exposure: public }
flows:
  - { from: shopper, to: scoring-api }
`;

/** Deletes a fixture folder (the service forgets its models through the file watcher). */
const remove = (...segments: string[]) =>
  vscode.workspace.fs.delete(fixture(...segments), { recursive: true, useTrash: false });

describe('model session (core ModelWorkspace)', () => {
  // One diagnostic per threat (mltm.diagnostics.show: threats); fixPlan.test.ts tests the default.
  before(() => showDiagnostics('threats'));
  after(() => showDiagnostics(undefined));
  it('a 1,000-component model analysed in the worker thread gets an HTML report with its diagram', async function () {
    this.timeout(240_000);
    const text = generatePipeline({ components: 1000, seed: 3 }).text;
    assert.ok(text.length >= WORKER_THRESHOLD, 'the model is large enough for the worker thread');
    const model = fixture('large-report', 'big.mltm.yaml');
    await vscode.workspace.fs.createDirectory(fixture('large-report'));
    await write(model, text);
    const target = fixture('large-report', 'big.report.html');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      model,
      'html',
      target,
    );
    assert.equal(written?.toString(), target.toString());
    const html = await read(target);
    assert.doesNotMatch(html, /no diagram/);
    const source = /<pre class="source" id="diagram-source">([\s\S]*?)<\/pre>/.exec(html)?.[1];
    assert.ok(source, 'the report carries the diagram source');
    assert.match(source, /^flowchart/);
    const names = [...text.matchAll(/^ {4}name: (.+)$/gm)].length;
    assert.ok(names >= 1000, 'the fixture names its components');
    // Every component is drawn: one node line per component, not an empty placeholder.
    assert.ok(source.split('\n').length > 1000, `diagram has ${source.split('\n').length} lines`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await remove('large-report');
  });

  it('a .mltm.yml model: editing its register re-analyses, and the register offers its quick fix', async function () {
    this.timeout(120_000);
    await vscode.workspace.fs.createDirectory(fixture('yml'));
    const model = fixture('yml', 'shop.mltm.yml');
    await write(model, SHOP);
    await open(model);
    await mltmDiagnostics(model, (l) => l.some((d) => code(d) === 'ai-service-denial-of-service'));
    assert.equal(await vscode.commands.executeCommand('mltm.syncRegister', model), true);
    const registerUri = fixture('yml', 'shop.threats.yaml');
    const registerText = await waitFor('the register beside the .yml model', async () => {
      const t = await read(registerUri).catch(() => undefined);
      return t?.includes('model: shop.mltm.yml') ? t : undefined;
    });
    const register = (await open(registerUri)).document;
    // A typo in an entry's element id, typed (unsaved) in the register.
    const key = 'ai-service-denial-of-service@scoring-api:';
    const at = registerText.indexOf(key);
    assert.ok(at >= 0, 'the register has the entry');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      registerUri,
      new vscode.Range(register.positionAt(at), register.positionAt(at + key.length)),
      'ai-service-denial-of-service@scoring-apj:',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const list = await mltmDiagnostics(registerUri, (l) => l.some((d) => code(d) === 'MLTM306'));
    const typo = list.find((d) => code(d) === 'MLTM306') as vscode.Diagnostic;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      registerUri,
      typo.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.ok(
      actions.some((a) => a.title.includes('ai-service-denial-of-service@scoring-api')),
      `a quick fix in the register: ${actions.map((a) => a.title).join(' | ')}`,
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await remove('yml');
  });

  it('custom packs two folders above the model apply, by the same rule as the CLI', async function () {
    this.timeout(60_000);
    await vscode.workspace.fs.createDirectory(fixture('pack-layout', '.mltm', 'rules'));
    await write(
      fixture('pack-layout', '.mltm', 'rules', 'team.yaml'),
      `mltm-rules: 1
pack: { id: team }
rules:
  - id: team-serving-review
    title: Serving endpoint without a team review
    element: component
    when: { kind: [serving_endpoint] }
    stride: [T]
    atlas: [AML.T0010.001]
    severity: medium
    mitigations: { all_of: [aibom] }
    why: "{element} serves a model"
`,
    );
    await vscode.workspace.fs.createDirectory(fixture('pack-layout', 'services', 'ml'));
    const model = fixture('pack-layout', 'services', 'ml', 'shop.mltm.yaml');
    await write(model, SHOP);
    await open(model);
    await mltmDiagnostics(model, (l) => l.some((d) => code(d) === 'team-serving-review'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await remove('pack-layout');
  });
});

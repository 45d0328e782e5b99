/**
 * The diagram inside a real VS Code: `mltm.openDiagram` on an example opens the webview panel,
 * which receives a scene drawn from the extension's shared analysis; adding a component and a
 * flow through a WorkspaceEdit redraws it with one node and one edge more; a triage decision
 * posted from the diagram reaches the register and comes back as the threat's status; a click
 * on a node (the webview's `revealElement` message, through the panel's own handler) selects the
 * element's id in the YAML; the Mermaid export is the reports' exporter. With the offline driver
 * (code-server + Chromium), the driver also counts the nodes in the real webview DOM, clicks one
 * there, and screenshots the workbench (test-results/vscode-diagram.png).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadRegister } from '../../src/core/register/register';
import { modelToMermaid } from '../../src/core/report/mermaid';
import type { DiagramPanelStats } from '../../src/extension/diagram/diagramPanel';
import type { MltmApi } from '../../src/extension/extension';
import { askDriver, fixture, openExample, restore, selfTestFail, waitFor } from './helpers';
import { analyzeLoaded } from '../support/analysis';

const EXAMPLE = '02-model-extraction.mltm.yaml';

function api(): MltmApi {
  const extension = vscode.extensions.getExtension<MltmApi>('mltm.mltm');
  assert.ok(extension?.isActive, 'mltm is active');
  return extension.exports;
}

function panelOf(uri: vscode.Uri): DiagramPanelStats | undefined {
  return api()
    .diagramPanels()
    .find((p) => p.modelUri === uri.toString());
}

/** Waits until the panel has delivered a scene satisfying `ready`. */
function scene(
  uri: vscode.Uri,
  ready: (p: DiagramPanelStats) => boolean,
  what: string,
): Promise<DiagramPanelStats> {
  return waitFor(
    what,
    () => {
      const panel = panelOf(uri);
      return panel?.ready && panel.lastScene && panel.scenesDelivered > 0 && ready(panel)
        ? panel
        : undefined;
    },
    30_000,
  );
}

/** The editor showing a document (the reveal may use any column). */
const editorOf = (uri: vscode.Uri) =>
  vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());

describe('diagram', () => {
  let original = '';
  let uri: vscode.Uri;

  before(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openExample(EXAMPLE);
    uri = editor.document.uri;
    original = editor.document.getText();
  });

  after(async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== original) await restore(document, original);
    const register = fixture('examples', EXAMPLE.replace('.mltm.yaml', '.threats.yaml'));
    await vscode.workspace.fs.delete(register).then(
      () => undefined,
      () => undefined,
    );
  });

  it('mltm.openDiagram opens the panel and the webview receives the analysed scene', async () => {
    await vscode.commands.executeCommand('mltm.openDiagram', uri);
    const panel = await scene(uri, () => true, 'the first scene');
    const expected = analyzeLoaded(original);
    assert.ok(expected.model);
    const shown = panel.lastScene;
    assert.ok(shown);
    assert.equal(shown.modelUri, uri.toString());
    assert.equal(shown.modelName, expected.model.name);
    assert.deepEqual(
      shown.graph.components.map((c) => c.id).sort(),
      expected.model.components.map((c) => c.id).sort(),
    );
    assert.equal(
      shown.layout.nodes.length,
      expected.model.components.length,
      'every component laid out',
    );
    assert.equal(shown.graph.flows.length, expected.model.flows.length);
    // The shared analysis: the same threats the diagnostics are made from.
    assert.deepEqual(
      shown.threats.map((t) => t.id).sort(),
      expected.threats.map((t) => t.id).sort(),
    );
    assert.equal(panel.received['ready'], 1, 'the webview said ready once');
  });

  it('the real webview draws the scene (driver: DOM count, screenshot, a click reveals the YAML)', async function () {
    const expected = panelOf(uri)?.lastScene;
    assert.ok(expected);
    // The cursor on a component's id highlights it in the diagram (seen in the screenshot).
    const column = editorOf(uri)?.viewColumn;
    const yaml = await vscode.window.showTextDocument(uri, {
      preview: false,
      ...(column !== undefined && { viewColumn: column }),
    });
    const highlights = panelOf(uri)?.sent['highlight'] ?? 0;
    const gateway = original.indexOf('  api-gateway:\n') + 2;
    yaml.selection = new vscode.Selection(
      yaml.document.positionAt(gateway),
      yaml.document.positionAt(gateway + 'api-gateway'.length),
    );
    yaml.revealRange(yaml.selection, vscode.TextEditorRevealType.AtTop);
    // As a user moving the cursor on that line.
    await vscode.commands.executeCommand('cursorEnd');
    await waitFor('the highlight to reach the webview', () =>
      (panelOf(uri)?.sent['highlight'] ?? 0) > highlights ? true : undefined,
    );
    const before = yaml.selection.active.line;
    // Room for the diagram in the screenshot: no side bar, and most of the width for the diagram.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('vscode.setEditorLayout', {
      orientation: 0,
      groups: [{ size: 0.32 }, { size: 0.68 }],
    });
    const response = await askDriver({
      nodes: expected.graph.components.length,
      click: 'recs-trainer',
      screenshot: 'vscode-diagram.png',
    });
    if (!response) this.skip(); // Online runs have no driver on the workbench page.
    assert.equal(response['error'], undefined, String(response['error']));
    assert.equal(response['nodes'], expected.graph.components.length, 'nodes in the webview DOM');
    assert.equal(response['edges'], expected.graph.flows.length, 'edges in the webview DOM');
    assert.equal(
      response['highlighted'],
      'api-gateway',
      'the element under the editor cursor is highlighted',
    );
    assert.equal(response['clicked'], 'recs-trainer');
    const line = original.split('\n').findIndex((l) => l === '  recs-trainer:');
    await waitFor('the click to select recs-trainer in the YAML', () =>
      editorOf(uri)?.selection.active.line === line ? true : undefined,
    );
    const editor = editorOf(uri);
    assert.ok(editor);
    assert.notEqual(before, line);
    assert.equal(editor.document.getText(editor.selection), 'recs-trainer');
  });

  it('an edit adding a component and a flow redraws the diagram with one node and one edge more', async () => {
    const before = await scene(uri, () => true, 'a scene');
    const nodes = before.lastScene?.graph.components.length ?? 0;
    const edges = before.lastScene?.graph.flows.length ?? 0;
    const delivered = before.scenesDelivered;
    const document = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(
      uri,
      document.positionAt(original.indexOf('\nflows:\n') + 1),
      '  abuse-detector:\n    name: Query-pattern abuse detector\n    kind: monitoring\n    boundary: ml-platform\n\n',
    );
    edit.insert(
      uri,
      document.positionAt(original.length),
      `${original.endsWith('\n') ? '' : '\n'}  - id: gateway-to-detector\n    from: api-gateway\n    to: abuse-detector\n    protocol: https\n    data: [gateway-logs]\n`,
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await scene(
      uri,
      (p) => p.scenesDelivered > delivered && (p.lastScene?.graph.components.length ?? 0) !== nodes,
      'the diagram to follow the edit',
    );
    const shown = after.lastScene;
    assert.ok(shown);
    assert.equal(shown.graph.components.length, nodes + (selfTestFail() ? 2 : 1), 'one node more');
    assert.equal(shown.graph.flows.length, edges + 1, 'one edge more');
    assert.ok(
      shown.layout.nodes.some((n) => n.id === 'abuse-detector'),
      'the new component is laid out',
    );
    assert.ok(
      shown.graph.flows.some(
        (f) =>
          f.id === 'gateway-to-detector' &&
          f.source === 'api-gateway' &&
          f.target === 'abuse-detector',
      ),
    );
  });

  it('a click on a node or a flow (revealElement from the webview) selects its id in the YAML', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    for (const [id, key] of [
      ['feature-store', '  feature-store:'],
      ['gateway-to-recs', '  - id: gateway-to-recs'],
      ['abuse-detector', '  abuse-detector:'],
    ] as const) {
      await api().postFromDiagram(uri, { type: 'revealElement', elementId: id });
      const line = text.split('\n').findIndex((l) => l === key);
      assert.ok(line > 0, `${key} is in the model`);
      const editor = await waitFor(`the selection on ${id}`, () => {
        const e = editorOf(uri);
        return e && e.selection.active.line === line ? e : undefined;
      });
      assert.equal(editor.document.getText(editor.selection), id);
    }
    // The diagram stays open beside the YAML: the reveal did not open the model over it.
    assert.ok(panelOf(uri), 'the panel is still open');
    // What fails the guard is ignored (and not counted).
    const received = panelOf(uri)?.received['revealElement'];
    await api().postFromDiagram(uri, { type: 'revealElement', elementId: 42 });
    await api().postFromDiagram(uri, {
      type: 'revealElement',
      elementId: 'feature-store',
      extra: true,
    });
    assert.equal(panelOf(uri)?.received['revealElement'], received);
  });

  it('a triage decision from the diagram reaches the register and comes back as the status', async () => {
    const current = panelOf(uri)?.lastScene;
    const threat = current?.threats.find(
      (t) => t.status === 'open' && t.element === 'recs-endpoint',
    );
    assert.ok(threat, 'an open threat on recs-endpoint');
    await api().postFromDiagram(uri, {
      type: 'setThreatStatus',
      requestId: 7,
      threatId: threat.id,
      status: 'accepted',
      justification: 'Quota per partner key ships in the next release.',
    });
    const after = await scene(
      uri,
      (p) => p.lastScene?.threats.find((t) => t.id === threat.id)?.status === 'accepted',
      'the accepted status in the scene',
    );
    assert.ok(after.received['setThreatStatus']);
    const register = await vscode.workspace.openTextDocument(
      fixture('examples', EXAMPLE.replace('.mltm.yaml', '.threats.yaml')),
    );
    assert.ok(register.getText().includes('Quota per partner key ships in the next release.'));
  });

  it("mltm.exportMermaid writes the reports' Mermaid flowchart of the current text", async () => {
    const target = fixture('examples', 'exported.mmd');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.exportMermaid',
      uri,
      target,
    );
    assert.equal(written?.toString(), target.toString());
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const document = await vscode.workspace.openTextDocument(uri);
    const analysis = analyzeLoaded(document.getText());
    const registerText = (
      await vscode.workspace.openTextDocument(
        fixture('examples', EXAMPLE.replace('.mltm.yaml', '.threats.yaml')),
      )
    ).getText();
    const register = loadRegister(registerText).register;
    assert.ok(register);
    assert.ok(text.startsWith('flowchart LR\n'));
    assert.ok(text.includes('_abuse_detector'), 'the edited text, not the file on disk');
    // Exactly what the reports write for this text and register.
    assert.equal(text, modelToMermaid(analysis, { register }));
    await vscode.workspace.fs.delete(target);
  });

  it('export commands: the webview renders the image for the host (PNG), which then asks where to save', async () => {
    const before = panelOf(uri)?.received['exportImage'] ?? 0;
    assert.equal(await vscode.commands.executeCommand('mltm.exportDiagramPng', uri), true);
    await waitFor(
      'the webview to post the PNG',
      () => ((panelOf(uri)?.received['exportImage'] ?? 0) > before ? true : undefined),
      30_000,
    );
    // The save dialog (VS Code's simple file dialog here) is open now: cancel it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('the "Diagram" CodeLens of an element reveals the same panel, focused on it; the commands are registered', async () => {
    const lenses = await waitFor('the Diagram lenses', async () => {
      const list = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
        100,
      );
      const diagram = list.filter((l) => l.command?.command === 'mltm.openDiagram');
      return diagram.length > 0 ? diagram : undefined;
    });
    const lens = lenses.find((l) => l.command?.arguments?.[1] === 'recs-endpoint');
    assert.ok(lens?.command, 'a Diagram lens on recs-endpoint');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.lineAt(lens.range.start.line).text, '  recs-endpoint:');
    const focused = panelOf(uri)?.sent['focus'] ?? 0;
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    assert.equal(
      api()
        .diagramPanels()
        .filter((p) => p.modelUri === uri.toString()).length,
      1,
    );
    await waitFor('the focus to reach the webview', () =>
      (panelOf(uri)?.sent['focus'] ?? 0) > focused ? true : undefined,
    );
    // The register view's "Reveal in Diagram" on a threat (the tree passes its threat node).
    await vscode.commands.executeCommand('mltm.register.revealInDiagram', {
      type: 'threat',
      state: { uri },
      threat: { element: 'feature-store' },
    });
    await waitFor('the second focus to reach the webview', () =>
      (panelOf(uri)?.sent['focus'] ?? 0) > focused + 1 ? true : undefined,
    );
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'mltm.openDiagram',
      'mltm.exportDiagramSvg',
      'mltm.exportDiagramPng',
      'mltm.exportMermaid',
      'mltm.register.revealInDiagram',
    ])
      assert.ok(commands.includes(id), `${id} registered`);
  });
});

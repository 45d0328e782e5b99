/**
 * The editor speaks in fixes, in a real VS Code with the default settings: the Problems panel of
 * examples/01-fintech-posture lists the fix plan's steps (fewer than 30 diagnostics, exactly the
 * entries core/views/problemsPanel decides), each with the threats it closes as related
 * information and the add-control quick fix first; nothing open and high or critical is lost;
 * the Fix Plan view lists the plan's steps and attack paths; selecting a path marks its
 * components and flows in the diagram (with the offline driver: asserted in the webview DOM).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { isOpen } from '../../src/core/register/status';
import {
  editorDecision,
  OPEN_THREATS_CODE,
  problemsPanelEntries,
} from '../../src/core/views/problemsPanel';
import type { MltmApi } from '../../src/extension/extension';
import { LineIndex } from '../../src/core/util/lineIndex';
import { analyzeLoaded } from '../support/analysis';
import {
  askDriver,
  mltmDiagnostics,
  openExample,
  restore,
  showDiagnostics,
  waitFor,
} from './helpers';

const EXAMPLE = '01-fintech-posture.mltm.yaml';

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);

function api(): MltmApi {
  const extension = vscode.extensions.getExtension<MltmApi>('mltm.mltm');
  assert.ok(extension?.isActive, 'mltm is active');
  return extension.exports;
}

describe('fixes: Problems panel, Fix Plan view, attack path in the diagram', () => {
  let uri: vscode.Uri;
  let text = '';

  before(async () => {
    await showDiagnostics(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openExample(EXAMPLE);
    uri = editor.document.uri;
    text = editor.document.getText();
  });

  after(async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== text) await restore(document, text);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const expected = () => {
    const analysis = analyzeLoaded(text);
    const decision = editorDecision(analysis, undefined);
    const entries = problemsPanelEntries({
      model: analysis.model,
      threats: analysis.threats,
      decision,
      isOpen: (t) => isOpen(t, undefined),
      minimumSeverity: 'low',
      mode: 'fixes',
    });
    return { analysis, decision, entries };
  };

  it(`${EXAMPLE}: the default Problems panel shows fewer than 30 diagnostics, the plan's fixes, nothing lost`, async () => {
    const { analysis, entries } = expected();
    const list = await mltmDiagnostics(uri, (l) => l.some((d) => code(d).startsWith('fix:')));
    assert.ok(list.length < 30, `${list.length} diagnostics`);
    const index = new LineIndex(text);
    const line = (offset: number) => index.position(offset).line - 1;
    assert.deepEqual(
      list.map((d) => `${d.range.start.line} ${code(d)} ${d.message}`).sort(),
      entries
        .map((e) =>
          e.kind === 'fix' || e.kind === 'threats'
            ? `${line(e.range.start)} ${e.code} ${e.message}`
            : `${line(e.threat.range.start)} ${e.threat.ruleId} ${list.find((d) => code(d) === e.threat.ruleId && d.range.start.line === line(e.threat.range.start))?.message ?? '∅'}`,
        )
        .sort(),
    );
    // Every open high or critical threat: closed by a shown fix (related information) or its own.
    const reachable = new Set<string>();
    for (const d of list) {
      if (code(d).startsWith('fix:') || code(d) === OPEN_THREATS_CODE)
        for (const r of d.relatedInformation ?? []) reachable.add(r.message.split(' ')[1] ?? '');
      else
        for (const t of analysis.threats)
          if (t.ruleId === code(d) && line(t.range.start) === d.range.start.line)
            reachable.add(t.id);
    }
    const lost = analysis.threats
      .filter((t) => !t.mitigated && (t.severity === 'high' || t.severity === 'critical'))
      .filter((t) => !reachable.has(t.id))
      .map((t) => t.id);
    assert.deepEqual(lost, []);
    const first = list.find((d) => d.message.includes('(fix plan step 1,'));
    assert.ok(first, 'step 1 is a diagnostic');
    assert.ok(first.relatedInformation && first.relatedInformation.length > 0);
  });

  it("the first quick fix of a fix diagnostic adds the step's control, and the fix then leaves the panel", async () => {
    const { entries } = expected();
    const step = entries.find((e) => e.kind === 'fix');
    assert.ok(step?.kind === 'fix');
    const list = await mltmDiagnostics(uri, (l) => l.some((d) => code(d) === step.code));
    const diagnostic = list.find((d) => code(d) === step.code && d.message === step.message);
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const first = actions[0];
    assert.ok(first?.edit, 'a quick fix with an edit');
    assert.ok(first.title.startsWith(`Add control \`${step.step.control}\``), first.title);
    assert.ok(first.title.endsWith(`to \`${step.step.element}\``), first.title);
    assert.equal(first.isPreferred, true);
    await vscode.workspace.applyEdit(first.edit);
    await mltmDiagnostics(
      uri,
      (l) => l.length > 0 && !l.some((d) => d.message === step.message),
      60_000,
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await restore(document, text);
    await mltmDiagnostics(uri, (l) => l.some((d) => d.message === step.message), 60_000);
  });

  it("an element's open high threats that no fix closes: one diagnostic, every threat's quick fixes", async () => {
    const { entries } = expected();
    const group = entries.find((e) => e.kind === 'threats');
    assert.ok(group?.kind === 'threats', 'example 01 has such an element');
    const list = await mltmDiagnostics(uri, (l) => l.some((d) => d.message === group.message));
    const diagnostic = list.find((d) => d.message === group.message);
    assert.ok(diagnostic);
    assert.equal(code(diagnostic), OPEN_THREATS_CODE);
    assert.deepEqual(
      (diagnostic.relatedInformation ?? []).map((r) => r.message.split(' ')[1]),
      group.threats.map((c) => c.threat.id),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    for (const { threat } of group.threats) {
      for (const control of threat.missingControls)
        assert.ok(
          titles.some((t) => t.startsWith(`Add control \`${control}\``)),
          `adds ${control}: ${titles.join(' | ')}`,
        );
      assert.ok(titles.includes(`Accept the risk of \`${threat.id}\` in the register…`));
    }
    assert.equal(actions.filter((a) => a.isPreferred).length >= 1, true);
  });

  it('the Fix Plan view lists the steps and attack paths of the model', async () => {
    const { decision } = expected();
    const items = await waitFor('the Fix Plan view to show the model', async () => {
      const all = await api().fixPlanTreeItems();
      return all.some((i) => i.depth === 0 && i.label === EXAMPLE) ? all : undefined;
    });
    const start = items.findIndex((i) => i.depth === 0 && i.label === EXAMPLE);
    const end = items.findIndex((i, n) => n > start && i.depth === 0);
    const mine = items.slice(start + 1, end === -1 ? undefined : end);
    const groups = mine.filter((i) => i.depth === 1).map((i) => `${i.label} ${i.description}`);
    assert.deepEqual(groups, [
      `Fix steps ${decision.plan.steps.length}`,
      `Attack paths ${decision.pathCount > decision.paths.length ? `${decision.paths.length} riskiest of ${decision.pathCount}` : decision.pathCount}`,
    ]);
    const steps = mine.filter((i) => i.contextValue === 'step');
    assert.deepEqual(
      steps.map((i) => i.label),
      decision.plan.steps.map((s) => `${s.rank}. Add ${s.control} to ${s.element}`),
    );
    assert.ok(steps.length >= 10, `${steps.length} steps`);
    const paths = mine.filter((i) => i.contextValue === 'path');
    assert.ok(paths.length > 0, 'attack paths listed');
    assert.deepEqual(
      paths.map((i) => i.label),
      decision.paths.slice(0, 20).map((p) => `${p.entry} → ${p.target}`),
    );
    assert.deepEqual(paths[0]?.command, {
      command: 'mltm.showAttackPath',
      arguments: [uri, decision.paths[0]?.id],
    });
  });

  it('selecting an attack path highlights its components and flows in the diagram', async function () {
    const { analysis, decision } = expected();
    const path = decision.paths[0];
    assert.ok(path, 'the example has an attack path');
    const items = await api().fixPlanTreeItems();
    const item = items.find(
      (i) => i.contextValue === 'path' && i.command?.arguments[1] === path.id,
    );
    assert.ok(item?.command, 'the path is in the view');
    // What selecting the item does.
    await vscode.commands.executeCommand(item.command.command, ...item.command.arguments);
    const sent = await waitFor(
      'the path to reach the webview',
      () => {
        const panel = api()
          .diagramPanels()
          .find((p) => p.modelUri === uri.toString());
        return panel && (panel.sent['highlightPath'] ?? 0) > 0 && panel.scenesDelivered > 0
          ? panel
          : undefined;
      },
      30_000,
    );
    assert.ok(sent);
    const response = await askDriver({
      nodes: analysis.model.components.length,
      onPath: path.steps.length,
    });
    if (!response) this.skip(); // Online runs have no driver on the workbench page.
    assert.equal(response['error'], undefined, String(response['error']));
    const onPath = response['onPath'] as { id: string; shape: string; step: string }[];
    assert.deepEqual(
      [...onPath].sort((a, b) => Number(a.step) - Number(b.step)),
      path.steps.map((s, i) => ({
        id: s.element,
        shape: s.elementType === 'component' ? 'node' : 'edge',
        step: String(i + 1),
      })),
    );
    assert.deepEqual(response['pathShown'], { shown: true, path: path.id });
  });
});

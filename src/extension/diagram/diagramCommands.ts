/**
 * The bodies of the diagram's commands (`mltm.openDiagram`, `mltm.exportDiagramSvg`,
 * `mltm.exportDiagramPng`, `mltm.exportMermaid`), called from the one command table in
 * ../commands.ts. Kept here so the table stays a list of one-liners and the diagram's entry
 * points sit beside the panel they drive.
 */
import * as vscode from 'vscode';
import { modelToMermaid } from '../../core/report/mermaid';
import type { AnalysisService } from '../analysisService';
import { DiagramPanel, openDiagram } from './diagramPanel';

const asUri = (value: unknown): vscode.Uri | undefined =>
  value instanceof vscode.Uri
    ? value
    : typeof value === 'string' && value !== ''
      ? vscode.Uri.parse(value)
      : undefined;

/**
 * The model a diagram command is about: its argument (a model or register URI, e.g. from the
 * explorer or the editor title), else the diagram panel in front, else the active editor's model.
 */
export async function diagramTarget(
  service: AnalysisService,
  arg: unknown,
): Promise<vscode.Uri | undefined> {
  const given = asUri(arg);
  const uri =
    given ??
    DiagramPanel.all().find((p) => p.panel.active)?.documentUri ??
    vscode.window.activeTextEditor?.document.uri;
  return uri ? service.modelFor(uri) : undefined;
}

const NO_MODEL = 'open a threat model (*.mltm.yaml) or its diagram first';

/** `mltm.openDiagram(modelUri?, focusElementId?)`: opens or reveals the diagram, focused on an element if given. */
export async function openDiagramCommand(
  context: vscode.ExtensionContext,
  service: AnalysisService,
  arg: unknown,
  focus: unknown,
): Promise<DiagramPanel> {
  const model = await diagramTarget(service, arg);
  if (!model) throw new Error(NO_MODEL);
  const document = await vscode.workspace.openTextDocument(model);
  return openDiagram(
    context,
    service,
    document,
    typeof focus === 'string' && focus !== '' ? focus : undefined,
  );
}

/**
 * `mltm.exportDiagramSvg` / `mltm.exportDiagramPng`: the webview renders the current view (with
 * the theme's colours baked in) and the save dialog follows. Opens the diagram first if needed.
 */
export async function exportDiagramImage(
  context: vscode.ExtensionContext,
  service: AnalysisService,
  format: 'svg' | 'png',
  arg: unknown,
): Promise<boolean> {
  const model = await diagramTarget(service, arg);
  if (!model) throw new Error(NO_MODEL);
  const panel =
    DiagramPanel.forDocument(model) ??
    (await openDiagramCommand(context, service, model, undefined));
  if (!(await panel.whenReady()) || !panel.stats().lastScene) {
    // The first scene may still be in layout: wait for it rather than export an empty page.
    const drawn = await waitUntil(() => panel.stats().scenesDelivered > 0, 15_000);
    if (!drawn) throw new Error('the diagram is not showing yet; try again when it is drawn');
  }
  if (!panel.exportImage(format))
    throw new Error('the diagram is not showing; bring it to the front and try again');
  return true;
}

/**
 * `mltm.exportMermaid(modelUri?, targetUri?)`: the model as a Mermaid flowchart, from the same
 * exporter the reports use and the same analysis and register state the diagnostics show.
 * Written to `targetUri` when given (scripts, tests), else where the save dialog says. Returns
 * the URI written, or undefined when cancelled.
 */
export async function exportMermaid(
  service: AnalysisService,
  arg: unknown,
  targetArg: unknown,
): Promise<vscode.Uri | undefined> {
  const model = await diagramTarget(service, arg);
  if (!model) throw new Error(NO_MODEL);
  const state = await service.ensure(model);
  if (!state) throw new Error(`cannot read ${model.fsPath}`);
  const { analysis } = state;
  if (analysis.status !== 'loaded')
    throw new Error(
      `the model has ${analysis.problems.length} problem(s); fix them before exporting`,
    );
  const text = modelToMermaid(analysis, state.register ? { register: state.register } : {});
  const name = model.path.slice(model.path.lastIndexOf('/') + 1).replace(/\.mltm\.ya?ml$/, '');
  const target =
    asUri(targetArg) ??
    (await vscode.window.showSaveDialog({
      title: 'Export the model as Mermaid',
      defaultUri: vscode.Uri.joinPath(model, '..', `${name}.mmd`),
      filters: { 'Mermaid flowchart': ['mmd', 'mermaid'] },
    }));
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  if (asUri(targetArg) === undefined)
    void vscode.window.showInformationMessage(
      `mltm: Mermaid diagram saved to ${vscode.workspace.asRelativePath(target)}.`,
    );
  return target;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

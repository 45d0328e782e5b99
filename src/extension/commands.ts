/**
 * Every command of the extension in ONE table of factories, registered through one wrapper that
 * turns an exception into a visible error message (and a log line) instead of a silent failure.
 *
 * Internal commands (hidden from the palette) are a contract with the diagram panel:
 * - `mltm.addControl(modelUri, elementId, control): Promise<boolean>`
 * - `mltm.setThreatStatus(modelUri, threatId, status, justification?): Promise<boolean>`
 * - `mltm.revealElement(modelUri, elementId): Promise<void>`
 * - `mltm.showElementThreats(modelUri, elementId)` (CodeLens target)
 *
 * Diagram commands (bodies in ./diagram/diagramCommands.ts):
 * - `mltm.openDiagram(modelUri?, focusElementId?)`, `mltm.exportDiagramSvg(modelUri?)`,
 *   `mltm.exportDiagramPng(modelUri?)`, `mltm.exportMermaid(modelUri?, targetUri?)`
 * - `mltm.register.revealInDiagram(threatNode)` (register view)
 */
import * as vscode from 'vscode';
import { modelOf } from '../core/analysis';
import { GATE_CATEGORIES } from '../core/gate';
import { STATUSES, type ThreatStatus } from '../core/register/register';
import { SEVERITY_ORDER } from '../core/rules/types';
import type { AnalysisService } from './analysisService';
import { exportDiagramImage, exportMermaid, openDiagramCommand } from './diagram/diagramCommands';
import {
  addControl,
  revealElement,
  setPathStatus,
  setThreatStatus,
  syncModelRegister,
} from './edits';
import { renameEdit } from './languageFeatures';
import { threatNode, type GroupBy, type RegisterTree } from './registerView';
import { draftModelFromWorkspace } from './importDraft';
import { decisionOf } from './diagnostics';
import { pathElementIds, type FixPlanNode } from './fixPlanView';
import { generateReport } from './reports';
import { newModelFromTemplate } from './templates';

/** What command factories may use. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly service: AnalysisService;
  readonly tree: RegisterTree;
  readonly log: vscode.LogOutputChannel;
}

interface CommandSpec {
  /** Human name for error messages. */
  readonly title: string;
  readonly run: (ctx: CommandContext, ...args: unknown[]) => unknown;
  /** Returned when the command fails (the internal commands promise a boolean). */
  readonly onError?: unknown;
}

const asUri = (value: unknown): vscode.Uri | undefined =>
  value instanceof vscode.Uri
    ? value
    : typeof value === 'string'
      ? vscode.Uri.parse(value)
      : undefined;

/** The model a command is about: its argument, else the active editor's model (or register's model). */
function targetModel(service: AnalysisService, arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = asUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
  return uri ? service.modelFor(uri) : Promise.resolve(undefined);
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`missing argument \`${name}\``);
  return value;
}

function requireModel(value: unknown): vscode.Uri {
  const uri = asUri(value);
  if (!uri) throw new Error('missing argument `modelUri`');
  return uri;
}

const treeStatus = (status: ThreatStatus): CommandSpec => ({
  title: `Set status ${status}`,
  run: async ({ service }, node) => {
    const target = threatNode(node);
    if (!target) return false;
    return setThreatStatus(service, target.state.uri, target.threat.id, status);
  },
  onError: false,
});

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'mltm.syncRegister': {
    title: 'Sync Threat Register',
    run: async ({ service }, arg) => {
      const model = await targetModel(service, arg);
      if (!model) throw new Error('open a threat model (*.mltm.yaml) first');
      const state = await service.ensure(model);
      if (!state) throw new Error(`cannot read ${model.fsPath}`);
      const result = await syncModelRegister(state);
      if (result.ok) void vscode.window.showInformationMessage(`mltm: ${result.message}`);
      else void vscode.window.showWarningMessage(`mltm: ${result.message}`);
      return result.ok;
    },
    onError: false,
  },
  'mltm.renameId': {
    title: 'Rename Id',
    run: async ({ service }, arg, oldIdArg, newIdArg) => {
      const model = await targetModel(service, arg);
      if (!model) throw new Error('open a threat model (*.mltm.yaml) first');
      const document = await vscode.workspace.openTextDocument(model);
      const state = await service.ensure(model);
      const m = modelOf(state?.analysis);
      if (!state || !m) throw new Error('the model has errors; fix them before renaming');
      const oldId =
        typeof oldIdArg === 'string'
          ? oldIdArg
          : (
              await vscode.window.showQuickPick(
                [
                  ...m.components.map((c) => ({
                    label: c.id,
                    description: `component · ${c.kind}`,
                  })),
                  ...m.flows
                    .filter((f) => f.idExplicit)
                    .map((f) => ({ label: f.id, description: 'flow' })),
                  ...m.boundaries.map((b) => ({ label: b.id, description: 'boundary' })),
                  ...m.data.map((d) => ({ label: d.id, description: 'data' })),
                ],
                { title: 'Rename which id?' },
              )
            )?.label;
      if (!oldId) return false;
      const newId =
        typeof newIdArg === 'string'
          ? newIdArg
          : await vscode.window.showInputBox({
              title: `Rename \`${oldId}\` in the model and its register`,
              value: oldId,
            });
      if (!newId) return false;
      return vscode.workspace.applyEdit(await renameEdit(state, document, oldId, newId));
    },
    onError: false,
  },
  'mltm.generateReport': {
    title: 'Generate Threat Report',
    // (model?, format?, target?): each argument skips its picker; returns the report's URI.
    run: async ({ service, extension }, arg, format, target) =>
      generateReport(service, extension, {
        model: (await targetModel(service, arg)) ?? asUri(arg),
        format: typeof format === 'string' ? format : undefined,
        target: asUri(target),
      }),
  },
  'mltm.newModelFromTemplate': {
    title: 'New Threat Model from Template',
    run: ({ extension }, template, target) =>
      newModelFromTemplate(
        extension.extensionUri,
        typeof template === 'string' ? template : undefined,
        asUri(target),
      ),
  },
  'mltm.draftModelFromWorkspace': {
    title: 'Draft Threat Model from Workspace Files',
    // (folder?): the folder skips the picker; returns the draft's (unsaved) document.
    run: ({ log, service }, folder) => draftModelFromWorkspace(log, asUri(folder), service),
  },
  'mltm.addControl': {
    title: 'Add Control',
    run: ({ service }, modelUri, elementId, control) =>
      addControl(
        service,
        requireModel(modelUri),
        requireString(elementId, 'elementId'),
        requireString(control, 'control'),
      ),
    onError: false,
  },
  'mltm.setThreatStatus': {
    title: 'Set Threat Status',
    run: ({ service }, modelUri, threatId, status, justification) => {
      if (!STATUSES.includes(status as ThreatStatus))
        throw new Error(`unknown status \`${String(status)}\`; use ${STATUSES.join(', ')}`);
      return setThreatStatus(
        service,
        requireModel(modelUri),
        requireString(threatId, 'threatId'),
        status as ThreatStatus,
        typeof justification === 'string' ? justification : undefined,
      );
    },
    onError: false,
  },
  'mltm.revealElement': {
    title: 'Reveal Element',
    run: ({ service }, modelUri, elementId) =>
      revealElement(service, requireModel(modelUri), requireString(elementId, 'elementId')),
  },
  'mltm.showElementThreats': {
    title: 'Show Threats of Element',
    run: async ({ service, tree }, modelUri, elementId) => {
      const uri = requireModel(modelUri);
      const id = requireString(elementId, 'elementId');
      await tree.setFilter({ element: id });
      await vscode.commands.executeCommand('mltm.register.focus');
      await revealElement(service, uri, id);
    },
  },
  'mltm.openDiagram': {
    title: 'Open Diagram',
    run: async ({ extension, service }, modelUri, focusElementId) =>
      void (await openDiagramCommand(extension, service, modelUri, focusElementId)),
  },
  'mltm.exportDiagramSvg': {
    title: 'Export Diagram as SVG',
    run: ({ extension, service }, modelUri) =>
      exportDiagramImage(extension, service, 'svg', modelUri),
    onError: false,
  },
  'mltm.exportDiagramPng': {
    title: 'Export Diagram as PNG',
    run: ({ extension, service }, modelUri) =>
      exportDiagramImage(extension, service, 'png', modelUri),
    onError: false,
  },
  'mltm.exportMermaid': {
    title: 'Export Mermaid',
    run: ({ service }, modelUri, targetUri) => exportMermaid(service, modelUri, targetUri),
    onError: false,
  },
  'mltm.showAttackPath': {
    title: 'Show Attack Path in Diagram',
    run: async ({ extension, service }, modelUri, pathId) => {
      const uri = requireModel(modelUri);
      const id = requireString(pathId, 'pathId');
      const state = await service.ensure(uri);
      const path = state && decisionOf(state)?.paths.find((p) => p.id === id);
      if (!path) throw new Error(`no attack path \`${id}\` in ${uri.path}`);
      const panel = await openDiagramCommand(extension, service, uri, undefined);
      panel.highlightPath(path.id, pathElementIds(path));
    },
  },
  'mltm.acceptAttackPath': {
    title: 'Accept Attack Path',
    // (node) from the Fix Plan view's context menu, or (model, pathId, justification?).
    run: ({ service }, arg, pathIdArg, justification) => {
      const node = arg as FixPlanNode | undefined;
      const fromTree = typeof node === 'object' && node !== null && 'type' in node;
      if (fromTree && node.type !== 'path') return false;
      const [uri, id] =
        fromTree && node.type === 'path'
          ? [node.state.uri, node.path.id]
          : [requireModel(arg), requireString(pathIdArg, 'pathId')];
      return setPathStatus(
        service,
        uri,
        id,
        'accepted',
        typeof justification === 'string' ? justification : undefined,
      );
    },
    onError: false,
  },
  'mltm.register.revealInDiagram': {
    title: 'Reveal in Diagram',
    run: async ({ extension, service }, node) => {
      const target = threatNode(node);
      if (target)
        await openDiagramCommand(extension, service, target.state.uri, target.threat.element);
    },
  },
  'mltm.register.groupBy': {
    title: 'Group By',
    run: async ({ tree }, choice) => {
      const picked =
        typeof choice === 'string'
          ? choice
          : await vscode.window.showQuickPick(['element', 'severity', 'status'], {
              title: 'Group threats by',
            });
      if (picked === 'element' || picked === 'severity' || picked === 'status')
        await tree.setGroupBy(picked as GroupBy);
    },
  },
  'mltm.register.filter': {
    title: 'Filter',
    run: async ({ tree }, filterArg) => {
      if (typeof filterArg === 'object' && filterArg !== null) return tree.setFilter(filterArg);
      const kind = await vscode.window.showQuickPick(
        [
          { label: 'Open threats only', value: 'open' },
          { label: 'By status…', value: 'status' },
          { label: 'By minimum severity…', value: 'severity' },
          { label: 'By category (security / privacy)…', value: 'category' },
          { label: 'By text…', value: 'text' },
        ],
        { title: 'Filter the threat register' },
      );
      if (!kind) return;
      if (kind.value === 'open') return tree.setFilter({ ...tree.filter, statuses: ['open'] });
      if (kind.value === 'status') {
        const statuses = await vscode.window.showQuickPick([...STATUSES], {
          canPickMany: true,
          title: 'Show threats with status',
        });
        return statuses && tree.setFilter({ ...tree.filter, statuses });
      }
      if (kind.value === 'severity') {
        const severity = await vscode.window.showQuickPick([...SEVERITY_ORDER].reverse(), {
          title: 'Show threats at least this severe',
        });
        return severity && tree.setFilter({ ...tree.filter, minimumSeverity: severity });
      }
      if (kind.value === 'category') {
        const picked = await vscode.window.showQuickPick([...GATE_CATEGORIES], {
          title: 'Show threats of category',
        });
        const category = GATE_CATEGORIES.find((c) => c === picked);
        return category && tree.setFilter({ ...tree.filter, category });
      }
      const text = await vscode.window.showInputBox({
        title: 'Show threats whose title, id or ATLAS ids contain',
      });
      return text !== undefined && tree.setFilter({ ...tree.filter, text });
    },
  },
  'mltm.register.clearFilter': { title: 'Clear Filter', run: ({ tree }) => tree.setFilter({}) },
  'mltm.register.accept': treeStatus('accepted'),
  'mltm.register.notApplicable': treeStatus('not_applicable'),
  'mltm.register.mitigated': treeStatus('mitigated'),
  'mltm.register.reopen': treeStatus('open'),
  'mltm.register.revealInModel': {
    title: 'Reveal in Model',
    run: ({ service }, node) => {
      const target = threatNode(node);
      return target && revealElement(service, target.state.uri, target.threat.element);
    },
  },
};

/** Registers every command of the table with the shared error wrapper. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, spec]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await spec.run(ctx, ...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(
          `${id} failed: ${error instanceof Error ? (error.stack ?? message) : message}`,
        );
        void vscode.window.showErrorMessage(`mltm: ${spec.title} failed: ${message}`);
        return spec.onError;
      }
    }),
  );
}

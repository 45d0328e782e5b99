/**
 * Extension entry: wiring only. Builds the shared services once, then lets each feature
 * register itself; every disposable goes on `context.subscriptions`. Activation does no
 * analysis: the service analyses open models after activation returns (timers), and the
 * workspace is only searched when the Threat Register view is shown. Activation time of this
 * code is measured and logged.
 */
import * as vscode from 'vscode';
import { shouldAutoSync } from '../core/workspace/autoSync';
import { AnalysisService, isModelUri } from './analysisService';
import { readConfig } from './config';
import { MltmCodeActions } from './codeActions';
import { registerCommands } from './commands';
import { DiagramPanel, registerDiagram, type DiagramPanelStats } from './diagram/diagramPanel';
import { registerDiagnostics } from './diagnostics';
import { DriftDiagnostics } from './driftDiagnostics';
import { FixPlanTree, registerFixPlanView, type FixPlanNode } from './fixPlanView';
import { MODEL_SELECTOR, registerLanguageFeatures } from './languageFeatures';
import { RegisterTree, registerRegisterView, type RegisterNode } from './registerView';
import { startExtensionWorker } from './workers/platformWorkers';

/** What `activate` returns: read-only views for the real-VS-Code tests (and other extensions). */
export interface MltmApi {
  /** The Threat Register tree as a person sees it: each node's label and description, depth-first. */
  registerTreeItems(): Promise<
    { label: string; description: string; depth: number; contextValue: string }[]
  >;
  /** The Fix Plan tree as a person sees it (labels, descriptions, depth-first; every node expanded). */
  fixPlanTreeItems(): Promise<TreeItemView[]>;
  /** Milliseconds `activate` took. */
  readonly activationMs: number;
  /** The open diagram panels: what each sent its webview and received from it. */
  diagramPanels(): DiagramPanelStats[];
  /**
   * Delivers a message to the diagram panel of a model as if its webview had posted it (through
   * the panel's guard and handler), e.g. the `revealElement` a click on a node posts.
   */
  postFromDiagram(modelUri: vscode.Uri, message: unknown): Promise<void>;
  /** How many analyses the analysis worker answered (large models; 0 if it never ran or failed). */
  workerAnalyses(): number;
  /** The model text of the latest analysis the views show (its diagnostics are published with it). */
  analysedText(modelUri: vscode.Uri): string | undefined;
}

export function activate(context: vscode.ExtensionContext): MltmApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('mltm', { log: true });
  context.subscriptions.push(log);
  try {
    const service = new AnalysisService(log, () =>
      startExtensionWorker(context.extensionUri, 'analysisWorker'),
    );
    const tree = new RegisterTree(service, context.workspaceState);
    const fixPlan = new FixPlanTree(service);
    context.subscriptions.push(
      service,
      ...registerDiagnostics(service),
      new DriftDiagnostics(service, log),
      ...registerLanguageFeatures(service),
      vscode.languages.registerCodeActionsProvider(
        [
          ...(MODEL_SELECTOR as vscode.DocumentFilter[]),
          { language: 'yaml', pattern: '**/*.threats.{yaml,yml}' },
        ],
        new MltmCodeActions(service),
        MltmCodeActions.metadata,
      ),
      ...registerRegisterView(service, tree),
      ...registerFixPlanView(service, fixPlan),
      ...registerCommands({ extension: context, service, tree, log }),
      ...registerDiagram(context, service),
      registerAutoSync(service),
    );
    const activationMs = performance.now() - started;
    log.info(`mltm activated in ${activationMs.toFixed(1)} ms`);
    return {
      activationMs,
      registerTreeItems: () => treeItems(tree),
      fixPlanTreeItems: () => treeItems(fixPlan),
      diagramPanels: () => DiagramPanel.all().map((panel) => panel.stats()),
      workerAnalyses: () => service.workerAnalyses,
      analysedText: (modelUri) => service.get(modelUri)?.text,
      postFromDiagram: async (modelUri, message) => {
        const panel = DiagramPanel.forDocument(modelUri);
        if (!panel) throw new Error(`no diagram open for ${modelUri.toString()}`);
        await panel.receiveMessage(message);
      },
    };
  } catch (error) {
    // Surfaced, not swallowed: a half-activated extension would look like missing features.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(
      `mltm failed to start: ${error instanceof Error ? error.message : message}`,
    );
    throw error;
  }
}

/** `mltm.register.autoSync`: sync the register after each save of a model. */
function registerAutoSync(service: AnalysisService): vscode.Disposable {
  return vscode.workspace.onDidSaveTextDocument(async (document) => {
    const path = document.uri.path;
    const enabled = readConfig(document.uri).registerAutoSync;
    // Setting and file name first: analysing every saved file would be wasted work.
    if (!enabled || !isModelUri(document.uri)) return;
    const state = await service.ensure(document.uri);
    if (shouldAutoSync({ path, enabled, analysis: state?.analysis }))
      await vscode.commands.executeCommand('mltm.syncRegister', document.uri);
  });
}

interface TreeItemView {
  label: string;
  description: string;
  depth: number;
  contextValue: string;
  /** What selecting the item runs. */
  command?: { command: string; arguments: unknown[] };
}

async function treeItems<T extends RegisterNode | FixPlanNode>(tree: {
  getChildren(node?: T): T[] | Promise<T[]>;
  getTreeItem(node: T): vscode.TreeItem;
}): Promise<TreeItemView[]> {
  const out: TreeItemView[] = [];
  const walk = async (node: T | undefined, depth: number) => {
    for (const child of await tree.getChildren(node)) {
      const item = tree.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      out.push({
        label,
        description: typeof item.description === 'string' ? item.description : '',
        depth,
        contextValue: item.contextValue ?? '',
        ...(item.command && {
          command: { command: item.command.command, arguments: item.command.arguments ?? [] },
        }),
      });
      await walk(child, depth + 1);
    }
  };
  await walk(undefined, 0);
  return out;
}

export function deactivate(): void {
  // Nothing to tear down beyond the disposables on context.subscriptions.
}

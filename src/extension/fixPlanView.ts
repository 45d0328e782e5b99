/**
 * The Fix Plan view (activity bar → mltm → Fix Plan): for every analysed model, the plan's steps
 * (the same plan the fix diagnostics and `mltm plan` show, from core/decide through
 * {@link decisionOf}) and its attack paths, riskiest first. Selecting a step reveals the element
 * the control goes on; selecting a path opens the diagram with the path's components and flows
 * marked (`mltm.showAttackPath`). A path the register decided on says so (`accepted`, …, and
 * whether it is due a review); an open path's context menu offers Accept Attack Path
 * (`mltm.acceptAttackPath`), which writes the decision into the register's `paths:`.
 */
import * as vscode from 'vscode';
import type { AttackPath, PlanStep } from '../core/decide';
import type { AnalysisService, ModelState } from './analysisService';
import { decisionOf } from './diagnostics';

export type FixPlanNode =
  | { readonly type: 'model'; readonly state: ModelState }
  | { readonly type: 'steps' | 'paths'; readonly state: ModelState }
  | { readonly type: 'step'; readonly state: ModelState; readonly step: PlanStep }
  | { readonly type: 'path'; readonly state: ModelState; readonly path: AttackPath };

const fileName = (uri: vscode.Uri) => uri.path.slice(uri.path.lastIndexOf('/') + 1);

export class FixPlanTree implements vscode.TreeDataProvider<FixPlanNode> {
  private readonly changed = new vscode.EventEmitter<FixPlanNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly service: AnalysisService) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: FixPlanNode): FixPlanNode[] {
    if (!node)
      return this.service
        .all()
        .filter((state) => decisionOf(state) !== undefined)
        .sort((a, b) => (a.uri.toString() < b.uri.toString() ? -1 : 1))
        .map((state) => ({ type: 'model', state }));
    const decision = decisionOf(node.state);
    if (!decision) return [];
    switch (node.type) {
      case 'model':
        return [
          { type: 'steps', state: node.state },
          { type: 'paths', state: node.state },
        ];
      case 'steps':
        return decision.plan.steps.map((step) => ({ type: 'step', state: node.state, step }));
      case 'paths':
        return decision.paths.map((path) => ({ type: 'path', state: node.state, path }));
      default:
        return [];
    }
  }

  getTreeItem(node: FixPlanNode): vscode.TreeItem {
    const decision = decisionOf(node.state);
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const Expanded = vscode.TreeItemCollapsibleState.Expanded;
    switch (node.type) {
      case 'model': {
        const item = new vscode.TreeItem(fileName(node.state.uri), Expanded);
        if (decision)
          item.description = `open risk ${decision.plan.totalRisk} → ${decision.plan.residualRisk} after ${decision.plan.steps.length} steps`;
        item.contextValue = 'model';
        item.resourceUri = node.state.uri;
        return item;
      }
      case 'steps': {
        const item = new vscode.TreeItem('Fix steps', Expanded);
        item.description = String(decision?.plan.steps.length ?? 0);
        item.contextValue = 'steps';
        return item;
      }
      case 'paths': {
        const item = new vscode.TreeItem('Attack paths', Collapsed);
        item.description =
          decision && decision.pathCount > decision.paths.length
            ? `${decision.paths.length} riskiest of ${decision.pathCount}`
            : String(decision?.pathCount ?? 0);
        item.contextValue = 'paths';
        return item;
      }
      case 'step': {
        const { step } = node;
        const item = new vscode.TreeItem(
          `${step.rank}. Add ${step.control} to ${step.element}`,
          vscode.TreeItemCollapsibleState.None,
        );
        item.description =
          `−${step.riskReduced} risk · closes ${step.closes.length}` +
          (step.breaksPaths.length > 0 ? ` · cuts ${step.breaksPaths.length} paths` : '');
        item.tooltip = step.closes.length > 0 ? `Closes: ${step.closes.join(', ')}` : undefined;
        item.iconPath = new vscode.ThemeIcon('lightbulb');
        item.contextValue = 'step';
        item.command = {
          command: 'mltm.revealElement',
          title: 'Reveal Element',
          arguments: [node.state.uri, step.element],
        };
        return item;
      }
      case 'path': {
        const { path } = node;
        const item = new vscode.TreeItem(
          `${path.entry} → ${path.target}`,
          vscode.TreeItemCollapsibleState.None,
        );
        const decision = path.decision;
        item.description =
          `${path.kind} · ${path.goal} · risk ${path.risk}` +
          (decision
            ? ` · ${decision.status.replace('_', ' ')}${decision.needsReview ? ' (needs review)' : ''}`
            : '');
        item.tooltip =
          path.steps.map((s) => s.element).join(' → ') +
          (decision?.justification
            ? `\n${decision.status.replace('_', ' ')}: ${decision.justification}`
            : '');
        item.iconPath = new vscode.ThemeIcon(decision ? 'pass' : 'debug-stackframe');
        // `path` for an open path, `path-<status>` for a decided one (the menus read it).
        item.contextValue = decision ? `path-${decision.status}` : 'path';
        item.command = {
          command: 'mltm.showAttackPath',
          title: 'Show Attack Path in Diagram',
          arguments: [node.state.uri, path.id],
        };
        return item;
      }
    }
  }
}

/** The elements of an attack path, in order (components and flows), for the diagram. */
export const pathElementIds = (path: AttackPath): string[] => path.steps.map((s) => s.element);

export function registerFixPlanView(
  service: AnalysisService,
  tree: FixPlanTree,
): vscode.Disposable[] {
  const view = vscode.window.createTreeView('mltm.fixPlan', { treeDataProvider: tree });
  return [
    view,
    service.onDidChange(() => tree.refresh()),
    service.onDidRemove(() => tree.refresh()),
  ];
}

/**
 * The Threat Register view (activity bar → mltm Threats) and the status bar item. The tree shows
 * every analysed model's threats grouped by element, severity or status, with filters (one is the
 * category: security or privacy; a threat's description names its category and LINDDUN codes); inline
 * actions change a threat's status (through `mltm.setThreatStatus`) and clicking reveals it in
 * the model. The status bar counts open threats (missing controls, no decision).
 */
import * as vscode from 'vscode';
import { modelOf, threatsOf } from '../core/analysis';
import { categoryLabel, gateCategoryOf, type GateCategory } from '../core/gate';
import type { Threat } from '../core/rules/evaluate';
import { SEVERITY_ORDER } from '../core/rules/types';
import { STATUSES } from '../core/register/register';
import type { AnalysisService, ModelState } from './analysisService';
import { isOpenThreat, threatStatus } from './diagnostics';

export type GroupBy = 'element' | 'severity' | 'status';

/** Groups with more threats than this start collapsed. */
const EXPANDED_GROUP_LIMIT = 200;
/** Threat ids in `localeCompare` order, compared by one collator instead of one lookup per pair. */
const ID_ORDER = new Intl.Collator();

export interface RegisterFilter {
  readonly element?: string;
  readonly statuses?: readonly string[];
  readonly minimumSeverity?: string;
  /** Only threats of this gate category (`security`: STRIDE and ML; `privacy`: LINDDUN). */
  readonly category?: GateCategory;
  readonly text?: string;
}

export type RegisterNode =
  | { readonly type: 'model'; readonly state: ModelState }
  | {
      readonly type: 'group';
      readonly state: ModelState;
      readonly label: string;
      readonly threats: readonly Threat[];
    }
  | { readonly type: 'threat'; readonly state: ModelState; readonly threat: Threat };

const SEVERITY_ICON: Record<string, vscode.ThemeIcon> = {
  critical: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  high: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  low: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
  info: new vscode.ThemeIcon('info'),
};

const fileName = (uri: vscode.Uri) => uri.path.slice(uri.path.lastIndexOf('/') + 1);

export class RegisterTree implements vscode.TreeDataProvider<RegisterNode> {
  private readonly changed = new vscode.EventEmitter<RegisterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private discovered = false;
  groupBy: GroupBy;
  filter: RegisterFilter = {};

  constructor(
    private readonly service: AnalysisService,
    private readonly memento: vscode.Memento,
  ) {
    const saved = memento.get<string>('mltm.register.groupBy');
    this.groupBy = saved === 'severity' || saved === 'status' ? saved : 'element';
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async setGroupBy(groupBy: GroupBy): Promise<void> {
    this.groupBy = groupBy;
    await this.memento.update('mltm.register.groupBy', groupBy);
    this.refresh();
  }

  async setFilter(filter: RegisterFilter): Promise<void> {
    this.filter = filter;
    await vscode.commands.executeCommand(
      'setContext',
      'mltm.register.filtered',
      Object.values(filter).some((v) => v !== undefined),
    );
    this.refresh();
  }

  private visible(state: ModelState): Threat[] {
    const f = this.filter;
    const floor = f.minimumSeverity ? SEVERITY_ORDER.indexOf(f.minimumSeverity as never) : 0;
    const text = f.text?.toLowerCase();
    return threatsOf(state.analysis).filter(
      (t) =>
        (f.element === undefined || t.element === f.element) &&
        (f.statuses === undefined || f.statuses.includes(threatStatus(state, t))) &&
        SEVERITY_ORDER.indexOf(t.severity) >= floor &&
        (f.category === undefined || gateCategoryOf(t.category) === f.category) &&
        (text === undefined ||
          `${t.title} ${t.id} ${t.atlas.join(' ')}`.toLowerCase().includes(text)),
    );
  }

  async getChildren(node?: RegisterNode): Promise<RegisterNode[]> {
    if (!node) {
      if (!this.discovered) {
        this.discovered = true;
        await this.service.discoverWorkspace();
      }
      const states = this.service.all().filter((s) => modelOf(s.analysis));
      if (states.length === 1 && states[0]) return this.groups(states[0]);
      return states.map((state) => ({ type: 'model', state }));
    }
    if (node.type === 'model') return this.groups(node.state);
    if (node.type === 'group')
      return node.threats.map((threat) => ({ type: 'threat', state: node.state, threat }));
    return [];
  }

  private groups(state: ModelState): RegisterNode[] {
    const threats = this.visible(state);
    const keyOf = (t: Threat) =>
      this.groupBy === 'element'
        ? t.element
        : this.groupBy === 'severity'
          ? t.severity
          : threatStatus(state, t);
    const order =
      this.groupBy === 'severity'
        ? [...SEVERITY_ORDER].reverse()
        : this.groupBy === 'status'
          ? [...STATUSES]
          : [...new Set(threats.map((t) => t.element))];
    const groups = new Map<string, Threat[]>(order.map((k) => [k, []]));
    for (const t of threats) {
      const key = keyOf(t);
      const list = groups.get(key);
      if (list) list.push(t);
      else groups.set(key, [t]);
    }
    const rank = (t: Threat) => SEVERITY_ORDER.indexOf(t.severity);
    return [...groups]
      .filter(([, list]) => list.length > 0)
      .map(([label, list]) => ({
        type: 'group',
        state,
        label,
        threats: list.sort((a, b) => rank(b) - rank(a) || ID_ORDER.compare(a.id, b.id)),
      }));
  }

  getTreeItem(node: RegisterNode): vscode.TreeItem {
    if (node.type === 'model') {
      const item = new vscode.TreeItem(
        modelOf(node.state.analysis)?.name ?? fileName(node.state.uri),
        vscode.TreeItemCollapsibleState.Expanded,
      );
      const open = threatsOf(node.state.analysis).filter((t) => isOpenThreat(node.state, t)).length;
      item.description = `${fileName(node.state.uri)} · ${open} open`;
      item.resourceUri = node.state.uri;
      item.contextValue = 'model';
      return item;
    }
    if (node.type === 'group') {
      // A large group starts collapsed: expanded, every refresh (each analysis while typing)
      // would have VS Code fetch and draw all its threats — thousands on a large model.
      const item = new vscode.TreeItem(
        node.label,
        node.threats.length > EXPANDED_GROUP_LIMIT
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded,
      );
      const open = node.threats.filter((t) => isOpenThreat(node.state, t)).length;
      item.description = `${node.threats.length} · ${open} open`;
      item.contextValue = 'group';
      item.iconPath =
        this.groupBy === 'severity'
          ? SEVERITY_ICON[node.label]
          : this.groupBy === 'element'
            ? new vscode.ThemeIcon('symbol-class')
            : new vscode.ThemeIcon('tag');
      return item;
    }
    const { threat, state } = node;
    const status = threatStatus(state, threat);
    const item = new vscode.TreeItem(threat.title, vscode.TreeItemCollapsibleState.None);
    item.id = `${state.uri.toString()}#${threat.id}`;
    const parts = [
      this.groupBy === 'element' ? undefined : threat.element,
      this.groupBy === 'severity' ? undefined : threat.severity,
      this.groupBy === 'status' ? undefined : status,
      // Security is the default reading; only privacy threats name their category and codes.
      gateCategoryOf(threat.category) === 'privacy' ? categoryLabel(threat) : undefined,
      threat.mitigated ? 'controls in place' : `missing ${threat.missingControls.join(', ')}`,
    ];
    item.description = parts.filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `**${threat.title}** (\`${threat.id}\`)\n\n${threat.why}`,
    );
    item.iconPath =
      threat.mitigated || status !== 'open'
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : SEVERITY_ICON[threat.severity];
    item.contextValue = `threat-${status}`;
    item.command = {
      command: 'mltm.revealElement',
      title: 'Reveal in Model',
      arguments: [state.uri, threat.element],
    };
    return item;
  }
}

/** The threat a tree command was invoked on (inline action or context menu). */
export function threatNode(node: unknown): Extract<RegisterNode, { type: 'threat' }> | undefined {
  return typeof node === 'object' && node !== null && (node as RegisterNode).type === 'threat'
    ? (node as Extract<RegisterNode, { type: 'threat' }>)
    : undefined;
}

/** Registers the tree view and the status bar item. */
export function registerRegisterView(
  service: AnalysisService,
  tree: RegisterTree,
): vscode.Disposable[] {
  const view = vscode.window.createTreeView('mltm.register', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const status = vscode.window.createStatusBarItem(
    'mltm.openThreats',
    vscode.StatusBarAlignment.Left,
    50,
  );
  status.name = 'mltm open threats';
  status.command = 'mltm.register.focus';
  const update = () => {
    const active = vscode.window.activeTextEditor?.document.uri;
    const states = service.all().filter((s) => modelOf(s.analysis));
    const shown = active && service.get(active) ? [service.get(active) as ModelState] : states;
    if (shown.length === 0) {
      status.hide();
      return;
    }
    const open = shown.flatMap((s) => threatsOf(s.analysis).filter((t) => isOpenThreat(s, t)));
    const bySeverity = [...SEVERITY_ORDER]
      .reverse()
      .map((sev) => [sev, open.filter((t) => t.severity === sev).length] as const)
      .filter(([, n]) => n > 0);
    status.text = `$(shield) ${open.length} open`;
    status.tooltip = `mltm: ${open.length} open threat${open.length === 1 ? '' : 's'}${bySeverity.length > 0 ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''} in ${shown.length === 1 ? fileName((shown[0] as ModelState).uri) : `${shown.length} models`}. Click for the Threat Register.`;
    status.show();
    view.badge = open.length > 0 ? { value: open.length, tooltip: status.tooltip } : undefined;
  };
  return [
    view,
    status,
    service.onDidChange(() => {
      tree.refresh();
      update();
    }),
    service.onDidRemove(() => {
      tree.refresh();
      update();
    }),
    vscode.window.onDidChangeActiveTextEditor(update),
  ];
}

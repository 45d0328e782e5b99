/**
 * Quick fixes for mltm diagnostics, in a fixed order: the fix itself first (preferred: add the
 * missing control — for a fix-plan diagnostic the control its step proposes — or the problem's
 * did-you-mean replacement), then the register decisions
 * (accept the risk, mark not applicable — both ask for a justification), then the documentation.
 * Each action names the diagnostic it fixes; the edits come from the core.
 */
import * as vscode from 'vscode';
import { modelOf, threatsOf } from '../core/analysis';
import { controlInfo } from '../core/kb/controls';
import { planAddControl } from '../core/edit/addControl';
import { problemDocsUrl, ruleDocsUrl } from '../core/problems';
import type { Threat } from '../core/rules/evaluate';
import { controlOfFixCode, OPEN_THREATS_CODE } from '../core/views/problemsPanel';
import {
  isModelUri,
  isRegisterUri,
  type AnalysisService,
  type ModelState,
} from './analysisService';
import { decisionOf, panelEntriesOf } from './diagnostics';
import { toWorkspaceEdit } from './edits';

const codeValue = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object'
    ? String(d.code.value)
    : d.code === undefined
      ? undefined
      : String(d.code);

/** The threat a diagnostic was made for: same rule, same element id position. */
export function threatOfDiagnostic(
  state: ModelState,
  document: vscode.TextDocument,
  diagnostic: vscode.Diagnostic,
): Threat | undefined {
  const start = document.offsetAt(diagnostic.range.start);
  const rule = codeValue(diagnostic);
  return threatsOf(state.analysis).find((t) => t.ruleId === rule && t.range.start === start);
}

export class MltmCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  constructor(private readonly service: AnalysisService) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const modelUri = isRegisterUri(document.uri)
      ? await this.service.modelForRegister(document.uri)
      : document.uri;
    const state = this.service.get(modelUri);
    if (!state) return [];
    // Positions are only trusted for the text they were computed from.
    const current = isModelUri(document.uri)
      ? state.text === document.getText()
      : state.registerText === document.getText();
    if (!current) return [];
    const fixes: vscode.CodeAction[] = [];
    const decisions: vscode.CodeAction[] = [];
    const docs: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.filter((d) => d.source === 'mltm')) {
      const code = codeValue(diagnostic);
      if (code === undefined) continue;
      if (/^MLTM\d+$/.test(code)) {
        const problems = isModelUri(document.uri)
          ? state.analysis.problems
          : state.registerProblems;
        const start = document.offsetAt(diagnostic.range.start);
        const problem = problems.find((p) => p.code === code && p.range.start === start && p.fix);
        if (problem?.fix) {
          const action = new vscode.CodeAction(
            problem.fix.title.replace(/`/g, ''),
            vscode.CodeActionKind.QuickFix,
          );
          action.edit = toWorkspaceEdit(document, [
            { range: problem.fix.range, newText: problem.fix.replacement },
          ]);
          action.diagnostics = [diagnostic];
          action.isPreferred = true;
          fixes.push(action);
        }
        docs.push(this.docs(`Show documentation for ${code}`, problemDocsUrl(code), diagnostic));
        continue;
      }
      const model = modelOf(state.analysis);
      if (!isModelUri(document.uri) || !model) continue;
      const fixControl = controlOfFixCode(code);
      if (fixControl !== undefined) {
        const start = document.offsetAt(diagnostic.range.start);
        const step = decisionOf(state)?.plan.steps.find((s) => {
          const element =
            s.elementType === 'flow'
              ? model.flows.find((f) => f.id === s.element)
              : model.components.find((c) => c.id === s.element);
          return s.control === fixControl && element?.idRange.start === start;
        });
        if (!step) continue;
        const plan = planAddControl(state.text, model, step.element, step.control);
        if (!plan.edit) continue;
        const action = new vscode.CodeAction(
          `Add control \`${step.control}\` (${controlInfo(step.control).title}) to \`${step.element}\``,
          vscode.CodeActionKind.QuickFix,
        );
        action.edit = toWorkspaceEdit(document, [plan.edit]);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        fixes.push(action);
        continue;
      }
      // An element's open high or critical threats that no single fix closes: the actions of
      // each, the controls once each (the riskiest threat's first control preferred).
      const threats =
        code === OPEN_THREATS_CODE
          ? (() => {
              const start = document.offsetAt(diagnostic.range.start);
              const entry = panelEntriesOf(state).find(
                (e) => e.kind === 'threats' && e.range.start === start,
              );
              return entry?.kind === 'threats' ? entry.threats.map((c) => c.threat) : [];
            })()
          : [threatOfDiagnostic(state, document, diagnostic)].filter(
              (t): t is Threat => t !== undefined,
            );
      const offered = new Set<string>();
      let first = true;
      for (const threat of threats) {
        for (const control of threat.missingControls) {
          if (offered.has(`${threat.element}\u0000${control}`)) continue;
          const plan = planAddControl(state.text, model, threat.element, control);
          if (!plan.edit) continue;
          offered.add(`${threat.element}\u0000${control}`);
          const action = new vscode.CodeAction(
            `Add control \`${control}\` (${controlInfo(control).title}) to \`${threat.element}\``,
            vscode.CodeActionKind.QuickFix,
          );
          action.edit = toWorkspaceEdit(document, [plan.edit]);
          action.diagnostics = [diagnostic];
          // One preferred fix per diagnostic: the first control the (riskiest) rule asks for.
          if (first) action.isPreferred = true;
          first = false;
          fixes.push(action);
        }
        for (const [status, title] of [
          ['accepted', `Accept the risk of \`${threat.id}\` in the register…`],
          ['not_applicable', `Mark \`${threat.id}\` not applicable in the register…`],
        ] as const) {
          const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
          action.command = {
            command: 'mltm.setThreatStatus',
            title,
            arguments: [document.uri, threat.id, status],
          };
          action.diagnostics = [diagnostic];
          decisions.push(action);
        }
        docs.push(
          this.docs(
            `Show documentation for rule ${threat.ruleId}`,
            ruleDocsUrl(threat.ruleId),
            diagnostic,
          ),
        );
      }
    }
    return [...fixes, ...decisions, ...docs];
  }

  private docs(title: string, url: string, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.command = { command: 'vscode.open', title, arguments: [vscode.Uri.parse(url)] };
    action.diagnostics = [diagnostic];
    return action;
  }
}

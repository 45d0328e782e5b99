/**
 * Diagnostics: turns each model state into what the Problems panel shows — model problems,
 * the threats as core/views/problemsPanel decides (by default one diagnostic per fix-plan step,
 * on the element where the control goes; with `mltm.diagnostics.show: threats` one per open
 * threat with missing controls), register problems on the register
 * file, rule-pack problems on the pack files — in ONE collection named `mltm`. Every diagnostic
 * has `source: "mltm"` and a `code` linking to its documentation (`MLTMnnn` problems, or the
 * threat's rule id).
 *
 * No schema problem twice: mltm contributes its schemas to the Red Hat YAML extension
 * (`yamlValidation`), which then reports syntax and schema errors itself. With the setting
 * `mltm.diagnostics.schemaProblems` on `auto` (default), mltm leaves those codes to that
 * extension whenever it is installed and `yaml.validate` is on, and reports them otherwise.
 */
import * as vscode from 'vscode';
import { modelOf } from '../core/analysis';
import {
  editorDecision,
  problemsPanelEntries,
  type PanelEntry,
  type EditorDecision,
} from '../core/views/problemsPanel';
import { problemDocsUrl, ruleDocsUrl, type Problem } from '../core/problems';
import { effectiveStatus, isOpen } from '../core/register/status';
import type { Threat } from '../core/rules/evaluate';
import type { Severity } from '../core/rules/types';
import { STRIDE_BY_LETTER } from '../core/kb/stride';
import { LINDDUN_BY_CODE } from '../core/kb/linddun';
import { LineIndex } from '../core/util/lineIndex';
import type { AnalysisService, ModelState } from './analysisService';
import { affectsMltm, readConfig, yamlValidationEnabled, type SchemaProblemsMode } from './config';

/** Where a fix diagnostic's code links: how the plan ranks fixes. */
const FIX_PLAN_DOCS = 'https://github.com/mltm-dev/mltm/blob/main/docs/risk.md';

/** Codes the YAML extension reports too when it validates with our schema. */
export const SCHEMA_PROBLEM_CODES: ReadonlySet<string> = new Set([
  'MLTM001',
  'MLTM002',
  'MLTM101',
  'MLTM102',
  'MLTM103',
  'MLTM104',
  'MLTM105',
  'MLTM106',
  'MLTM107',
  'MLTM108',
  'MLTM109',
]);

/** Whether the Red Hat YAML extension is present and validating. */
export function yamlExtensionValidates(): boolean {
  return (
    vscode.extensions.getExtension('redhat.vscode-yaml') !== undefined && yamlValidationEnabled()
  );
}

export function reportsSchemaProblems(mode: SchemaProblemsMode): boolean {
  return mode === 'always' || (mode === 'auto' && !yamlExtensionValidates());
}

/** The effective status of a threat (register decision, else controls; see core/register/status). */
export function threatStatus(state: ModelState, threat: Threat): string {
  return effectiveStatus(threat, state.register);
}

/** Whether a threat still asks for action: controls missing and no decision recorded. */
export function isOpenThreat(state: ModelState, threat: Threat): boolean {
  return isOpen(threat, state.register);
}

const decisions = new WeakMap<ModelState, EditorDecision>();

/**
 * The decision (risk, attack paths, fix plan) of a model state, computed once per analysed
 * version and shared by the diagnostics, the Fix Plan view and CodeLens. Undefined when the model
 * did not load.
 */
export function decisionOf(state: ModelState): EditorDecision | undefined {
  if (state.analysis.status !== 'loaded') return undefined;
  if (state.decision) return state.decision;
  let decision = decisions.get(state);
  if (!decision) decisions.set(state, (decision = editorDecision(state.analysis, state.register)));
  return decision;
}

const THREAT_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Warning,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

const PROBLEM_SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toRange(index: LineIndex, range: { start: number; end: number }): vscode.Range {
  const start = index.position(range.start);
  const end = index.position(range.end);
  return new vscode.Range(start.line - 1, start.column - 1, end.line - 1, end.column - 1);
}

/**
 * One problem as a diagnostic of the file whose text `index` indexes; related locations in other
 * files are kept when `relatedIn` knows those files (drift points into the evidence files).
 */
export function problemDiagnostic(
  problem: Problem,
  index: LineIndex,
  uri: vscode.Uri,
  relatedIn?: (file: string) => { readonly uri: vscode.Uri; readonly index: LineIndex } | undefined,
): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    toRange(index, problem.range),
    problem.message,
    PROBLEM_SEVERITY[problem.severity],
  );
  diagnostic.source = 'mltm';
  diagnostic.code = { value: problem.code, target: vscode.Uri.parse(problemDocsUrl(problem.code)) };
  if (problem.related && problem.related.length > 0) {
    diagnostic.relatedInformation = problem.related.flatMap((r) => {
      const target = r.file === undefined ? { uri, index } : relatedIn?.(r.file);
      return target
        ? [
            new vscode.DiagnosticRelatedInformation(
              new vscode.Location(target.uri, toRange(target.index, r.range)),
              r.message,
            ),
          ]
        : [];
    });
  }
  if (problem.code === 'MLTM304') diagnostic.tags = [vscode.DiagnosticTag.Unnecessary];
  return diagnostic;
}

/** The diagnostic message of a threat: what, why it is open, what to add. */
export function threatMessage(threat: Threat): string {
  const stride = threat.stride.map((l) => STRIDE_BY_LETTER.get(l)?.name ?? l).join(', ');
  const linddun = threat.linddun.map((c) => LINDDUN_BY_CODE.get(c)?.name ?? c).join(', ');
  const tags = [stride, linddun && `LINDDUN: ${linddun}`, ...threat.atlas]
    .filter(Boolean)
    .join(' · ');
  const anyOf = threat.mitigations.anyOf.filter((c) => threat.missingControls.includes(c));
  const allOf = threat.missingControls.filter((c) => !anyOf.includes(c));
  const missing = [...allOf, ...(anyOf.length > 1 ? [`one of ${anyOf.join(' | ')}`] : anyOf)].join(
    ', ',
  );
  return `${threat.title} (${threat.severity}) on \`${threat.element}\`: missing ${missing}. [${tags}]`;
}

/**
 * The Problems panel entries of a model state (core/views/problemsPanel under the user's
 * settings): what the diagnostics show and what their quick fixes act on.
 */
export function panelEntriesOf(state: ModelState): PanelEntry[] {
  const config = readConfig(state.uri);
  const model = modelOf(state.analysis);
  const decision = decisionOf(state);
  return model && decision && state.analysis.status === 'loaded'
    ? problemsPanelEntries({
        model,
        threats: state.analysis.threats,
        decision,
        isOpen: (t) => isOpenThreat(state, t),
        minimumSeverity: config.minimumSeverity,
        mode: config.diagnosticsShow,
      })
    : [];
}

/**
 * The one diagnostic a grouped panel entry (a fix, or an element's open
 * threats) becomes: its message at its range, linked to the fix-plan docs, with
 * one related location per threat it lists.
 */
function groupedDiagnostic(
  entry: Extract<PanelEntry, { kind: 'fix' | 'threats' }>,
  related: readonly { range: { start: number; end: number }; message: string }[],
  index: LineIndex,
  uri: vscode.Uri,
): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    toRange(index, entry.range),
    entry.message,
    THREAT_SEVERITY[entry.severity],
  );
  diagnostic.source = 'mltm';
  diagnostic.code = { value: entry.code, target: vscode.Uri.parse(FIX_PLAN_DOCS) };
  diagnostic.relatedInformation = related.map(
    ({ range, message }) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uri, toRange(index, range)),
        message,
      ),
  );
  return diagnostic;
}

/** Diagnostics of one model state, by file. */
export function diagnosticsFor(
  state: ModelState,
): Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }> {
  const config = readConfig(state.uri);
  const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  const add = (uri: vscode.Uri, diagnostic: vscode.Diagnostic) => {
    const key = uri.toString();
    let entry = byFile.get(key);
    if (!entry) byFile.set(key, (entry = { uri, diagnostics: [] }));
    entry.diagnostics.push(diagnostic);
  };
  byFile.set(state.uri.toString(), { uri: state.uri, diagnostics: [] });
  byFile.set(state.registerUri.toString(), { uri: state.registerUri, diagnostics: [] });

  const modelIndex = new LineIndex(state.text);
  const schema = reportsSchemaProblems(config.schemaProblems);
  for (const problem of state.analysis.problems) {
    if (!schema && SCHEMA_PROBLEM_CODES.has(problem.code)) continue;
    add(state.uri, problemDiagnostic(problem, modelIndex, state.uri));
  }

  const model = modelOf(state.analysis);
  // Flows by id once (components are the graph's nodes): one diagnostic per threat on a
  // 1,000-component model is 11,882 lookups.
  const flowsById = new Map(model?.flows.map((f) => [f.id, f]));
  const nodes = state.analysis.status === 'loaded' ? state.analysis.graph.nodes : undefined;
  const registerIndex =
    state.registerText === undefined ? undefined : new LineIndex(state.registerText);
  const entries = panelEntriesOf(state);
  for (const entry of entries) {
    if (entry.kind === 'fix') {
      const related = entry.closes.map(({ threat, risk }) => ({
        range: threat.range,
        message: `closes ${threat.id} (${threat.severity}, risk ${risk}): ${threat.title}`,
      }));
      add(state.uri, groupedDiagnostic(entry, related, modelIndex, state.uri));
      continue;
    }
    if (entry.kind === 'threats') {
      const related = entry.threats.map(({ threat, risk }) => ({
        range: threat.range,
        message: `open ${threat.id} (${threat.severity}, risk ${risk}): ${threat.title}; missing ${threat.missingControls.join(', ')}`,
      }));
      add(state.uri, groupedDiagnostic(entry, related, modelIndex, state.uri));
      continue;
    }
    const { threat } = entry;
    const diagnostic = new vscode.Diagnostic(
      toRange(modelIndex, threat.range),
      threatMessage(threat),
      THREAT_SEVERITY[threat.severity],
    );
    diagnostic.source = 'mltm';
    diagnostic.code = {
      value: threat.ruleId,
      target: vscode.Uri.parse(ruleDocsUrl(threat.ruleId)),
    };
    const related: vscode.DiagnosticRelatedInformation[] = [];
    const flow = threat.elementType === 'flow' ? flowsById.get(threat.element) : undefined;
    if (flow) {
      const from = nodes?.get(flow.from)?.component;
      const to = nodes?.get(flow.to)?.component;
      if (from)
        related.push(
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(state.uri, toRange(modelIndex, from.idRange)),
            `source of the flow: \`${from.id}\``,
          ),
        );
      if (to)
        related.push(
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(state.uri, toRange(modelIndex, to.idRange)),
            `destination of the flow: \`${to.id}\``,
          ),
        );
    }
    const entryInRegister = state.register?.byId.get(threat.id);
    if (entryInRegister && registerIndex)
      related.push(
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(state.registerUri, toRange(registerIndex, entryInRegister.keyRange)),
          `register entry \`${threat.id}\` (status: ${entryInRegister.status})`,
        ),
      );
    if (related.length > 0) diagnostic.relatedInformation = related;
    add(state.uri, diagnostic);
  }

  if (registerIndex)
    for (const problem of state.registerProblems)
      add(state.registerUri, problemDiagnostic(problem, registerIndex, state.registerUri));
  for (const pack of state.packProblems) {
    const index = new LineIndex(pack.text);
    for (const problem of pack.problems) add(pack.uri, problemDiagnostic(problem, index, pack.uri));
  }
  return byFile;
}

/** Keeps the `mltm` diagnostic collection in step with the analysis service. */
export function registerDiagnostics(service: AnalysisService): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection('mltm');
  // Files each model last published to, so a pack or register that became clean is cleared.
  const published = new Map<string, Set<string>>();
  const publish = (state: ModelState) => {
    const files = diagnosticsFor(state);
    const previous = published.get(state.uri.toString()) ?? new Set();
    for (const key of previous) if (!files.has(key)) collection.delete(vscode.Uri.parse(key));
    for (const { uri, diagnostics } of files.values()) collection.set(uri, diagnostics);
    published.set(state.uri.toString(), new Set(files.keys()));
  };
  return [
    collection,
    service.onDidChange(publish),
    service.onDidRemove((uri) => {
      for (const key of published.get(uri.toString()) ?? [])
        collection.delete(vscode.Uri.parse(key));
      published.delete(uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsMltm(e) || e.affectsConfiguration('yaml.validate'))
        for (const state of service.all()) publish(state);
    }),
    vscode.extensions.onDidChange(() => {
      for (const state of service.all()) publish(state);
    }),
  ];
}

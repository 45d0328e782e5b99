/**
 * What the editor's Problems panel shows for a model's threats, decided without `vscode` so the
 * choice is tested in mocha and the extension only converts it. Two modes (the setting
 * `mltm.diagnostics.show`):
 * - `fixes` (default): one entry per step of the fix plan that closes open threats, on the
 *   element where the control goes, severity the highest among the threats it closes, the closed
 *   threats as related information. Open high or critical threats that no shown step closes keep
 *   an entry, so nothing that matters disappears from the panel: their own when alone on their
 *   element, else one per element listing them (no single control closes them; each needs
 *   several, and a row per threat would bring back the list the plan replaced).
 * - `threats`: one entry per open threat, as before the plan existed.
 * Both honour the minimum-severity setting. The decision comes from core/decide (the same plan
 * `mltm plan` prints), computed once per analysis by {@link editorDecision}.
 */
import type { LoadedAnalysis } from '../analysis';
import { decide, decisionInputOf, type AttackPath, type FixPlan, type PlanStep } from '../decide';
import type { PipelineModel } from '../model/types';
import type { SourceRange } from '../problems';
import type { ThreatRegister } from '../register/register';
import type { Threat } from '../rules/evaluate';
import { SEVERITY_ORDER, type Severity } from '../rules/types';

export type DiagnosticsMode = 'fixes' | 'threats';
export const DIAGNOSTICS_MODES: readonly DiagnosticsMode[] = ['fixes', 'threats'];

/**
 * Plan steps the editor computes (and may show as diagnostics). More than `mltm plan`'s default
 * ten, so fewer high threats are left without a proposed fix; few enough that the panel stays a
 * short list of decisions.
 */
export const EDITOR_PLAN_STEPS = 15;

/** Attack paths the editor keeps (the Fix Plan view lists them, riskiest first). */
export const EDITOR_PATHS = 20;

/** Severities that must stay visible in the panel when no shown fix closes them. */
const MUST_SHOW: ReadonlySet<Severity> = new Set(['high', 'critical']);

/** Code of a fix diagnostic: `fix:<control>` (the element is where the diagnostic sits). */
export const FIX_CODE_PREFIX = 'fix:';

export const fixCode = (control: string): string => `${FIX_CODE_PREFIX}${control}`;

/** Code of the entry grouping an element's open high or critical threats that no fix closes. */
export const OPEN_THREATS_CODE = 'open-threats';

/** The control a fix diagnostic's code names, or undefined for any other code. */
export function controlOfFixCode(code: string | undefined): string | undefined {
  return code?.startsWith(FIX_CODE_PREFIX) ? code.slice(FIX_CODE_PREFIX.length) : undefined;
}

export interface ClosedThreat {
  readonly threat: Threat;
  readonly risk: number;
}

export type PanelEntry =
  | {
      readonly kind: 'fix';
      readonly step: PlanStep;
      /** The id of the element the control goes on. */
      readonly range: SourceRange;
      readonly severity: Severity;
      readonly message: string;
      readonly code: string;
      /** The threats the step closes, riskiest first. */
      readonly closes: readonly ClosedThreat[];
    }
  | { readonly kind: 'threat'; readonly threat: Threat; readonly severity: Severity }
  | {
      readonly kind: 'threats';
      /** The element the threats are on. */
      readonly element: string;
      readonly range: SourceRange;
      readonly severity: Severity;
      readonly message: string;
      readonly code: string;
      /** Two or more open high or critical threats on the element, riskiest first. */
      readonly threats: readonly ClosedThreat[];
    };

/**
 * What the editor's views read of core/decide's decision: the plan, the attack paths, which
 * threats are open and each threat's risk score. The risk factors (the words behind each score)
 * stay out: on a 1,000-component model they are most of an 11 MB message from the worker thread,
 * which the host would spend over half a second reading, and no editor view shows them; nor do
 * the attack paths past the {@link EDITOR_PATHS} riskiest the Fix Plan view lists.
 */
export interface EditorDecision {
  readonly plan: FixPlan;
  /** The {@link EDITOR_PATHS} riskiest attack paths (a path on a long chain has thousands of steps). */
  readonly paths: readonly AttackPath[];
  /** How many attack paths the decision found in all. */
  readonly pathCount: number;
  readonly open: ReadonlySet<string>;
  /** Risk score (0–100) per threat id. */
  readonly riskScores: ReadonlyMap<string, number>;
}

/** The decision the editor's views share: the plan with {@link EDITOR_PLAN_STEPS} steps. */
export function editorDecision(
  analysis: LoadedAnalysis,
  register: ThreatRegister | undefined,
): EditorDecision {
  const decision = decide(decisionInputOf(analysis, register), { maxSteps: EDITOR_PLAN_STEPS });
  const riskScores = new Map<string, number>();
  for (const [id, risk] of decision.risks) riskScores.set(id, risk.score);
  return {
    plan: decision.plan,
    paths: decision.paths.slice(0, EDITOR_PATHS),
    pathCount: decision.paths.length,
    open: decision.open,
    riskScores,
  };
}

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

/** "Add `rate_limiting` to `api-gateway`: closes 4 open threats, 2 critical — Model extraction, …" */
export function fixMessage(step: PlanStep, closes: readonly ClosedThreat[]): string {
  const counts = [...SEVERITY_ORDER]
    .reverse()
    .filter((s) => s === 'critical' || s === 'high')
    .map((s) => [s, closes.filter((c) => c.threat.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const titles = [...new Set(closes.map((c) => c.threat.title))];
  const named = titles.slice(0, 3).join(', ') + (titles.length > 3 ? ', …' : '');
  const n = closes.length;
  return (
    `Add \`${step.control}\` to \`${step.element}\`: closes ${n} open threat${n === 1 ? '' : 's'}` +
    (counts.length > 0 ? `, ${counts.join(', ')}` : '') +
    ` — ${named} (fix plan step ${step.rank}, risk −${step.riskReduced})`
  );
}

/** Where a plan step's control goes in the text: the element's id. */
function elementRange(model: PipelineModel, step: PlanStep): SourceRange | undefined {
  const element =
    step.elementType === 'flow'
      ? model.flows.find((f) => f.id === step.element)
      : model.components.find((c) => c.id === step.element);
  return element?.idRange;
}

/**
 * The threat entries of the Problems panel, in plan order then threat order. `isOpen` is the
 * register's effective status (core/register/status), so a decided threat never shows.
 */
export function problemsPanelEntries(input: {
  readonly model: PipelineModel;
  readonly threats: readonly Threat[];
  readonly decision: EditorDecision;
  readonly isOpen: (threat: Threat) => boolean;
  readonly minimumSeverity: Severity;
  readonly mode: DiagnosticsMode;
}): PanelEntry[] {
  const floor = rank(input.minimumSeverity);
  const open = input.threats.filter((t) => input.isOpen(t) && rank(t.severity) >= floor);
  if (input.mode === 'threats')
    return open.map((threat) => ({ kind: 'threat', threat, severity: threat.severity }));

  const byId = new Map(input.threats.map((t) => [t.id, t]));
  const entries: PanelEntry[] = [];
  const covered = new Set<string>();
  for (const step of input.decision.plan.steps) {
    const closes = step.closes
      .map((id) => byId.get(id))
      .filter((t): t is Threat => t !== undefined && input.isOpen(t))
      .map((threat) => ({ threat, risk: input.decision.riskScores.get(threat.id) ?? 0 }))
      .sort((a, b) => b.risk - a.risk || (a.threat.id < b.threat.id ? -1 : 1));
    const shown = closes.filter((c) => rank(c.threat.severity) >= floor);
    const range = elementRange(input.model, step);
    if (shown.length === 0 || !range) continue;
    for (const c of closes) covered.add(c.threat.id);
    const severity = shown.reduce<Severity>(
      (s, c) => (rank(c.threat.severity) > rank(s) ? c.threat.severity : s),
      'info',
    );
    entries.push({
      kind: 'fix',
      step,
      range,
      severity,
      message: fixMessage(step, closes),
      code: fixCode(step.control),
      closes,
    });
  }
  const left = new Map<string, Threat[]>();
  for (const threat of open)
    if (!covered.has(threat.id) && MUST_SHOW.has(threat.severity)) {
      const list = left.get(threat.element);
      if (list) list.push(threat);
      else left.set(threat.element, [threat]);
    }
  for (const [element, threats] of left) {
    const [only] = threats;
    if (threats.length === 1 && only) {
      entries.push({ kind: 'threat', threat: only, severity: only.severity });
      continue;
    }
    const ranked = threats
      .map((threat) => ({ threat, risk: input.decision.riskScores.get(threat.id) ?? 0 }))
      .sort((a, b) => b.risk - a.risk || (a.threat.id < b.threat.id ? -1 : 1));
    entries.push({
      kind: 'threats',
      element,
      range: (threats[0] as Threat).range,
      severity: ranked.reduce<Severity>(
        (s, c) => (rank(c.threat.severity) > rank(s) ? c.threat.severity : s),
        'info',
      ),
      message: openThreatsMessage(element, ranked),
      code: OPEN_THREATS_CODE,
      threats: ranked,
    });
  }
  return entries;
}

/**
 * "`credit-score-call`: 2 open high threats no single control closes — Evasion…, Model
 * extraction…; missing adversarial_training, rate_limiting, …"
 */
export function openThreatsMessage(element: string, threats: readonly ClosedThreat[]): string {
  const counts = [...SEVERITY_ORDER]
    .reverse()
    .filter((s) => MUST_SHOW.has(s))
    .map((s) => [s, threats.filter((c) => c.threat.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const titles = [...new Set(threats.map((c) => c.threat.title))].join(', ');
  const missing = [...new Set(threats.flatMap((c) => c.threat.missingControls))].sort();
  return `\`${element}\`: ${threats.length} open threats (${counts.join(', ')}) that no single control closes — ${titles}; missing ${missing.join(', ')}.`;
}

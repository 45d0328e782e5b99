/**
 * The executive summary that opens the Markdown and HTML reports, in plain business language:
 * the top risks with their impact stated as outcomes (model theft, fraud or business losses,
 * regulatory exposure, outage, corrupted decisions), the fix plan and the residual risk after it,
 * and incident-response readiness (how the top risks would be detected and contained, from the
 * rules' own detection and containment texts). Computed with the decision layer from the report's
 * input, so it says what `mltm plan` says.
 */
import type { Decision } from '../decide/index';
import { riskExplained } from '../decide/explain';
import type { Risk } from '../decide/risk';
import { reportDecision } from './decision';
import type { Threat } from '../rules/evaluate';
import type { ReportInput } from './view';

export interface ExecutiveRisk {
  readonly threat: Threat;
  readonly score: number;
  /** The decision's risk of the threat, factors included. */
  readonly risk: Risk | undefined;
  /** Business outcomes the threat leads to, in words. */
  readonly outcomes: readonly string[];
}

export interface ExecutiveSummary {
  readonly decision: Decision;
  readonly topRisks: readonly ExecutiveRisk[];
  readonly openThreats: number;
}

const EXTRACTION = new Set([
  'AML.T0024',
  'AML.T0024.000',
  'AML.T0024.001',
  'AML.T0024.002',
  'AML.T0005',
  'AML.T0005.001',
]);

/** The outcomes a threat leads to, judged from its STRIDE letters, ATLAS ids and data. */
export function outcomesOf(threat: Threat, input: ReportInput): string[] {
  const out: string[] = [];
  const graph = input.analysis.graph;
  const component = graph?.nodes.get(threat.element)?.component;
  const edge = graph?.edges.find((e) => e.flow.id === threat.element);
  const data = edge
    ? edge.data
    : (component?.data ?? []).map((id) => graph?.dataById.get(id)).filter((d) => d !== undefined);
  if (
    threat.atlas.some((a) => EXTRACTION.has(a)) ||
    /weights-exfiltration|model-theft/.test(threat.ruleId)
  )
    out.push('model theft: a competitor gets a working copy of the model');
  if (threat.category === 'privacy')
    out.push('privacy harm: personal data used, linked or kept beyond what people were told');
  else if (threat.stride.includes('I') && data.some((d) => d.pii))
    out.push('regulatory exposure: a personal-data breach to report');
  else if (threat.stride.includes('I')) out.push('confidential information leaks');
  if (threat.stride.includes('T') || threat.stride.includes('E'))
    out.push(
      threat.category === 'ml'
        ? 'corrupted decisions: the model or its data is altered, and fraud or business losses follow'
        : 'tampering: data or systems changed by an attacker',
    );
  if (threat.stride.includes('D')) out.push('outage or runaway cost of the service');
  if (threat.stride.includes('S') || threat.stride.includes('R'))
    out.push('misuse that cannot be attributed to anyone');
  return [...new Set(out)];
}

export function executiveSummary(input: ReportInput): ExecutiveSummary | undefined {
  const { analysis } = input;
  if (!analysis.facts) return undefined;
  const decision = reportDecision(input);
  if (!decision) return undefined;
  const open = analysis.threats.filter((t) => decision.open.has(t.id));
  const topRisks = open
    .map((threat) => {
      const risk = decision.risks.get(threat.id);
      return { threat, risk, score: risk?.score ?? 0 };
    })
    .sort((a, b) => b.score - a.score || (a.threat.id < b.threat.id ? -1 : 1))
    .slice(0, 5)
    .map((r) => ({ ...r, outcomes: outcomesOf(r.threat, input) }));
  return { decision, topRisks, openThreats: open.length };
}

/** The summary's sentences as plain text, so the Markdown and HTML reports say the same words. */
export interface ExecutiveText {
  readonly intro: string;
  /**
   * Each: the threat title (shown bold), the rest of the sentence, and why it scores what it
   * does (the likelihood and impact factors, docs/risk.md).
   */
  readonly risks: readonly {
    readonly title: string;
    readonly rest: string;
    readonly why: string;
  }[];
  readonly steps: readonly string[];
  readonly residual: string;
  readonly readiness: readonly string[];
}

const percent = (part: number, whole: number) =>
  whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;
const unstop = (text: string) => text.trim().replace(/\.$/, '');

/**
 * What the register decided about attack paths, in one sentence (empty when it decided none):
 * such paths are the team's call, and no fix step is credited with cutting them.
 */
function decidedPathsSentence(paths: Decision['paths']): string {
  const decided = paths.filter((p) => p.decision !== undefined);
  if (decided.length === 0) return '';
  const counts = (['accepted', 'mitigated', 'not_applicable'] as const)
    .map((status) => [status, decided.filter((p) => p.decision?.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status.replace('_', ' ')}`);
  const review = decided.filter((p) => p.decision?.needsReview).length;
  return ` The threat register decides ${decided.length} of the ${paths.length} attack paths (${counts.join(', ')}${review > 0 ? `; ${review} due a review since an element on them changed` : ''}); no step is credited with cutting them.`;
}

/** Why a top risk scores what it does, in one sentence. */
function whyScore(risk: Risk | undefined): string {
  if (!risk) return '';
  return `Why ${risk.score}: ${riskExplained(risk)}.`;
}

/** The executive summary in words; undefined when the model did not load. */
export function executiveText(input: ReportInput): ExecutiveText | undefined {
  const summary = executiveSummary(input);
  if (!summary) return undefined;
  const { plan } = summary.decision;
  if (summary.topRisks.length === 0)
    return {
      intro:
        'No open risk: every threat is mitigated by the controls in the model or decided in the register.',
      risks: [],
      steps: [],
      residual: '',
      readiness: [],
    };
  const shown = plan.steps.slice(0, 5);
  const afterShown = plan.totalRisk - shown.reduce((sum, s) => sum + s.riskReduced, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    intro: `${summary.openThreats} threats are open, for a total risk of ${plan.totalRisk} (each threat scores 4–100: likelihood × impact; see docs/risk.md). The five that matter most:`,
    risks: summary.topRisks.map((r) => ({
      title: r.threat.title,
      rest: ` on ${r.threat.element} (risk ${r.score}): ${r.outcomes.join('; ') || 'see the detail below'}.`,
      why: whyScore(r.risk),
    })),
    steps:
      shown.length === 0
        ? ['No control addition removes open risk.']
        : shown.map(
            (s) =>
              `Add ${s.control} to ${s.element}: removes ${s.riskReduced} of the risk, closes ${plural(s.closes.length, 'threat')}${s.breaksPaths.length > 0 ? `, cuts ${plural(s.breaksPaths.length, 'attack path')}` : ''}.`,
          ),
    residual:
      `After these ${shown.length} steps the open risk falls from ${plan.totalRisk} to ${afterShown} (−${percent(plan.totalRisk - afterShown, plan.totalRisk)}); the full plan (mltm plan, ${plan.steps.length} steps) leaves ${plan.residualRisk}.` +
      decidedPathsSentence(summary.decision.paths),
    readiness: summary.topRisks.map(
      (r) =>
        `${r.threat.title} (${r.threat.id}): detect — ${unstop(r.threat.detection ?? 'no detection guidance in the rule')}; contain — ${r.threat.containment ?? 'no containment guidance in the rule.'}`,
    ),
  };
}

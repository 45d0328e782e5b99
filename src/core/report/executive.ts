/**
 * The executive summary that opens the Markdown and HTML reports, in plain business language:
 * the top risks with their impact stated as outcomes (model theft, fraud or business losses,
 * regulatory exposure, outage, corrupted decisions), the fix plan and the residual risk after it,
 * and incident-response readiness (how the top risks would be detected and contained, from the
 * rules' own detection and containment texts). Computed with the decision layer from the report's
 * input, so it says what `mltm plan` says.
 */
import { decide, type Decision } from '../decide/index';
import type { Threat } from '../rules/evaluate';
import type { ReportInput } from './view';

export interface ExecutiveRisk {
  readonly threat: Threat;
  readonly score: number;
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
  if (threat.stride.includes('I') && data.some((d) => d.pii))
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
  const decision = decide({
    facts: analysis.facts,
    threats: analysis.threats,
    rules: analysis.ruleSet.rules,
    atlas: analysis.atlas,
    ...(input.register && { register: input.register }),
  });
  const open = analysis.threats.filter((t) => decision.open.has(t.id));
  const topRisks = open
    .map((threat) => ({ threat, score: decision.risks.get(threat.id)?.score ?? 0 }))
    .sort((a, b) => b.score - a.score || (a.threat.id < b.threat.id ? -1 : 1))
    .slice(0, 5)
    .map((r) => ({ ...r, outcomes: outcomesOf(r.threat, input) }));
  return { decision, topRisks, openThreats: open.length };
}

/**
 * The decision layer's answer for a report input (risk, attack paths, fix plan), computed once
 * per input and shared by every part of a report that needs it: each threat row's risk, the
 * executive summary, SARIF `codeFlows`, the Mermaid path highlight. Undefined when the analysis
 * has no model facts.
 */
import type { LoadedAnalysis } from '../analysis';
import { decide, decisionInputOf, type Decision } from '../decide/index';
import type { ThreatRegister } from '../register/register';

/** What of a report's input the decision reads (a `ReportInput`; the report view needs this). */
interface DecidedInput {
  readonly analysis: LoadedAnalysis;
  readonly register?: ThreatRegister;
}

const decisions = new WeakMap<DecidedInput, Decision>();

export function reportDecision(input: DecidedInput): Decision | undefined {
  const { analysis } = input;
  if (!analysis.facts) return undefined;
  let decision = decisions.get(input);
  if (!decision) {
    decision = decide(decisionInputOf({ ...analysis, facts: analysis.facts }, input.register));
    decisions.set(input, decision);
  }
  return decision;
}

/**
 * The decision layer's answer for a report input (risk, attack paths, fix plan), computed once
 * per input and shared by every part of a report that needs it: the executive summary, SARIF
 * `codeFlows`, the Mermaid path highlight. Undefined when the analysis has no model facts.
 */
import { decide, decisionInputOf, type Decision } from '../decide/index';
import type { ReportInput } from './view';

const decisions = new WeakMap<ReportInput, Decision>();

export function reportDecision(input: ReportInput): Decision | undefined {
  const { analysis } = input;
  if (!analysis.facts) return undefined;
  let decision = decisions.get(input);
  if (!decision) {
    decision = decide(decisionInputOf({ ...analysis, facts: analysis.facts }, input.register));
    decisions.set(input, decision);
  }
  return decision;
}

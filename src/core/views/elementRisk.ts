/**
 * The risk of each element as the editor's CodeLens shows it: the highest risk score among its
 * open threats (what reviewers rank by) and how many are open, from the same decision the fix
 * diagnostics and the Fix Plan view use. Elements with no open threat are absent.
 */
import type { EditorDecision } from './problemsPanel';
import type { Threat } from '../rules/evaluate';

export interface ElementRisk {
  /** Highest risk score (0–100) of the element's open threats. */
  readonly highest: number;
  readonly open: number;
}

export function elementRisks(
  threats: readonly Threat[],
  decision: EditorDecision,
): ReadonlyMap<string, ElementRisk> {
  const out = new Map<string, ElementRisk>();
  for (const threat of threats) {
    if (!decision.open.has(threat.id)) continue;
    const score = decision.riskScores.get(threat.id) ?? 0;
    const prior = out.get(threat.element);
    out.set(threat.element, {
      highest: Math.max(prior?.highest ?? 0, score),
      open: (prior?.open ?? 0) + 1,
    });
  }
  return out;
}

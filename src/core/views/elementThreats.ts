/**
 * The threats of each element, most severe first (then by rule id), as the editor's hover and
 * CodeLens list them. Grouped once per analysis's threat list and kept with it: the CodeLens
 * asks for every component and flow of the model on each refresh, and filtering the whole list
 * per element was quadratic — 2,000 elements × 3,674 threats on the real-VS-Code large-model
 * test's 1,000 components, in the extension host, between keystrokes.
 */
import type { Threat } from '../rules/evaluate';
import { SEVERITY_ORDER } from '../rules/types';

const grouped = new WeakMap<readonly Threat[], ReadonlyMap<string, readonly Threat[]>>();
const NONE: readonly Threat[] = [];

/** An element's threats, most severe first, then by rule id (empty when it has none). */
export function threatsOfElement(threats: readonly Threat[], elementId: string): readonly Threat[] {
  let byElement = grouped.get(threats);
  if (!byElement) grouped.set(threats, (byElement = groupByElement(threats)));
  return byElement.get(elementId) ?? NONE;
}

function groupByElement(threats: readonly Threat[]): ReadonlyMap<string, readonly Threat[]> {
  const byElement = new Map<string, Threat[]>();
  for (const threat of threats) {
    const list = byElement.get(threat.element);
    if (list) list.push(threat);
    else byElement.set(threat.element, [threat]);
  }
  const rank = (t: Threat) => SEVERITY_ORDER.indexOf(t.severity);
  for (const list of byElement.values())
    list.sort((a, b) => rank(b) - rank(a) || a.ruleId.localeCompare(b.ruleId));
  return byElement;
}

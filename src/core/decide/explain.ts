/**
 * A threat's risk in words: the score, the likelihood and the impact, each with the factors
 * behind it (docs/risk.md), as the reports and the editor's hover show them next to a score —
 * so every number a reviewer sees can be checked by hand. One wording for every surface.
 *
 * Also the one way to get a single threat's explained risk without deciding the whole model
 * (the editor's hover asks it of one element's threats; the decision itself runs in a worker and
 * sends scores only): the same `riskOf` over the same risk context as the decision's
 * assessment, so the words can never disagree with the score the plan ranked by.
 */
import type { AtlasCatalogue } from '../kb/atlas';
import type { Threat } from '../rules/evaluate';
import type { ModelFacts } from '../rules/facts';
import { crownJewels } from './crownJewels';
import {
  factorDelta,
  mitigationStateOf,
  riskContext,
  riskOf,
  type Risk,
  type RiskContext,
  type RiskFactor,
} from './risk';

/** The signed number of a factor's effect as written (`likelihood +2` → `+2`). */
const effectOf = (f: RiskFactor) => f.effect.slice(f.effect.indexOf(' ') + 1);

/** Code spans of the factors' words become plain ids: the words go into plain-text reports. */
const plain = (text: string) => text.replace(/`/g, '');

function sumInWords(
  on: 'likelihood' | 'impact',
  value: number,
  factors: readonly RiskFactor[],
): string {
  const mine = factors.filter((f) => f.effect.startsWith(`${on} `));
  const terms = mine.map((f) => `${f.factor} ${effectOf(f)}, ${plain(f.why)}`);
  // The sum before clamping, to say so when the 1–5 scale capped it.
  const raw = mine.reduce((sum, f) => sum + factorDelta(f), 1);
  if (raw > 5) terms.push(`${raw}, capped at 5`);
  else if (raw < 1) terms.push(`${raw}, raised to 1`);
  return `${on} ${value} (from 1: ${terms.join('; ')})`;
}

/**
 * The factors behind a risk score in one line: `likelihood 4 (from 1: reach +2, one hop from the
 * entry point shopper; …) × impact 5 (from 1: severity +2, …) × 4` — the score's own product.
 */
export function riskExplained(risk: Risk): string {
  return `${sumInWords('likelihood', risk.likelihood, risk.factors)} × ${sumInWords('impact', risk.impact, risk.factors)} × 4`;
}

const contexts = new WeakMap<ModelFacts, WeakMap<AtlasCatalogue, RiskContext>>();

/**
 * The explained risk of threats of one analysis, as its decision scores them: the risk context
 * (hops from entry points, downstream reach, crown jewels) is built once per facts and catalogue.
 */
export function threatRisk(facts: ModelFacts, atlas: AtlasCatalogue, threat: Threat): Risk {
  let byAtlas = contexts.get(facts);
  if (!byAtlas) contexts.set(facts, (byAtlas = new WeakMap()));
  let context = byAtlas.get(atlas);
  if (!context) {
    context = riskContext(facts.graph, crownJewels(facts.graph), atlas);
    byAtlas.set(atlas, context);
  }
  return riskOf(threat, mitigationStateOf(threat), context);
}

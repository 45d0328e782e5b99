/**
 * How much of MITRE ATLAS a set of rules can report: the distinct technique ids the rules cite,
 * and how many of the catalogue's techniques that leaves out. Reconnaissance and Resource
 * Development are the attacker's preparation on their own side, which no design-time model of
 * the victim's system can foresee, so they are counted apart. The rule catalogue (docs/rules.md)
 * prints these numbers and a test holds the built-in packs to them.
 */
import type { AtlasCatalogue } from '../kb/atlas';
import type { Rule } from './types';

/** Tactics of attacker-side preparation, by ATLAS name (ids are stable, names explain). */
export const PREPARATION_TACTICS: readonly string[] = ['Reconnaissance', 'Resource Development'];

export interface AtlasCoverage {
  /** Distinct technique ids the rules cite, sorted. */
  readonly emitted: readonly string[];
  /** Techniques (and sub-techniques) of the catalogue with a tactic beyond preparation, sorted. */
  readonly foreseeable: readonly string[];
  /** The foreseeable techniques the rules cite. */
  readonly emittedForeseeable: readonly string[];
  /** Ids the rules cite that the catalogue does not have as techniques. */
  readonly unknown: readonly string[];
}

export function atlasCoverage(rules: readonly Rule[], catalogue: AtlasCatalogue): AtlasCoverage {
  const preparation = new Set(
    [...catalogue.tactics.values()]
      .filter((tactic) => PREPARATION_TACTICS.includes(tactic.name))
      .map((tactic) => tactic.id),
  );
  const cited = new Set(rules.flatMap((rule) => rule.atlas));
  const emitted = [...cited].filter((id) => catalogue.techniques.has(id)).sort();
  const unknown = [...cited].filter((id) => !catalogue.techniques.has(id)).sort();
  const foreseeable = [...catalogue.techniques.keys()]
    .filter((id) => catalogue.tacticsOf(id).some((tactic) => !preparation.has(tactic)))
    .sort();
  const foreseeableSet = new Set(foreseeable);
  return {
    emitted,
    foreseeable,
    emittedForeseeable: emitted.filter((id) => foreseeableSet.has(id)),
    unknown,
  };
}

/**
 * The decision layer over one analysis: crown jewels, risk per threat, attack paths and the fix
 * plan, as one pure function of plain inputs (model facts, threats, rules, register), so the CLI,
 * the reports and the editor get the same answer whatever shape their analysis has.
 */
import type { AtlasCatalogue } from '../kb/atlas';
import { Assessment, type DecisionInput } from './assess';
import { crownJewels, type CrownJewel } from './crownJewels';
import {
  attackPaths,
  elementFingerprinter,
  fingerprintOfPath,
  pathAlong,
  type AttackPath,
} from './paths';
import { fixPlan, type FixPlan } from './plan';
import { riskContext, type Risk } from './risk';

export type { DecisionInput } from './assess';
export type { CrownJewel } from './crownJewels';
export type { AttackPath, PathDecision, PathStep } from './paths';
export { pathStatusOf } from './paths';
export type { FixPlan, PlanStep } from './plan';
export type { Risk, RiskFactor } from './risk';

export interface Decision {
  readonly crownJewels: readonly CrownJewel[];
  /** Risk of every threat as the model stands, by threat id. */
  readonly risks: ReadonlyMap<string, Risk>;
  /** Ids of the threats that are open (no register decision, controls missing). */
  readonly open: ReadonlySet<string>;
  readonly paths: readonly AttackPath[];
  readonly plan: FixPlan;
}

/** What an analysis gives the decision layer: its facts, threats, rules and catalogue. */
export interface AnalysedModel {
  readonly facts: DecisionInput['facts'];
  readonly threats: DecisionInput['threats'];
  readonly ruleSet: { readonly rules: DecisionInput['rules'] };
  readonly atlas: AtlasCatalogue;
}

/**
 * The decision layer's input for an analysed model and its register: the one place the CLI, the
 * reports, the editor's views and register sync build it.
 */
export function decisionInputOf(
  analysis: AnalysedModel,
  register: DecisionInput['register'] | undefined,
): DecisionInput & { readonly atlas: AtlasCatalogue } {
  return {
    facts: analysis.facts,
    threats: analysis.threats,
    rules: analysis.ruleSet.rules,
    atlas: analysis.atlas,
    ...(register && { register }),
  };
}

/** Default number of plan steps. */
export const DEFAULT_PLAN_STEPS = 10;

export function decide(
  input: DecisionInput & { readonly atlas: AtlasCatalogue },
  options: { maxSteps?: number } = {},
): Decision {
  const graph = input.facts.graph;
  const jewels = crownJewels(graph);
  const assessment = new Assessment(input, riskContext(graph, jewels, input.atlas));
  const risks = new Map<string, Risk>();
  const open = new Set<string>();
  for (const [id, state] of assessment.states) {
    risks.set(id, state.risk);
    if (state.open) open.add(id);
  }
  const paths = attackPaths(assessment, jewels);
  // A path the register decided on (accepted, mitigated, not applicable) is no longer one a step
  // is credited with cutting.
  const undecided = paths.filter((p) => p.decision === undefined);
  const plan = fixPlan(assessment, undecided, {
    maxSteps: options.maxSteps ?? DEFAULT_PLAN_STEPS,
  });
  return { crownJewels: jewels, risks, open, paths, plan };
}

/** An attack path found for a register entry, with its fingerprint as the model stands. */
export interface FoundPath {
  readonly path: AttackPath;
  readonly fingerprint: string;
}

/**
 * The attack paths behind register `paths:` entries and the path ids asked for, by id: the path
 * the enumeration lists under that id, else the path along the elements the entry recorded when
 * it still holds and still has that id (so a decided path outside the hundred riskiest, or no
 * longer among the shortest, is not taken for gone). An id missing from the result names no
 * attack path of the model. Register checks, sync and triage ask this one question.
 */
export function findPaths(
  input: DecisionInput & { readonly atlas: AtlasCatalogue },
  ids: readonly string[],
): Map<string, FoundPath> {
  const found = new Map<string, FoundPath>();
  const wanted = new Set([...(input.register?.paths.map((e) => e.id) ?? []), ...ids]);
  if (wanted.size === 0) return found;
  const graph = input.facts.graph;
  const jewels = crownJewels(graph);
  const assessment = new Assessment(input, riskContext(graph, jewels, input.atlas));
  const fingerprintOf = elementFingerprinter(input.facts);
  const add = (path: AttackPath) =>
    found.set(path.id, { path, fingerprint: fingerprintOfPath(path, fingerprintOf) });
  for (const path of attackPaths(assessment, jewels)) if (wanted.has(path.id)) add(path);
  for (const entry of input.register?.paths ?? []) {
    if (found.has(entry.id)) continue;
    const path = pathAlong(assessment, jewels, entry);
    if (path?.id === entry.id) add(path);
  }
  return found;
}

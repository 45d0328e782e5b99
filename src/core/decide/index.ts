/**
 * The decision layer over one analysis: crown jewels, risk per threat, attack paths and the fix
 * plan, as one pure function of plain inputs (model facts, threats, rules, register), so the CLI,
 * the reports and the editor get the same answer whatever shape their analysis has.
 */
import type { AtlasCatalogue } from '../kb/atlas';
import { Assessment, type DecisionInput } from './assess';
import { crownJewels, type CrownJewel } from './crownJewels';
import { attackPaths, type AttackPath } from './paths';
import { fixPlan, type FixPlan } from './plan';
import { riskContext, type Risk } from './risk';

export type { DecisionInput } from './assess';
export type { CrownJewel } from './crownJewels';
export type { AttackPath, PathStep } from './paths';
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
  const plan = fixPlan(assessment, paths, { maxSteps: options.maxSteps ?? DEFAULT_PLAN_STEPS });
  return { crownJewels: jewels, risks, open, paths, plan };
}

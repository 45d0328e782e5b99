/**
 * The fix plan: which control additions (a control on an element) remove the most open risk,
 * chosen greedily — a weighted set cover, each step recomputed after the previous ones. A
 * candidate's gain is the open risk of the threats it would close (or make less likely), found
 * by re-resolving exactly those threats with the engine's placement rules and the control added;
 * gains are kept per candidate and only the candidates sharing a threat with the chosen step are
 * recomputed. A step's `riskReduced` is the open risk before minus after applying it to the
 * assessment, which equals re-analysing the model with the control written in (a property test
 * holds them equal through the real add-control edit).
 *
 * Threats with a register decision (accepted, not applicable, mitigated, transferred) are not
 * open and never drive the plan. Ties break on element id, then control, so the plan does not
 * depend on the file's order.
 */
import { controlInfo } from '../kb/controls';
import type { Threat } from '../rules/evaluate';
import type { ModelFacts } from '../rules/facts';
import type { Assessment } from './assess';
import { openByElement, pathHolds, type AttackPath } from './paths';

export interface PlanStep {
  /** 1-based. */
  readonly rank: number;
  readonly control: string;
  /** Component or flow id the control goes on. */
  readonly element: string;
  readonly elementType: 'component' | 'flow';
  /** Threats this step takes from open to dealt with, by id. */
  readonly closes: readonly string[];
  readonly riskReduced: number;
  /** Attack paths this step cuts (they no longer hold after it). */
  readonly breaksPaths: readonly string[];
  /** The highest risk score among the threats it closes (0 when it only lowers likelihoods). */
  readonly highestRisk: number;
}

export interface FixPlan {
  /** Open risk before the plan. */
  readonly totalRisk: number;
  /** Open risk after every step of the plan. */
  readonly residualRisk: number;
  readonly steps: readonly PlanStep[];
}

const key = (element: string, control: string) => `${element}\u0000${control}`;

/**
 * Where a missing control can go so it counts for a threat, per the control's placement: the
 * element itself, and the flows or neighbours whose controls the engine reads for it. The
 * engine then decides whether one such addition is enough (an ingress control upstream counts
 * only when every inbound flow is covered).
 */
export function placementsFor(
  threat: Threat,
  control: string,
  facts: ModelFacts,
  flowsById: ReadonlyMap<string, ModelFacts['flows'][number]>,
): string[] {
  const placement = controlInfo(control).placement;
  const internal = (id: string) =>
    facts.components.get(id)?.node.elementClass !== 'external_entity';
  const out = new Set<string>();
  if (threat.elementType === 'component') {
    const component = facts.components.get(threat.element);
    if (!component || !internal(component.id)) return [];
    out.add(component.id);
    const inbound = () => {
      for (const e of component.node.inbound) {
        out.add(e.flow.id);
        if (placement !== 'transport' && internal(e.source.component.id))
          out.add(e.source.component.id);
      }
    };
    const outbound = () => {
      for (const e of component.node.outbound) out.add(e.flow.id);
    };
    if (placement === 'ingress' || placement === 'transport') inbound();
    if (placement === 'egress') outbound();
    if (placement === 'either') {
      inbound();
      outbound();
    }
    if (placement === 'observed')
      for (const e of component.node.outbound)
        if (e.target.component.kind === 'monitoring') out.add(e.target.component.id);
  } else {
    const flow = flowsById.get(threat.element);
    if (!flow) return [];
    out.add(flow.id);
    // Transport counts on both ends together: one end is enough when the other already has it.
    if (internal(flow.to.id)) out.add(flow.to.id);
    if (internal(flow.from.id)) out.add(flow.from.id);
  }
  return [...out].sort();
}

/** Builds the plan: up to `maxSteps` steps, stopping when no addition removes open risk. */
export function fixPlan(
  assessment: Assessment,
  paths: readonly AttackPath[],
  options: { maxSteps: number },
): FixPlan {
  const facts = assessment.input.facts;
  const totalRisk = assessment.openRisk();
  const flowIds = new Set(facts.flows.map((f) => f.id));
  const flowsById = new Map(facts.flows.map((f) => [f.id, f]));

  // Candidate index: which threats each (element, control) can touch, and the reverse.
  const threatsOf = new Map<string, Map<string, Threat>>();
  const keysOf = new Map<string, string[]>();
  const candidate = new Map<string, { element: string; control: string }>();
  const gains = new Map<string, number>();
  const contributions = new Map<string, Map<string, number>>();

  /**
   * Whether adding `control` on a flow or neighbour of a component threat's element provably
   * changes nothing for it: another inbound (outbound) flow would still lack the control, so the
   * placement rule still fails. Saves re-resolving most candidates; the threat stays indexed
   * under the candidate, so a later step that covers the other flows re-examines it.
   */
  const changesNothing = (threat: Threat, control: string, element: string): boolean => {
    if (threat.elementType !== 'component' || element === threat.element) return false;
    const component = facts.components.get(threat.element);
    if (!component) return false;
    const placement = controlInfo(control).placement;
    if (placement === 'observed' || placement === 'component') return false;
    const has = (id: string) => assessment.hasOwnControl(id, control);
    const inboundFlow = component.node.inbound.some((e) => e.flow.id === element);
    const upstream = component.node.inbound.some((e) => e.source.component.id === element);
    const outboundFlow = component.node.outbound.some((e) => e.flow.id === element);
    if (inboundFlow || upstream) {
      if (outboundFlow) return false;
      return component.node.inbound.some(
        (e) =>
          e.flow.id !== element &&
          !has(e.flow.id) &&
          (placement === 'transport' ||
            (e.source.component.id !== element && !has(e.source.component.id))),
      );
    }
    if (outboundFlow)
      return component.node.outbound.some((e) => e.flow.id !== element && !has(e.flow.id));
    return false;
  };

  const index = (threatId: string) => {
    const state = assessment.states.get(threatId);
    for (const k of keysOf.get(threatId) ?? []) {
      threatsOf.get(k)?.delete(threatId);
      const old = contributions.get(threatId)?.get(k) ?? 0;
      gains.set(k, (gains.get(k) ?? 0) - old);
    }
    keysOf.delete(threatId);
    contributions.delete(threatId);
    if (!state || !state.open) return;
    const keys: string[] = [];
    const contribution = new Map<string, number>();
    for (const control of state.missing)
      for (const element of placementsFor(state.threat, control, facts, flowsById)) {
        const k = key(element, control);
        keys.push(k);
        candidate.set(k, { element, control });
        let set = threatsOf.get(k);
        if (!set) threatsOf.set(k, (set = new Map()));
        set.set(threatId, state.threat);
        let gain = 0;
        if (!changesNothing(state.threat, control, element)) {
          const next = assessment.resolve(state.threat, assessment.withAddition(element, control));
          gain = state.risk.score - (next && next.open ? next.risk.score : 0);
        }
        contribution.set(k, gain);
        gains.set(k, (gains.get(k) ?? 0) + gain);
      }
    keysOf.set(threatId, keys);
    contributions.set(threatId, contribution);
  };
  for (const id of [...assessment.states.keys()].sort()) index(id);

  const steps: PlanStep[] = [];
  let unbroken = [...paths];
  while (steps.length < options.maxSteps) {
    let best: string | undefined;
    let bestGain = 0;
    for (const [k, g] of gains) {
      if (g > bestGain || (g === bestGain && g > 0 && best !== undefined && k < best)) {
        best = k;
        bestGain = g;
      }
    }
    if (best === undefined || bestGain <= 0) break;
    const { element, control } = candidate.get(best) as { element: string; control: string };
    const before = assessment.openRisk();
    const touched = [...(threatsOf.get(best)?.values() ?? [])];
    const wasOpen = new Map(touched.map((t) => [t.id, assessment.states.get(t.id)]));
    const changed = assessment.add(element, control, touched);
    const after = assessment.openRisk();
    for (const id of [...changed].sort()) index(id);
    const closes: string[] = [];
    let highestRisk = 0;
    for (const [id, prior] of wasOpen) {
      if (prior?.open && !assessment.states.get(id)?.open) {
        closes.push(id);
        highestRisk = Math.max(highestRisk, prior.risk.score);
      }
    }
    const open = openByElement(assessment);
    const broken: string[] = [];
    unbroken = unbroken.filter((p) => {
      if (pathHolds(p, assessment, open)) return true;
      broken.push(p.id);
      return false;
    });
    steps.push({
      rank: steps.length + 1,
      control,
      element,
      elementType: flowIds.has(element) ? 'flow' : 'component',
      closes: closes.sort(),
      riskReduced: before - after,
      breaksPaths: broken.sort(),
      highestRisk,
    });
  }
  return { totalRisk, residualRisk: assessment.openRisk(), steps };
}

/**
 * The state the decision layer works on: every threat with its risk and whether it is open (no
 * register decision, controls missing), under a set of control additions. The plan changes the
 * additions one control at a time and re-resolves exactly the threats that control can touch,
 * with the threat engine's own placement rules (`componentControl` / `flowControl` with added
 * controls), so a step's effect equals re-analysing the model with the control written in.
 */
import type { ModelFacts } from '../rules/facts';
import {
  combineResolutions,
  componentControl,
  evaluateRules,
  flowControl,
  resolveMitigations,
  type AddedControls,
  type ControlEvidence,
  type Threat,
} from '../rules/evaluate';
import type { Rule } from '../rules/types';
import type { ThreatRegister } from '../register/register';
import { effectiveStatusOf } from '../register/status';
import {
  riskOf,
  riskScore,
  staticRiskOf,
  mitigationStateOf,
  type Risk,
  type RiskContext,
  type StaticRisk,
} from './risk';

export interface ThreatState {
  readonly threat: Threat;
  readonly missing: readonly string[];
  readonly found: number;
  /** A register decision (mitigated, accepted, transferred, not_applicable) takes it out of play. */
  readonly decided: boolean;
  readonly open: boolean;
  readonly risk: Risk;
  /** What of the risk no control changes, computed once per threat and kept across states. */
  readonly basis: StaticRisk;
}

/** Inputs of the decision layer: plain values, whatever shape the caller's analysis has. */
export interface DecisionInput {
  readonly facts: ModelFacts;
  readonly threats: readonly Threat[];
  readonly rules: readonly Rule[];
  readonly register?: ThreatRegister;
}

const CLOSED = { open: false, score: 0 } as const;

export class Assessment {
  /** Current state per threat id. */
  get states(): ReadonlyMap<string, ThreatState> {
    return this.byId;
  }
  /** Changed only through `put` and `remove`, which keep the open-risk sum. */
  private readonly byId = new Map<string, ThreatState>();
  /** Controls added so far, by element id. */
  readonly added = new Map<string, Set<string>>();
  private readonly rulesById: ReadonlyMap<string, Rule>;

  constructor(
    readonly input: DecisionInput,
    readonly context: RiskContext,
  ) {
    this.rulesById = new Map(input.rules.map((r) => [r.id, r]));
    for (const threat of input.threats) this.put(threat.id, this.initial(threat));
  }

  private initial(threat: Threat): ThreatState {
    const status = effectiveStatusOf(threat, this.input.register);
    const decided = status.source === 'register';
    const state = mitigationStateOf(threat);
    const basis = staticRiskOf(threat, this.context);
    return {
      threat,
      missing: state.missing,
      found: state.found,
      decided,
      open: !decided && !threat.mitigated,
      risk: riskOf(threat, state, this.context, basis),
      basis,
    };
  }

  /** Sum of the risk of open threats, kept as states change (the plan asks it every step). */
  private open = 0;

  /** Sum of the risk of open threats. */
  openRisk(): number {
    return this.open;
  }

  private put(id: string, state: ThreatState): void {
    this.remove(id);
    this.byId.set(id, state);
    if (state.open) this.open += state.risk.score;
  }

  private remove(id: string): void {
    const old = this.states.get(id);
    if (old?.open) this.open -= old.risk.score;
    this.byId.delete(id);
  }

  /** The state a threat would have with the additions `extra` (see {@link withAddition}). */
  resolve(threat: Threat, extra: AddedControls): ThreatState | undefined {
    const current = this.states.get(threat.id);
    const resolution = this.resolution(threat, extra);
    if (!current || !resolution) return current;
    const state = { missing: resolution.missing, found: resolution.mitigatedBy.length };
    return {
      threat,
      ...state,
      decided: current.decided,
      open: !current.decided && !resolution.mitigated,
      risk: riskOf(threat, state, this.context, current.basis),
      basis: current.basis,
    };
  }

  /**
   * What a threat would be with the additions `extra`: whether it stays open, and its open risk
   * (0 once dealt with). The score of {@link resolve} without building its explanation, for the
   * fix plan's candidates.
   */
  outcomeWith(
    threat: Threat,
    extra: AddedControls,
  ): { readonly open: boolean; readonly score: number } {
    const current = this.states.get(threat.id);
    if (!current || current.decided) return CLOSED;
    const resolution = this.resolution(threat, extra);
    if (!resolution) return current.open ? { open: true, score: current.risk.score } : CLOSED;
    if (resolution.mitigated) return CLOSED;
    const score = riskScore(
      threat,
      { missing: resolution.missing, found: resolution.mitigatedBy.length },
      this.context,
      current.basis,
    );
    return { open: true, score };
  }

  /** The engine's mitigation resolution of a threat's rules under `extra`. */
  private resolution(threat: Threat, extra: AddedControls) {
    const rule = this.rulesById.get(threat.ruleId);
    if (!rule) return undefined;
    const facts = this.input.facts;
    // A merged threat (`covers`) closes only when every rule merged into it does.
    const rules = [rule];
    for (const m of threat.merged ?? []) {
      const mergedRule = this.rulesById.get(m.ruleId);
      if (mergedRule) rules.push(mergedRule);
    }
    let find: (control: string) => ControlEvidence | undefined;
    if (threat.elementType === 'component') {
      const component = facts.components.get(threat.element);
      if (!component) return undefined;
      find = (c) => componentControl(component, c, facts, extra);
    } else {
      const flow = this.flowFacts().get(threat.element);
      if (!flow) return undefined;
      find = (c) => flowControl(flow, c, extra);
    }
    return combineResolutions(rules.map((r) => resolveMitigations(r, find)));
  }

  private flowsById?: Map<string, ModelFacts['flows'][number]>;
  private flowFacts() {
    if (!this.flowsById) this.flowsById = new Map(this.input.facts.flows.map((f) => [f.id, f]));
    return this.flowsById;
  }

  /**
   * The additions so far plus one more, as the engine reads them: a view over the current
   * additions (no copy — the plan asks this of every candidate), so read it before adding more.
   */
  withAddition(element: string, control: string): AddedControls {
    return {
      has: (id, c) => (id === element && c === control) || this.added.get(id)?.has(c) === true,
    };
  }

  /** Whether the model (with the additions) has a control anywhere. */
  private presentAnywhere(control: string): boolean {
    if (this.input.facts.controlsAnywhere.has(control)) return true;
    for (const set of this.added.values()) if (set.has(control)) return true;
    return false;
  }

  /**
   * Adds a control and re-resolves `touched` (the threats the control can change). Returns the
   * ids of threats whose state may have changed. A control that appears in the model for the
   * first time can switch rules with `model_has_control` / `model_lacks_control` on or off: those
   * rules are evaluated again over the whole model, as re-analysis would.
   */
  add(element: string, control: string, touched: Iterable<Threat>): Set<string> {
    const newAnywhere = !this.presentAnywhere(control);
    let set = this.added.get(element);
    if (!set) this.added.set(element, (set = new Set()));
    set.add(control);
    const extra = this.withAddition(element, control);
    const changed = new Set<string>();
    for (const threat of touched) {
      const next = this.resolve(threat, extra);
      if (next) this.put(threat.id, next);
      changed.add(threat.id);
    }
    if (newAnywhere) {
      const switching = this.input.rules.filter(
        (r) =>
          r.element === 'component' &&
          (r.when.model_has_control?.includes(control) ||
            r.when.model_lacks_control?.includes(control)),
      );
      if (switching.length > 0) {
        const anywhere = new Set(this.input.facts.controlsAnywhere);
        for (const set of this.added.values()) for (const c of set) anywhere.add(c);
        const facts = { ...this.input.facts, controlsAnywhere: anywhere };
        const ids = new Set(switching.map((r) => r.id));
        for (const [id, s] of this.states)
          if (ids.has(s.threat.ruleId)) {
            this.remove(id);
            changed.add(id);
          }
        for (const threat of evaluateRules(switching, facts, extra)) {
          this.put(threat.id, this.initial(threat));
          changed.add(threat.id);
        }
      }
    }
    return changed;
  }

  /** Whether an element has a control: declared, implied by `tech`, or added by the plan. */
  hasOwnControl(element: string, control: string): boolean {
    if (this.added.get(element)?.has(control)) return true;
    const component = this.input.facts.components.get(element);
    if (component) return component.declared.has(control) || component.implied.has(control);
    const flow = this.flowFacts().get(element);
    return flow?.declared.has(control) ?? false;
  }
}

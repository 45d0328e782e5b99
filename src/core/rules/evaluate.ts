/**
 * The threat engine: runs the active rules over the model's facts and produces threats — one
 * per (rule, element) match — each with its STRIDE letters, ATLAS techniques, OWASP ids, the
 * adjusted severity and the reasons for it, the controls that mitigate it (declared, implied by
 * `tech`, or provided by a neighbour as the placement rules allow) and the controls missing.
 *
 * Conditions are compiled once per rule into closures over plain values; nothing from a pack is
 * ever executed.
 */
import { controlInfo } from '../kb/controls';
import { sortStride, type StrideLetter } from '../kb/stride';
import type { LinddunCode } from '../kb/linddun';
import type { SourceRange } from '../problems';
import { CLASSIFICATION_ORDER, type Classification } from '../model/vocabulary';
import { componentFingerprints, flowFingerprints } from '../hashes';
import type { GraphEdge, GraphNode } from '../graph/graph';
import type { ComponentFacts, FlowFacts, ModelFacts } from './facts';
import {
  SEVERITY_ORDER,
  WHY_PLACEHOLDER_PATTERN,
  type ClassificationCondition,
  type ComponentMatch,
  type EndMatch,
  type FlowMatch,
  type Rule,
  type RuleCategory,
  type Severity,
} from './types';

/** Where a mitigating control was found. */
export interface ControlEvidence {
  readonly control: string;
  /** `declared` on the element; `implied` by a `tech` value; `neighbour`: on flows or components around it. */
  readonly how: 'declared' | 'implied' | 'neighbour';
  /** Ids of the elements that carry it. */
  readonly on: readonly string[];
  /** The `tech` word that implies it, for implied controls. */
  readonly impliedBy?: string;
}

export interface Threat {
  /** Stable id `<ruleId>@<elementId>`: the register key; survives reordering and re-runs. */
  readonly id: string;
  readonly ruleId: string;
  readonly element: string;
  readonly elementType: 'component' | 'flow';
  /** Component kind, or `flow`. */
  readonly elementKind: string;
  readonly title: string;
  readonly description?: string;
  readonly category: RuleCategory;
  readonly stride: readonly StrideLetter[];
  /** LINDDUN privacy codes; empty for security threats. */
  readonly linddun: readonly LinddunCode[];
  readonly atlas: readonly string[];
  readonly owasp: readonly string[];
  readonly severity: Severity;
  readonly baseSeverity: Severity;
  /** Why the severity differs from the base, in words. */
  readonly severityReasons: readonly string[];
  /** Why the rule applies to this element. */
  readonly why: string;
  readonly detection?: string;
  readonly containment?: string;
  readonly mitigations: { readonly allOf: readonly string[]; readonly anyOf: readonly string[] };
  readonly mitigatedBy: readonly ControlEvidence[];
  /** Controls to add: every missing `all_of` control, plus the `any_of` list when none is present. */
  readonly missingControls: readonly string[];
  /** Whether the controls in place fully mitigate the threat (no missing controls). */
  readonly mitigated: boolean;
  /** The element's id in the file. */
  readonly range: SourceRange;
  /** Hash of the element's threat-relevant attributes, for the register's change detection. */
  readonly fingerprint: string;
  /**
   * The same hash in each older version still recognised (`src/core/hashes.ts`), so a decision
   * recorded by an older mltm still matches an unchanged element.
   */
  readonly previousFingerprints: readonly string[];
  /**
   * Threats of generic rules this threat's rule fully covers on the same element (`covers` in
   * the pack), merged into this one: it lists their rules, STRIDE letters, ATLAS and OWASP ids,
   * the controls they ask for (in `missingControls` / `mitigatedBy`; `mitigated` only when all
   * are) and the higher severity. Each keeps its own id, so a register entry under it keeps its
   * decision (sync refreshes it and never marks it stale). Absent when nothing merged.
   */
  readonly merged?: readonly Threat[];
}

/** A threat and the threats merged into it: every id the register may hold for it. */
export function withMerged(threats: readonly Threat[]): Threat[] {
  const all: Threat[] = [];
  for (const threat of threats) {
    all.push(threat);
    if (threat.merged) all.push(...threat.merged);
  }
  return all;
}

/** The rule ids a (possibly merged) threat reports: its own, then the merged ones. */
export const threatRuleIds = (threat: Threat): string[] => [
  threat.ruleId,
  ...(threat.merged ?? []).map((m) => m.ruleId),
];

type Predicate<T> = (facts: T) => boolean;

/**
 * One predicate that holds when every check does. A plain loop, not `checks.every(…)`: each
 * test runs once per (rule, element) pair, and a callback closure allocated per call was most of
 * the evaluator's garbage on large models.
 */
function allOf<T>(checks: readonly Predicate<T>[]): Predicate<T> {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0] as Predicate<T>;
  return (facts) => {
    for (let i = 0; i < checks.length; i++) if (!(checks[i] as Predicate<T>)(facts)) return false;
    return true;
  };
}

/** Whether any of `values` is in `set` (a loop: called per element, see {@link allOf}). */
function someIn(values: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < values.length; i++) if (set.has(values[i] as string)) return true;
  return false;
}

const lowerSet = (values: readonly string[] | undefined) =>
  values ? new Set(values.map((v) => v.toLowerCase())) : undefined;

function classificationPredicate(
  condition: ClassificationCondition | undefined,
): Predicate<Classification | undefined> | undefined {
  if (!condition) return undefined;
  const min = condition.min === undefined ? 0 : CLASSIFICATION_ORDER.indexOf(condition.min);
  const max =
    condition.max === undefined
      ? CLASSIFICATION_ORDER.length - 1
      : CLASSIFICATION_ORDER.indexOf(condition.max);
  return (value) => {
    if (value === undefined) return false;
    const rank = CLASSIFICATION_ORDER.indexOf(value);
    return rank >= min && rank <= max;
  };
}

const ALWAYS = (): boolean => true;

/**
 * Compiled tests by condition object. A test depends only on its condition (the model's facts
 * come in as the argument), and rule sets are loaded once and never change, so each condition is
 * compiled once per process rather than once per analysis: on a 50-component model compiling
 * every rule's conditions again was a fixed cost as large as matching them.
 */
const compiledEnds = new WeakMap<EndMatch, Predicate<ComponentFacts>>();
const compiledFlows = new WeakMap<FlowMatch, Predicate<FlowFacts>>();

function compileEnd(match: EndMatch | undefined): Predicate<ComponentFacts> {
  if (!match) return ALWAYS;
  let test = compiledEnds.get(match);
  if (!test) compiledEnds.set(match, (test = compileEndOnce(match)));
  return test;
}

function compileEndOnce(match: EndMatch): Predicate<ComponentFacts> {
  const checks: Predicate<ComponentFacts>[] = [];
  const kinds = match.kind && new Set(match.kind);
  if (kinds) checks.push((f) => kinds.has(f.kind));
  const notKinds = match.not_kind && new Set(match.not_kind);
  if (notKinds) checks.push((f) => !notKinds.has(f.kind));
  const classes = match.class && new Set<string>(match.class);
  if (classes) checks.push((f) => classes.has(f.node.elementClass));
  const tech = lowerSet(match.tech);
  if (tech) checks.push((f) => someIn(f.techTokens, tech));
  const exposure = match.exposure && new Set<string>(match.exposure);
  if (exposure) checks.push((f) => exposure.has(f.exposure));
  const trust = match.zone_trust && new Set<string>(match.zone_trust);
  if (trust) checks.push((f) => trust.has(f.node.zone.trust));
  if (match.reachable_from_outside !== undefined) {
    const wanted = match.reachable_from_outside;
    checks.push((f) => f.reachableFromOutside === wanted);
  }
  const dataKinds = match.data_kind;
  if (dataKinds) checks.push((f) => someIn(dataKinds, f.dataKinds));
  const classification = classificationPredicate(match.data_classification);
  if (classification) checks.push((f) => classification(f.classification));
  if (match.pii !== undefined) {
    const wanted = match.pii;
    checks.push((f) => f.pii === wanted);
  }
  if (match.in_feedback_loop !== undefined) {
    const wanted = match.in_feedback_loop;
    checks.push((f) => f.inFeedbackLoop === wanted);
  }
  return allOf(checks);
}

/**
 * The flow graph as numbered adjacency lists in typed arrays, built once per model's facts: the
 * path conditions search it once per rule, and walking arrays of numbers instead of node
 * objects keeps the searches of a 5,000-component model in cache (they were several times slower
 * per component than at 1,000 while chasing node, edge and component objects).
 */
interface Adjacency {
  /** Components in numbering order. */
  readonly components: readonly ComponentFacts[];
  /** Flows out of component `i`: `outbound[outStart[i] .. outStart[i + 1])`, by target number. */
  readonly outStart: Int32Array;
  readonly outbound: Int32Array;
  readonly inStart: Int32Array;
  /** By source number. */
  readonly inbound: Int32Array;
}

const adjacencies = new WeakMap<ModelFacts, Adjacency>();

function adjacencyOf(facts: ModelFacts): Adjacency {
  let adjacency = adjacencies.get(facts);
  if (adjacency) return adjacency;
  const components = [...facts.components.values()];
  const numberOf = new Map<GraphNode, number>();
  components.forEach((c, i) => numberOf.set(c.node, i));
  const lists = (side: 'outbound' | 'inbound') => {
    const start = new Int32Array(components.length + 1);
    let total = 0;
    for (let i = 0; i < components.length; i++) {
      start[i] = total;
      for (const e of (components[i] as ComponentFacts).node[side])
        if (numberOf.has(side === 'outbound' ? e.target : e.source)) total++;
    }
    start[components.length] = total;
    const ends = new Int32Array(total);
    let at = 0;
    for (const c of components)
      for (const e of c.node[side]) {
        const other = numberOf.get(side === 'outbound' ? e.target : e.source);
        if (other !== undefined) ends[at++] = other;
      }
    return { start, ends };
  };
  const out = lists('outbound');
  const into = lists('inbound');
  adjacency = {
    components,
    outStart: out.start,
    outbound: out.ends,
    inStart: into.start,
    inbound: into.ends,
  };
  adjacencies.set(facts, adjacency);
  return adjacency;
}

/** The components reached (a flag per component number) as the set the conditions read. */
function reachedSet(adjacency: Adjacency, reached: Uint8Array): ReadonlySet<ComponentFacts> {
  const set = new Set<ComponentFacts>();
  for (let i = 0; i < reached.length; i++)
    if (reached[i] === 1) set.add(adjacency.components[i] as ComponentFacts);
  return set;
}

/**
 * The components that a path of one or more flows connects to a component matching `end`:
 * downstream (following flows forward) or upstream (backward). Flows are followed in their
 * declared direction only: the response half of a bidirectional flow returns answers to the
 * caller, not what the path conditions trace (models, training data), and following it would
 * connect nearly everything. One breadth-first search per rule, linear in the model.
 */
function connectedTo(
  end: EndMatch,
  facts: ModelFacts,
  direction: 'downstream' | 'upstream',
): ReadonlySet<ComponentFacts> {
  const test = compileEnd(end);
  const adjacency = adjacencyOf(facts);
  const start = direction === 'downstream' ? adjacency.outStart : adjacency.inStart;
  const ends = direction === 'downstream' ? adjacency.outbound : adjacency.inbound;
  const n = adjacency.components.length;
  const reached = new Uint8Array(n);
  // Sources are searched from but not reached themselves (a source is reached only through a
  // flow), so a component enters at most twice: as a source, and when first reached.
  const pending = new Int32Array(2 * n);
  let length = 0;
  for (let i = 0; i < n; i++)
    if (test(adjacency.components[i] as ComponentFacts)) pending[length++] = i;
  while (length > 0) {
    const node = pending[--length] as number;
    for (let k = start[node] as number; k < (start[node + 1] as number); k++) {
      const next = ends[k] as number;
      if (reached[next] === 1) continue;
      reached[next] = 1;
      pending[length++] = next;
    }
  }
  return reachedSet(adjacency, reached);
}

/** Kinds whose results return to their callers: calling one brings its content back. */
const RETURNS_TO_CALLER: ReadonlySet<string> = new Set(['tool', 'mcp_server']);
/**
 * Kinds that call tools. A flow into a tool from one of these is a call (the result comes back);
 * from anything else (a mailbox, a drive) it is data the tool reads, which does not come back.
 */
const TOOL_CALLERS: ReadonlySet<string> = new Set([
  'llm_app',
  'agent',
  'coding_assistant',
  'computer_use_agent',
  'mcp_client',
  'tool',
  'mcp_server',
]);

/**
 * The components that content from a component matching `end` reaches over one or more hops:
 * along flows in their direction, and from a tool or MCP server back to every component that
 * calls it, since a call returns the tool's result whether or not the model draws that return
 * flow (an agent reads the web page its fetch tool got); a caller is an LLM component, an MCP
 * client or another tool (`TOOL_CALLERS`). One breadth-first search.
 */
function contentReachedFrom(end: EndMatch, facts: ModelFacts): ReadonlySet<ComponentFacts> {
  const test = compileEnd(end);
  const adjacency = adjacencyOf(facts);
  const { components, outStart, outbound, inStart, inbound } = adjacency;
  const n = components.length;
  const reached = new Uint8Array(n);
  const pending: number[] = [];
  for (let i = 0; i < n; i++) if (test(components[i] as ComponentFacts)) pending.push(i);
  const reach = (next: number) => {
    if (reached[next] === 1) return;
    reached[next] = 1;
    pending.push(next);
  };
  while (pending.length > 0) {
    const node = pending.pop() as number;
    for (let k = outStart[node] as number; k < (outStart[node + 1] as number); k++)
      reach(outbound[k] as number);
    if (RETURNS_TO_CALLER.has((components[node] as ComponentFacts).kind))
      for (let k = inStart[node] as number; k < (inStart[node + 1] as number); k++) {
        const caller = inbound[k] as number;
        if (TOOL_CALLERS.has((components[caller] as ComponentFacts).kind)) reach(caller);
      }
  }
  return reachedSet(adjacency, reached);
}

function compileComponent(match: ComponentMatch, facts: ModelFacts): Predicate<ComponentFacts> {
  const checks: Predicate<ComponentFacts>[] = [compileEnd(match)];
  const neighbour = (end: EndMatch | undefined, side: 'inbound' | 'outbound', want: boolean) => {
    if (!end) return;
    const test = compileEnd(end);
    checks.push((f) => {
      const edges = side === 'inbound' ? f.node.inbound : f.node.outbound;
      let found = false;
      for (let i = 0; i < edges.length && !found; i++) {
        const e = edges[i] as GraphEdge;
        const other = facts.components.get((side === 'inbound' ? e.source : e.target).component.id);
        found = other !== undefined && test(other);
      }
      return found === want;
    });
  };
  neighbour(match.inbound_from, 'inbound', true);
  neighbour(match.outbound_to, 'outbound', true);
  neighbour(match.no_inbound_from, 'inbound', false);
  neighbour(match.no_outbound_to, 'outbound', false);
  if (match.downstream_of) {
    const reached = connectedTo(match.downstream_of, facts, 'downstream');
    checks.push((f) => reached.has(f));
  }
  if (match.not_downstream_of) {
    const reached = connectedTo(match.not_downstream_of, facts, 'downstream');
    checks.push((f) => !reached.has(f));
  }
  if (match.upstream_of) {
    const reached = connectedTo(match.upstream_of, facts, 'upstream');
    checks.push((f) => reached.has(f));
  }
  for (const source of match.receives_content_from ?? []) {
    const reached = contentReachedFrom(source, facts);
    checks.push((f) => reached.has(f));
  }
  if (match.model_has_control) {
    const anyPresent = match.model_has_control.some((c) => facts.controlsAnywhere.has(c));
    checks.push(() => anyPresent);
  }
  if (match.model_lacks_control) {
    const nonePresent = match.model_lacks_control.every((c) => !facts.controlsAnywhere.has(c));
    checks.push(() => nonePresent);
  }
  return allOf(checks);
}

function compileFlow(match: FlowMatch): Predicate<FlowFacts> {
  let test = compiledFlows.get(match);
  if (!test) compiledFlows.set(match, (test = compileFlowOnce(match)));
  return test;
}

function compileFlowOnce(match: FlowMatch): Predicate<FlowFacts> {
  const checks: Predicate<FlowFacts>[] = [];
  if (match.from) {
    const test = compileEnd(match.from);
    checks.push((f) => test(f.from));
  }
  if (match.to) {
    const test = compileEnd(match.to);
    checks.push((f) => test(f.to));
  }
  if (match.crosses_boundary !== undefined) {
    const wanted = match.crosses_boundary;
    checks.push((f) => f.edge.crossesBoundary === wanted);
  }
  if (match.crosses_trust_boundary !== undefined) {
    const wanted = match.crosses_trust_boundary;
    checks.push((f) => f.edge.crossesTrustBoundary === wanted);
  }
  const direction = match.direction && new Set<string>(match.direction);
  if (direction) checks.push((f) => direction.has(f.edge.direction));
  const protocol = lowerSet(match.protocol);
  if (protocol) checks.push((f) => f.protocol !== undefined && protocol.has(f.protocol));
  const dataKinds = match.data_kind;
  if (dataKinds) checks.push((f) => someIn(dataKinds, f.dataKinds));
  const classification = classificationPredicate(match.data_classification);
  if (classification) checks.push((f) => classification(f.edge.classification));
  if (match.pii !== undefined) {
    const wanted = match.pii;
    checks.push((f) => f.edge.carriesPii === wanted);
  }
  if (match.bidirectional !== undefined) {
    const wanted = match.bidirectional;
    checks.push((f) => f.edge.flow.bidirectional === wanted);
  }
  return allOf(checks);
}

/**
 * Controls to count as declared on top of the model's own, by element id: what the fix plan asks
 * "what if this control were added here?" with, so it answers with this engine's placement rules.
 */
export interface AddedControls {
  has(elementId: string, control: string): boolean;
}

const NO_ADDITIONS: AddedControls = { has: () => false };

const added = (extra: AddedControls, elementId: string, control: string) =>
  extra.has(elementId, control);

/** Whether a flow declares a control (in the model or among the additions). */
const flowDeclares = (
  flow: { id: string; controls: readonly string[] },
  control: string,
  extra: AddedControls,
) => flow.controls.includes(control) || added(extra, flow.id, control);

/** A control on a component itself: declared or implied (external entities hold none). */
function ownControl(
  component: ComponentFacts,
  control: string,
  extra: AddedControls = NO_ADDITIONS,
): ControlEvidence | undefined {
  if (
    component.declared.has(control) ||
    (component.node.elementClass !== 'external_entity' && added(extra, component.id, control))
  )
    return { control, how: 'declared', on: [component.id] };
  const by = component.implied.get(control);
  if (by !== undefined) return { control, how: 'implied', on: [component.id], impliedBy: by };
  return undefined;
}

/**
 * A control on every inbound flow of a component, or (outside transport placement) on the
 * component sending it: undefined unless each inbound flow is covered one way or the other.
 */
function viaInbound(
  component: ComponentFacts,
  control: string,
  placement: string,
  facts: ModelFacts,
  extra: AddedControls,
): ControlEvidence | undefined {
  const inbound = component.node.inbound;
  if (inbound.length === 0) return undefined;
  const on: string[] = [];
  for (const edge of inbound) {
    if (flowDeclares(edge.flow, control, extra)) {
      on.push(edge.flow.id);
      continue;
    }
    const upstream = facts.components.get(edge.source.component.id);
    const upstreamControl =
      upstream && placement !== 'transport' ? ownControl(upstream, control, extra) : undefined;
    if (!upstreamControl) return undefined;
    on.push(upstream?.id ?? '');
  }
  return { control, how: 'neighbour', on: [...new Set(on)] };
}

/** A control on every outbound flow of a component; undefined unless each one declares it. */
function viaOutbound(
  component: ComponentFacts,
  control: string,
  extra: AddedControls,
): ControlEvidence | undefined {
  const outbound = component.node.outbound;
  if (outbound.length === 0) return undefined;
  for (const e of outbound) if (!flowDeclares(e.flow, control, extra)) return undefined;
  return { control, how: 'neighbour', on: outbound.map((e) => e.flow.id) };
}

/**
 * Where a control counts for a component threat, per the control's placement. Plain functions
 * rather than closures per call, as in {@link flowControl}.
 */
export function componentControl(
  component: ComponentFacts,
  control: string,
  facts: ModelFacts,
  extra: AddedControls = NO_ADDITIONS,
): ControlEvidence | undefined {
  if (component.node.elementClass === 'external_entity') return undefined;
  const own = ownControl(component, control, extra);
  if (own) return own;
  const placement = controlInfo(control).placement;
  switch (placement) {
    case 'ingress':
    case 'transport':
      return viaInbound(component, control, placement, facts, extra);
    case 'egress':
      return viaOutbound(component, control, extra);
    case 'either':
      return (
        viaInbound(component, control, placement, facts, extra) ??
        viaOutbound(component, control, extra)
      );
    case 'observed': {
      for (const edge of component.node.outbound) {
        const observer = facts.components.get(edge.target.component.id);
        if (observer && observer.kind === 'monitoring') {
          const found = ownControl(observer, control, extra);
          if (found) return { control, how: 'neighbour', on: [observer.id] };
        }
      }
      return undefined;
    }
    case 'component':
      return undefined;
  }
}

/** A control on one end of a flow, for the flow's threats: external entities hold none. */
function endControl(
  end: ComponentFacts,
  control: string,
  extra: AddedControls,
): ControlEvidence | undefined {
  return end.node.elementClass === 'external_entity' ? undefined : ownControl(end, control, extra);
}

/** A control found on a flow's end, as evidence for the flow: implied stays implied. */
function viaEnd(control: string, found: ControlEvidence | undefined): ControlEvidence | undefined {
  return (
    found && {
      control,
      how: found.how === 'implied' ? 'implied' : 'neighbour',
      on: found.on,
      ...(found.impliedBy !== undefined && { impliedBy: found.impliedBy }),
    }
  );
}

/**
 * Where a control counts for a flow threat, per the control's placement. Plain functions, not
 * closures per call: this runs for every mitigating control of every flow threat (about 40,000
 * calls on a 1,000-component model), and three closures each were a quarter of the evaluator's
 * garbage.
 */
export function flowControl(
  flow: FlowFacts,
  control: string,
  extra: AddedControls = NO_ADDITIONS,
): ControlEvidence | undefined {
  if (flow.declared.has(control) || added(extra, flow.id, control))
    return { control, how: 'declared', on: [flow.id] };
  switch (controlInfo(control).placement) {
    case 'transport': {
      const a = endControl(flow.from, control, extra);
      if (!a) return undefined;
      const b = endControl(flow.to, control, extra);
      if (!b) return undefined;
      const impliedBy = a.impliedBy ?? b.impliedBy;
      return {
        control,
        how: a.how === 'implied' || b.how === 'implied' ? 'implied' : 'neighbour',
        on: [flow.from.id, flow.to.id],
        ...(impliedBy !== undefined && { impliedBy }),
      };
    }
    case 'ingress':
      // A gateway exists to enforce ingress policy (authn, rate limits, WAF, schemas) on what it
      // forwards, so its ingress controls also count on the flows it sends on.
      return viaEnd(
        control,
        endControl(flow.to, control, extra) ??
          (flow.from.kind === 'api_gateway' ? endControl(flow.from, control, extra) : undefined),
      );
    case 'egress':
      // A bidirectional flow is a request/response pair: the target sends the responses, so its
      // egress controls (output filtering, obfuscation) count too.
      return viaEnd(
        control,
        endControl(flow.from, control, extra) ??
          (flow.edge.flow.bidirectional ? endControl(flow.to, control, extra) : undefined),
      );
    case 'either':
    case 'component':
    case 'observed':
      return viaEnd(
        control,
        endControl(flow.to, control, extra) ?? endControl(flow.from, control, extra),
      );
  }
}

const SEVERITY_INDEX = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));

/**
 * Severity: the rule's base, raised one step for each aggravating circumstance and lowered for a
 * mitigating one, by at most two steps in all, within info…critical:
 * - component exposed to the public (declared, or receiving flows from untrusted zones / external
 *   entities): +1; declared private: −1;
 * - flow crossing a trust boundary toward more trust: +1;
 * - restricted or personal data involved: +1; only public data involved: −1.
 */
export function adjustSeverity(
  rule: Rule,
  subject: {
    exposure?: ComponentFacts['exposure'];
    direction?: string;
    classification?: Classification | undefined;
    pii: boolean;
  },
): { severity: Severity; reasons: string[] } {
  const base = SEVERITY_INDEX.get(rule.severity) ?? 2;
  if (!rule.adjustSeverity) return { severity: rule.severity, reasons: [] };
  let delta = 0;
  const reasons: string[] = [];
  if (subject.exposure === 'public') {
    delta++;
    reasons.push('+1: reachable from the internet or an untrusted zone');
  } else if (subject.exposure === 'private') {
    delta--;
    reasons.push('−1: declared private');
  }
  if (subject.direction === 'toward_more_trust') {
    delta++;
    reasons.push('+1: crosses a trust boundary toward more trust');
  }
  if (subject.classification === 'restricted' || subject.pii) {
    delta++;
    reasons.push(subject.pii ? '+1: personal data involved' : '+1: restricted data involved');
  } else if (subject.classification === 'public') {
    delta--;
    reasons.push('−1: only public data involved');
  }
  delta = Math.max(-2, Math.min(2, delta));
  const index = Math.max(0, Math.min(SEVERITY_ORDER.length - 1, base + delta));
  return { severity: SEVERITY_ORDER[index] ?? rule.severity, reasons };
}

/** A `why` template split once into literal text and `{key}` slots (templates repeat per threat). */
type TemplatePart = { readonly text: string } | { readonly key: string; readonly whole: string };
const compiledTemplates = new Map<string, readonly TemplatePart[]>();

function compileTemplate(template: string): readonly TemplatePart[] {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    const list: TemplatePart[] = [];
    let last = 0;
    for (const match of template.matchAll(WHY_PLACEHOLDER_PATTERN)) {
      const index = match.index ?? 0;
      if (index > last) list.push({ text: template.slice(last, index) });
      list.push({ key: match[1] ?? '', whole: match[0] });
      last = index + match[0].length;
    }
    if (last < template.length) list.push({ text: template.slice(last) });
    compiledTemplates.set(template, (parts = list));
  }
  return parts;
}

/**
 * Fills `{key}` slots from `values`' own keys; an unknown key stays as written (and was
 * reported when the pack loaded). Never a prototype lookup: `{constructor}` is not a function.
 */
function fill(template: string | undefined, values: Record<string, string>): string {
  if (!template) return '';
  let out = '';
  for (const part of compileTemplate(template))
    out +=
      'text' in part
        ? part.text
        : Object.hasOwn(values, part.key)
          ? (values[part.key] as string)
          : part.whole;
  return out;
}

/** Which of a rule's mitigations a lookup finds, and which are missing. */
export function resolveMitigations(
  rule: Rule,
  find: (control: string) => ControlEvidence | undefined,
) {
  const allOf = rule.mitigations.all_of ?? [];
  const anyOf = rule.mitigations.any_of ?? [];
  const mitigatedBy: ControlEvidence[] = [];
  const missing: string[] = [];
  for (const control of allOf) {
    const found = find(control);
    if (found) mitigatedBy.push(found);
    else missing.push(control);
  }
  let anyFound = anyOf.length === 0;
  for (const control of anyOf) {
    const found = find(control);
    if (found) {
      mitigatedBy.push(found);
      anyFound = true;
    }
  }
  if (!anyFound) for (const c of anyOf) if (!missing.includes(c)) missing.push(c);
  const hasMitigations = allOf.length + anyOf.length > 0;
  return { allOf, anyOf, mitigatedBy, missing, mitigated: hasMitigations && missing.length === 0 };
}

type Resolution = ReturnType<typeof resolveMitigations>;

/**
 * One resolution for a merged threat out of its rules' own (its rule first): every control any
 * of them misses is missing, and it is mitigated only when each of them is. The engine and the
 * fix plan's "what if" both combine through here, so a merged threat closes exactly when
 * re-analysis says it does.
 */
export function combineResolutions(resolutions: readonly Resolution[]): Resolution {
  const [first, ...rest] = resolutions;
  if (!first) throw new Error('combineResolutions needs at least one resolution');
  if (rest.length === 0) return first;
  const missing = [...first.missing];
  const mitigatedBy = [...first.mitigatedBy];
  let mitigated = first.mitigated;
  for (const r of rest) {
    for (const c of r.missing) if (!missing.includes(c)) missing.push(c);
    for (const e of r.mitigatedBy)
      if (!mitigatedBy.some((m) => m.control === e.control)) mitigatedBy.push(e);
    mitigated = mitigated && r.mitigated;
  }
  return { allOf: first.allOf, anyOf: first.anyOf, mitigatedBy, missing, mitigated };
}

const union = <T>(a: readonly T[], b: readonly T[]): T[] => [
  ...a,
  ...b.filter((x) => !a.includes(x)),
];

/**
 * Merges each threat of a rule with `covers` with the threats of the covered rules on the same
 * element. Covering rules go in id order; a threat merges at most once, either way (a covered
 * threat joins the first covering threat that claims it, and a threat that absorbed others is
 * never itself absorbed), so the result does not depend on pack or file order.
 */
/** A rule set's covering rules in id order, and the ids of every rule that takes part. */
interface CoverIndex {
  readonly covering: readonly Rule[];
  readonly involved: ReadonlySet<string>;
}

/** By rule list: a rule set is assembled once and analysed many times (every keystroke). */
const coverIndexes = new WeakMap<readonly Rule[], CoverIndex>();

function coverIndexOf(rules: readonly Rule[]): CoverIndex {
  let index = coverIndexes.get(rules);
  if (!index) {
    const covering = rules.filter((r) => r.covers.length > 0);
    covering.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const involved = new Set<string>();
    for (const rule of covering) {
      involved.add(rule.id);
      for (const id of rule.covers) involved.add(id);
    }
    coverIndexes.set(rules, (index = { covering, involved }));
  }
  return index;
}

function mergeCovered(rules: readonly Rule[], threats: Threat[]): Threat[] {
  const { covering, involved } = coverIndexOf(rules);
  if (covering.length === 0) return threats;
  // Only threats of the covering and covered rules take part: indexed once, so the merge costs
  // little more than those threats, whatever the model's size.
  const byKey = new Map<string, Threat>();
  const byRule = new Map<string, Threat[]>();
  for (const t of threats) {
    if (!involved.has(t.ruleId)) continue;
    byKey.set(t.id, t);
    const list = byRule.get(t.ruleId);
    if (list) list.push(t);
    else byRule.set(t.ruleId, [t]);
  }
  const absorbed = new Set<string>();
  const absorbing = new Map<string, Threat[]>();
  for (const rule of covering)
    for (const t of byRule.get(rule.id) ?? []) {
      if (absorbed.has(t.id)) continue;
      for (const coveredId of rule.covers) {
        const other = byKey.get(`${coveredId}@${t.element}`);
        if (!other || absorbed.has(other.id) || absorbing.has(other.id)) continue;
        if (other.elementType !== t.elementType) continue;
        absorbed.add(other.id);
        const list = absorbing.get(t.id) ?? [];
        list.push(other);
        absorbing.set(t.id, list);
      }
    }
  if (absorbed.size === 0) return threats;
  const out: Threat[] = [];
  for (const t of threats) {
    if (absorbed.has(t.id)) continue;
    const merged = absorbing.get(t.id);
    out.push(merged ? mergeInto(t, merged) : t);
  }
  return out;
}

function mergeInto(threat: Threat, merged: readonly Threat[]): Threat {
  const resolution = combineResolutions([
    {
      allOf: threat.mitigations.allOf,
      anyOf: threat.mitigations.anyOf,
      mitigatedBy: [...threat.mitigatedBy],
      missing: [...threat.missingControls],
      mitigated: threat.mitigated,
    },
    ...merged.map((m) => ({
      allOf: m.mitigations.allOf,
      anyOf: m.mitigations.anyOf,
      mitigatedBy: [...m.mitigatedBy],
      missing: [...m.missingControls],
      mitigated: m.mitigated,
    })),
  ]);
  let severity = threat.severity;
  const severityReasons = [...threat.severityReasons];
  for (const m of merged)
    if ((SEVERITY_INDEX.get(m.severity) ?? 0) > (SEVERITY_INDEX.get(severity) ?? 0)) {
      severity = m.severity;
      severityReasons.push(`${m.severity}: the merged threat \`${m.id}\` is ${m.severity}`);
    }
  let stride = threat.stride;
  let atlas = threat.atlas;
  let owasp = threat.owasp;
  for (const m of merged) {
    stride = union(stride, m.stride);
    atlas = union(atlas, m.atlas);
    owasp = union(owasp, m.owasp);
  }
  return {
    ...threat,
    stride: sortStride([...stride]),
    atlas,
    owasp,
    severity,
    severityReasons,
    mitigatedBy: resolution.mitigatedBy,
    missingControls: resolution.missing,
    mitigated: resolution.mitigated,
    merged,
  };
}

/**
 * Per-element values every threat of that element shares (fingerprint, the `why` template
 * values), made with an element's first threat and passed to the rest (evaluation goes element
 * by element) rather than once per threat: a 1,000-component model has about ten threats per
 * element, and hashing dominated the evaluation when each threat computed them.
 */
interface ElementShared {
  readonly fingerprint: string;
  readonly previousFingerprints: readonly string[];
  readonly whyValues: Record<string, string>;
}

function componentShared(component: ComponentFacts): ElementShared {
  const c = component.node.component;
  const { fingerprint, previous } = componentFingerprints(component);
  return {
    fingerprint,
    previousFingerprints: previous,
    whyValues: {
      element: c.name === c.id ? `\`${c.id}\`` : `${c.name} (\`${c.id}\`)`,
      kind: c.kind,
      zone: component.node.zone.name,
      tech: c.tech ?? 'unspecified tech',
      data: [...component.dataKinds].join(', ') || 'unclassified data',
      classification: component.classification ?? 'unclassified',
    },
  };
}

function flowShared(flow: FlowFacts): ElementShared {
  const f = flow.edge.flow;
  const { fingerprint, previous } = flowFingerprints(flow);
  return {
    fingerprint,
    previousFingerprints: previous,
    whyValues: {
      element: `\`${f.id}\``,
      from: `\`${f.from}\``,
      to: `\`${f.to}\``,
      from_zone: flow.edge.source.zone.name,
      to_zone: flow.edge.target.zone.name,
      data: flow.edge.data.map((d) => d.name).join(', ') || 'unclassified data',
      classification: flow.edge.classification ?? 'unclassified',
      kind: 'flow',
    },
  };
}

type MutableThreat = { -readonly [K in keyof Threat]: Threat[K] };

/** Per rule: a threat with the rule's fields filled in, copied for each of its threats. */
const threatTemplates = new WeakMap<Rule, MutableThreat>();

/**
 * A rule's threat template: its properties in the order every threat lists them (optional ones
 * only when the rule has them), the rule's own values set and the per-element ones empty. Copying
 * it gives each threat its final shape in one allocation, where adding the properties one by one
 * regrew the object's property store on every threat.
 */
function threatTemplate(rule: Rule): MutableThreat {
  let template = threatTemplates.get(rule);
  if (!template) {
    const t: Partial<MutableThreat> = {
      id: '',
      ruleId: rule.id,
      element: '',
      elementType: 'component',
      elementKind: '',
      title: rule.title,
    };
    if (rule.description !== undefined) t.description = rule.description;
    t.category = rule.category;
    t.stride = rule.stride;
    t.linddun = rule.linddun;
    t.atlas = rule.atlas;
    t.owasp = rule.owasp;
    t.severity = rule.severity;
    t.baseSeverity = rule.severity;
    t.severityReasons = [];
    t.why = '';
    if (rule.detection !== undefined) t.detection = rule.detection;
    if (rule.containment !== undefined) t.containment = rule.containment;
    t.mitigations = { allOf: rule.mitigations.all_of ?? [], anyOf: rule.mitigations.any_of ?? [] };
    t.mitigatedBy = [];
    t.missingControls = [];
    t.mitigated = false;
    t.range = { start: 0, end: 0 };
    t.fingerprint = '';
    t.previousFingerprints = [];
    template = t as MutableThreat;
    threatTemplates.set(rule, template);
  }
  return template;
}

/**
 * Builds one threat from its rule's template, so serialised threats always list their fields in
 * the same order.
 */
function makeThreat(
  rule: Rule,
  elementType: 'component' | 'flow',
  element: { readonly id: string; readonly idRange: SourceRange },
  elementKind: string,
  shared: ElementShared,
  resolution: Resolution,
  severity: { severity: Severity; reasons: string[] },
): Threat {
  const threat: MutableThreat = { ...threatTemplate(rule) };
  threat.id = `${rule.id}@${element.id}`;
  threat.element = element.id;
  threat.elementType = elementType;
  threat.elementKind = elementKind;
  threat.severity = severity.severity;
  threat.severityReasons = severity.reasons;
  threat.why = fill(rule.why, shared.whyValues);
  threat.mitigatedBy = resolution.mitigatedBy;
  threat.missingControls = resolution.missing;
  threat.mitigated = resolution.mitigated;
  threat.range = element.idRange;
  threat.fingerprint = shared.fingerprint;
  threat.previousFingerprints = shared.previousFingerprints;
  return threat;
}

/** What the evaluation of one rule set over one model's facts keeps between rules. */
interface Evaluation {
  readonly facts: ModelFacts;
  readonly extra: AddedControls;
}

/**
 * Whether an end condition's kinds and classes admit an element of this kind and class: the
 * same reading of `kind` and `class` as the compiled test (compileEndOnce), only as a prefilter —
 * it may admit more than the test matches, never less.
 */
function admits(end: EndMatch | undefined, kind: string, elementClass: string): boolean {
  if (!end) return true;
  if (end.kind && !end.kind.includes(kind)) return false;
  return !(end.class && !(end.class as readonly string[]).includes(elementClass));
}

/**
 * The rules (with their compiled tests) that can match an element at all, by the kinds and
 * classes their `when` names: most rules name a few kinds out of dozens, so an element is tested
 * against the handful that could apply rather than every rule. Worked out once per shape (kind
 * and class; for a flow, those of both ends) and kept. Each test still runs in full on the
 * element, so which elements match is unchanged.
 */
class RulesByShape<F> {
  readonly #byShape = new Map<string, { rules: Rule[]; tests: Predicate<F>[] }>();
  constructor(
    private readonly rules: readonly Rule[],
    private readonly tests: readonly Predicate<F>[],
  ) {}
  /** The rules of a shape; `applies` says whether a rule can match an element of that shape. */
  of(shape: string, applies: (rule: Rule) => boolean): { rules: Rule[]; tests: Predicate<F>[] } {
    let entry = this.#byShape.get(shape);
    if (!entry) {
      entry = { rules: [], tests: [] };
      for (let i = 0; i < this.rules.length; i++) {
        const rule = this.rules[i] as Rule;
        if (!applies(rule)) continue;
        entry.rules.push(rule);
        entry.tests.push(this.tests[i] as Predicate<F>);
      }
      this.#byShape.set(shape, entry);
    }
    return entry;
  }
}

function componentThreat(
  rule: Rule,
  component: ComponentFacts,
  shared: ElementShared,
  e: Evaluation,
): Threat {
  const c = component.node.component;
  const resolution = resolveMitigations(rule, (control) =>
    componentControl(component, control, e.facts, e.extra),
  );
  const severity = adjustSeverity(rule, {
    exposure: component.exposure,
    classification: component.classification,
    pii: component.pii,
  });
  return makeThreat(rule, 'component', c, c.kind, shared, resolution, severity);
}

function flowThreat(rule: Rule, flow: FlowFacts, shared: ElementShared, e: Evaluation): Threat {
  const resolution = resolveMitigations(rule, (control) => flowControl(flow, control, e.extra));
  const severity = adjustSeverity(rule, {
    direction: flow.edge.direction,
    classification: flow.edge.classification,
    pii: flow.edge.carriesPii,
  });
  return makeThreat(rule, 'flow', flow.edge.flow, 'flow', shared, resolution, severity);
}

/**
 * Runs rules over facts. Threats come out in file order of their element, then by rule id.
 * `extra` counts additional controls as declared (the fix plan's "what if"); analysis passes none.
 */
export function evaluateRules(
  rules: readonly Rule[],
  facts: ModelFacts,
  extra: AddedControls = NO_ADDITIONS,
): Threat[] {
  const evaluation: Evaluation = { facts, extra };
  const componentRules: Rule[] = [];
  const componentTests: Predicate<ComponentFacts>[] = [];
  const flowRules: Rule[] = [];
  const flowTests: Predicate<FlowFacts>[] = [];
  for (const rule of rules) {
    if (rule.element === 'component') {
      componentRules.push(rule);
      componentTests.push(compileComponent(rule.when, facts));
    } else {
      flowRules.push(rule);
      flowTests.push(compileFlow(rule.when));
    }
  }
  // Element by element, each against the rules that could match it — not rule by rule over
  // every element: an element's facts are then read while they are in cache, once, instead of
  // being streamed in again for each of 130 rules. On a 5,000-component model (whose facts do
  // not fit in the processor's cache, while a 1,000-component model's nearly do) rule-major
  // evaluation cost half as much again per component as at 1,000; element-major, about the same.
  const threats: Threat[] = [];
  const byComponentShape = new RulesByShape(componentRules, componentTests);
  for (const component of facts.components.values()) {
    const kind = component.kind;
    const elementClass = component.node.elementClass;
    const { rules: mine, tests } = byComponentShape.of(`${kind}\n${elementClass}`, (rule) =>
      admits(rule.when, kind, elementClass),
    );
    // What the element's threats share (fingerprints, names): made with its first threat.
    let shared: ElementShared | undefined;
    for (let r = 0; r < mine.length; r++)
      if ((tests[r] as Predicate<ComponentFacts>)(component))
        threats.push(
          componentThreat(
            mine[r] as Rule,
            component,
            (shared ??= componentShared(component)),
            evaluation,
          ),
        );
  }
  const byFlowShape = new RulesByShape(flowRules, flowTests);
  for (const flow of facts.flows) {
    const { from, to } = flow;
    const fromClass = from.node.elementClass;
    const toClass = to.node.elementClass;
    const { rules: mine, tests } = byFlowShape.of(
      `${from.kind}\n${fromClass}\n${to.kind}\n${toClass}`,
      (rule) => {
        const when = rule.when as FlowMatch;
        return admits(when.from, from.kind, fromClass) && admits(when.to, to.kind, toClass);
      },
    );
    let shared: ElementShared | undefined;
    for (let r = 0; r < mine.length; r++)
      if ((tests[r] as Predicate<FlowFacts>)(flow))
        threats.push(flowThreat(mine[r] as Rule, flow, (shared ??= flowShared(flow)), evaluation));
  }
  return mergeCovered(rules, threats).sort(
    (a, b) =>
      a.range.start - b.range.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

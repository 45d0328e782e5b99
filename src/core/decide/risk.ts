/**
 * Risk per threat: a deterministic, explainable ranking. `likelihood` (1–5) comes from what the
 * model says about the attacker's way in (hops from an entry point, public exposure, trust
 * boundaries crossed, the technique's ATLAS tactic, whether any mitigating control is in place);
 * `impact` (1–5) from the asset (the rule's severity, data classification and personal data, a
 * crown jewel whose goal the threat attacks, credentials, how much of the pipeline it feeds).
 * `score = likelihood × impact × 4` (4…100). Every factor lists its effect and why, so the number
 * can be checked by hand; docs/risk.md documents the table.
 *
 * Risk depends on the threat's own mitigation state and on the graph's structure only, never on
 * controls elsewhere, so the fix plan can recompute it exactly for the threats a control touches.
 */
import type { AtlasCatalogue } from '../kb/atlas';
import type { PipelineGraph } from '../graph/graph';
import type { CrownJewelGoal } from '../model/vocabulary';
import type { Threat } from '../rules/evaluate';
import type { CrownJewel } from './crownJewels';

export interface RiskFactor {
  /** Stable name of the factor (docs/risk.md). */
  readonly factor: string;
  /** E.g. `likelihood +2`, `impact −1`. */
  readonly effect: string;
  readonly why: string;
}

export interface Risk {
  /** likelihood × impact × 4: an integer 4–100. */
  readonly score: number;
  /** 1–5. */
  readonly likelihood: number;
  /** 1–5. */
  readonly impact: number;
  readonly factors: readonly RiskFactor[];
}

/** What a threat's mitigation state is, for the likelihood factor. */
export interface MitigationState {
  readonly missing: readonly string[];
  /** How many mitigating controls were found. */
  readonly found: number;
}

/** Graph-wide facts risk reads, computed once per analysis. */
export interface RiskContext {
  readonly graph: PipelineGraph;
  /** Hops from the nearest entry point, for components reachable from one. */
  readonly hops: ReadonlyMap<string, number>;
  /** The entry point a component's shortest way in starts at. */
  readonly via: ReadonlyMap<string, string>;
  /** Components downstream (following flows) of each component, counted up to a quarter of all. */
  readonly downstream: ReadonlyMap<string, number>;
  readonly edgeById: ReadonlyMap<string, PipelineGraph['edges'][number]>;
  /** Per threat id, the factors that do not depend on controls (filled on first use). */
  readonly cache: Map<string, { threat: Threat; value: StaticRisk }>;
  readonly jewels: ReadonlyMap<string, CrownJewel>;
  readonly atlas: AtlasCatalogue;
}

/** Entry points: components in an untrusted zone, external entities, public components. */
export function isEntryPoint(graph: PipelineGraph, id: string): boolean {
  const node = graph.nodes.get(id);
  if (!node) return false;
  return (
    node.zone.trust === 'untrusted' ||
    node.elementClass === 'external_entity' ||
    node.component.exposure === 'public'
  );
}

function sortedIds(graph: PipelineGraph): string[] {
  return [...graph.nodes.keys()].sort();
}

/**
 * Breadth-first hops from the nearest entry point, over flows (both ways on bidirectional ones:
 * the caller reaches the service). Entries and neighbours are visited in id order, so `via` does
 * not depend on the file's order.
 */
function hopsFromEntries(graph: PipelineGraph): {
  hops: Map<string, number>;
  via: Map<string, string>;
} {
  const hops = new Map<string, number>();
  const via = new Map<string, string>();
  let frontier = sortedIds(graph).filter((id) => isEntryPoint(graph, id));
  for (const id of frontier) {
    hops.set(id, 0);
    via.set(id, id);
  }
  let depth = 0;
  while (frontier.length > 0) {
    depth++;
    const next: string[] = [];
    for (const id of frontier) {
      const node = graph.nodes.get(id);
      if (!node) continue;
      const neighbours = [
        ...node.outbound.map((e) => e.target.component.id),
        ...node.inbound.filter((e) => e.flow.bidirectional).map((e) => e.source.component.id),
      ].sort();
      for (const n of neighbours) {
        if (hops.has(n)) continue;
        hops.set(n, depth);
        via.set(n, via.get(id) ?? id);
        next.push(n);
      }
    }
    frontier = next.sort();
  }
  return { hops, via };
}

/**
 * Number of components downstream of each component (following flows forward). One search per
 * component would be quadratic; instead strongly connected parts share a count, computed over
 * the condensation in reverse topological order with sets capped just above a quarter of the
 * model — exact up to the cap, which is all the `downstream` factor asks.
 */
function downstreamCounts(graph: PipelineGraph): Map<string, number> {
  const ids = sortedIds(graph);
  const DOWNSTREAM_CAP = downstreamCap(ids.length) + 1;
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const succ: number[][] = ids.map((id) =>
    [
      ...new Set(
        (graph.nodes.get(id)?.outbound ?? []).map((e) => index.get(e.target.component.id) ?? -1),
      ),
    ]
      .filter((i) => i >= 0)
      .sort((a, b) => a - b),
  );
  // Tarjan, iterative.
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const comp = new Array<number>(n).fill(-1);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let start = 0; start < n; start++) {
    if (order[start] !== -1) continue;
    const work: [number, number][] = [[start, 0]];
    order[start] = low[start] = counter++;
    stack.push(start);
    onStack[start] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [v, i] = frame;
      const next = succ[v] as number[];
      if (i < next.length) {
        frame[1]++;
        const w = next[i] as number;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v] as number, order[w] as number);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] as number, low[v] as number);
      if (low[v] === order[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = false;
          comp[w] = components.length;
          members.push(w);
        } while (w !== v);
        components.push(members);
      }
    }
  }
  // Tarjan emits components in reverse topological order: successors come first.
  const reach: Set<number>[] = [];
  const counts = new Map<string, number>();
  for (let c = 0; c < components.length; c++) {
    const members = components[c] as number[];
    const set = new Set<number>();
    for (const v of members)
      for (const w of succ[v] as number[]) {
        const wc = comp[w] as number;
        if (wc === c) continue;
        for (const m of components[wc] as number[]) set.add(m);
        for (const m of reach[wc] as Set<number>) {
          if (set.size >= DOWNSTREAM_CAP) break;
          set.add(m);
        }
      }
    if (members.length > 1) for (const m of members) set.add(m);
    reach[c] = set;
    for (const v of members) {
      const self = members.length > 1 ? 1 : 0;
      counts.set(ids[v] as string, set.size - self);
    }
  }
  return counts;
}

/** Downstream sets stop growing at a quarter of the model: enough to tell "feeds a quarter". */
function downstreamCap(total: number): number {
  return Math.ceil(total / 4);
}

export function riskContext(
  graph: PipelineGraph,
  jewels: readonly CrownJewel[],
  atlas: AtlasCatalogue,
): RiskContext {
  const { hops, via } = hopsFromEntries(graph);
  return {
    graph,
    hops,
    via,
    downstream: downstreamCounts(graph),
    edgeById: new Map(graph.edges.map((e) => [e.flow.id, e])),
    cache: new Map(),
    jewels: new Map(jewels.map((j) => [j.element, j])),
    atlas,
  };
}

const clamp = (v: number) => Math.max(1, Math.min(5, v));
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');

/** Which STRIDE letters attack which crown-jewel goal. */
export const GOAL_LETTERS: Readonly<Record<CrownJewelGoal, readonly string[]>> = {
  confidentiality: ['I'],
  integrity: ['T', 'E', 'S'],
  availability: ['D'],
};

/** Whether a threat attacks a crown-jewel goal: I → confidentiality; T, E, S → integrity; D → availability. */
export const attacksGoal = (threat: Threat, goal: CrownJewelGoal): boolean =>
  GOAL_LETTERS[goal].some((letter) => threat.stride.includes(letter as never));

const SEVERITY_IMPACT: Record<string, number> = {
  info: 0,
  low: 0,
  medium: 1,
  high: 1,
  critical: 2,
};

function tacticsOf(atlas: AtlasCatalogue, technique: string): readonly string[] {
  const t = atlas.techniques.get(technique);
  if (!t) return [];
  if (t.tactics.length > 0 || t.parent === undefined) return t.tactics;
  return atlas.techniques.get(t.parent)?.tactics ?? [];
}

/** A factor whose explanation is written only when someone reads it. */
interface PendingFactor {
  readonly factor: string;
  readonly delta: number;
  readonly on: 'likelihood' | 'impact';
  readonly why: () => string;
}

interface StaticRisk {
  /** Likelihood before the controls factor, unclamped. */
  readonly likelihood: number;
  readonly impact: number;
  readonly likelihoodFactors: readonly PendingFactor[];
  readonly impactFactors: readonly PendingFactor[];
}

const written = (f: PendingFactor): RiskFactor => ({
  factor: f.factor,
  effect: `${f.on} ${signed(f.delta)}`,
  why: f.why(),
});

/** The factors that do not depend on the threat's mitigation state, computed once per threat. */
function staticRisk(threat: Threat, context: RiskContext): StaticRisk {
  const cached = context.cache.get(threat.id);
  if (cached && cached.threat === threat) return cached.value;
  let factors: PendingFactor[] = [];
  const graph = context.graph;
  // The component the attacker has to get to: the element, or the flow's receiving end.
  const flow = threat.elementType === 'flow' ? context.edgeById.get(threat.element) : undefined;
  const componentId = flow ? flow.target.component.id : threat.element;
  const node = graph.nodes.get(componentId);

  // Likelihood.
  let likelihood = 1;
  const add = (factor: string, delta: number, why: () => string, on: 'likelihood' | 'impact') => {
    factors.push({ factor, delta, why, on });
    return delta;
  };
  const startId = flow ? flow.source.component.id : componentId;
  const hops = context.hops.get(startId);
  if (hops === undefined)
    likelihood += add(
      'reach',
      0,
      () =>
        'not reachable along flows from any entry point: needs an insider or a supply-chain foothold',
      'likelihood',
    );
  else if (hops === 0)
    likelihood += add(
      'reach',
      2,
      () =>
        flow
          ? `the flow starts at an entry point (\`${startId}\`)`
          : 'is itself an entry point (untrusted zone, external entity or public)',
      'likelihood',
    );
  else if (hops === 1)
    likelihood += add(
      'reach',
      2,
      () => `one hop from the entry point \`${context.via.get(startId) ?? ''}\``,
      'likelihood',
    );
  else if (hops <= 3)
    likelihood += add(
      'reach',
      1,
      () => `${hops} hops from the entry point \`${context.via.get(startId) ?? ''}\``,
      'likelihood',
    );
  else
    likelihood += add(
      'reach',
      0,
      () => `${hops} hops from the nearest entry point \`${context.via.get(startId) ?? ''}\``,
      'likelihood',
    );
  if (flow && flow.direction === 'toward_more_trust')
    likelihood += add(
      'boundary',
      1,
      () => 'crosses a trust boundary toward more trust',
      'likelihood',
    );
  else if (!flow && node?.component.exposure === 'public')
    likelihood += add('exposure', 1, () => 'declared `exposure: public`', 'likelihood');
  const tactics = new Set(threat.atlas.flatMap((t) => tacticsOf(context.atlas, t)));
  if (tactics.has('AML.TA0004'))
    likelihood += add(
      'technique',
      1,
      () => 'an ATLAS Initial Access technique: no foothold needed beyond what the entry gives',
      'likelihood',
    );
  else if (tactics.has('AML.TA0000'))
    likelihood += add(
      'technique',
      0,
      () => 'an ATLAS AI Model Access technique: needs access to the model or its API',
      'likelihood',
    );
  const likelihoodFactors = factors;
  factors = [];

  // Impact: the rule's severity, then what of the asset this threat puts at stake — data only
  // when it discloses or tampers (I, T), credentials when it impersonates, discloses or escalates
  // (S, I, E), downstream reach when a corruption or an outage spreads (T, D, E).
  let impact = 1;
  const has = (...letters: string[]) => letters.some((l) => threat.stride.includes(l as never));
  impact += add(
    'severity',
    SEVERITY_IMPACT[threat.severity] ?? 0,
    () => `the rule's severity here is ${threat.severity}`,
    'impact',
  );
  const data = flow
    ? flow.data
    : (node?.component.data ?? [])
        .map((id) => graph.dataById.get(id))
        .filter((d) => d !== undefined);
  if (has('I', 'T') && data.some((d) => d.classification === 'restricted'))
    impact += add('data', 1, () => 'discloses or tampers with restricted data', 'impact');
  if (has('I', 'T') && data.some((d) => d.pii))
    impact += add('personal-data', 1, () => 'discloses or tampers with personal data', 'impact');
  const jewel = context.jewels.get(componentId);
  if (jewel) {
    const attacked = jewel.goals.filter((g) => attacksGoal(threat, g));
    if (attacked.length > 0)
      impact += add(
        'crown-jewel',
        1,
        () =>
          `\`${componentId}\` is a crown jewel (${jewel.why}) and this threat attacks its ${attacked.join(' and ')}`,
        'impact',
      );
  }
  if (!jewel && has('S', 'I', 'E') && data.some((d) => d.kind === 'credentials'))
    impact += add('credentials', 1, () => 'credentials at stake', 'impact');
  const total = graph.nodes.size;
  const feeds = context.downstream.get(componentId) ?? 0;
  if (has('T', 'D', 'E') && total >= 4 && feeds * 4 >= total)
    impact += add(
      'downstream',
      1,
      () =>
        `a corruption or outage here spreads: feeds at least a quarter of the pipeline (${feeds} of ${total} components downstream)`,
      'impact',
    );
  const value: StaticRisk = {
    likelihood,
    impact: clamp(impact),
    likelihoodFactors,
    impactFactors: factors,
  };
  context.cache.set(threat.id, { threat, value });
  return value;
}

/** How far a threat's mitigation state moves its likelihood, and in which of four cases. */
function controlsEffect(
  threat: Threat,
  state: MitigationState,
): { readonly delta: number; readonly why: () => string } {
  const required = threat.mitigations.allOf.length + threat.mitigations.anyOf.length;
  if (required === 0) return { delta: 0, why: () => 'the rule names no mitigating control' };
  if (state.missing.length === 0)
    return { delta: -2, why: () => 'every control the rule asks for is in place' };
  if (state.found === 0)
    return {
      delta: 1,
      why: () =>
        `none of the controls the rule asks for is in place (missing: ${state.missing.join(', ')})`,
    };
  return {
    delta: 0,
    why: () => `partly mitigated: ${state.found} in place, missing ${state.missing.join(', ')}`,
  };
}

/**
 * The risk of a threat in a given mitigation state. Its factors are written out when first read
 * (every threat gets a risk; few have their explanation shown), then kept.
 */
export function riskOf(threat: Threat, state: MitigationState, context: RiskContext): Risk {
  const fixed = staticRisk(threat, context);
  const controls = controlsEffect(threat, state);
  const likelihood = clamp(fixed.likelihood + controls.delta);
  const impact = fixed.impact;
  let factors: readonly RiskFactor[] | undefined;
  return {
    score: likelihood * impact * 4,
    likelihood,
    impact,
    get factors(): readonly RiskFactor[] {
      factors ??= [
        ...fixed.likelihoodFactors.map(written),
        { factor: 'controls', effect: `likelihood ${signed(controls.delta)}`, why: controls.why() },
        ...fixed.impactFactors.map(written),
      ];
      return factors;
    },
  };
}

/**
 * Just the score of {@link riskOf}, without building its explanation: what the fix plan asks of
 * every candidate control addition (tens of thousands on a 1,000-component model).
 */
export function riskScore(threat: Threat, state: MitigationState, context: RiskContext): number {
  const fixed = staticRisk(threat, context);
  return clamp(fixed.likelihood + controlsEffect(threat, state).delta) * fixed.impact * 4;
}

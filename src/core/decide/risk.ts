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
import type { GraphEdge, PipelineGraph } from '../graph/graph';
import type { DataItem } from '../model/types';
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
  /** Components downstream (following flows) of each component, up to {@link downstreamLimit}. */
  readonly downstream: ReadonlyMap<string, number>;
  readonly edgeById: ReadonlyMap<string, PipelineGraph['edges'][number]>;
  /** Per component and per flow id, what risk reads of the element (filled on first use). */
  readonly componentRisks: Map<string, ElementRisk>;
  readonly flowRisks: Map<string, ElementRisk>;
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

/**
 * The components in id order, each known by its rank there, with flows as lists of ranks: the
 * graph-wide walks below go over small integers (sorted once), not id strings sorted again and
 * again — the breadth-first search sorted every node's neighbours and every frontier as
 * strings, 33 ms of a 5,000-component model's risk context against 2.6 ms at 1,000.
 */
interface RankedGraph {
  readonly ids: readonly string[];
  /**
   * Per rank, the ranks its flows lead to (a pair with two flows twice). In no particular
   * order: the counts do not depend on it, and the search for hops sorts each frontier, so which
   * entry point a component is credited to does not either.
   */
  readonly successors: Adjacency;
  /** Per rank, the ranks the search for a way in steps to: flows forward, and back along bidirectional ones. */
  readonly reachable: Adjacency;
}

/** Lists of ranks per rank in two typed arrays: rank `v`'s list is `ends[start[v]…start[v + 1])`. */
interface Adjacency {
  readonly start: Int32Array;
  readonly ends: Int32Array;
}

function rankedGraph(graph: PipelineGraph): RankedGraph {
  const ids = [...graph.nodes.keys()].sort();
  const rank = new Map(ids.map((id, i) => [id, i]));
  const nodes = ids.map((id) => graph.nodes.get(id));
  const lists = (withBidirectionalInbound: boolean): Adjacency => {
    const start = new Int32Array(ids.length + 1);
    const ends: number[] = [];
    for (let v = 0; v < nodes.length; v++) {
      const node = nodes[v];
      for (const e of node?.outbound ?? []) {
        const r = rank.get(e.target.component.id);
        if (r !== undefined) ends.push(r);
      }
      if (withBidirectionalInbound)
        for (const e of node?.inbound ?? [])
          if (e.flow.bidirectional) {
            const r = rank.get(e.source.component.id);
            if (r !== undefined) ends.push(r);
          }
      start[v + 1] = ends.length;
    }
    return { start, ends: Int32Array.from(ends) };
  };
  return { ids, successors: lists(false), reachable: lists(true) };
}

/**
 * Breadth-first hops from the nearest entry point, over flows (both ways on bidirectional ones:
 * the caller reaches the service). Each frontier is visited in id order, so `via` does not
 * depend on the file's order: of the entries a component is nearest to, `via` names the one
 * whose way reaches it first in that order.
 */
function hopsFromEntries(
  graph: PipelineGraph,
  ranked: RankedGraph,
): {
  hops: Map<string, number>;
  via: Map<string, string>;
} {
  const { ids, reachable } = ranked;
  const depthOf = new Int32Array(ids.length).fill(-1);
  const viaOf = new Int32Array(ids.length);
  const hops = new Map<string, number>();
  const via = new Map<string, string>();
  let frontier: number[] = [];
  for (let i = 0; i < ids.length; i++)
    if (isEntryPoint(graph, ids[i] as string)) {
      depthOf[i] = 0;
      viaOf[i] = i;
      frontier.push(i);
    }
  let depth = 0;
  while (frontier.length > 0) {
    depth++;
    const next: number[] = [];
    for (const v of frontier)
      for (let k = reachable.start[v] as number; k < (reachable.start[v + 1] as number); k++) {
        const w = reachable.ends[k] as number;
        if (depthOf[w] !== -1) continue;
        depthOf[w] = depth;
        viaOf[w] = viaOf[v] as number;
        next.push(w);
      }
    frontier = next.sort((a, b) => a - b);
  }
  for (let i = 0; i < ids.length; i++) {
    const d = depthOf[i] as number;
    if (d === -1) continue;
    hops.set(ids[i] as string, d);
    via.set(ids[i] as string, ids[viaOf[i] as number] as string);
  }
  return { hops, via };
}

/**
 * Number of components downstream of each component (following flows forward), exact up to
 * {@link downstreamLimit} and that limit for any component with more. One search per component
 * would be quadratic; instead strongly connected parts share a count, computed over the
 * condensation in reverse topological order, each part's reach the union of its successors'
 * as a bit set (a word per 32 components, so a union is a few hundred word operations at 5,000
 * components). A part with a successor past the limit is past it too and takes no set; a set is
 * let go once every part that reads it has, so only the sets still to be read are alive. Before,
 * each part copied its successors' members into a `Set` until it reached the limit, a quarter of
 * the model: quadratic, 31 ms at 5,000 components against 1.3 ms at 1,000.
 */
function downstreamCounts(ranked: RankedGraph): Map<string, number> {
  const { ids } = ranked;
  const { start: succStart, ends: succ } = ranked.successors;
  const n = ids.length;
  const limit = downstreamLimit(n);
  // Tarjan, iterative.
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const comp = new Array<number>(n).fill(-1);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    // Frames: a component and the position in `succ` of its next flow to follow.
    const work: [number, number][] = [[root, succStart[root] as number]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [v, i] = frame;
      if (i < (succStart[v + 1] as number)) {
        frame[1]++;
        const w = succ[i] as number;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, succStart[w] as number]);
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
  // How many times each part's set is still to be read: once per flow into it from another part.
  const readsLeft = new Int32Array(components.length);
  for (let v = 0; v < n; v++)
    for (let k = succStart[v] as number; k < (succStart[v + 1] as number); k++) {
      const w = succ[k] as number;
      if (comp[w] !== comp[v]) readsLeft[comp[w] as number]! += 1;
    }
  const words = (n + 31) >>> 5;
  // Tarjan emits components in reverse topological order: successors come first. A part past
  // the limit has no set (undefined); so has a part whose set every reader has read.
  const reach: (Uint32Array | undefined)[] = new Array(components.length);
  const past = new Uint8Array(components.length);
  const counts = new Map<string, number>();
  for (let c = 0; c < components.length; c++) {
    const members = components[c] as number[];
    // A part of several components reaches each of them, itself included; the count leaves
    // the component itself out.
    const self = members.length > 1 ? 1 : 0;
    // Past the limit as soon as one successor part is; otherwise the union of theirs.
    let successorPast = false;
    for (const v of members)
      for (let k = succStart[v] as number; k < (succStart[v + 1] as number); k++) {
        const wc = comp[succ[k] as number] as number;
        if (wc !== c && past[wc] === 1) successorPast = true;
      }
    let bits: Uint32Array | undefined;
    if (!successorPast) {
      bits = new Uint32Array(words);
      if (self === 1) for (const m of members) bits[m >>> 5]! |= 1 << (m & 31);
    }
    for (const v of members)
      for (let k = succStart[v] as number; k < (succStart[v + 1] as number); k++) {
        const wc = comp[succ[k] as number] as number;
        if (wc === c) continue;
        if (bits !== undefined) {
          const beyond = reach[wc] as Uint32Array;
          for (let word = 0; word < words; word++) bits[word]! |= beyond[word] as number;
          for (const m of components[wc] as number[]) bits[m >>> 5]! |= 1 << (m & 31);
        }
        if (--readsLeft[wc]! === 0) reach[wc] = undefined;
      }
    let count = limit;
    if (bits !== undefined) {
      let size = 0;
      for (let word = 0; word < words; word++) size += bitCount(bits[word] as number);
      if (size - self < limit) count = size - self;
    }
    if (count === limit) past[c] = 1;
    else if (readsLeft[c]! > 0) reach[c] = bits;
    for (const v of members) counts.set(ids[v] as string, count);
  }
  return counts;
}

/** Set bits of a 32-bit word. */
function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * How far downstream counts are exact: a quarter of the model (what the `downstream` factor
 * asks), and at least 100 components so the counts of models of a few hundred components are
 * exact. A count at the limit means "that many or more".
 */
export function downstreamLimit(total: number): number {
  return Math.max(downstreamCap(total), Math.min(total, 100));
}

/** A quarter of the model: what the `downstream` factor asks a component to feed. */
function downstreamCap(total: number): number {
  return Math.ceil(total / 4);
}

export function riskContext(
  graph: PipelineGraph,
  jewels: readonly CrownJewel[],
  atlas: AtlasCatalogue,
): RiskContext {
  const ranked = rankedGraph(graph);
  const { hops, via } = hopsFromEntries(graph, ranked);
  return {
    graph,
    hops,
    via,
    downstream: downstreamCounts(ranked),
    edgeById: new Map(graph.edges.map((e) => [e.flow.id, e])),
    componentRisks: new Map(),
    flowRisks: new Map(),
    jewels: new Map(jewels.map((j) => [j.element, j])),
    atlas,
  };
}

const clamp = (v: number) => Math.max(1, Math.min(5, v));
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');

/** The number a factor adds (`likelihood +2` → 2, `impact −1` → −1): {@link signed} read back. */
export function factorDelta(f: RiskFactor): number {
  const amount = f.effect.slice(f.effect.indexOf(' ') + 1);
  return amount === '±0' ? 0 : Number(amount.replace('−', '-'));
}

/** A threat's mitigation state as the analysis resolved it (no control added). */
export function mitigationStateOf(threat: Threat): MitigationState {
  return { missing: threat.missingControls, found: threat.mitigatedBy.length };
}

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

/**
 * What risk reads of the element a threat is on. It is the same for every threat there (about
 * ten per element on a large model), so it is worked out once per element.
 */
interface ElementRisk {
  /** The flow, for a flow threat. */
  readonly flow: GraphEdge | undefined;
  /** The component the attacker has to get to: the element, or the flow's receiving end. */
  readonly componentId: string;
  /** Where the attacker's way in is measured from: the flow's sending end, or the component. */
  readonly startId: string;
  readonly hops: number | undefined;
  /** A component declared `exposure: public`. */
  readonly publicComponent: boolean;
  /** The data at stake (the flow's, or the component's) includes restricted data. */
  readonly restricted: boolean;
  readonly pii: boolean;
  readonly credentials: boolean;
  readonly jewel: CrownJewel | undefined;
  /** Components downstream of {@link componentId} (capped, see downstreamCounts). */
  readonly feeds: number;
}

function elementRisk(threat: Threat, context: RiskContext): ElementRisk {
  const byId = threat.elementType === 'flow' ? context.flowRisks : context.componentRisks;
  let value = byId.get(threat.element);
  if (value) return value;
  const graph = context.graph;
  const flow = threat.elementType === 'flow' ? context.edgeById.get(threat.element) : undefined;
  const componentId = flow ? flow.target.component.id : threat.element;
  const node = graph.nodes.get(componentId);
  const startId = flow ? flow.source.component.id : componentId;
  let restricted = false;
  let pii = false;
  let credentials = false;
  const see = (d: DataItem) => {
    if (d.classification === 'restricted') restricted = true;
    if (d.pii) pii = true;
    if (d.kind === 'credentials') credentials = true;
  };
  if (flow) for (const d of flow.data) see(d);
  else
    for (const id of node?.component.data ?? []) {
      const d = graph.dataById.get(id);
      if (d !== undefined) see(d);
    }
  value = {
    flow,
    componentId,
    startId,
    hops: context.hops.get(startId),
    publicComponent: !flow && node?.component.exposure === 'public',
    restricted,
    pii,
    credentials,
    jewel: context.jewels.get(componentId),
    feeds: context.downstream.get(componentId) ?? 0,
  };
  byId.set(threat.element, value);
  return value;
}

/** STRIDE letters as bits, so the factors test a threat's letters without building lists. */
const LETTER_BITS: Readonly<Record<string, number>> = { S: 1, T: 2, R: 4, I: 8, D: 16, E: 32 };
const lettersOf = (threat: Threat): number => {
  let bits = 0;
  for (const letter of threat.stride) bits |= LETTER_BITS[letter] ?? 0;
  return bits;
};
const bitsOf = (letters: readonly string[]): number =>
  letters.reduce((bits, letter) => bits | (LETTER_BITS[letter] ?? 0), 0);
const GOAL_BITS: Readonly<Record<CrownJewelGoal, number>> = {
  confidentiality: bitsOf(GOAL_LETTERS.confidentiality),
  integrity: bitsOf(GOAL_LETTERS.integrity),
  availability: bitsOf(GOAL_LETTERS.availability),
};
const I_T = bitsOf(['I', 'T']);
const S_I_E = bitsOf(['S', 'I', 'E']);
const T_D_E = bitsOf(['T', 'D', 'E']);

const INITIAL_ACCESS = 'AML.TA0004';
const MODEL_ACCESS = 'AML.TA0000';

/** The ATLAS tactic of a threat's techniques that the technique factor reads, if any. */
function techniqueTactic(threat: Threat, atlas: AtlasCatalogue): string | undefined {
  let modelAccess = false;
  for (const technique of threat.atlas)
    for (const tactic of tacticsOf(atlas, technique)) {
      if (tactic === INITIAL_ACCESS) return INITIAL_ACCESS;
      if (tactic === MODEL_ACCESS) modelAccess = true;
    }
  return modelAccess ? MODEL_ACCESS : undefined;
}

/**
 * The factors that do not depend on the threat's mitigation state: computed once per threat
 * (the assessment keeps it on the threat's state, so re-scoring under a control addition only
 * adds the controls factor).
 */
export interface StaticRisk {
  /** Likelihood before the controls factor, unclamped. */
  readonly likelihood: number;
  readonly impact: number;
}

/** Where {@link staticRisk} writes its factors when asked to explain them. */
interface Explanation {
  readonly likelihood: RiskFactor[];
  readonly impact: RiskFactor[];
}

const factor = (
  name: string,
  on: 'likelihood' | 'impact',
  delta: number,
  why: string,
): RiskFactor => ({ factor: name, effect: `${on} ${signed(delta)}`, why });

/**
 * The factors that do not depend on the threat's mitigation state. Scoring takes only the
 * numbers; `explain` also writes each factor's words into it, from the same
 * decisions, so the explanation can never disagree with the score. Every `explain?.…push(…)`
 * builds nothing when there is no explanation to write: the scores of a 5,000-component model's
 * 60,000 threats used to allocate a closure and an object per factor that no one read.
 */
function staticRisk(threat: Threat, context: RiskContext, explain?: Explanation): StaticRisk {
  const e = elementRisk(threat, context);
  const { flow, startId, hops } = e;

  // Likelihood.
  let likelihood = 1;
  if (hops === undefined)
    explain?.likelihood.push(
      factor(
        'reach',
        'likelihood',
        0,
        'not reachable along flows from any entry point: needs an insider or a supply-chain foothold',
      ),
    );
  else if (hops === 0) {
    likelihood += 2;
    explain?.likelihood.push(
      factor(
        'reach',
        'likelihood',
        2,
        flow
          ? `the flow starts at an entry point (\`${startId}\`)`
          : 'is itself an entry point (untrusted zone, external entity or public)',
      ),
    );
  } else if (hops === 1) {
    likelihood += 2;
    explain?.likelihood.push(
      factor(
        'reach',
        'likelihood',
        2,
        `one hop from the entry point \`${context.via.get(startId) ?? ''}\``,
      ),
    );
  } else if (hops <= 3) {
    likelihood += 1;
    explain?.likelihood.push(
      factor(
        'reach',
        'likelihood',
        1,
        `${hops} hops from the entry point \`${context.via.get(startId) ?? ''}\``,
      ),
    );
  } else
    explain?.likelihood.push(
      factor(
        'reach',
        'likelihood',
        0,
        `${hops} hops from the nearest entry point \`${context.via.get(startId) ?? ''}\``,
      ),
    );
  if (flow && flow.direction === 'toward_more_trust') {
    likelihood += 1;
    explain?.likelihood.push(
      factor('boundary', 'likelihood', 1, 'crosses a trust boundary toward more trust'),
    );
  } else if (e.publicComponent) {
    likelihood += 1;
    explain?.likelihood.push(factor('exposure', 'likelihood', 1, 'declared `exposure: public`'));
  }
  const tactic = techniqueTactic(threat, context.atlas);
  if (tactic === INITIAL_ACCESS) {
    likelihood += 1;
    explain?.likelihood.push(
      factor(
        'technique',
        'likelihood',
        1,
        'an ATLAS Initial Access technique: no foothold needed beyond what the entry gives',
      ),
    );
  } else if (tactic === MODEL_ACCESS)
    explain?.likelihood.push(
      factor(
        'technique',
        'likelihood',
        0,
        'an ATLAS AI Model Access technique: needs access to the model or its API',
      ),
    );

  // Impact: the rule's severity, then what of the asset this threat puts at stake — data only
  // when it discloses or tampers (I, T), credentials when it impersonates, discloses or escalates
  // (S, I, E), downstream reach when a corruption or an outage spreads (T, D, E).
  const letters = lettersOf(threat);
  const severity = SEVERITY_IMPACT[threat.severity] ?? 0;
  let impact = 1 + severity;
  explain?.impact.push(
    factor('severity', 'impact', severity, `the rule's severity here is ${threat.severity}`),
  );
  if (letters & I_T && e.restricted) {
    impact += 1;
    explain?.impact.push(factor('data', 'impact', 1, 'discloses or tampers with restricted data'));
  }
  if (letters & I_T && e.pii) {
    impact += 1;
    explain?.impact.push(
      factor('personal-data', 'impact', 1, 'discloses or tampers with personal data'),
    );
  }
  const jewel = e.jewel;
  if (jewel && jewel.goals.some((g) => letters & GOAL_BITS[g])) {
    impact += 1;
    explain?.impact.push(
      factor(
        'crown-jewel',
        'impact',
        1,
        `\`${e.componentId}\` is a crown jewel (${jewel.why}) and this threat attacks its ${jewel.goals.filter((g) => letters & GOAL_BITS[g]).join(' and ')}`,
      ),
    );
  }
  if (!jewel && letters & S_I_E && e.credentials) {
    impact += 1;
    explain?.impact.push(factor('credentials', 'impact', 1, 'credentials at stake'));
  }
  const total = context.graph.nodes.size;
  if (letters & T_D_E && total >= 4 && e.feeds * 4 >= total) {
    impact += 1;
    explain?.impact.push(
      factor(
        'downstream',
        'impact',
        1,
        `a corruption or outage here spreads: feeds at least a quarter of the pipeline (${e.feeds}${e.feeds >= downstreamLimit(total) ? ' or more' : ''} of ${total} components downstream)`,
      ),
    );
  }
  return { likelihood, impact: clamp(impact) };
}

/** The factors of a threat's risk that no control changes, as numbers (see {@link StaticRisk}). */
export function staticRiskOf(threat: Threat, context: RiskContext): StaticRisk {
  return staticRisk(threat, context);
}

/** How far a threat's mitigation state moves its likelihood (one of four cases, see {@link controlsWhy}). */
function controlsDelta(threat: Threat, state: MitigationState): number {
  const required = threat.mitigations.allOf.length + threat.mitigations.anyOf.length;
  if (required === 0) return 0;
  if (state.missing.length === 0) return -2;
  return state.found === 0 ? 1 : 0;
}

/** Why {@link controlsDelta} moves the likelihood as it does, in words. */
function controlsWhy(threat: Threat, state: MitigationState): string {
  const required = threat.mitigations.allOf.length + threat.mitigations.anyOf.length;
  if (required === 0) return 'the rule names no mitigating control';
  if (state.missing.length === 0) return 'every control the rule asks for is in place';
  if (state.found === 0)
    return `none of the controls the rule asks for is in place (missing: ${state.missing.join(', ')})`;
  return `partly mitigated: ${state.found} in place, missing ${state.missing.join(', ')}`;
}

/** Every factor of a threat's risk in a mitigation state, in words: likelihood, controls, impact. */
function riskFactors(threat: Threat, state: MitigationState, context: RiskContext): RiskFactor[] {
  const explanation: Explanation = { likelihood: [], impact: [] };
  staticRisk(threat, context, explanation);
  return [
    ...explanation.likelihood,
    factor('controls', 'likelihood', controlsDelta(threat, state), controlsWhy(threat, state)),
    ...explanation.impact,
  ];
}

/**
 * A risk whose factors are written out when first read (every threat gets a risk; few have
 * their explanation shown), then kept. A class rather than an object with a getter: one object
 * per threat instead of an object, a closure and its context — the assessment makes one for
 * each of a 5,000-component model's 61,610 threats.
 */
class ExplainedRisk implements Risk {
  readonly #threat: Threat;
  // The mitigation state's two values rather than the state object, which then need not be
  // kept (nor, for a threat as the analysis resolved it, made at all).
  readonly #missing: readonly string[];
  readonly #found: number;
  readonly #context: RiskContext;
  #factors: readonly RiskFactor[] | undefined;
  constructor(
    readonly score: number,
    readonly likelihood: number,
    readonly impact: number,
    threat: Threat,
    state: MitigationState,
    context: RiskContext,
  ) {
    this.#threat = threat;
    this.#missing = state.missing;
    this.#found = state.found;
    this.#context = context;
  }
  get factors(): readonly RiskFactor[] {
    this.#factors ??= riskFactors(
      this.#threat,
      { missing: this.#missing, found: this.#found },
      this.#context,
    );
    return this.#factors;
  }
  /** What `JSON.stringify` writes: the factors too, as for a plain object. */
  toJSON(): Risk {
    const { score, likelihood, impact, factors } = this;
    return { score, likelihood, impact, factors };
  }
}

/** The risk of a threat in a given mitigation state. */
export function riskOf(
  threat: Threat,
  state: MitigationState,
  context: RiskContext,
  fixed: StaticRisk = staticRisk(threat, context),
): Risk {
  const likelihood = clamp(fixed.likelihood + controlsDelta(threat, state));
  const impact = fixed.impact;
  return new ExplainedRisk(likelihood * impact * 4, likelihood, impact, threat, state, context);
}

/**
 * Just the score of {@link riskOf}, without building its explanation: what the fix plan asks of
 * every candidate control addition (tens of thousands on a 1,000-component model).
 */
export function riskScore(
  threat: Threat,
  state: MitigationState,
  context: RiskContext,
  fixed: StaticRisk = staticRisk(threat, context),
): number {
  return clamp(fixed.likelihood + controlsDelta(threat, state)) * fixed.impact * 4;
}

/**
 * Attack paths from entry points to crown jewels. Two propagations over the graph, each a
 * breadth-first search from every entry (a monotonic fixpoint: the set reached only grows, and
 * neither it nor the paths depend on the file's order, since entries and neighbours are taken in
 * id order):
 * - *content*: attacker-controlled data (a hub model, a public dataset, a web page, a prompt, a
 *   tool's result) moves along data flows — both ways on a bidirectional flow, whose response
 *   carries content back — until a flow or receiving element with a control that cleans that
 *   kind of data ({@link CLEANS}: provenance cleans datasets, not a hub model) stops it;
 * - *access*: a caller who controls an element reaches what it sends to, wherever the flow or
 *   the receiving element has an open threat that gives a hold on it (spoofing, tampering,
 *   elevation); into the crown jewel, also a threat against the path's goal itself.
 * Each entry/target pair keeps at most {@link PATHS_PER_PAIR} shortest paths (enumerated over
 * the shortest-path DAG, in id order: no exponential blow-up on dense or cyclic graphs), and the
 * model keeps the {@link MAX_PATHS} riskiest (only their triples are kept while searching, so
 * memory stays bounded too). A path's id hashes its entry, elements and goal, and for a content
 * path its kind too: a content and an access path over the same elements to the same goal are two
 * paths (before, they had one id and the content one was dropped); access ids kept their value.
 *
 * A path the register decided on (`paths:` entry accepted, mitigated or not applicable) carries
 * that decision ({@link AttackPath.decision}); the fix plan leaves it out of `breaksPaths`.
 * {@link pathAlong} re-derives a path from the elements a register entry recorded, so a decided
 * path the enumeration no longer lists (a riskier hundred, a shorter way) is still known to hold.
 */
import type { GraphEdge, PipelineGraph } from '../graph/graph';
import { componentFingerprints, flowFingerprints, pathFingerprint } from '../hashes';
import type { CrownJewelGoal } from '../model/vocabulary';
import type { SourceRange } from '../problems';
import type { PathEntry, PathStatus } from '../register/register';
import { pathDecisionOf, type PathDecisionState } from '../register/status';
import type { Threat } from '../rules/evaluate';
import type { ModelFacts } from '../rules/facts';
import { fnv1a64 } from '../util/hash';
import type { Assessment, ThreatState } from './assess';
import type { CrownJewel } from './crownJewels';
import { attacksGoal, isEntryPoint } from './risk';

export const PATHS_PER_PAIR = 3;
export const MAX_PATHS = 100;

/** Controls that clean attacker-controlled content where they are declared. */
export const CLEANING_CONTROLS: readonly string[] = [
  'input_validation',
  'data_validation',
  'data_provenance',
  'model_signing',
  'model_scanning',
  'artifact_checksums',
  'llm_guardrails',
  'untrusted_content_marking',
];

/** Data an ML pipeline collects and learns from: what validation and provenance vouch for. */
const DATASET_KINDS = [
  'raw_data',
  'training_data',
  'labels',
  'features',
  'feedback',
  'documents',
  'embeddings',
] as const;

/** Artifacts that run or are loaded as code: what scanning, signing and checksums vouch for. */
const ARTIFACT_KINDS = ['model', 'code'] as const;

/**
 * What each cleaning control cleans, by the kind of data a flow carries: scanning a model does not
 * clean a poisoned dataset, and the provenance of training data says nothing about a backdoored
 * model pulled from a hub. A flow that declares no data kinds is cleaned by any of them.
 */
export const CLEANS: Readonly<Record<string, readonly string[]>> = {
  input_validation: ['inference_request', 'prompt', 'feedback', 'raw_data'],
  data_validation: DATASET_KINDS,
  data_provenance: DATASET_KINDS,
  model_signing: ARTIFACT_KINDS,
  model_scanning: ARTIFACT_KINDS,
  artifact_checksums: ARTIFACT_KINDS,
  llm_guardrails: [
    'prompt',
    'inference_request',
    'documents',
    'embeddings',
    'prediction',
    'feedback',
  ],
  untrusted_content_marking: [
    'prompt',
    'documents',
    'embeddings',
    'prediction',
    'feedback',
    'raw_data',
  ],
};

/** Data kinds that carry no content an attacker can plant instructions or poison in. */
const NOT_CONTENT: ReadonlySet<string> = new Set(['credentials', 'logs']);

/**
 * STRIDE letters of a threat that moves an attacker onto the element: impersonating a caller to
 * it (S), tampering with what it receives or does (T), gaining its privileges (E). Repudiation,
 * disclosure and denial of service harm an element but give no hold on it.
 */
const FOOTHOLD_LETTERS = ['S', 'T', 'E'] as const;

/** Whether an open threat gives the attacker a hold on its element (see {@link FOOTHOLD_LETTERS}). */
export const givesFoothold = (threat: Threat): boolean =>
  FOOTHOLD_LETTERS.some((letter) => threat.stride.includes(letter));

/** Kinds whose output is attacker-controllable content. */
const CONTENT_SOURCE_KINDS: ReadonlySet<string> = new Set([
  'third_party_model_hub',
  'external_data_source',
  'external_llm_provider',
  'user',
  'external_client',
]);

export type PathKind = 'content' | 'access';

export interface PathStep {
  /** Component or flow id. */
  readonly element: string;
  readonly elementType: 'component' | 'flow';
  /** Open threats on this element the attacker uses. */
  readonly threats: readonly string[];
  readonly atlas: readonly string[];
  readonly missingControls: readonly string[];
  readonly range: SourceRange;
}

export interface AttackPath {
  readonly id: string;
  readonly kind: PathKind;
  readonly entry: string;
  readonly target: string;
  readonly goal: CrownJewelGoal;
  /** Highest risk of an open threat on the target (0 when the target has none). */
  readonly risk: number;
  readonly steps: readonly PathStep[];
  /** The register's decision about this path, when it has one (accepted, mitigated, not applicable). */
  readonly decision?: PathDecision;
}

/** A register decision on an attack path, as the plan and every view show it. */
export type PathDecision = PathDecisionState;

/** A path's status for output: its decision, or `open`. */
export const pathStatusOf = (path: AttackPath): PathStatus => path.decision?.status ?? 'open';

interface Hop {
  readonly edge: GraphEdge;
  readonly from: string;
  readonly to: string;
}

/** Open threat states per element id, sorted by threat id. */
export function openByElement(assessment: Assessment): Map<string, ThreatState[]> {
  const map = new Map<string, ThreatState[]>();
  for (const s of assessment.states.values()) {
    if (!s.open) continue;
    let list = map.get(s.threat.element);
    if (!list) map.set(s.threat.element, (list = []));
    list.push(s);
  }
  for (const list of map.values()) list.sort((a, b) => (a.threat.id < b.threat.id ? -1 : 1));
  return map;
}

function isContentSource(graph: PipelineGraph, id: string): boolean {
  const node = graph.nodes.get(id);
  return (
    node !== undefined &&
    (CONTENT_SOURCE_KINDS.has(node.component.kind) || node.zone.trust === 'untrusted')
  );
}

/** The content kinds a hop carries (its flow's declared data kinds that can carry content). */
export function contentKinds(hop: { readonly edge: GraphEdge }): string[] {
  const kinds = new Set<string>();
  for (const d of hop.edge.data)
    if (d.kind !== undefined && !NOT_CONTENT.has(d.kind)) kinds.add(d.kind);
  return [...kinds].sort();
}

/**
 * Whether a cleaning control cleans content of one data kind: by the {@link CLEANS} table; a
 * custom kind (`x-…`), whose nature mltm cannot tell, is cleaned by any cleaning control — the
 * declared control is taken at its word, as for a flow that names no kind (an agent's
 * guardrails inspect the `x-tool-io` results its tools return).
 */
export function cleansKind(control: string, kind: string): boolean {
  const cleaned = CLEANS[control];
  return cleaned !== undefined && (cleaned.includes(kind) || kind.startsWith('x-'));
}

/** Whether `control` on the hop's flow or receiving component cleans content of these kinds. */
export function controlCleans(control: string, kinds: readonly string[]): boolean {
  if (CLEANS[control] === undefined) return false;
  return kinds.length === 0 || kinds.every((k) => cleansKind(control, k));
}

/**
 * The content kinds of a hop that no control on its flow or receiving component cleans yet:
 * `undefined` when the hop is cleaned (nothing passes); `[]` for a flow that names no kind and
 * has no cleaning control (any cleaning control would clean it, see {@link controlCleans}).
 */
export function uncleanedKinds(
  assessment: Assessment,
  hop: { readonly edge: GraphEdge; readonly to: string },
): string[] | undefined {
  const flow = hop.edge.flow.id;
  const has = (c: string) =>
    assessment.hasOwnControl(flow, c) || assessment.hasOwnControl(hop.to, c);
  const kinds = contentKinds(hop);
  if (kinds.length === 0) return CLEANING_CONTROLS.some(has) ? undefined : [];
  const left = kinds.filter((k) => !CLEANING_CONTROLS.some((c) => cleansKind(c, k) && has(c)));
  return left.length === 0 ? undefined : left;
}

/**
 * Whether an access hop passes on an open threat: one that gives a foothold, or on the last hop
 * into the target (`goal` given) one that attacks the goal itself.
 */
const passesOn = (threat: Threat, goal: CrownJewelGoal | undefined): boolean =>
  givesFoothold(threat) || (goal !== undefined && attacksGoal(threat, goal));

/**
 * The open threats an access hop passes on (ids, in the flow's then the receiver's order): those
 * giving a foothold on the flow or the receiving component, and on the last hop into the target
 * (`goal` given) also those attacking the goal itself. Empty when the hop is closed.
 */
export function hopBlockers(
  hop: { readonly edge: GraphEdge; readonly to: string },
  open: ReadonlyMap<string, ThreatState[]>,
  goal?: CrownJewelGoal,
): string[] {
  const ids: string[] = [];
  for (const element of [hop.edge.flow.id, hop.to])
    for (const s of open.get(element) ?? []) if (passesOn(s.threat, goal)) ids.push(s.threat.id);
  return ids;
}

/**
 * Whether a hop is passable, given the current threat states. Content passes where neither the
 * flow nor the receiving component cleans it. Access passes where the flow or the receiving
 * component has an open threat that gives a foothold; on the last hop into the target (`goal`
 * given), also where one attacks the goal itself (reading a model through its API needs no hold
 * on it).
 */
function passable(
  kind: PathKind,
  hop: Hop,
  assessment: Assessment,
  open: ReadonlyMap<string, ThreatState[]>,
  goal?: CrownJewelGoal,
): boolean {
  if (kind === 'content') return uncleanedKinds(assessment, hop) !== undefined;
  const on = (id: string) => open.get(id)?.some((s) => passesOn(s.threat, goal)) ?? false;
  return on(hop.edge.flow.id) || on(hop.to);
}

/** Hops out of each component per mode, sorted by target then flow id. */
function hopsOf(graph: PipelineGraph): { content: Map<string, Hop[]>; access: Map<string, Hop[]> } {
  const content = new Map<string, Hop[]>();
  const access = new Map<string, Hop[]>();
  const push = (map: Map<string, Hop[]>, hop: Hop) => {
    let list = map.get(hop.from);
    if (!list) map.set(hop.from, (list = []));
    list.push(hop);
  };
  for (const edge of graph.edges) {
    const from = edge.source.component.id;
    const to = edge.target.component.id;
    push(content, { edge, from, to });
    push(access, { edge, from, to });
    if (edge.flow.bidirectional) push(content, { edge, from: to, to: from });
  }
  const order = (a: Hop, b: Hop) =>
    a.to < b.to
      ? -1
      : a.to > b.to
        ? 1
        : a.edge.flow.id < b.edge.flow.id
          ? -1
          : a.edge.flow.id > b.edge.flow.id
            ? 1
            : 0;
  for (const list of content.values()) list.sort(order);
  for (const list of access.values()) list.sort(order);
  return { content, access };
}

const GOALS_OF_KIND: Record<PathKind, ReadonlySet<CrownJewelGoal>> = {
  // Injected content corrupts (poisoning, backdoors) or, through an agent, leaks.
  content: new Set(['integrity', 'confidentiality']),
  access: new Set(['confidentiality', 'integrity', 'availability']),
};

interface Candidate {
  readonly kind: PathKind;
  readonly entry: string;
  readonly target: string;
  readonly goal: CrownJewelGoal;
  readonly risk: number;
}

const compareCandidates = (a: Candidate, b: Candidate) =>
  b.risk - a.risk ||
  compareStrings(a.kind, b.kind) ||
  compareStrings(a.entry, b.entry) ||
  compareStrings(a.target, b.target) ||
  compareStrings(a.goal, b.goal);

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Breadth-first search from `entry` recording, per node, every predecessor hop on a shortest way
 * (the shortest-path DAG): frontier by frontier, each node's hops in adjacency order. `last`, when
 * given, adds hops usable only as the last one into its target (an access path's goal hops): the
 * target is reached through them but not searched on from.
 */
function shortestPathDag(
  entry: string,
  out: ReadonlyMap<string, readonly Hop[]>,
  last?: { readonly target: string; readonly into: ReadonlyMap<string, readonly Hop[]> },
): Map<string, Hop[]> {
  const dist = new Map<string, number>([[entry, 0]]);
  const preds = new Map<string, Hop[]>();
  let frontier = [entry];
  const reach = (hop: Hop, d: number, next: string[]) => {
    const seen = dist.get(hop.to);
    if (seen === undefined) {
      dist.set(hop.to, d + 1);
      preds.set(hop.to, [hop]);
      next.push(hop.to);
    } else if (seen === d + 1) preds.get(hop.to)?.push(hop);
  };
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      if (last && id === last.target) continue;
      const d = dist.get(id) as number;
      // Adjacency order (target, then flow id) holds across both lists: the goal hops all go to
      // one target, so merging them by that order keeps predecessor lists in id order.
      const hops = last?.into.get(id);
      const all = hops ? [...(out.get(id) ?? []), ...hops].sort(compareHops) : (out.get(id) ?? []);
      for (const hop of all) reach(hop, d, next);
    }
    frontier = next;
  }
  return preds;
}

/** Adjacency order: by the component reached, then by flow id. */
function compareHops(a: Hop, b: Hop): number {
  return compareStrings(a.to, b.to) || compareStrings(a.edge.flow.id, b.edge.flow.id);
}

/** Which entries reach each node of a graph, from {@link entriesReaching}. */
interface EntriesReaching {
  /**
   * Visits the entries (node numbers, ascending) with a passable way to one of `seeds` (seeds
   * included) until `visit` returns false. Ascending node numbers are ascending ids, so a caller
   * ranking by entry id can stop at the first entry past its bound instead of listing them all.
   */
  forEachEntryOf(seeds: readonly number[], visit: (entry: number) => boolean): void;
}

/**
 * For a graph given by its predecessor lists (node numbers) and the nodes that start paths: the
 * entries reaching each node. Strongly connected components (Tarjan's algorithm, iterative, so a
 * long chain cannot overflow the stack) number the components so that every edge between two of
 * them goes to a lower number; taking components from the highest number down, each passes its
 * set of entries (a bitset) on along its outgoing edges. Linear in nodes + edges × entries / 32.
 */
function entriesReaching(prev: readonly number[][], starts: Uint8Array): EntriesReaching {
  const n = prev.length;
  const next: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) for (const u of prev[v] as number[]) next[u]?.push(v);
  const entries: number[] = [];
  const bitOf = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++)
    if (starts[v] === 1) {
      bitOf[v] = entries.length;
      entries.push(v);
    }
  const words = Math.max(1, Math.ceil(entries.length / 32));
  // Tarjan: components are numbered as they close, after every component they reach.
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n);
  const stack: number[] = [];
  const calls: number[] = [];
  const edge: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const enter = (v: number) => {
      order[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = 1;
      calls.push(v);
      edge.push(0);
    };
    enter(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1] as number;
      const i = edge[edge.length - 1] as number;
      const out = next[v] as number[];
      if (i < out.length) {
        edge[edge.length - 1] = i + 1;
        const w = out[i] as number;
        if (order[w] === -1) enter(w);
        else if (onStack[w] === 1) low[v] = Math.min(low[v] as number, order[w] as number);
        continue;
      }
      calls.pop();
      edge.pop();
      const parent = calls[calls.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] as number, low[v] as number);
      if (low[v] === order[v]) {
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  const bits = new Uint32Array(components * words);
  for (let v = 0; v < n; v++) {
    const bit = bitOf[v] as number;
    if (bit >= 0) bits[(component[v] as number) * words + (bit >>> 5)]! |= 1 << (bit & 31);
  }
  // Members of each component, then components from the highest number (no edge comes in from
  // a lower one) down: each one's set is complete when it passes it on.
  const union = new Uint32Array(words);
  const members: number[][] = Array.from({ length: components }, () => []);
  for (let v = 0; v < n; v++) members[component[v] as number]?.push(v);
  for (let c = components - 1; c >= 0; c--)
    for (const v of members[c] as number[])
      for (const w of next[v] as number[]) {
        const d = component[w] as number;
        if (d === c) continue;
        for (let k = 0; k < words; k++) bits[d * words + k]! |= bits[c * words + k] as number;
      }
  return {
    forEachEntryOf(seeds, visit) {
      union.fill(0);
      for (const s of seeds)
        for (let k = 0; k < words; k++)
          union[k]! |= bits[(component[s] as number) * words + k] as number;
      for (let k = 0; k < words; k++) {
        let word = union[k] as number;
        while (word !== 0) {
          const low = word & -word;
          if (!visit(entries[k * 32 + (31 - Math.clz32(low))] as number)) return;
          word ^= low;
        }
      }
    },
  };
}

/**
 * Attack paths of a model in the assessment's current state: entry/target/goal triples ranked
 * by the highest open risk at the target (then kind, entry, target, goal), the first ones
 * expanded into up to {@link PATHS_PER_PAIR} shortest paths each until {@link MAX_PATHS}.
 *
 * Two passes keep this linear in entries × flows with small constants: the targets' searches
 * first only mark which entries reach them (node numbers in typed arrays, no predecessor lists),
 * which ranks the triples; only the entries of the triples kept are searched again with their
 * shortest-path DAGs to spell the paths out.
 */
export function attackPaths(assessment: Assessment, jewels: readonly CrownJewel[]): AttackPath[] {
  const graph = assessment.context.graph;
  const open = openByElement(assessment);
  const hops = hopsOf(graph);
  const jewelById = new Map(jewels.map((j) => [j.element, j]));
  const targetRisk = new Map(
    jewels.map((j) => [
      j.element,
      Math.max(0, ...(open.get(j.element) ?? []).map((s) => s.risk.score)),
    ]),
  );
  const riskAt = (id: string) => targetRisk.get(id) ?? 0;
  const ids = [...graph.nodes.keys()].sort();
  const number = new Map(ids.map((id, i) => [id, i]));
  // The best MAX_PATHS triples so far, sorted once full; `worst` is the last one kept.
  let candidates: Candidate[] = [];
  let worst: Candidate | undefined;
  const keep = () => {
    candidates.sort(compareCandidates);
    candidates = candidates.slice(0, MAX_PATHS);
    worst = candidates.length >= MAX_PATHS ? candidates[candidates.length - 1] : undefined;
  };
  const consider = (c: Candidate) => {
    if (worst && compareCandidates(c, worst) >= 0) return;
    candidates.push(c);
    if (candidates.length > 4 * MAX_PATHS) keep();
  };
  const passing = new Map<PathKind, Map<string, Hop[]>>();
  const kinds = ['content', 'access'] as const;
  // Per kind: which nodes start paths, and the passable hops backwards (node numbers).
  const startsPaths = new Map<PathKind, Uint8Array>();
  const back = new Map<PathKind, number[][]>();
  // Access hops into each node, passable or not: the last hop into a target also passes on a
  // threat against the target's goal.
  const accessInto = new Map<string, Hop[]>();
  for (const list of hops.access.values())
    for (const hop of list) {
      let into = accessInto.get(hop.to);
      if (!into) accessInto.set(hop.to, (into = []));
      into.push(hop);
    }
  for (const kind of kinds) {
    const starts = new Uint8Array(ids.length);
    ids.forEach((id, i) => {
      if (kind === 'content' ? isContentSource(graph, id) : isEntryPoint(graph, id)) starts[i] = 1;
    });
    startsPaths.set(kind, starts);
    // Whether a hop (other than an access path's last) is passable does not depend on the entry
    // or the target: filter the adjacency once.
    const out = new Map<string, Hop[]>();
    const prev: number[][] = ids.map(() => []);
    for (const [from, list] of hops[kind]) {
      const through = list.filter((hop) => passable(kind, hop, assessment, open));
      if (through.length === 0) continue;
      out.set(from, through);
      const f = number.get(from) as number;
      for (const hop of through) prev[number.get(hop.to) as number]?.push(f);
    }
    passing.set(kind, out);
    back.set(kind, prev);
  }
  /** Hops into `target` passable only as an access path's last hop towards `goal`, by source. */
  const goalHops = (target: string, goal: CrownJewelGoal): Map<string, Hop[]> => {
    const map = new Map<string, Hop[]>();
    for (const hop of accessInto.get(target) ?? [])
      if (
        !passable('access', hop, assessment, open) &&
        passable('access', hop, assessment, open, goal)
      ) {
        let list = map.get(hop.from);
        if (!list) map.set(hop.from, (list = []));
        list.push(hop);
      }
    return map;
  };
  // Triples rank by the target's risk first, so targets are taken riskiest first, and the
  // ranking stops after the first risk level that fills the list. Which entries reach a target is
  // read from one pass per kind over the passable graph (entries reaching each node, as bitsets
  // over its strongly connected components): a search per entry grew with entries × flows, and a
  // backward search per target with targets × flows, both quadratic in the model's size.
  const reachers = new Map<PathKind, EntriesReaching>();
  const reachersOf = (kind: PathKind): EntriesReaching => {
    let r = reachers.get(kind);
    if (!r)
      reachers.set(
        kind,
        (r = entriesReaching(back.get(kind) as number[][], startsPaths.get(kind) as Uint8Array)),
      );
    return r;
  };
  const targets = [...jewelById.values()]
    .filter((j) => number.has(j.element))
    .sort((a, b) => riskAt(b.element) - riskAt(a.element) || compareStrings(a.element, b.element));
  for (let first = 0; first < targets.length;) {
    const risk = riskAt((targets[first] as CrownJewel).element);
    let last = first;
    while (last < targets.length && riskAt((targets[last] as CrownJewel).element) === risk) last++;
    for (const kind of kinds) {
      const goals = GOALS_OF_KIND[kind];
      for (let t = first; t < last; t++) {
        const jewel = targets[t] as CrownJewel;
        const target = jewel.element;
        const at = number.get(target) as number;
        const wanted = jewel.goals.filter((g) => goals.has(g));
        if (wanted.length === 0) continue;
        // Content reaches the target the same way for every goal; access's last hop also passes
        // on a threat against the goal, so each goal with such hops is searched on its own.
        const searches: { goals: CrownJewelGoal[]; seeds: number[] }[] = [];
        const plain: CrownJewelGoal[] = [];
        for (const goal of wanted) {
          const extra = kind === 'access' ? goalHops(target, goal) : new Map<string, Hop[]>();
          if (extra.size === 0) plain.push(goal);
          else
            searches.push({
              goals: [goal],
              seeds: [at, ...[...extra.keys()].map((id) => number.get(id) as number)],
            });
        }
        if (plain.length > 0) searches.unshift({ goals: plain, seeds: [at] });
        const reach = reachersOf(kind);
        for (const search of searches)
          reach.forEachEntryOf(search.seeds, (v) => {
            if (v === at) return true;
            const entry = ids[v] as string;
            // Risk, kind and target are fixed here and entries come in id order, so once an
            // entry ranks after the worst triple kept, every later one does too (and `worst`
            // only moves up): the rest are not listed. Without this, a large model considered
            // every entry of every target of the first risk levels (646,338 triples for 100
            // paths at 5,000 components; 18,480 at 1,000).
            const order =
              worst === undefined
                ? -1
                : worst.risk - risk ||
                  compareStrings(kind, worst.kind) ||
                  compareStrings(entry, worst.entry);
            if (order > 0) return false;
            for (const goal of search.goals) consider({ kind, entry, target, goal, risk });
            return order < 0;
          });
      }
    }
    if (candidates.length >= MAX_PATHS) break;
    first = last;
  }
  keep();
  const paths: AttackPath[] = [];
  const seen = new Set<string>();
  const stepCache = new Map<string, PathStep>();
  const dags = new Map<string, Map<string, Hop[]>>();
  for (const c of candidates) {
    const into = c.kind === 'access' ? goalHops(c.target, c.goal) : undefined;
    const last = into && into.size > 0 ? { target: c.target, into } : undefined;
    const dagKey = last
      ? `${c.kind}\u0000${c.entry}\u0000${c.target}\u0000${c.goal}`
      : `${c.kind}\u0000${c.entry}`;
    let preds = dags.get(dagKey);
    if (!preds)
      dags.set(dagKey, (preds = shortestPathDag(c.entry, passing.get(c.kind) ?? new Map(), last)));
    for (const hopsOnPath of shortestPaths(c.target, c.entry, preds, PATHS_PER_PAIR)) {
      // The id first: a path already listed is not spelled out again.
      const id = pathId(c.kind, c.entry, elementsOf(c.entry, hopsOnPath), c.goal);
      if (seen.has(id)) continue;
      seen.add(id);
      paths.push(makePath(c, hopsOnPath, graph, open, stepCache));
    }
    if (paths.length >= MAX_PATHS) break;
  }
  return withDecisions(paths.slice(0, MAX_PATHS), assessment);
}

/**
 * The fingerprint of each element by id (components and flows), computed once per element asked
 * for: only paths with a register entry need one, and a path on a long chain has thousands.
 */
export function elementFingerprinter(facts: ModelFacts): (id: string) => string {
  const flows = new Map(facts.flows.map((f) => [f.id, f]));
  const memo = new Map<string, string>();
  return (id) => {
    let value = memo.get(id);
    if (value === undefined) {
      const component = facts.components.get(id);
      const flow = component ? undefined : flows.get(id);
      value = component
        ? componentFingerprints(component).fingerprint
        : flow
          ? flowFingerprints(flow).fingerprint
          : '';
      memo.set(id, value);
    }
    return value;
  };
}

/** The fingerprint of a path as the model stands (`machine.fingerprint` of its register entry). */
export function fingerprintOfPath(path: AttackPath, fingerprintOf: (id: string) => string): string {
  return pathFingerprint({
    kind: path.kind,
    goal: path.goal,
    elementFingerprints: path.steps.map((s) => fingerprintOf(s.element)),
  });
}

/** The paths with the register's decisions attached (unchanged when the register has no `paths:`). */
function withDecisions(paths: AttackPath[], assessment: Assessment): AttackPath[] {
  const entries = assessment.input.register?.pathsById;
  if (!entries || entries.size === 0) return paths;
  const fingerprintOf = elementFingerprinter(assessment.input.facts);
  return paths.map((path) => {
    const entry = entries.get(path.id);
    const decision = entry && pathDecisionOf(entry, fingerprintOfPath(path, fingerprintOf));
    return decision ? { ...path, decision } : path;
  });
}

/** What a register entry recorded of a path: enough to find it again without enumerating. */
export interface RecordedPath {
  readonly kind?: string;
  readonly goal?: string;
  readonly elements?: readonly string[];
}

/**
 * The attack path along recorded elements (entry, flow, component, …, crown jewel), when it is
 * still one in the assessment's current state: the entry still starts paths of its kind, each
 * flow still joins its neighbours in the path's direction and is passable, the last component is
 * still a crown jewel with the goal. Undefined otherwise. The caller compares the id.
 */
export function pathAlong(
  assessment: Assessment,
  jewels: readonly CrownJewel[],
  recorded: RecordedPath | PathEntry,
): AttackPath | undefined {
  const { kind, goal, elements } = recorded;
  if (kind !== 'content' && kind !== 'access') return undefined;
  if (!elements || elements.length < 3 || elements.length % 2 === 0) return undefined;
  const graph = assessment.context.graph;
  const entry = elements[0] as string;
  const target = elements[elements.length - 1] as string;
  const isEntry = kind === 'content' ? isContentSource(graph, entry) : isEntryPoint(graph, entry);
  const jewel = jewels.find((j) => j.element === target);
  const jewelGoal = jewel?.goals.find((g) => g === goal);
  if (!isEntry || !jewelGoal || !GOALS_OF_KIND[kind].has(jewelGoal) || entry === target)
    return undefined;
  const open = openByElement(assessment);
  const hops: Hop[] = [];
  for (let i = 1; i < elements.length; i += 2) {
    const edge = assessment.context.edgeById.get(elements[i] as string);
    const from = elements[i - 1] as string;
    const to = elements[i + 1] as string;
    if (!edge || !graph.nodes.has(from) || !graph.nodes.has(to)) return undefined;
    const forward = edge.source.component.id === from && edge.target.component.id === to;
    const backward =
      kind === 'content' &&
      edge.flow.bidirectional &&
      edge.source.component.id === to &&
      edge.target.component.id === from;
    const hop = { edge, from, to };
    const lastHop = i + 2 >= elements.length;
    if (
      !(forward || backward) ||
      !passable(kind, hop, assessment, open, lastHop ? jewelGoal : undefined)
    )
      return undefined;
    hops.push(hop);
  }
  const risk = Math.max(0, ...(open.get(target) ?? []).map((s) => s.risk.score));
  const candidate: Candidate = { kind, entry, target, goal: jewelGoal, risk };
  return withDecisions([makePath(candidate, hops, graph, open)], assessment)[0];
}

/**
 * A path's id: `path-` + FNV-1a of [entry, elements, goal], with the kind appended for content
 * paths (access paths keep the ids they had before the kind counted; content paths over the same
 * elements as an access path had collided with it).
 */
export function pathId(
  kind: PathKind,
  entry: string,
  elements: readonly string[],
  goal: string,
): string {
  const parts: unknown[] = [entry, elements, goal];
  if (kind === 'content') parts.push(kind);
  return `path-${fnv1a64(JSON.stringify(parts))}`;
}

/** Up to `k` shortest paths entry → target over the predecessor DAG, in id order. */
function shortestPaths(
  target: string,
  entry: string,
  preds: ReadonlyMap<string, readonly Hop[]>,
  k: number,
): Hop[][] {
  const found: Hop[][] = [];
  const trail: Hop[] = [];
  const walk = (id: string) => {
    if (found.length >= k) return;
    if (id === entry) {
      found.push([...trail].reverse());
      return;
    }
    for (const hop of preds.get(id) ?? []) {
      trail.push(hop);
      walk(hop.from);
      trail.pop();
      if (found.length >= k) return;
    }
  };
  // The DAG is layered by distance, so every branch ends at the entry: k paths cost k × length.
  walk(target);
  return found;
}

function step(
  element: string,
  elementType: 'component' | 'flow',
  range: SourceRange,
  open: ReadonlyMap<string, ThreatState[]>,
): PathStep {
  const states = open.get(element) ?? [];
  return {
    element,
    elementType,
    threats: states.map((s) => s.threat.id),
    atlas: [...new Set(states.flatMap((s) => s.threat.atlas))].sort(),
    missingControls: [...new Set(states.flatMap((s) => s.missing))].sort(),
    range,
  };
}

/** The elements of a path in order: entry, then each hop's flow and the component it reaches. */
function elementsOf(entry: string, hops: readonly Hop[]): string[] {
  const elements = [entry];
  for (const hop of hops) elements.push(hop.edge.flow.id, hop.to);
  return elements;
}

/**
 * A path spelled out. `steps` caches each element's step for one assessment state: the same
 * elements recur in many paths, and a step depends only on the element and its open threats.
 */
function makePath(
  c: Candidate,
  hops: readonly Hop[],
  graph: PipelineGraph,
  open: ReadonlyMap<string, ThreatState[]>,
  cache: Map<string, PathStep> = new Map(),
): AttackPath {
  const cached = (element: string, make: () => PathStep) => {
    let s = cache.get(element);
    if (!s) cache.set(element, (s = make()));
    return s;
  };
  const range = (id: string) => graph.nodes.get(id)?.component.idRange ?? { start: 0, end: 0 };
  const steps: PathStep[] = [
    cached(c.entry, () => step(c.entry, 'component', range(c.entry), open)),
  ];
  for (const hop of hops) {
    steps.push(
      cached(hop.edge.flow.id, () => step(hop.edge.flow.id, 'flow', hop.edge.flow.idRange, open)),
    );
    steps.push(cached(hop.to, () => step(hop.to, 'component', range(hop.to), open)));
  }
  const elements = steps.map((s) => s.element);
  return {
    id: pathId(c.kind, c.entry, elements, c.goal),
    kind: c.kind,
    entry: c.entry,
    target: c.target,
    goal: c.goal,
    risk: c.risk,
    steps,
  };
}

/** One hop of a path, as it passes: flow step index, edge, ends, and the goal on the last hop. */
export interface PathHop {
  readonly flowStep: number;
  readonly edge: GraphEdge;
  readonly from: string;
  readonly to: string;
  /** The path's goal on its last hop (into the target), else undefined. */
  readonly goal?: CrownJewelGoal;
}

/** The hops of a path in order; undefined when one of its elements is gone from the model. */
export function hopsOfPath(path: AttackPath, assessment: Assessment): PathHop[] | undefined {
  const hops: PathHop[] = [];
  for (let i = 1; i + 1 < path.steps.length; i += 2) {
    const edge = assessment.context.edgeById.get((path.steps[i] as PathStep).element);
    const from = (path.steps[i - 1] as PathStep).element;
    const to = (path.steps[i + 1] as PathStep).element;
    if (!edge || !assessment.context.graph.nodes.has(to)) return undefined;
    const last = i + 2 >= path.steps.length;
    hops.push({ flowStep: i, edge, from, to, ...(last && { goal: path.goal }) });
  }
  return hops;
}

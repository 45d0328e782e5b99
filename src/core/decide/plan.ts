/**
 * The fix plan: which control additions (a control on an element) remove the most open risk,
 * chosen greedily — a weighted set cover over threats and crown-jewel exposures, each step
 * recomputed after the previous ones. A step weighs its threat gain plus the risk of each
 * exposure (kind, target, goal) whose every unbroken attack path it cuts, so a choke point ranks
 * high whatever number of paths the enumeration happened to list. A candidate's gain is the
 * open risk of the threats it would close (or make less likely), found by re-resolving exactly
 * those threats with the engine's placement rules and the control added — lazily: every
 * candidate carries a bound (the open risk of the threats it could touch) and is re-resolved
 * only while that bound could still beat the heaviest weight found, which keeps the search exact
 * while most candidates are never re-resolved. Gains are kept per candidate and only the
 * candidates sharing a threat with the chosen step are recomputed. A
 * step's `riskReduced` is the open risk before minus after applying it to the assessment, which
 * equals re-analysing the model with the control written in (a property test holds them equal
 * through the real add-control edit).
 *
 * Threats with a register decision (accepted, not applicable, mitigated, transferred) are not
 * open and never drive the plan. Ties break on element id, then control, so the plan does not
 * depend on the file's order.
 */
import { controlInfo } from '../kb/controls';
import type { Threat } from '../rules/evaluate';
import type { ModelFacts } from '../rules/facts';
import type { Rule } from '../rules/types';
import type { Assessment, ThreatState } from './assess';
import {
  CLEANING_CONTROLS,
  controlCleans,
  hopBlockers,
  hopsOfPath,
  uncleanedKinds,
  type AttackPath,
  type PathHop,
} from './paths';

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
 * Candidates' tie-break order (element id, then control, as strings compare) as one number per
 * candidate: the rank of the element among the model's element ids times the number of
 * controls, plus the rank of the control among those the rules name. The plan's heap compares
 * candidates on every move, and a 5,000-component model has 150,000 of them: comparing two
 * numbers instead of two key strings scattered across the heap, and building no key string per
 * candidate. `-1` for a pair outside those ranks (placements are the model's elements and
 * missing controls the rules' mitigations, so none is expected); {@link precedes} then
 * compares the strings, which the numbers agree with, so the order stays total.
 */
function candidateOrders(
  facts: ModelFacts,
  rules: readonly Rule[],
): (element: string, control: string) => number {
  const elements = [...facts.components.keys(), ...facts.flows.map((f) => f.id)].sort();
  const elementRank = new Map(elements.map((id, i) => [id, i]));
  const controls = [
    ...new Set(
      rules.flatMap((r) => [...(r.mitigations.all_of ?? []), ...(r.mitigations.any_of ?? [])]),
    ),
  ].sort();
  const controlRank = new Map(controls.map((c, i) => [c, i]));
  return (element, control) => {
    const e = elementRank.get(element);
    const c = controlRank.get(control);
    return e === undefined || c === undefined ? -1 : e * controls.length + c;
  };
}

/** Whether candidate `a` comes before `b` in the tie-break order (element id, then control). */
function precedes(a: Candidate, b: Candidate): boolean {
  if (a.order >= 0 && b.order >= 0) return a.order < b.order;
  return key(a.element, a.control) < key(b.element, b.control);
}

/** A control addition the plan can propose, with its gain and the threats it touches. */
interface Candidate {
  readonly element: string;
  readonly control: string;
  /** Tie-break order: element id, then control (see {@link candidateOrders}). */
  readonly order: number;
  /**
   * The open risk of the threats indexed under it: no addition removes more, so a candidate
   * whose bound cannot beat the best weight found needs no re-resolving at all.
   */
  bound: number;
  /** Open risk it would remove now: the sum of its evaluated contributions. */
  gain: number;
  /** Contributions not evaluated yet; `gain` is exact when none is left. */
  pending: number;
  /**
   * Its rows of the contribution table, what each indexed threat adds, as a chain through the
   * table's `next` column (`-1`: none); a removed row is skipped, and unlinked when next read.
   * A chain rather than an array per candidate: 150,000 candidates, two thirds with one row.
   */
  first: number;
  last: number;
  /** Which of its entries in the bound heap is current (older ones are stale). */
  heapEntry: number;
}

/** Row flags of the {@link ContributionTable}. */
const EVALUATED = 1;
/** The addition would close the threat (not only make it less likely). */
const CLOSES = 2;
/** The threat was re-indexed since: this row no longer counts. */
const REMOVED = 4;

/**
 * What each open threat adds to each candidate it is indexed under, found by re-resolving it
 * only when asked: one row per (threat, candidate) pair, kept as columns. A 5,000-component
 * model has about 260,000 such pairs; as one object each they were the plan's largest
 * allocation, made while the whole analysis is alive, where every collection they brought on
 * had the most to mark. A threat's rows are added together, so they are one run of rows; a
 * candidate's are chained through `next`.
 */
class ContributionTable {
  readonly candidate: Candidate[] = [];
  readonly state: ThreatState[] = [];
  /** Risk removed: the threat's score now minus its score with the addition (once evaluated). */
  gain = new Int32Array(1024);
  flags = new Uint8Array(1024);
  /** The candidate's next row (`-1`: its last). */
  next = new Int32Array(1024);
  /** At the first row of a threat's run, how many rows the run has. */
  run = new Int32Array(1024);
  rows = 0;

  add(candidate: Candidate, state: ThreatState): number {
    const row = this.rows++;
    if (row === this.gain.length) {
      const grown = <T extends Int32Array | Uint8Array>(column: T, make: (n: number) => T) => {
        const bigger = make(2 * row);
        bigger.set(column);
        return bigger;
      };
      this.gain = grown(this.gain, (n) => new Int32Array(n));
      this.flags = grown(this.flags, (n) => new Uint8Array(n));
      this.next = grown(this.next, (n) => new Int32Array(n));
      this.run = grown(this.run, (n) => new Int32Array(n));
    }
    this.candidate.push(candidate);
    this.state.push(state);
    this.next[row] = -1;
    if (candidate.last === -1) candidate.first = row;
    else this.next[candidate.last] = row;
    candidate.last = row;
    return row;
  }
}

/**
 * Candidates by bound, highest first (then by order): a binary max-heap where a candidate's
 * bound change pushes a new entry and leaves the old one to be skipped as stale, which is
 * cheaper than finding and moving it.
 */
class BoundHeap {
  // The entries as columns (candidate, its bound when pushed, which push it was): a candidate
  // is pushed again whenever its bound changes, so entries outnumber candidates.
  private readonly candidates: Candidate[] = [];
  private readonly bounds: number[] = [];
  private readonly entries: number[] = [];
  private next = 0;

  push(candidate: Candidate): void {
    candidate.heapEntry = ++this.next;
    this.candidates.push(candidate);
    this.bounds.push(candidate.bound);
    this.entries.push(candidate.heapEntry);
    let i = this.candidates.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The current highest candidate, skipping stale entries; undefined when empty. */
  peek(): Candidate | undefined {
    for (;;) {
      const top = this.candidates[0];
      if (top === undefined) return undefined;
      if (this.entries[0] === top.heapEntry) return top;
      this.removeTop();
    }
  }

  /** Removes the entry {@link peek} returned. */
  pop(): void {
    if (this.candidates.length > 0) this.removeTop();
  }

  private removeTop(): void {
    const { candidates, bounds, entries } = this;
    const last = candidates.pop() as Candidate;
    const lastBound = bounds.pop() as number;
    const lastEntry = entries.pop() as number;
    const length = candidates.length;
    if (length === 0) return;
    candidates[0] = last;
    bounds[0] = lastBound;
    entries[0] = lastEntry;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < length && this.above(left, top)) top = left;
      if (right < length && this.above(right, top)) top = right;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }

  private above(i: number, j: number): boolean {
    const a = this.bounds[i] as number;
    const b = this.bounds[j] as number;
    return (
      a > b ||
      (a === b && precedes(this.candidates[i] as Candidate, this.candidates[j] as Candidate))
    );
  }

  private swap(i: number, j: number): void {
    const { candidates, bounds, entries } = this;
    const c = candidates[i] as Candidate;
    candidates[i] = candidates[j] as Candidate;
    candidates[j] = c;
    const b = bounds[i] as number;
    bounds[i] = bounds[j] as number;
    bounds[j] = b;
    const e = entries[i] as number;
    entries[i] = entries[j] as number;
    entries[j] = e;
  }
}

/**
 * Where a missing control can go so it counts for a threat, per the control's placement: the
 * element itself, and the flows or neighbours whose controls the engine reads for it. The
 * engine then decides whether one such addition is enough (an ingress control upstream counts
 * only when every inbound flow is covered). Each once, in no particular order (the plan's ties
 * break on element and control, not on this order); written into `into` when given (cleared
 * first), so a caller that reads them at once allocates no array per threat.
 */
export function placementsFor(
  threat: Threat,
  control: string,
  facts: ModelFacts,
  flowsById: ReadonlyMap<string, ModelFacts['flows'][number]>,
  into: string[] = [],
): string[] {
  // No closures here: the plan calls this for every open threat and missing control.
  const placement = controlInfo(control).placement;
  const out = into;
  out.length = 0;
  let seen: Set<string> | undefined;
  if (threat.elementType === 'component') {
    const component = facts.components.get(threat.element);
    if (!component || !isInternal(facts, component.id)) return out;
    seen = pushOnce(out, seen, component.id);
    const inbound = placement === 'ingress' || placement === 'transport' || placement === 'either';
    const outbound = placement === 'egress' || placement === 'either';
    if (inbound)
      for (const e of component.node.inbound) {
        seen = pushOnce(out, seen, e.flow.id);
        if (placement !== 'transport' && isInternal(facts, e.source.component.id))
          seen = pushOnce(out, seen, e.source.component.id);
      }
    if (outbound) for (const e of component.node.outbound) seen = pushOnce(out, seen, e.flow.id);
    if (placement === 'observed')
      for (const e of component.node.outbound)
        if (e.target.component.kind === 'monitoring')
          seen = pushOnce(out, seen, e.target.component.id);
  } else {
    const flow = flowsById.get(threat.element);
    if (!flow) return out;
    seen = pushOnce(out, seen, flow.id);
    // Transport counts on both ends together: one end is enough when the other already has it.
    if (isInternal(facts, flow.to.id)) seen = pushOnce(out, seen, flow.to.id);
    if (isInternal(facts, flow.from.id)) seen = pushOnce(out, seen, flow.from.id);
  }
  return out;
}

const isInternal = (facts: ModelFacts, id: string) =>
  facts.components.get(id)?.node.elementClass !== 'external_entity';

/**
 * Appends `id` unless it is there: a scan of a short list is cheaper than a Set, and a hub with
 * many flows gets one (the Set is returned to be passed back), so no list is scanned n² times.
 */
function pushOnce(out: string[], seen: Set<string> | undefined, id: string) {
  if (seen) {
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
    return seen;
  }
  if (!out.includes(id)) {
    out.push(id);
    if (out.length > 16) return new Set(out);
  }
  return undefined;
}

/** Builds the plan: up to `maxSteps` steps, stopping when no addition removes open risk. */
export function fixPlan(
  assessment: Assessment,
  paths: readonly AttackPath[],
  options: {
    maxSteps: number;
    /**
     * Weigh every candidate exactly at every step instead of stopping at the bound: the lazy
     * search's reference, which a property test holds equal to it. Slow on large models.
     */
    exhaustive?: boolean;
  },
): FixPlan {
  const facts = assessment.input.facts;
  const totalRisk = assessment.openRisk();
  const flowIds = new Set(facts.flows.map((f) => f.id));
  const flowsById = new Map(facts.flows.map((f) => [f.id, f]));

  // Candidate index: which threats each (element, control) can touch, and the reverse. One
  // record per candidate, found by its order number in one map (no key string per lookup and no
  // map per element: the index is built over every open threat's every placement, 20,000
  // elements on a 5,000-component model). Indexing is cheap (placements
  // and a risk bound); re-resolving a threat with an addition is not, so it happens only for the
  // candidates a step could choose (lazy greedy: a bound that cannot win needs no exact gain).
  const byOrder = new Map<number | string, Candidate>();
  const candidates: Candidate[] = [];
  const orderOf = candidateOrders(facts, assessment.input.rules);
  /** A candidate's key in `byOrder`: its order, or for a pair outside the ranks its key string. */
  const keyOf = (element: string, control: string, order = orderOf(element, control)) =>
    order >= 0 ? order : key(element, control);
  const candidateFor = (element: string, control: string): Candidate => {
    const order = orderOf(element, control);
    const at = keyOf(element, control, order);
    let c = byOrder.get(at);
    if (!c) {
      c = {
        element,
        control,
        order,
        bound: 0,
        gain: 0,
        pending: 0,
        first: -1,
        last: -1,
        heapEntry: 0,
      };
      byOrder.set(at, c);
      candidates.push(c);
    }
    return c;
  };
  const table = new ContributionTable();
  /**
   * Per threat id, the first row of its run: its contributions to the candidates it is indexed
   * under (absent when it has none).
   */
  const contributions = new Map<string, number>();
  /** The end (exclusive) of the run of rows starting at `first`. */
  const runEnd = (first: number) => first + (table.run[first] as number);
  /** Candidates by bound, highest first (a candidate whose bound changes is pushed again). */
  const byBound = new BoundHeap();

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

  /** Re-resolves one threat with one addition: what it adds to that candidate's gain. */
  const evaluate = (row: number) => {
    const flags = table.flags;
    if ((flags[row] as number) & EVALUATED) return;
    const candidate = table.candidate[row] as Candidate;
    const state = table.state[row] as ThreatState;
    const outcome = changesNothing(state.threat, candidate.control, candidate.element)
      ? undefined
      : assessment.outcomeWith(
          state.threat,
          assessment.withAddition(candidate.element, candidate.control),
        );
    const gain = outcome ? state.risk.score - outcome.score : 0;
    table.gain[row] = gain;
    flags[row] =
      (flags[row] as number) | EVALUATED | (outcome !== undefined && !outcome.open ? CLOSES : 0);
    candidate.gain += gain;
    candidate.pending -= 1;
  };
  const removed = (row: number) => ((table.flags[row] as number) & REMOVED) !== 0;
  /** Visits a candidate's rows that still count, in the order added, unlinking removed ones. */
  const forEachLive = (candidate: Candidate, visit: (row: number) => void) => {
    let previous = -1;
    for (let row = candidate.first; row !== -1;) {
      const following = table.next[row] as number;
      if (removed(row)) {
        if (previous === -1) candidate.first = following;
        else table.next[previous] = following;
        if (candidate.last === row) candidate.last = previous;
      } else {
        visit(row);
        previous = row;
      }
      row = following;
    }
  };
  /** Makes a candidate's gain exact. */
  const exact = (candidate: Candidate): Candidate => {
    if (candidate.pending > 0) forEachLive(candidate, evaluate);
    return candidate;
  };
  /** One buffer for every threat's placements while indexing (read at once, never kept). */
  const placed: string[] = [];
  /** The first indexing of every threat: candidates go into the heap once it is done. */
  let indexing = true;
  const index = (threatId: string, state = assessment.states.get(threatId)) => {
    // The first indexing has nothing to remove and fills the heap once at the end.
    const touched = indexing ? undefined : new Set<Candidate>();
    if (touched) {
      const flags = table.flags;
      const first = contributions.get(threatId);
      const end = first === undefined ? -1 : runEnd(first);
      for (let row = first ?? 0; row < end; row++) {
        const candidate = table.candidate[row] as Candidate;
        const was = flags[row] as number;
        flags[row] = was | REMOVED;
        candidate.bound -= (table.state[row] as ThreatState).risk.score;
        if (was & EVALUATED) candidate.gain -= table.gain[row] as number;
        else candidate.pending -= 1;
        touched.add(candidate);
      }
      contributions.delete(threatId);
    }
    if (state?.open) {
      const first = table.rows;
      const score = state.risk.score;
      for (const control of state.missing)
        for (const element of placementsFor(state.threat, control, facts, flowsById, placed)) {
          const candidate = candidateFor(element, control);
          table.add(candidate, state);
          candidate.bound += score;
          candidate.pending += 1;
          touched?.add(candidate);
        }
      if (table.rows > first) {
        table.run[first] = table.rows - first;
        contributions.set(threatId, first);
      }
    }
    if (touched) for (const candidate of touched) byBound.push(candidate);
  };

  // Bounds and gains are integer sums and ties break on element then control: index order
  // cannot matter.
  // With its state at hand: on a 5,000-component model a lookup per threat in the map of its
  // 61,610 threats was the indexing's costliest line.
  for (const [id, state] of assessment.states) index(id, state);
  indexing = false;
  for (const c of candidates) byBound.push(c);

  const steps: PlanStep[] = [];
  // Threat ids per element on some path, so a step asks only those whether paths still hold
  // (not every threat of the model); threats a step brings in join their element's list.
  const onPaths = new Map<string, Set<string>>();
  for (const p of paths)
    for (const s of p.steps) if (!onPaths.has(s.element)) onPaths.set(s.element, new Set());
  /** The element of each threat listed in `onPaths`, to find it again once it is gone. */
  const onPathElement = new Map<string, string>();
  const joinPaths = (id: string, element: string) => {
    const ids = onPaths.get(element);
    if (!ids) return;
    ids.add(id);
    onPathElement.set(id, element);
  };
  for (const [id, s] of assessment.states) joinPaths(id, s.threat.element);
  /** The open threats per element on a path; a step refreshes the elements it changed. */
  const open = new Map<string, ThreatState[]>();
  const refreshOpen = (element: string) => {
    const threatIds = onPaths.get(element);
    if (!threatIds) return;
    const states: ThreatState[] = [];
    for (const id of threatIds) {
      const s = assessment.states.get(id);
      if (s?.open) states.push(s);
    }
    if (states.length > 0) open.set(element, states);
    else open.delete(element);
  };
  for (const element of onPaths.keys()) refreshOpen(element);
  // The distinct hops of the paths (many paths share most of theirs), each with its paths.
  // What still lets each pass (uncleaned kinds, open threats passed on) is kept until a step
  // changes its flow or receiver.
  interface SharedHop {
    readonly kind: AttackPath['kind'];
    readonly hop: PathHop;
    readonly paths: AttackPath[];
    /** Its paths still unbroken. */
    live: AttackPath[];
    /** Content: kinds uncleaned and the controls that would clean them; access: blockers. */
    passes?: {
      readonly kinds?: string[];
      readonly cleaners?: readonly string[];
      readonly blockers?: string[];
      /** Access: the candidates that would close every blocker. */
      readonly closers?: ReadonlySet<Candidate>;
    };
  }
  // Found per graph edge (its object), among the few hops over it: no key strings per hop.
  const hopsOver = new Map<PathHop['edge'], SharedHop[]>();
  const allHops: SharedHop[] = [];
  const hopsOn = new Map<string, SharedHop[]>();
  const sharedOf = new Map<AttackPath, SharedHop[]>();
  for (const path of paths)
    for (const hop of hopsOfPath(path, assessment) ?? []) {
      let over = hopsOver.get(hop.edge);
      if (!over) hopsOver.set(hop.edge, (over = []));
      let entry = over.find(
        (h) =>
          h.kind === path.kind &&
          h.hop.from === hop.from &&
          h.hop.to === hop.to &&
          h.hop.goal === hop.goal,
      );
      if (!entry) {
        over.push((entry = { kind: path.kind, hop, paths: [], live: [] }));
        allHops.push(entry);
        for (const element of [hop.edge.flow.id, hop.to]) {
          let list = hopsOn.get(element);
          if (!list) hopsOn.set(element, (list = []));
          list.push(entry);
        }
      }
      entry.paths.push(path);
      entry.live.push(path);
      let mine = sharedOf.get(path);
      if (!mine) sharedOf.set(path, (mine = []));
      mine.push(entry);
    }
  const holding = new Set(paths);
  /** The hops with an unbroken path. */
  const liveHops = new Set(allHops);
  /** Unbroken paths per kind, crown jewel and goal: the exposures a choke point can end. */
  // Numbered, so weighing a candidate's cuts counts in arrays instead of building a map each time.
  const exposureNumbers = new Map<string, number>();
  const exposures = new Map<AttackPath, number>();
  for (const p of paths) {
    const key = `${p.kind}\u0000${p.target}\u0000${p.goal}`;
    let n = exposureNumbers.get(key);
    if (n === undefined) exposureNumbers.set(key, (n = exposureNumbers.size));
    exposures.set(p, n);
  }
  const exposure = (p: AttackPath) => exposures.get(p) as number;
  const holdingTo = new Int32Array(exposureNumbers.size);
  for (const p of paths) {
    const x = exposure(p);
    holdingTo[x] = (holdingTo[x] ?? 0) + 1;
  }
  const cutCount = new Int32Array(exposureNumbers.size);
  const cutRisk = new Float64Array(exposureNumbers.size);
  const cutExposures: number[] = [];
  /** What lets a hop pass now, kept until a step changes its flow or receiver. */
  const passesOf = (shared: SharedHop, open: ReadonlyMap<string, ThreatState[]>) =>
    (shared.passes ??= passesNowOf(shared, open));
  const passesNowOf = (shared: SharedHop, open: ReadonlyMap<string, ThreatState[]>) => {
    if (shared.kind === 'access') {
      // Valid as long as the passes are: a step that re-indexes one of these threats changed
      // its element, the hop's flow or receiver, and so drops the passes.
      const blockers = hopBlockers(shared.hop, open, shared.hop.goal);
      // The candidates indexed under every blocker first (cheap), then, of those few, the ones
      // whose addition would close each blocker (re-resolving only those).
      let closers: Set<Candidate> | undefined;
      for (const b of blockers) {
        const next = new Set<Candidate>();
        const first = contributions.get(b);
        if (first !== undefined)
          for (let row = first; row < runEnd(first); row++) {
            const candidate = table.candidate[row] as Candidate;
            if (!closers || closers.has(candidate)) next.add(candidate);
          }
        closers = next;
        if (closers.size === 0) break;
      }
      if (closers && closers.size > 0)
        for (const b of blockers) {
          const first = contributions.get(b);
          if (first === undefined) continue;
          for (let row = first; row < runEnd(first); row++) {
            const candidate = table.candidate[row] as Candidate;
            if (closers.has(candidate)) {
              evaluate(row);
              if (!((table.flags[row] as number) & CLOSES)) closers.delete(candidate);
            }
          }
        }
      return { blockers, closers: closers ?? new Set<Candidate>() };
    }
    const kinds = uncleanedKinds(assessment, shared.hop);
    const cleaners = kinds && CLEANING_CONTROLS.filter((c) => controlCleans(c, kinds));
    return { kinds, cleaners };
  };
  /** Whether a hop is passable now: content left uncleaned, or an open threat to pass on. */
  const passesNow = (shared: SharedHop, open: ReadonlyMap<string, ThreatState[]>) => {
    const passes = passesOf(shared, open);
    return shared.kind === 'content'
      ? passes.kinds !== undefined
      : (passes.blockers?.length ?? 0) > 0;
  };
  /**
   * The unbroken paths each candidate would cut now, found from the hops rather than the
   * candidates (far fewer): a content hop is cut by a cleaning control on its flow or receiver
   * that cleans the kinds still uncleaned; an access hop by a candidate closing every open threat
   * it passes on (its `closers`).
   */
  const cutsNow = (open: ReadonlyMap<string, ThreatState[]>): Map<Candidate, Set<AttackPath>> => {
    const cuts = new Map<Candidate, Set<AttackPath>>();
    const add = (c: Candidate | undefined, on: readonly AttackPath[]) => {
      if (!c) return;
      let set = cuts.get(c);
      if (!set) cuts.set(c, (set = new Set()));
      for (const p of on) set.add(p);
    };
    for (const shared of liveHops) {
      const { kind, hop, live } = shared;
      const passes = passesOf(shared, open);
      if (kind === 'content') {
        for (const control of passes.cleaners ?? [])
          for (const element of [hop.edge.flow.id, hop.to])
            add(byOrder.get(keyOf(element, control)), live);
      } else {
        for (const candidate of passes.closers ?? []) add(candidate, live);
      }
    }
    return cuts;
  };
  /**
   * The risk of the crown-jewel exposures a candidate's cuts would end: a (kind, target, goal)
   * every unbroken path to which it cuts, weighed by the target's risk once, however many paths
   * the enumeration listed.
   */
  const exposuresEnded = (cut: ReadonlySet<AttackPath>): number => {
    for (const p of cut) {
      const x = exposure(p);
      const n = cutCount[x] ?? 0;
      if (n === 0) cutExposures.push(x);
      cutCount[x] = n + 1;
      cutRisk[x] = p.risk;
    }
    let value = 0;
    for (const x of cutExposures) {
      if (cutCount[x] === holdingTo[x]) value += cutRisk[x] ?? 0;
      cutCount[x] = 0;
    }
    cutExposures.length = 0;
    return value;
  };
  while (steps.length < options.maxSteps) {
    // A step's weight: the open risk it removes plus the risk of the attack paths it cuts (a
    // weighted set cover over threats and paths); only a step that removes risk is proposed.
    let best: Candidate | undefined;
    let bestWeight = 0;
    const consider = (c: Candidate, weight: number) => {
      if (!best || weight > bestWeight || (weight === bestWeight && precedes(c, best))) {
        best = c;
        bestWeight = weight;
      }
    };
    // The few candidates that end an exposure first, with their full weight; then the others
    // by their bound, highest first, re-resolving their threats only while the bound could still
    // beat (or tie with a smaller order) the heaviest weight found: the rest cannot win.
    if (holding.size > 0)
      for (const [c, cut] of cutsNow(open)) {
        const ended = exposuresEnded(cut);
        if (ended > 0 && exact(c).gain > 0) consider(c, c.gain + ended);
      }
    const examined: Candidate[] = [];
    for (let top = byBound.peek(); top !== undefined && top.bound > 0; top = byBound.peek()) {
      if (best !== undefined && options.exhaustive !== true) {
        const leader: Candidate = best;
        if (top.bound < bestWeight || (top.bound === bestWeight && precedes(leader, top))) break;
      }
      byBound.pop();
      examined.push(top);
      if (exact(top).gain > 0) consider(top, top.gain);
    }
    for (const c of examined) byBound.push(c);
    if (best === undefined) break;
    const { element, control } = best;
    const before = assessment.openRisk();
    const touched: Threat[] = [];
    forEachLive(best, (row) => touched.push((table.state[row] as ThreatState).threat));
    const wasOpen = new Map(touched.map((t) => [t.id, assessment.states.get(t.id)]));
    const changed = assessment.add(element, control, touched);
    const after = assessment.openRisk();
    const changedOn = new Set([element]);
    const refresh = new Set([element]);
    for (const id of [...changed].sort()) {
      index(id);
      const s = assessment.states.get(id);
      if (s) {
        joinPaths(id, s.threat.element);
        changedOn.add(s.threat.element);
        refresh.add(s.threat.element);
      } else {
        const gone = onPathElement.get(id);
        if (gone !== undefined) refresh.add(gone);
      }
    }

    const closes: string[] = [];
    let highestRisk = 0;
    for (const [id, prior] of wasOpen) {
      if (prior?.open && !assessment.states.get(id)?.open) {
        closes.push(id);
        highestRisk = Math.max(highestRisk, prior.risk.score);
      }
    }
    // Only hops on the elements the step changed can stop passing: a path breaks where one does.
    for (const id of refresh) refreshOpen(id);
    const lost = new Set<AttackPath>();
    for (const id of changedOn)
      for (const shared of hopsOn.get(id) ?? []) {
        delete shared.passes;
        if (!passesNow(shared, open)) for (const p of shared.paths) lost.add(p);
      }
    const broken: string[] = [];
    for (const p of lost) {
      if (!holding.delete(p)) continue;
      for (const shared of sharedOf.get(p) ?? []) {
        shared.live = shared.live.filter((q) => q !== p);
        if (shared.live.length === 0) liveHops.delete(shared);
      }
      const x = exposure(p);
      holdingTo[x] = (holdingTo[x] ?? 1) - 1;
      broken.push(p.id);
    }
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

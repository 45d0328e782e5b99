/**
 * Facts the rules ask about, derived once per analysis from the graph: each component's
 * effective exposure, reachability from outside, data kinds and sensitivity, controls declared
 * and implied, and whether it sits on a feedback loop into training. Rules then compare values;
 * they never walk the graph themselves.
 */
import { impliedControls, techTokens } from '../kb/controls';
import {
  reachableFromOutside,
  type GraphEdge,
  type GraphNode,
  type PipelineGraph,
} from '../graph/graph';
import type { DataItem } from '../model/types';
import { CLASSIFICATION_ORDER, type Classification, type Exposure } from '../model/vocabulary';

export interface ComponentFacts {
  readonly node: GraphNode;
  readonly id: string;
  readonly kind: string;
  readonly techTokens: readonly string[];
  /** Controls the team declared; empty for external entities, which hold none. */
  readonly declared: ReadonlySet<string>;
  /** Controls implied by `tech`, with the word that implies each. */
  readonly implied: ReadonlyMap<string, string>;
  readonly exposure: Exposure;
  readonly exposureDeclared: boolean;
  readonly reachableFromOutside: boolean;
  /** Kinds of data held or exchanged. */
  readonly dataKinds: ReadonlySet<string>;
  readonly classification?: Classification;
  readonly pii: boolean;
  readonly inFeedbackLoop: boolean;
}

export interface FlowFacts {
  readonly edge: GraphEdge;
  readonly id: string;
  readonly from: ComponentFacts;
  readonly to: ComponentFacts;
  readonly declared: ReadonlySet<string>;
  readonly dataKinds: ReadonlySet<string>;
  readonly protocol?: string;
}

export interface ModelFacts {
  readonly graph: PipelineGraph;
  readonly components: ReadonlyMap<string, ComponentFacts>;
  readonly flows: readonly FlowFacts[];
  /** Every control declared or implied anywhere in the model. */
  readonly controlsAnywhere: ReadonlySet<string>;
}

/** Derives the facts of a graph. Linear in the size of the model. */
export function deriveFacts(graph: PipelineGraph): ModelFacts {
  const reachable = reachableFromOutside(graph);
  const loops = feedbackLoopMembers(graph);
  const components = new Map<string, ComponentFacts>();
  const controlsAnywhere = new Set<string>();
  for (const node of graph.nodes.values()) {
    const component = node.component;
    const external = node.elementClass === 'external_entity';
    const declared = new Set(external ? [] : component.controls);
    const implied = new Map(
      external ? [] : impliedControls(component.tech).map((i) => [i.control, i.by] as const),
    );
    for (const c of declared) controlsAnywhere.add(c);
    for (const c of implied.keys()) controlsAnywhere.add(c);
    // The data it holds, then what its inbound and outbound flows carry, in that order (the
    // order `dataKinds` lists them in), summarised in one pass without intermediate lists.
    const data = new DataSummary(graph);
    data.addAll(component.data);
    for (const e of node.inbound) data.addAll(e.flow.data);
    for (const e of node.outbound) data.addAll(e.flow.data);
    const fromOutside = node.inbound.some(
      (e) => e.source.zone.trust === 'untrusted' || e.source.elementClass === 'external_entity',
    );
    const exposure: Exposure =
      component.exposure ??
      (node.zone.trust === 'untrusted' || fromOutside ? 'public' : 'internal');
    components.set(component.id, {
      node,
      id: component.id,
      kind: component.kind,
      techTokens: techTokens(component.tech),
      declared,
      implied,
      exposure,
      exposureDeclared: component.exposure !== undefined,
      reachableFromOutside: reachable.has(component.id),
      dataKinds: data.kinds,
      ...(data.count > 0 && { classification: data.classification() }),
      pii: data.pii,
      inFeedbackLoop: loops.has(component.id),
    });
  }
  const flows: FlowFacts[] = [];
  for (const edge of graph.edges) {
    const from = components.get(edge.source.component.id);
    const to = components.get(edge.target.component.id);
    if (!from || !to) continue;
    for (const c of edge.flow.controls) controlsAnywhere.add(c);
    flows.push({
      edge,
      id: edge.flow.id,
      from,
      to,
      declared: new Set(edge.flow.controls),
      dataKinds: kindsOf(edge.data),
      ...(edge.flow.protocol !== undefined && { protocol: edge.flow.protocol.toLowerCase() }),
    });
  }
  return { graph, components, flows, controlsAnywhere };
}

/** Data items by id (unknown ids skipped), summarised as the facts need them. */
class DataSummary {
  readonly kinds = new Set<string>();
  count = 0;
  pii = false;
  private highest = -1;
  constructor(private readonly graph: PipelineGraph) {}
  addAll(ids: readonly string[]): void {
    for (const id of ids) {
      const item = this.graph.dataById.get(id);
      if (item === undefined) continue;
      this.count++;
      if (item.kind !== undefined) this.kinds.add(item.kind);
      this.highest = Math.max(this.highest, CLASSIFICATION_ORDER.indexOf(item.classification));
      if (item.pii) this.pii = true;
    }
  }
  /** The highest classification among them (graph.ts highestClassification's answer). */
  classification(): Classification | undefined {
    return this.highest < 0 ? undefined : CLASSIFICATION_ORDER[this.highest];
  }
}

function kindsOf(items: readonly DataItem[]): Set<string> {
  const kinds = new Set<string>();
  for (const item of items) if (item.kind !== undefined) kinds.add(item.kind);
  return kinds;
}

/**
 * Components on a cycle of flows that passes through a training job: outputs of the model come
 * back as training data (feedback-loop poisoning). Strongly connected components, iteratively
 * (Tarjan), so a 5,000-component model cannot overflow the stack.
 */
function feedbackLoopMembers(graph: PipelineGraph): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const members = new Set<string>();
  let counter = 0;
  const successors = (id: string): string[] => {
    const node = graph.nodes.get(id);
    if (!node) return [];
    return [
      ...node.outbound.map((e) => e.target.component.id),
      ...node.inbound.filter((e) => e.flow.bidirectional).map((e) => e.source.component.id),
    ];
  };
  for (const start of graph.nodes.keys()) {
    if (index.has(start)) continue;
    const work: { id: string; next: string[]; i: number }[] = [];
    const open = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: successors(id), i: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: string[]; i: number };
      if (frame.i < frame.next.length) {
        const next = frame.next[frame.i++] as string;
        if (!index.has(next)) open(next);
        else if (onStack.has(next))
          low.set(frame.id, Math.min(low.get(frame.id) ?? 0, index.get(next) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      if (low.get(frame.id) === index.get(frame.id)) {
        const scc: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          scc.push(member);
        } while (member !== frame.id);
        if (
          scc.length > 1 &&
          scc.some((id) => graph.nodes.get(id)?.component.kind === 'training_job')
        )
          for (const id of scc) members.add(id);
      }
    }
  }
  return members;
}

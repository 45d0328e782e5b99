/**
 * The pipeline graph: components as nodes, flows as edges, every component placed in its
 * resolved trust zone, and every flow classified by the boundaries it crosses and the direction
 * of trust (toward more trust is where attacks come in). Built once per analysis; the rules,
 * the diagram and the reports all read it.
 */
import { resolveNesting } from '../model/nesting';
import type { Boundary, Component, DataItem, Flow, PipelineModel } from '../model/types';
import {
  CLASSIFICATION_ORDER,
  TRUST_ORDER,
  elementClassOf,
  type Classification,
  type ElementClass,
  type TrustLevel,
} from '../model/vocabulary';

/** Id of the implicit zone of components outside every boundary. */
export const IMPLICIT_ZONE_ID = '';

export interface Zone {
  /** Boundary id, or {@link IMPLICIT_ZONE_ID} for the implicit trusted zone. */
  readonly id: string;
  readonly name: string;
  readonly trust: TrustLevel;
  /** Ancestor boundary ids, outermost first, ending with this zone's own id. */
  readonly path: readonly string[];
  readonly boundary?: Boundary;
}

export type TrustDirection = 'toward_more_trust' | 'toward_less_trust' | 'same_trust';

export interface GraphNode {
  readonly component: Component;
  readonly zone: Zone;
  readonly elementClass: ElementClass;
  readonly inbound: GraphEdge[];
  readonly outbound: GraphEdge[];
}

export interface GraphEdge {
  readonly flow: Flow;
  readonly source: GraphNode;
  readonly target: GraphNode;
  /** The ends are in different zones (boundaries), whatever their trust. */
  readonly crossesBoundary: boolean;
  /** The ends are in zones of different trust: a trust boundary is crossed. */
  readonly crossesTrustBoundary: boolean;
  readonly direction: TrustDirection;
  /** Boundary ids left and entered on the way (innermost first when leaving). */
  readonly exits: readonly string[];
  readonly entries: readonly string[];
  /** Data carried that is defined in the catalogue. */
  readonly data: readonly DataItem[];
  /** Highest classification of the data carried, if any data is declared. */
  readonly classification?: Classification;
  readonly carriesPii: boolean;
}

export interface PipelineGraph {
  readonly model: PipelineModel;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Edges of flows whose two ends exist, in file order. */
  readonly edges: readonly GraphEdge[];
  readonly zones: ReadonlyMap<string, Zone>;
  readonly dataById: ReadonlyMap<string, DataItem>;
}

const IMPLICIT_ZONE: Zone = {
  id: IMPLICIT_ZONE_ID,
  name: 'Implicit trusted zone',
  trust: 'trusted',
  path: [],
};

/** Builds the graph; tolerant of a model with problems (unknown ends and cycles are skipped). */
export function buildGraph(model: PipelineModel): PipelineGraph {
  const zones = new Map<string, Zone>([[IMPLICIT_ZONE_ID, IMPLICIT_ZONE]]);
  // Cycles and nesting past the depth limit were reported by the semantic checks.
  const nesting = resolveNesting(model.boundaries);
  for (const boundary of model.boundaries) {
    if (zones.has(boundary.id)) continue;
    zones.set(boundary.id, {
      id: boundary.id,
      name: boundary.name,
      trust: boundary.trust,
      path: nesting.paths.get(boundary.id) ?? [boundary.id],
      boundary,
    });
  }
  const dataById = new Map(model.data.map((d) => [d.id, d]));

  const nodes = new Map<string, GraphNode>();
  for (const component of model.components) {
    if (nodes.has(component.id)) continue;
    // An unknown boundary was reported; treat the component as untrusted rather than trusted.
    const zone =
      component.boundary === undefined
        ? IMPLICIT_ZONE
        : (zones.get(component.boundary) ?? {
            ...IMPLICIT_ZONE,
            id: component.boundary,
            name: component.boundary,
            trust: 'untrusted' as const,
            path: [component.boundary],
          });
    nodes.set(component.id, {
      component,
      zone,
      elementClass: elementClassOf(component.kind),
      inbound: [],
      outbound: [],
    });
  }

  const edges: GraphEdge[] = [];
  for (const flow of model.flows) {
    const source = nodes.get(flow.from);
    const target = nodes.get(flow.to);
    if (!source || !target || source === target) continue;
    const sourceTrust = TRUST_ORDER.indexOf(source.zone.trust);
    const targetTrust = TRUST_ORDER.indexOf(target.zone.trust);
    const common = commonPrefixLength(source.zone.path, target.zone.path);
    const data = flow.data
      .map((id) => dataById.get(id))
      .filter((d): d is DataItem => d !== undefined);
    const edge: GraphEdge = {
      flow,
      source,
      target,
      crossesBoundary: source.zone.id !== target.zone.id,
      crossesTrustBoundary: sourceTrust !== targetTrust,
      direction:
        targetTrust > sourceTrust
          ? 'toward_more_trust'
          : targetTrust < sourceTrust
            ? 'toward_less_trust'
            : 'same_trust',
      exits: source.zone.path.slice(common).reverse(),
      entries: target.zone.path.slice(common),
      data,
      ...(data.length > 0 && {
        classification: highestClassification(data.map((d) => d.classification)),
      }),
      carriesPii: data.some((d) => d.pii),
    };
    edges.push(edge);
    source.outbound.push(edge);
    target.inbound.push(edge);
  }
  return { model, nodes, edges, zones, dataById };
}

function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The most sensitive of some classifications. */
export function highestClassification(
  values: Iterable<Classification>,
): Classification | undefined {
  let best = -1;
  for (const value of values) best = Math.max(best, CLASSIFICATION_ORDER.indexOf(value));
  return best < 0 ? undefined : CLASSIFICATION_ORDER[best];
}

/**
 * Components reachable from an untrusted zone or an external entity by following flows
 * (both directions of bidirectional flows): the attack surface an outsider can query.
 */
export function reachableFromOutside(graph: PipelineGraph): ReadonlySet<string> {
  const reached = new Set<string>();
  const queue: GraphNode[] = [];
  for (const node of graph.nodes.values()) {
    if (node.zone.trust === 'untrusted' || node.elementClass === 'external_entity') {
      reached.add(node.component.id);
      queue.push(node);
    }
  }
  while (queue.length > 0) {
    const node = queue.pop() as GraphNode;
    const next = [
      ...node.outbound.map((e) => e.target),
      ...node.inbound.filter((e) => e.flow.bidirectional).map((e) => e.source),
    ];
    for (const neighbour of next) {
      if (reached.has(neighbour.component.id)) continue;
      reached.add(neighbour.component.id);
      queue.push(neighbour);
    }
  }
  return reached;
}

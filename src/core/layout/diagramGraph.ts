/**
 * Pipeline graph → diagram graph: picks what the drawing needs (ids, labels, kinds, nesting)
 * and sorts everything by id. Sorting by id rather than file order is deliberate: moving a
 * block in the YAML must not move it in the diagram, and an added component only shifts its
 * neighbours in id order.
 */
import type { PipelineGraph } from '../graph/graph';
import type { DiagramBoundary, DiagramComponent, DiagramFlow, DiagramGraph } from './types';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The label drawn on a flow: its name, else its protocol, else nothing. */
export function flowLabel(flow: { name?: string; protocol?: string }): string {
  return flow.name ?? flow.protocol ?? '';
}

/**
 * Builds the diagram graph. Tolerant like the pipeline graph: a component in an unknown
 * boundary is drawn at top level, a boundary whose parent is unknown or cyclic becomes a
 * top-level boundary, and flows with missing ends are already dropped by the graph.
 */
export function diagramGraphFromPipeline(graph: PipelineGraph): DiagramGraph {
  const boundaryIds = new Set(graph.model.boundaries.map((b) => b.id));
  const boundaries: DiagramBoundary[] = [];
  const seen = new Set<string>();
  for (const zone of graph.zones.values()) {
    const boundary = zone.boundary;
    if (!boundary || seen.has(boundary.id)) continue;
    seen.add(boundary.id);
    // zone.path ends with the zone itself; its predecessor is a valid, acyclic parent.
    const parent = zone.path.length >= 2 ? zone.path[zone.path.length - 2] : undefined;
    boundaries.push({
      id: boundary.id,
      label: boundary.name,
      trust: boundary.trust,
      ...(parent !== undefined && boundaryIds.has(parent) && { parent }),
    });
  }
  const components: DiagramComponent[] = [];
  for (const node of graph.nodes.values()) {
    const c = node.component;
    components.push({
      id: c.id,
      label: c.name,
      kind: c.kind,
      ...(c.boundary !== undefined && boundaryIds.has(c.boundary) && { boundary: c.boundary }),
    });
  }
  const flowIds = new Set<string>();
  const flows: DiagramFlow[] = [];
  for (const edge of graph.edges) {
    // Duplicate flow ids are reported by the semantic checks; draw the first one only.
    if (flowIds.has(edge.flow.id)) continue;
    flowIds.add(edge.flow.id);
    flows.push({
      id: edge.flow.id,
      source: edge.source.component.id,
      target: edge.target.component.id,
      label: flowLabel(edge.flow),
      bidirectional: edge.flow.bidirectional,
    });
  }
  return {
    boundaries: boundaries.sort(byId),
    components: components.sort(byId),
    flows: flows.sort(byId),
  };
}

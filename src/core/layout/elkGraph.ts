/**
 * Diagram graph → ELK JSON, and ELK's answer → `PositionedLayout`. Pure: no ELK runtime here,
 * only its JSON shape, so the host can build the input cheaply and tests can check it.
 *
 * Determinism and stability: ids are prefixed by element type (a boundary and a component may
 * share a name), every list is sorted by id (not file order: moving a block in the YAML changes
 * nothing) and ELK's random seed is fixed, so the same model always gives the same layout.
 * Relabelling keeps the arrangement; adding or removing a flow can re-order rows (ELK's
 * interactive modes, which would pin previous positions, refuse hierarchical graphs, and its
 * semi-interactive crossing minimisation had no measurable effect here).
 */
import type { ElkEdgeSection, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api';
import { resolveNesting } from '../model/nesting';
import type {
  DiagramGraph,
  EdgeSection,
  PositionedBoundary,
  PositionedEdge,
  PositionedLayout,
  PositionedNode,
} from './types';

/** Geometry shared with the renderer, which draws inside the boxes ELK sized. */
export const NODE_GEOMETRY = {
  height: 44,
  minWidth: 120,
  maxWidth: 240,
  /** Left padding + icon + gap before the label. */
  labelLeft: 36,
  paddingRight: 28,
  /** Average glyph advance of the 12px UI font, for sizing before any DOM exists. */
  charWidth: 7,
  labelHeight: 16,
  /** Room above a boundary's children for its title. */
  boundaryTitle: 28,
  boundaryPadding: 14,
} as const;

/** Layout direction: left to right by default, top to bottom for tall pipelines. */
export type LayoutDirection = 'RIGHT' | 'DOWN';

/**
 * How boundaries are laid out. `global`: one layered layout across all boundaries (best routing
 * of flows that cross boundaries; cost grows steeply with size). `separate`: each boundary laid
 * out on its own, crossing flows through ports on its border (fast on large models). `auto`:
 * global up to {@link GLOBAL_LAYOUT_LIMIT} components, separate above.
 */
export type HierarchyMode = 'auto' | 'global' | 'separate';

/** Largest model (components) laid out globally in `auto` mode; measured in `npm run bench`. */
export const GLOBAL_LAYOUT_LIMIT = 100;

export interface ElkGraphOptions {
  readonly direction?: LayoutDirection;
  readonly hierarchy?: HierarchyMode;
}

export const BOUNDARY_PREFIX = 'b:';
export const COMPONENT_PREFIX = 'c:';
export const FLOW_PREFIX = 'f:';
/** Layout-only edges between boxes (separate mode); never drawn. */
export const PROXY_PREFIX = 'p:';

/** Width of a component box for its label (clamped; longer labels are elided when drawn). */
export function componentWidth(label: string): number {
  const g = NODE_GEOMETRY;
  return Math.min(
    g.maxWidth,
    Math.max(g.minWidth, Math.ceil(g.labelLeft + label.length * g.charWidth + g.paddingRight)),
  );
}

/** Width of a flow label box. */
export function flowLabelWidth(label: string): number {
  return Math.min(NODE_GEOMETRY.maxWidth, Math.ceil(label.length * 6.2 + 8));
}

/** Builds the ELK input graph. Edges go in the lowest boundary containing both ends. */
export function toElkGraph(graph: DiagramGraph, options: ElkGraphOptions = {}): ElkNode {
  // The diagram graph's parents are already acyclic and bounded; resolving again keeps a graph
  // built some other way linear too.
  const nesting = resolveNesting(graph.boundaries);
  const hierarchy = options.hierarchy ?? 'auto';
  const global =
    hierarchy === 'global' ||
    (hierarchy === 'auto' && graph.components.length <= GLOBAL_LAYOUT_LIMIT);
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': options.direction ?? 'RIGHT',
      'elk.hierarchyHandling': global ? 'INCLUDE_CHILDREN' : 'SEPARATE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Determinism comes from the sorted input and the fixed seed. `considerModelOrder` was
      // measured 10x slower on 500 components for no visible stability gain, so it is off, and
      // so is the greedy-switch crossing pass, which dominates hierarchical layouts' run time.
      'elk.randomSeed': '1',
      'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
      'elk.layered.crossingMinimization.greedySwitchHierarchical.type': 'OFF',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: [],
    edges: [],
  };
  const containers = new Map<string, ElkNode>([['', root]]);
  const g = NODE_GEOMETRY;
  const boundaryPadding = `[top=${g.boundaryTitle},left=${g.boundaryPadding},bottom=${g.boundaryPadding},right=${g.boundaryPadding}]`;
  // Parents first: boundaries sorted by depth, then id, so each parent exists when its child is added.
  const ordered = graph.boundaries
    .map((b) => ({ b, path: nesting.paths.get(b.id) ?? [b.id] }))
    .sort(
      (x, y) => x.path.length - y.path.length || (x.b.id < y.b.id ? -1 : x.b.id > y.b.id ? 1 : 0),
    );
  for (const { b, path } of ordered) {
    const parentKey = path.length >= 2 ? (path[path.length - 2] as string) : '';
    const node: ElkNode = {
      id: BOUNDARY_PREFIX + b.id,
      layoutOptions: { 'elk.padding': boundaryPadding },
      children: [],
      edges: [],
    };
    (containers.get(parentKey) ?? root).children?.push(node);
    containers.set(b.id, node);
  }
  const componentPath = new Map<string, readonly string[]>();
  for (const c of graph.components) {
    const container = (c.boundary !== undefined && containers.get(c.boundary)) || root;
    container.children?.push({
      id: COMPONENT_PREFIX + c.id,
      width: componentWidth(c.label),
      height: g.height,
    });
    componentPath.set(
      c.id,
      c.boundary !== undefined && containers.has(c.boundary)
        ? (nesting.paths.get(c.boundary) ?? [c.boundary])
        : [],
    );
  }
  const proxies = new Set<string>();
  for (const f of graph.flows) {
    const from = componentPath.get(f.source);
    const to = componentPath.get(f.target);
    if (!from || !to) continue;
    let common = 0;
    while (common < from.length && common < to.length && from[common] === to[common]) common++;
    const containerKey = common === 0 ? '' : (from[common - 1] as string);
    const container = containers.get(containerKey) ?? root;
    const crossing = from.length > common || to.length > common;
    if (!global && crossing) {
      // Separate mode routes no edge across a boundary's border. Tell ELK how the boxes relate
      // instead (an edge between the two children of the common container that hold the ends),
      // so layers still run with the flows; `fromElkGraph` draws the flow itself.
      const sourceProxy =
        from.length > common ? BOUNDARY_PREFIX + from[common] : COMPONENT_PREFIX + f.source;
      const targetProxy =
        to.length > common ? BOUNDARY_PREFIX + to[common] : COMPONENT_PREFIX + f.target;
      const key = `${sourceProxy}\u0000${targetProxy}`;
      if (sourceProxy === targetProxy || proxies.has(key)) continue;
      proxies.add(key);
      container.edges?.push({
        id: `${PROXY_PREFIX}${proxies.size}`,
        sources: [sourceProxy],
        targets: [targetProxy],
      });
      continue;
    }
    const edge: ElkExtendedEdge = {
      id: FLOW_PREFIX + f.id,
      sources: [COMPONENT_PREFIX + f.source],
      targets: [COMPONENT_PREFIX + f.target],
    };
    if (f.label !== '')
      edge.labels = [
        { id: `l:${f.id}`, text: f.label, width: flowLabelWidth(f.label), height: g.labelHeight },
      ];
    container.edges?.push(edge);
  }
  return root;
}

const strip = (id: string, prefix: string) => id.slice(prefix.length);

function section(s: ElkEdgeSection): EdgeSection {
  return {
    start: { x: s.startPoint.x, y: s.startPoint.y },
    end: { x: s.endPoint.x, y: s.endPoint.y },
    bendPoints: (s.bendPoints ?? []).map((p) => ({ x: p.x, y: p.y })),
  };
}

/**
 * Reads ELK's laid-out graph (with ROOT coordinates) into a `PositionedLayout`. Output lists are
 * sorted by id, whatever order ELK returns them in.
 */
export function fromElkGraph(laidOut: ElkNode, graph: DiagramGraph): PositionedLayout {
  const nodes: PositionedNode[] = [];
  const boundaries: PositionedBoundary[] = [];
  const edges: PositionedEdge[] = [];
  const flows = new Map(graph.flows.map((f) => [f.id, f]));
  const visit = (node: ElkNode, depth: number) => {
    for (const child of node.children ?? []) {
      const box = {
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      };
      if (child.id.startsWith(BOUNDARY_PREFIX)) {
        boundaries.push({ id: strip(child.id, BOUNDARY_PREFIX), depth, ...box });
        visit(child, depth + 1);
      } else if (child.id.startsWith(COMPONENT_PREFIX)) {
        nodes.push({ id: strip(child.id, COMPONENT_PREFIX), ...box });
      }
    }
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const id = strip(edge.id, FLOW_PREFIX);
      const flow = flows.get(id);
      if (!flow) continue;
      const label = (edge.labels ?? [])[0] as ElkLabel | undefined;
      edges.push({
        id,
        source: flow.source,
        target: flow.target,
        sections: (edge.sections ?? []).map(section),
        ...(label && {
          label: {
            text: flow.label,
            x: label.x ?? 0,
            y: label.y ?? 0,
            width: label.width ?? 0,
            height: label.height ?? 0,
          },
        }),
      });
    }
  };
  visit(laidOut, 0);
  // Flows ELK did not route (across boundaries in separate mode): a three-segment orthogonal
  // connector from the side of the source facing the target to the opposite side of the target.
  const routed = new Set(edges.map((e) => e.id));
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  for (const flow of graph.flows) {
    const source = nodeById.get(flow.source);
    const target = nodeById.get(flow.target);
    if (routed.has(flow.id) || !source || !target) continue;
    const rightward = target.x + target.width / 2 >= source.x + source.width / 2;
    const start = {
      x: rightward ? source.x + source.width : source.x,
      y: source.y + source.height / 2,
    };
    const end = {
      x: rightward ? target.x : target.x + target.width,
      y: target.y + target.height / 2,
    };
    const midX = (start.x + end.x) / 2;
    const bendPoints =
      start.y === end.y
        ? []
        : [
            { x: midX, y: start.y },
            { x: midX, y: end.y },
          ];
    const width = flowLabelWidth(flow.label);
    edges.push({
      id: flow.id,
      source: flow.source,
      target: flow.target,
      sections: [{ start, end, bendPoints }],
      ...(flow.label !== '' && {
        label: {
          text: flow.label,
          x: midX - width / 2,
          y: (start.y + end.y) / 2 - NODE_GEOMETRY.labelHeight / 2,
          width,
          height: NODE_GEOMETRY.labelHeight,
        },
      }),
    });
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    width: laidOut.width ?? 0,
    height: laidOut.height ?? 0,
    nodes: nodes.sort(byId),
    boundaries: boundaries.sort(byId),
    edges: edges.sort(byId),
  };
}

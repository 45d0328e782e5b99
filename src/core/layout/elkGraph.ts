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
import type { ElkEdgeSection, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { resolveNesting } from '../model/nesting';
import type {
  DiagramGraph,
  Box,
  EdgeSection,
  PositionedBoundary,
  PositionedEdge,
  PositionedLayout,
  PositionedNode,
} from './types';

/**
 * Geometry shared with the renderer, which draws inside the boxes ELK sized. Text is large
 * relative to the gaps on purpose: "Fit" scales the whole drawing down, and what decides whether
 * a label is readable at fit is the font size divided by the diagram's extent. Gaps, paddings and
 * icons stay small, so a larger font grows the diagram less than it grows the text (measured in
 * Chromium by test/webview/suite.ts: label height at fit for every example).
 */
export const NODE_GEOMETRY = {
  /** Font size of a component's label (diagram units; CSS `.node-label`). */
  labelFont: 24,
  /** Average glyph advance of the 600-weight label font, for sizing before any DOM exists. */
  charWidth: 13.4,
  /** Distance between two label lines. */
  lineHeight: 28,
  /** Longest label line (characters): longer labels wrap (see `labelLines`), then are elided. */
  maxLineChars: 18,
  /** Most label lines; a longer label is elided on the last one. */
  maxLines: 3,
  /**
   * Padding above and below the label. The kind is not written in the box: at fit it would be
   * far below readable size; the icon shows it, the tooltip and the side panel name it.
   */
  paddingY: 9,
  minWidth: 120,
  /** Left padding + icon + gap before the label. */
  labelLeft: 46,
  paddingRight: 14,
  /** Font size of a flow label (CSS `.edge-label`) and the height of its box. */
  edgeLabelFont: 16,
  labelHeight: 22,
  /** Average glyph advance of the flow-label font. */
  edgeCharWidth: 8.6,
  /** Font size of a boundary's title (CSS `.boundary-label`) and the room above its children. */
  boundaryFont: 22,
  boundaryTitle: 34,
  boundaryPadding: 10,
  /** Average glyph advance of the boundary-title font, for eliding it to the box. */
  boundaryCharWidth: 12.3,
} as const;

/**
 * A component label as drawn, wrapped for a line length of about `lineChars` characters: one
 * line when it fits, else the fewest lines (up to {@link NODE_GEOMETRY.maxLines}) that do, split
 * at the word breaks that make the longest line shortest. Words are never cut to meet
 * `lineChars`: a line is at least as long as the label's longest word. Only a word longer than
 * {@link NODE_GEOMETRY.maxLineChars}, or a label too long for the lines, is cut, the last line
 * elided with "…". The layout sizes boxes from these lines and the renderer draws them, so box
 * and text always agree; a shorter `lineChars` gives narrower, taller boxes (see
 * `LABEL_LINE_CHARS` in ./index.ts, which tries both for the panel).
 */
export function labelLines(
  label: string,
  lineChars: number = NODE_GEOMETRY.maxLineChars,
): string[] {
  const max = NODE_GEOMETRY.maxLineChars;
  const maxLines = NODE_GEOMETRY.maxLines;
  const chars = [...label];
  const words = label.split(' ').filter((w) => w !== '');
  const lengths = words.map((w) => [...w].length);
  const target = Math.min(max, Math.max(lineChars, ...lengths));
  if (chars.length <= target) return [label];
  if (chars.length <= max * maxLines) {
    for (const limit of target < max ? [target, max] : [max]) {
      const lines = balancedLines(words, lengths, limit, maxLines);
      if (lines) return lines;
    }
  }
  // Too long for the lines at word breaks: full lines cut anywhere, the last one elided.
  const lines: string[] = [];
  for (let k = 0; k < maxLines && k * max < chars.length; k++) {
    const line = chars.slice(k * max, k === maxLines - 1 ? undefined : (k + 1) * max);
    lines.push(line.length <= max ? line.join('') : `${line.slice(0, max - 1).join('')}…`);
  }
  return lines;
}

/**
 * The fewest lines (2 … maxLines) of whole words, each at most `limit` characters, split where
 * the longest line is shortest (the first such split: deterministic); undefined when none fits.
 * Exhaustive over break positions, which is cheap: callers pass at most a few dozen words.
 */
function balancedLines(
  words: readonly string[],
  lengths: readonly number[],
  limit: number,
  maxLines: number,
): string[] | undefined {
  const n = words.length;
  const span = (i: number, j: number) => {
    let sum = j - i - 1;
    for (let k = i; k < j; k++) sum += lengths[k] as number;
    return sum;
  };
  // shortest(i, lines): the smallest longest line laying words i… onto `lines` lines.
  const memo = new Map<number, { longest: number; breaks: number[] }>();
  const shortest = (i: number, lines: number): { longest: number; breaks: number[] } => {
    const key = i * (maxLines + 1) + lines;
    const known = memo.get(key);
    if (known) return known;
    let answer = { longest: span(i, n), breaks: [] as number[] };
    if (lines > 1)
      for (let j = i + 1; j < n; j++) {
        const rest = shortest(j, lines - 1);
        const longest = Math.max(span(i, j), rest.longest);
        if (longest < answer.longest) answer = { longest, breaks: [j, ...rest.breaks] };
      }
    memo.set(key, answer);
    return answer;
  };
  for (let lines = 2; lines <= Math.min(maxLines, n); lines++) {
    const split = shortest(0, lines);
    if (split.longest > limit) continue;
    const starts = [0, ...split.breaks, n];
    return starts.slice(0, -1).map((s, k) => words.slice(s, starts[k + 1]).join(' '));
  }
  return undefined;
}

/**
 * A boundary's title: its label and trust level. Drawn elided to the box's width (boxes are not
 * widened for it: measured, that cost more text size at fit than it gave); the tooltip has it whole.
 */
export function boundaryTitle(boundary: { label: string; trust: string }): string {
  return `${boundary.label} · ${boundary.trust.replace('_', '-')}`;
}

/** Height of a component box holding this many label lines. */
export function componentHeight(lines: number): number {
  const g = NODE_GEOMETRY;
  return g.paddingY * 2 + lines * g.lineHeight;
}

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
  /**
   * Wrap the layered layout's long chains into rows (ELK's `MULTI_EDGE` graph wrapping) aiming
   * at this width / height ratio; no wrapping when absent.
   */
  readonly wrapToAspectRatio?: number;
  /**
   * Line length component labels are wrapped for (`labelLines`); default
   * {@link NODE_GEOMETRY.maxLineChars}. `fromElkGraph` must be given the same value.
   */
  readonly labelLineChars?: number;
}

export const BOUNDARY_PREFIX = 'b:';
export const COMPONENT_PREFIX = 'c:';
export const FLOW_PREFIX = 'f:';
/** Layout-only edges between boxes (separate mode); never drawn. */
export const PROXY_PREFIX = 'p:';

/** Width of a component box for these label lines (the longest one). */
export function componentWidth(lines: readonly string[]): number {
  const g = NODE_GEOMETRY;
  const longest = Math.max(0, ...lines.map((l) => [...l].length));
  return Math.max(g.minWidth, Math.ceil(g.labelLeft + longest * g.charWidth + g.paddingRight));
}

/** Width of a flow label box. */
export function flowLabelWidth(label: string): number {
  return Math.min(320, Math.ceil([...label].length * NODE_GEOMETRY.edgeCharWidth + 10));
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
      // Tight gaps: at fit every gap costs text size. Flow labels are not laid out (they would
      // widen every gap between layers); the renderer shows them on demand, see `fromElkGraph`.
      'elk.spacing.nodeNode': '16',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.spacing.edgeEdge': '8',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=4,left=4,bottom=4,right=4]',
      ...(options.wrapToAspectRatio !== undefined && {
        'elk.layered.wrapping.strategy': 'MULTI_EDGE',
        'elk.aspectRatio': String(options.wrapToAspectRatio),
      }),
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
    const lines = labelLines(c.label, options.labelLineChars);
    container.children?.push({
      id: COMPONENT_PREFIX + c.id,
      width: componentWidth(lines),
      height: componentHeight(lines.length),
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
    container.edges?.push(edge);
  }
  return root;
}

const strip = (id: string, prefix: string) => id.slice(prefix.length);

/**
 * Where a flow's label goes: centred on the longest segment of its route (the first of equal
 * ones), the place with most room along the line. Labels are not part of the ELK layout, so the
 * renderer shows them on demand (hover, selection, the "Flow labels" toggle) rather than all at
 * once, where they could overlap.
 */
export function flowLabelBox(
  sections: readonly EdgeSection[],
  text: string,
): (Box & { text: string }) | undefined {
  if (text === '') return undefined;
  let best: { x: number; y: number } | undefined;
  let bestLength = -1;
  for (const s of sections) {
    const points = [s.start, ...s.bendPoints, s.end];
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as { x: number; y: number };
      const b = points[i] as { x: number; y: number };
      const length = Math.abs(b.x - a.x) + Math.abs(b.y - a.y);
      if (length > bestLength) {
        bestLength = length;
        best = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      }
    }
  }
  if (!best) return undefined;
  const width = flowLabelWidth(text);
  const height = NODE_GEOMETRY.labelHeight;
  return { text, x: best.x - width / 2, y: best.y - height / 2, width, height };
}

function section(s: ElkEdgeSection): EdgeSection {
  return {
    start: { x: s.startPoint.x, y: s.startPoint.y },
    end: { x: s.endPoint.x, y: s.endPoint.y },
    bendPoints: (s.bendPoints ?? []).map((p) => ({ x: p.x, y: p.y })),
  };
}

/**
 * Reads ELK's laid-out graph (with ROOT coordinates) into a `PositionedLayout`, each node with
 * the label lines its box was sized for (`options` as given to `toElkGraph`). Output lists are
 * sorted by id, whatever order ELK returns them in.
 */
export function fromElkGraph(
  laidOut: ElkNode,
  graph: DiagramGraph,
  options: Pick<ElkGraphOptions, 'labelLineChars'> = {},
): PositionedLayout {
  const nodes: PositionedNode[] = [];
  const boundaries: PositionedBoundary[] = [];
  const edges: PositionedEdge[] = [];
  const flows = new Map(graph.flows.map((f) => [f.id, f]));
  const labels = new Map(graph.components.map((c) => [c.id, c.label]));
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
        const id = strip(child.id, COMPONENT_PREFIX);
        const lines = labelLines(labels.get(id) ?? id, options.labelLineChars);
        nodes.push({ id, ...box, lines });
      }
    }
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const id = strip(edge.id, FLOW_PREFIX);
      const flow = flows.get(id);
      if (!flow) continue;
      const sections = (edge.sections ?? []).map(section);
      const label = flowLabelBox(sections, flow.label);
      edges.push({
        id,
        source: flow.source,
        target: flow.target,
        sections,
        ...(label && { label }),
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
    const sections = [{ start, end, bendPoints }];
    const label = flowLabelBox(sections, flow.label);
    edges.push({
      id: flow.id,
      source: flow.source,
      target: flow.target,
      sections,
      ...(label && { label }),
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

/**
 * Plain data of the diagram: the graph to lay out (`DiagramGraph`, derived from the pipeline
 * graph) and the positioned result (`PositionedLayout`). Both are JSON-safe so they cross the
 * worker boundary and the webview's postMessage unchanged. No ELK types leak out of here.
 */

/** A trust boundary, drawn as a compound node around its components and child boundaries. */
export interface DiagramBoundary {
  readonly id: string;
  readonly label: string;
  readonly trust: string;
  /** Enclosing boundary id, if nested. */
  readonly parent?: string;
}

/** A component, drawn as a box with its kind icon and label. */
export interface DiagramComponent {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  /** Enclosing boundary id; absent for the implicit zone (drawn at top level). */
  readonly boundary?: string;
}

/** A data flow, drawn as an orthogonal edge with a label. */
export interface DiagramFlow {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly bidirectional: boolean;
}

/** What the layout needs, sorted by id so the same model always gives the same ELK input. */
export interface DiagramGraph {
  readonly boundaries: readonly DiagramBoundary[];
  readonly components: readonly DiagramComponent[];
  readonly flows: readonly DiagramFlow[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A positioned component; coordinates are absolute (diagram space). */
export interface PositionedNode extends Box {
  readonly id: string;
  /** The label as drawn, one entry per line: what the box was sized for (`labelLines`). */
  readonly lines: readonly string[];
}

/** A positioned boundary; `depth` 0 is outermost, for drawing order and shading. */
export interface PositionedBoundary extends Box {
  readonly id: string;
  readonly depth: number;
}

/** One orthogonal route section of an edge. */
export interface EdgeSection {
  readonly start: Point;
  readonly end: Point;
  readonly bendPoints: readonly Point[];
}

export interface PositionedEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly sections: readonly EdgeSection[];
  /** The label's box, when the flow has a label. */
  readonly label?: Box & { readonly text: string };
}

/** The laid-out diagram; every coordinate is absolute. */
export interface PositionedLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PositionedNode[];
  readonly boundaries: readonly PositionedBoundary[];
  readonly edges: readonly PositionedEdge[];
}

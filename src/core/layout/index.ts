/**
 * The diagram layout: `computeLayout(graph)` runs ELK (layered) over a diagram graph and returns
 * absolute positions. Given the panel's aspect ratio, it picks the arrangement that fills that
 * panel best (see {@link LayoutOptions.aspectRatio}). This is the only module that loads the ELK runtime, and
 * it loads it lazily on the first call, so importing the layout types costs nothing. The
 * extension calls it from a worker thread (src/extension/layoutWorker.ts); the benchmark and the
 * tests call it directly.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import {
  toElkGraph,
  fromElkGraph,
  labelLines,
  NODE_GEOMETRY,
  type ElkGraphOptions,
} from './elkGraph';
import type { DiagramGraph, PositionedLayout } from './types';

export * from './types';
export { diagramGraphFromPipeline, flowLabel } from './diagramGraph';
export {
  toElkGraph,
  fromElkGraph,
  componentWidth,
  componentHeight,
  labelLines,
  flowLabelBox,
  flowLabelWidth,
  NODE_GEOMETRY,
  GLOBAL_LAYOUT_LIMIT,
  type ElkGraphOptions,
  type HierarchyMode,
  type LayoutDirection,
} from './elkGraph';
import type { LayoutDirection } from './elkGraph';

export interface LayoutOptions extends Omit<
  ElkGraphOptions,
  'wrapToAspectRatio' | 'labelLineChars'
> {
  /**
   * Width / height of the panel the diagram is shown in (the webview reports its size). With it
   * and no fixed `direction`, models up to {@link ARRANGEMENT_SEARCH_LIMIT} components are laid
   * out in each of {@link ARRANGEMENTS}, with labels wrapped for each of
   * {@link LABEL_LINE_CHARS}, and the one whose "Fit" scale in that panel is largest
   * wins (so its labels are largest); larger models get one layout, left to right. Without it,
   * one layout in `direction` (default left to right), as before.
   */
  readonly aspectRatio?: number;
}

/**
 * Largest model (components) for which every arrangement is tried. The readability target
 * is models up to 30 components; above, eight layouts would cost more than the gain (measured in
 * `npm run bench -- --stages layout`).
 */
export const ARRANGEMENT_SEARCH_LIMIT = 30;

/**
 * The arrangements tried, in order (ties keep the earlier one, so the choice is deterministic):
 * layers left to right or top to bottom, each plain or wrapped into rows by ELK's graph wrapping.
 */
export const ARRANGEMENTS: readonly { direction: LayoutDirection; wrap: boolean }[] = [
  { direction: 'RIGHT', wrap: false },
  { direction: 'DOWN', wrap: false },
  { direction: 'RIGHT', wrap: true },
  { direction: 'DOWN', wrap: true },
];

/**
 * Line lengths component labels are wrapped for, tried with each arrangement (the first is the
 * default, {@link NODE_GEOMETRY.maxLineChars}): long lines make wide, low boxes, which suit a
 * wide panel; short ones narrow, taller boxes (up to three lines), which suit a narrow one.
 */
export const LABEL_LINE_CHARS: readonly number[] = [NODE_GEOMETRY.maxLineChars, 10];

/** Scale at which a layout fits a panel of this aspect ratio (panel height 1). */
export function fitScale(layout: { width: number; height: number }, aspectRatio: number): number {
  return Math.min(aspectRatio / Math.max(1, layout.width), 1 / Math.max(1, layout.height));
}

let elk: ELK | undefined;

async function elkInstance(): Promise<ELK> {
  if (!elk) {
    // The bundled build runs ELK in the calling thread (no nested worker): the caller decides
    // which thread that is.
    const module = await import('elkjs/lib/elk.bundled.js');
    const ElkConstructor = (module.default ?? module) as unknown as new () => ELK;
    elk = new ElkConstructor();
  }
  return elk;
}

/** Lays out a diagram graph. Rejects only if ELK itself fails (reported, never thrown past the caller). */
export async function computeLayout(
  graph: DiagramGraph,
  options: LayoutOptions = {},
): Promise<PositionedLayout> {
  const engine = await elkInstance();
  const ratio = options.aspectRatio;
  const search =
    options.direction === undefined &&
    ratio !== undefined &&
    Number.isFinite(ratio) &&
    ratio > 0 &&
    graph.components.length <= ARRANGEMENT_SEARCH_LIMIT;
  if (!search) {
    const { aspectRatio: _unused, ...single } = options;
    return fromElkGraph(await engine.layout(toElkGraph(graph, single)), graph);
  }
  let best: PositionedLayout | undefined;
  let bestScale = -1;
  const sameLines = (chars: number) =>
    graph.components.every(
      (c) => labelLines(c.label, chars).join('\n') === labelLines(c.label).join('\n'),
    );
  for (const labelLineChars of LABEL_LINE_CHARS) {
    // Shorter lines that wrap no label differently give the same layouts: not worth running.
    if (labelLineChars !== NODE_GEOMETRY.maxLineChars && sameLines(labelLineChars)) continue;
    for (const arrangement of ARRANGEMENTS) {
      const input = toElkGraph(graph, {
        ...(options.hierarchy !== undefined && { hierarchy: options.hierarchy }),
        direction: arrangement.direction,
        ...(arrangement.wrap && { wrapToAspectRatio: ratio }),
        labelLineChars,
      });
      const layout = fromElkGraph(await engine.layout(input), graph, { labelLineChars });
      const scale = fitScale(layout, ratio);
      // A wrapped layout must be clearly better to win: wrapping turns flows back across rows.
      // So must shorter label lines: they break labels that fit on one line.
      const handicap =
        (arrangement.wrap ? 1.05 : 1) * (labelLineChars < NODE_GEOMETRY.maxLineChars ? 1.05 : 1);
      if (scale > bestScale * handicap) {
        best = layout;
        bestScale = scale;
      }
    }
  }
  return best as PositionedLayout;
}
export {
  buildScene,
  sceneThreats,
  type DiagramScene,
  type SceneThreat,
  type SceneAtlasRef,
} from './scene';

/**
 * The diagram layout: `computeLayout(graph)` runs ELK (layered, left to right) over a diagram
 * graph and returns absolute positions. This is the only module that loads the ELK runtime, and
 * it loads it lazily on the first call, so importing the layout types costs nothing. The
 * extension calls it from a worker thread (src/extension/layoutWorker.ts); the benchmark and the
 * tests call it directly.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import { toElkGraph, fromElkGraph, type ElkGraphOptions } from './elkGraph';
import type { DiagramGraph, PositionedLayout } from './types';

export * from './types';
export { diagramGraphFromPipeline, flowLabel } from './diagramGraph';
export {
  toElkGraph,
  fromElkGraph,
  componentWidth,
  flowLabelWidth,
  NODE_GEOMETRY,
  GLOBAL_LAYOUT_LIMIT,
  type ElkGraphOptions,
  type HierarchyMode,
  type LayoutDirection,
} from './elkGraph';

export type LayoutOptions = ElkGraphOptions;

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
  const input = toElkGraph(graph, options);
  const laidOut = await (await elkInstance()).layout(input);
  return fromElkGraph(laidOut, graph);
}
export {
  buildScene,
  sceneThreats,
  type DiagramScene,
  type SceneThreat,
  type SceneAtlasRef,
} from './scene';

/**
 * Editor position → diagram element, for "the cursor in the YAML highlights the element".
 * Pure (no vscode), so it is unit-tested; the panel converts the cursor to an offset.
 */
import type { Analysis } from '../../core/analysis';

/**
 * The component or flow whose YAML contains an offset; the smallest enclosing one wins, so the
 * cursor in a flow list item picks the flow, not anything around it. Undefined outside both.
 */
export function elementAtOffset(analysis: Analysis, offset: number): string | undefined {
  const model = analysis.model;
  if (!model) return undefined;
  const hits = [...model.flows, ...model.components].filter((e) => e.range.start <= offset && offset <= e.range.end);
  hits.sort((a, b) => a.range.end - a.range.start - (b.range.end - b.range.start));
  return hits[0]?.id;
}

/**
 * Editor position → diagram element, for "the cursor in the YAML highlights the element".
 * Pure (no vscode), so it is unit-tested; the panel converts the cursor to an offset.
 */
import { modelOf, type Analysis } from '../../core/analysis';

/**
 * The component or flow whose YAML (its id key or its value) contains an offset; the smallest
 * enclosing one wins, so the cursor in a flow list item picks the flow, not anything around it.
 * Undefined outside both.
 */
export function elementAtOffset(analysis: Analysis, offset: number): string | undefined {
  const model = modelOf(analysis);
  if (!model) return undefined;
  // A component's value range starts after its key: from the key on (`scorer:` and the rest of
  // that line) belongs to it too.
  const hits = [...model.flows, ...model.components]
    .map((e) => ({
      id: e.id,
      start: Math.min(e.range.start, e.idRange.start),
      end: Math.max(e.range.end, e.idRange.end),
    }))
    .filter((r) => r.start <= offset && offset <= r.end);
  hits.sort((a, b) => a.end - a.start - (b.end - b.start));
  return hits[0]?.id;
}

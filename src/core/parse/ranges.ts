/**
 * The source map both YAML readers fill (the `yaml` library path in `source.ts` and the fast
 * reader in `simpleYaml.ts`) and the range rules they follow, in one place so the two cannot
 * drift — a diagnostic underlines the same characters whichever reader read the file — and
 * neither reader imports the other's module.
 */
import type { SourceRange } from '../problems';

/** Where a key and its value sit in the text. `key` is absent for sequence items and the root. */
export interface SourceEntry {
  readonly key?: SourceRange;
  readonly value: SourceRange;
}

/** JSON pointer (RFC 6901, e.g. `/components/scorer/controls/0`) → source ranges. */
export type SourceMap = ReadonlyMap<string, SourceEntry>;

/**
 * Where a value's range ends: never after the line breaks that follow it. The library's range of
 * a block scalar (`|`, `>`) runs on over its final line break(s); a problem on one should not
 * spill onto the next line.
 */
export function endBeforeLineBreaks(text: string, start: number, end: number): number {
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end;
}

/**
 * A block collection's range: from its first entry to where its last entry's value ends. The
 * library's own range runs on over the line break, trailing spaces and comment after it, and over
 * following comment lines depending on their indentation, so a diagnostic on a component would
 * underline the comment that introduces the next section.
 */
export function blockCollectionRange(start: number, lastValueEnd: number): SourceRange {
  return { start, end: lastValueEnd };
}

/**
 * Text edits as plain data: what refactors (rename) and quick fixes produce, applied by the CLI
 * to strings and by the extension as a `WorkspaceEdit` (so undo works). Offsets are UTF-16.
 */
import { parse } from 'yaml';
import type { SourceRange } from '../problems';

export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/** Applies non-overlapping edits to a text (in any order). Throws on overlap: a bug, not input. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort(
    (a, b) => b.range.start - a.range.start || b.range.end - a.range.end,
  );
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.range.end > limit) throw new Error('overlapping text edits');
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
    limit = edit.range.start;
  }
  return result;
}

/**
 * A string as a YAML scalar that reads back as the same string, in block or flow context: plain
 * when it is safe (ids, hashes), else double-quoted. Plain `12e5`, `0x1f`, `true`, `null`, `no`
 * would read back as numbers, booleans or null, so they are quoted.
 */
export function yamlScalar(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@>-]*$/.test(value) || /^(y|n|yes|no|on|off)$/i.test(value))
    return JSON.stringify(value);
  try {
    return parse(value) === value ? value : JSON.stringify(value);
  } catch {
    return JSON.stringify(value);
  }
}

/** The smallest single edit turning `before` into `after` (keeps cursors and undo steps tidy). */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { range: { start, end: endBefore }, newText: after.slice(start, endAfter) };
}

/**
 * Where offsets of `before` are in `after`, read as `before` with one span replaced (what a
 * person typing makes between two analyses): offsets before the span stay, offsets after it
 * move by the change in length, offsets inside it have no place (undefined). The span is
 * {@link minimalEdit}'s, so any two texts map, an unrelated pair with nearly nothing kept.
 */
export function offsetMapping(
  before: string,
  after: string,
): (offset: number) => number | undefined {
  const { range, newText } = minimalEdit(before, after);
  const delta = newText.length - (range.end - range.start);
  return (offset) =>
    offset < range.start ? offset : offset >= range.end ? offset + delta : undefined;
}

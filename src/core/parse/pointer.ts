/**
 * JSON pointers (RFC 6901), the keys of every source map: shared by both YAML readers
 * (`source.ts` and the fast reader `simpleYaml.ts`) without either importing the other's module.
 */

/** Escapes one JSON-pointer segment. */
export function pointerSegment(key: string | number): string {
  const text = String(key);
  // Most keys need no escape: the readers build a pointer for every key of every file.
  if (!text.includes('~') && !text.includes('/')) return text;
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from segments. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((segment) => '/' + pointerSegment(segment)).join('');
}

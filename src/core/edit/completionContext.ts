/**
 * Where completion is asked for in a model's YAML: the key whose value is being typed and the
 * top-level section around it, read from the lines alone (the text is often half-typed and
 * does not parse). Pure, so it is unit-tested and any editor front end can use it.
 */

/** The key whose value is being typed at the cursor, with the top-level section it is in. */
export function completionContext(
  lines: readonly string[],
  line: number,
  character: number,
): { key: string; section: string } | undefined {
  const prefix = (lines[line] ?? '').slice(0, character);
  let key: string | undefined;
  const inline = /([A-Za-z_]+):\s*(?:\[[^\]]*)?[^,:[\]{}]*$/.exec(prefix);
  if (inline) key = inline[1];
  else {
    const dash = /^(\s*)-\s*[^:]*$/.exec(prefix);
    if (dash) {
      const indent = dash[1]?.length ?? 0;
      for (let i = line - 1; i >= 0; i--) {
        const match = /^(\s*)([A-Za-z_]+):\s*(#.*)?$/.exec(lines[i] ?? '');
        if (match && (match[1]?.length ?? 0) <= indent) {
          key = match[2];
          break;
        }
        if (/^\S/.test(lines[i] ?? '')) break;
      }
    }
  }
  if (!key) return undefined;
  let section = '';
  for (let i = line; i >= 0; i--) {
    const top = /^([A-Za-z_]+):/.exec(lines[i] ?? '');
    if (top?.[1]) {
      section = top[1];
      break;
    }
  }
  return { key, section };
}

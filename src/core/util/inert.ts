/**
 * Model strings made inert for text output. A name, kind, id, file name or rule text can hold
 * any character; printed as is, a newline followed by `::error file=…::` forges a GitHub Actions
 * annotation or a fake `PASS` line, and ESC, BEL or bidi controls clear a terminal, ring it or
 * hide text. Every such character is written visibly instead (`\n`, `\u001b`, `\u202e`): the one
 * escaping function for problem messages (core/problems.ts), every line the CLI prints and the
 * reports (core/report/text.ts).
 */

/* eslint-disable no-control-regex -- matching control characters is the point */
/** C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings, overrides and isolates. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, except the line breaks and tabs a multi-line text may keep. */
const CONTROL_EXCEPT_LAYOUT =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  // `\u001b` rather than `\x1b`: the same escape is valid in JSON, so JSON output stays valid
  // and means the same.
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `value` with every control character written visibly, on one line. */
export function inert(value: string): string {
  return value.replace(CONTROL, visible);
}

/** `value` with control characters written visibly, but its line breaks and tabs kept. */
export function inertKeepingLines(value: string): string {
  return value.replace(CONTROL_EXCEPT_LAYOUT, visible);
}

/** A value in backquotes, inert: how messages quote what the user wrote. */
export function quoteInline(value: string): string {
  return `\`${inert(value)}\``;
}

/**
 * Escaping and wording shared by the report writers. Every string that comes from a model, a
 * register or a rule pack goes through one of these before it reaches output.
 */
import { inert, inertKeepingLines } from '../util/inert';
import { atlasUrl, type AtlasCatalogue } from '../kb/atlas';
import { OWASP_BY_ID } from '../kb/owasp';

const LINE_BREAKS = /\r\n?|\n|\u2028|\u2029/g;

/**
 * Text for Markdown, safe in a table cell, a heading or a paragraph: line breaks become spaces,
 * other control characters are written visibly (`\u001b`, never copied: NUL, ESC and BEL have
 * no business in a report), Markdown punctuation is backslash-escaped (no accidental emphasis, links, code or table
 * cells), and `<`, `>`, `&` become entities (no raw HTML reaches the renderer).
 */
export function mdText(value: string): string {
  return inert(value.replace(LINE_BREAKS, ' ')).replace(/[\\`*_[\]#|~<>&]/g, (ch) =>
    ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`,
  );
}

/**
 * Text for HTML element content and attribute values (double-quoted); control characters other
 * than line breaks and tabs are written visibly, as in Markdown.
 */
export function htmlText(value: string): string {
  return inertKeepingLines(value).replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** `High`, `Not applicable`. */
export function capitalise(value: string): string {
  const spaced = value.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export interface LinkedId {
  readonly id: string;
  readonly url?: string;
  readonly name?: string;
}

/** An ATLAS id with its page and its name in the catalogue in use. */
export function atlasRef(id: string, atlas: AtlasCatalogue): LinkedId {
  const url = atlasUrl(id);
  const name = atlas.nameOf(id);
  return { id, ...(url && { url }), ...(name && { name }) };
}

/** An OWASP ML / LLM Top 10 id with its page and name. */
export function owaspRef(id: string): LinkedId {
  const entry = OWASP_BY_ID.get(id);
  return entry ? { id, url: entry.url, name: entry.name } : { id };
}

/** A link in Markdown; the URL is percent-encoded where Markdown would break on it. */
export function mdLink(text: string, url: string | undefined): string {
  return url
    ? `[${mdText(text)}](${url.replace(/[()<> \\]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`
    : mdText(text);
}

/** A sentence ending in a full stop (rule texts may or may not end with one). */
export function sentence(value: string): string {
  const trimmed = value.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

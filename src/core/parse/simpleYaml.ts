/**
 * The fast path of `readYaml`: a reader for the plain, block-style YAML that models and registers
 * are written in (mappings, sequences, flow collections on one or more lines, plain and quoted
 * scalars, literal and folded block scalars, comments). It produces exactly what the full path
 * produces from the `yaml` library's document (the same plain value and the same source map,
 * range for range) or declines, and the full path reads the file instead.
 *
 * Why it exists: building the `yaml` library's document (CST, then nodes) costs about 13 ms on a
 * 25 KB, 50-component model, more than the whole budget for analysing one (DESIGN.md §4: under
 * 10 ms); this reader takes about a tenth of that. The library stays the reference: anything this
 * reader is unsure of (anchors, aliases, tags, directives, explicit keys, multi-line plain or
 * quoted scalars, tabs, CR line ends, a BOM, a duplicate key, a key that is not a plain string,
 * any syntax error) makes it decline, so every problem message still comes from the full path.
 * A differential property test holds the two paths equal on real and mutated files.
 */
import type { SourceRange } from '../problems';
import { pointerSegment } from './pointer';
import { blockCollectionRange, endBeforeLineBreaks, type SourceEntry } from './ranges';

export interface SimpleRead {
  readonly value: unknown;
  readonly sourceMap: Map<string, SourceEntry>;
}

/** Thrown (and caught below) when the text leaves the subset this reader handles. */
const DECLINED = new Error('outside the simple subset');

function decline(): never {
  throw DECLINED;
}

/**
 * Characters that make the reader decline anywhere: tab and CR (indentation and line-end rules),
 * BOM, other C0/C1 controls and the Unicode line separators (the library's treatment of them is
 * not worth copying).
 */
const UNSUPPORTED_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/** Directives (`%YAML`) and document markers (`---`, `...`) at a line start. */
const DOCUMENT_SYNTAX = /^(?:%|(?:---|\.\.\.)(?:[ \n]|$))/m;

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/**
 * Reads `text` if it is in the simple subset; `undefined` means "use the full path". `maxDepth`
 * is the nesting limit of the full path: deeper text is declined so the full path reports it.
 */
export function readSimpleYaml(text: string, maxDepth: number): SimpleRead | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text) || DOCUMENT_SYNTAX.test(text)) return undefined;
  try {
    return new SimpleReader(text, maxDepth).document();
  } catch (error) {
    if (error === DECLINED) return undefined;
    throw error;
  }
}

/**
 * A plain scalar's value under the YAML 1.2 core schema, as the `yaml` library resolves it
 * (same patterns, same conversions).
 */
export function resolvePlainScalar(raw: string): unknown {
  const first = raw.charCodeAt(0);
  // Only these first characters can start a null, a boolean or a number.
  const mayBeSpecial =
    raw.length === 0 ||
    first === 126 /* ~ */ ||
    first === 43 /* + */ ||
    first === DASH ||
    first === 46 /* . */ ||
    (first >= 48 && first <= 57) ||
    'nNtTfF'.includes(raw[0] ?? '');
  if (!mayBeSpecial) return raw;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(raw)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(raw)) return raw[0] === 't' || raw[0] === 'T';
  if (/^0o[0-7]+$/.test(raw)) return parseInt(raw.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(raw)) return parseInt(raw, 10);
  if (/^0x[0-9a-fA-F]+$/.test(raw)) return parseInt(raw.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(raw))
    return raw.slice(-3).toLowerCase() === 'nan' ? NaN : raw[0] === '-' ? -Infinity : Infinity;
  if (
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(raw) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(raw)
  )
    return parseFloat(raw);
  return raw;
}

const DOUBLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** Characters that cannot start a plain scalar (some start other syntax this reader handles). */
function isIndicator(code: number): boolean {
  // , [ ] { } # & * ! | > ' " % @ `
  return (
    code === 44 ||
    code === 91 ||
    code === 93 ||
    code === 123 ||
    code === 125 ||
    code === HASH ||
    code === 38 ||
    code === 42 ||
    code === 33 ||
    code === 124 ||
    code === 62 ||
    code === 39 ||
    code === 34 ||
    code === 37 ||
    code === 64 ||
    code === 96
  );
}

/** Characters a flow-context plain scalar stops at. */
function isFlowIndicator(code: number): boolean {
  return code === 44 || code === 91 || code === 93 || code === 123 || code === 125;
}

/** Pointer → entry, with entries mutable while their collection is still being read. */
type MutableEntry = { key?: SourceRange; value: SourceRange };

/**
 * The value range of an entry whose value is still being read (set before the entry is left).
 * One shared placeholder: the entry goes into the source map first, so pointers keep document
 * order, and a fresh range for each one was thrown away at once.
 */
const PENDING: SourceRange = Object.freeze({ start: 0, end: 0 });
/** What a flow sequence never reads: the mapping and key set of a flow mapping. */
const NO_OBJECT: Record<string, unknown> = Object.freeze({});
const NO_KEYS: Set<string> = new Set();

class SimpleReader {
  private pos = 0;
  /** Indent of the content line at `pos` after a block node ends; -1 at the end of the text. */
  private nextIndent = -1;
  /** End of the key last read by `key()`. */
  private keyEnd = 0;
  /** End of the block collection last read: where its last entry's value ends. */
  private collectionEnd = 0;
  private readonly sourceMap = new Map<string, MutableEntry>();

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  document(): SimpleRead {
    const root: MutableEntry = { value: { start: 0, end: 0 } };
    this.sourceMap.set('', root);
    const indent = this.skipToContent();
    if (indent < 0) decline();
    const start = this.pos;
    const value = this.blockNode(indent, '', 0);
    if (this.nextIndent >= 0) decline();
    root.value = blockCollectionRange(start, this.collectionEnd);
    return { value, sourceMap: this.sourceMap };
  }

  /**
   * From a line start, skips blank and comment-only lines. Leaves `pos` on the first character of
   * the next content line and returns its indent, or -1 at the end of the text.
   */
  private skipToContent(): number {
    const t = this.text;
    let lineStart = this.pos;
    while (lineStart < t.length) {
      let i = lineStart;
      while (t.charCodeAt(i) === SPACE) i++;
      if (i >= t.length) break;
      const code = t.charCodeAt(i);
      if (code === NEWLINE) {
        lineStart = i + 1;
        continue;
      }
      if (code === HASH) {
        const end = t.indexOf('\n', i);
        lineStart = end < 0 ? t.length : end + 1;
        continue;
      }
      this.pos = i;
      return i - lineStart;
    }
    this.pos = t.length;
    return -1;
  }

  /**
   * After a value on a line: allows trailing spaces and a comment (after at least one space),
   * then moves to the next content line.
   */
  private finishLine(): void {
    const t = this.text;
    let i = this.pos;
    while (t.charCodeAt(i) === SPACE) i++;
    if (i < t.length && t.charCodeAt(i) !== NEWLINE) {
      if (t.charCodeAt(i) !== HASH || i === this.pos) decline();
      i = t.indexOf('\n', i);
      if (i < 0) i = t.length;
    }
    this.pos = i < t.length ? i + 1 : i;
    this.nextIndent = this.skipToContent();
  }

  private atSequenceItem(): boolean {
    const t = this.text;
    const p = this.pos;
    if (t.charCodeAt(p) !== DASH) return false;
    const next = t.charCodeAt(p + 1);
    return p + 1 >= t.length || next === SPACE || next === NEWLINE;
  }

  /** A block mapping or sequence starting at `pos`, whose lines are indented `indent`. */
  private blockNode(indent: number, path: string, depth: number): unknown {
    if (depth > this.maxDepth) decline();
    return this.atSequenceItem()
      ? this.blockSequence(indent, path, depth)
      : this.blockMapping(indent, path, depth);
  }

  private blockMapping(indent: number, path: string, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) decline();
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (;;) {
      const keyStart = this.pos;
      const name = this.key();
      if (seen.has(name)) decline();
      seen.add(name);
      const entry: MutableEntry = { key: { start: keyStart, end: this.keyEnd }, value: PENDING };
      const childPath = path + '/' + pointerSegment(name);
      this.sourceMap.set(childPath, entry);
      const child = this.valueAfterIndicator(indent, childPath, depth + 1, entry, true);
      this.collectionEnd = entry.value.end;
      if (name === '__proto__')
        Object.defineProperty(object, name, {
          value: child,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else object[name] = child;
      if (this.nextIndent !== indent) break;
      if (this.atSequenceItem()) decline();
    }
    if (this.nextIndent > indent) decline();
    return object;
  }

  private blockSequence(indent: number, path: string, depth: number): unknown[] {
    if (depth > this.maxDepth) decline();
    const items: unknown[] = [];
    for (;;) {
      const dash = this.pos;
      const childPath = path + '/' + items.length;
      const entry: MutableEntry = { value: PENDING };
      this.sourceMap.set(childPath, entry);
      this.pos = dash + 1;
      items.push(this.valueAfterIndicator(indent, childPath, depth + 1, entry, false));
      this.collectionEnd = entry.value.end;
      if (this.nextIndent !== indent || !this.atSequenceItem()) break;
    }
    // A line at this indent that is not an item ends the sequence: it may be the next key of a
    // mapping at the same indent (`key:` then `- item` lines is valid YAML). Deeper is an error.
    if (this.nextIndent > indent) decline();
    return items;
  }

  /**
   * The value after a mapping's `:` or a sequence's `-` at `pos`, in a collection indented
   * `indent`. Fills in the entry's value range.
   */
  private valueAfterIndicator(
    indent: number,
    path: string,
    depth: number,
    entry: MutableEntry,
    inMapping: boolean,
  ): unknown {
    if (depth > this.maxDepth) decline();
    const t = this.text;
    let i = this.pos;
    while (t.charCodeAt(i) === SPACE) i++;
    const code = t.charCodeAt(i);
    if (i >= t.length || code === NEWLINE || (code === HASH && i > this.pos)) {
      // Nothing more on this line: the value is a block collection on the next lines, or null.
      const nullAt = i;
      // From before the spaces, so a comment after them counts as separated.
      this.finishLine();
      const next = this.nextIndent;
      if (next > indent || (inMapping && next === indent && this.atSequenceItem())) {
        const start = this.pos;
        const value = this.blockNode(next, path, depth);
        entry.value = blockCollectionRange(start, this.collectionEnd);
        return value;
      }
      entry.value = { start: nullAt, end: nullAt };
      return null;
    }
    this.pos = i;
    if (!inMapping) {
      // `- - x` (a sequence in a sequence on one line) is left to the full path.
      if (this.atSequenceItem()) decline();
      const keyLine = this.isKeyAt(i);
      if (keyLine) {
        // `- key: value`: a mapping whose lines are indented to its first key.
        const value = this.blockMapping(i - this.lineStartOf(i), path, depth);
        entry.value = blockCollectionRange(i, this.collectionEnd);
        return value;
      }
    }
    const start = i;
    const value = this.inlineValue(indent, path, depth);
    entry.value = { start, end: this.valueEnd };
    this.finishLine();
    return value;
  }

  private lineStartOf(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** End of the scalar or flow collection last read by `inlineValue`. */
  private valueEnd = 0;

  /** A value written on the current line (possibly continuing, for flow collections and block scalars). */
  private inlineValue(indent: number, path: string, depth: number): unknown {
    const t = this.text;
    const code = t.charCodeAt(this.pos);
    if (code === 91 /* [ */ || code === 123 /* { */) {
      const value = this.flowCollection(indent, path, depth);
      this.valueEnd = this.pos;
      return value;
    }
    if (code === 34 /* " */ || code === 39 /* ' */) {
      const value = this.quoted();
      this.valueEnd = this.pos;
      return value;
    }
    if (code === 124 /* | */ || code === 62 /* > */) return this.blockScalar(indent);
    if (isIndicator(code)) decline();
    if ((code === DASH || code === 63 /* ? */ || code === COLON) && this.isSpaceOrEnd(this.pos + 1))
      decline();
    // A plain scalar: to the end of the line or a comment; a `: ` inside would be a nested
    // mapping on one line, which the full path reports.
    const start = this.pos;
    let end = start;
    let i = start;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === NEWLINE) break;
      if (c === SPACE) {
        if (t.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (c === COLON && this.isSpaceOrEnd(i + 1)) decline();
      end = i + 1;
    }
    this.pos = end;
    this.valueEnd = end;
    return resolvePlainScalar(t.slice(start, end));
  }

  private isSpaceOrEnd(offset: number): boolean {
    const c = this.text.charCodeAt(offset);
    return offset >= this.text.length || c === SPACE || c === NEWLINE;
  }

  /** Whether a block mapping key (`name:` followed by a space or the line end) starts at `offset`. */
  private isKeyAt(offset: number): boolean {
    const code = this.text.charCodeAt(offset);
    if (code !== 34 && code !== 39) return this.plainKeyEnd(offset) >= 0;
    // A quoted key: read the quoted scalar to find what follows it (rare; may throw DECLINED).
    const saved = this.pos;
    try {
      this.pos = offset;
      this.quoted();
      return (
        this.text.charCodeAt(this.pos) === COLON &&
        this.isSpaceOrEnd(this.pos + 1) &&
        this.pos - offset <= 1024
      );
    } catch (error) {
      if (error === DECLINED) return false;
      throw error;
    } finally {
      this.pos = saved;
    }
  }

  /**
   * The offset of the `:` ending a plain block mapping key at `offset`, or -1 when there is no key
   * there this reader handles (no throw: sequence items are tested with it, most are not keys).
   */
  private plainKeyEnd(offset: number): number {
    const t = this.text;
    const code = t.charCodeAt(offset);
    if (isIndicator(code) || code === DASH || code === 63 || code === COLON || code === SPACE)
      return -1;
    for (let i = offset; i < t.length && i - offset <= 1024; i++) {
      const c = t.charCodeAt(i);
      // Flow indicators inside a key and a comment before its `:` are left to the full path.
      if (c === NEWLINE || isFlowIndicator(c) || (c === HASH && t.charCodeAt(i - 1) === SPACE))
        return -1;
      if (c === COLON && this.isSpaceOrEnd(i + 1)) return t.charCodeAt(i - 1) === SPACE ? -1 : i;
    }
    return -1;
  }

  /** A block mapping key at `pos`; leaves `pos` just after its `:` and `keyEnd` at its end. */
  private key(): string {
    const t = this.text;
    const start = this.pos;
    const code = t.charCodeAt(start);
    let name: string;
    let end: number;
    if (code === 34 || code === 39) {
      name = this.quoted();
      end = this.pos;
      // The library refuses an implicit key whose `:` is more than 1024 characters on.
      if (t.charCodeAt(end) !== COLON || !this.isSpaceOrEnd(end + 1) || end - start > 1024)
        decline();
    } else {
      end = this.plainKeyEnd(start);
      if (end < 0) decline();
      const resolved = resolvePlainScalar(t.slice(start, end));
      if (resolved === null) decline();
      name = String(resolved);
    }
    this.keyEnd = end;
    this.pos = end + 1;
    return name;
  }

  /** A quoted scalar on one line at `pos`; leaves `pos` after the closing quote. */
  private quoted(): string {
    const t = this.text;
    const quote = t[this.pos];
    let i = this.pos + 1;
    let out = '';
    if (quote === "'") {
      for (;;) {
        const close = t.indexOf("'", i);
        if (close < 0) decline();
        // Only the characters up to the quote are checked for a line break (a search to the line
        // end on every scalar made a long line of quoted scalars quadratic).
        for (let k = i; k < close; k++) if (t.charCodeAt(k) === NEWLINE) decline();
        out += t.slice(i, close);
        if (t.charCodeAt(close + 1) === 39) {
          out += "'";
          i = close + 2;
          continue;
        }
        this.pos = close + 1;
        return out;
      }
    }
    let chunk = i;
    for (;;) {
      if (i >= t.length) decline();
      const c = t[i];
      if (c === '"') break;
      if (c === '\n') decline();
      if (c === '\\') {
        out += t.slice(chunk, i);
        const next = t[i + 1] ?? '';
        const simple = DOUBLE_QUOTE_ESCAPES[next];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (next === 'x' || next === 'u' || next === 'U') {
          const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
          const hex = t.substr(i + 2, length);
          if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) decline();
          const codePoint = parseInt(hex, 16);
          if (codePoint > 0x10ffff) decline();
          out += String.fromCodePoint(codePoint);
          i += 2 + length;
        } else decline();
        chunk = i;
        continue;
      }
      i++;
    }
    out += t.slice(chunk, i);
    this.pos = i + 1;
    return out;
  }

  /**
   * A flow collection at `pos` (`[…]` or `{…}`), possibly over several lines, each indented more
   * than the block collection around it. Leaves `pos` after the closing bracket.
   */
  private flowCollection(indent: number, path: string, depth: number): unknown {
    if (depth > this.maxDepth) decline();
    const t = this.text;
    const isSequence = t.charCodeAt(this.pos) === 91;
    const close = isSequence ? 93 : 125;
    this.pos++;
    // Only what the collection's kind needs: most are short sequences (`data: [a, b]`), and an
    // unused mapping and key set for each was a third of this reader's garbage.
    const items: unknown[] = [];
    const object: Record<string, unknown> = isSequence ? NO_OBJECT : {};
    const seen = isSequence ? NO_KEYS : new Set<string>();
    for (;;) {
      this.skipFlowSpace(indent);
      if (t.charCodeAt(this.pos) === close) break;
      if (isSequence) {
        const childPath = path + '/' + items.length;
        const start = this.pos;
        const entry: MutableEntry = { value: PENDING };
        this.sourceMap.set(childPath, entry);
        items.push(this.flowItem(indent, childPath, depth + 1, true));
        entry.value = { start, end: this.valueEnd };
      } else {
        const keyStart = this.pos;
        const keyCode = t.charCodeAt(keyStart);
        if (keyCode === 91 || keyCode === 123) decline();
        const keyValue = this.flowItem(indent, path, depth + 1, false);
        const keyEnd = this.valueEnd;
        if (t.charCodeAt(this.pos) !== COLON) decline();
        const quotedKey = keyCode === 34 || keyCode === 39;
        if (keyValue === null && !quotedKey) decline();
        const name = String(keyValue);
        if (seen.has(name)) decline();
        seen.add(name);
        this.pos++;
        const after = t.charCodeAt(this.pos);
        if (after !== SPACE && after !== NEWLINE) decline();
        this.skipFlowSpace(indent);
        const valueCode = t.charCodeAt(this.pos);
        if (valueCode === 44 || valueCode === close || this.pos >= t.length) decline();
        const childPath = path + '/' + pointerSegment(name);
        const entry: MutableEntry = { key: { start: keyStart, end: keyEnd }, value: PENDING };
        this.sourceMap.set(childPath, entry);
        const valueStart = this.pos;
        const value = this.flowItem(indent, childPath, depth + 1, true);
        entry.value = { start: valueStart, end: this.valueEnd };
        if (name === '__proto__')
          Object.defineProperty(object, name, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else object[name] = value;
      }
      this.skipFlowSpace(indent);
      const next = t.charCodeAt(this.pos);
      if (next === close) break;
      if (next !== 44 /* , */) decline();
      this.pos++;
    }
    this.pos++;
    return isSequence ? items : object;
  }

  /**
   * Spaces and line breaks inside a flow collection. A continuation line must be indented more
   * than the block collection around it; comments inside flow collections are left to the full path.
   */
  private skipFlowSpace(indent: number): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === SPACE) this.pos++;
      else if (c === NEWLINE) {
        this.pos++;
        let column = 0;
        while (t.charCodeAt(this.pos) === SPACE) {
          this.pos++;
          column++;
        }
        const next = t.charCodeAt(this.pos);
        if (next !== NEWLINE && column <= indent) decline();
      } else if (c === HASH || this.pos >= t.length) decline();
      else return;
    }
  }

  /** One value inside a flow collection; sets `valueEnd`, leaves `pos` after it. */
  private flowItem(indent: number, path: string, depth: number, asValue: boolean): unknown {
    // Scalars count as a level too: the full path refuses a scalar past the depth limit.
    if (depth > this.maxDepth) decline();
    const t = this.text;
    const code = t.charCodeAt(this.pos);
    if (code === 91 || code === 123) {
      if (!asValue) decline();
      const value = this.flowCollection(indent, path, depth);
      this.valueEnd = this.pos;
      return value;
    }
    if (code === 34 || code === 39) {
      const value = this.quoted();
      this.valueEnd = this.pos;
      // A quoted key in a sequence (`["a": b]`) is a pair; left to the full path.
      if (asValue && t.charCodeAt(this.pos) === COLON) decline();
      return value;
    }
    if (isIndicator(code)) decline();
    if (
      (code === DASH || code === 63 || code === COLON) &&
      (this.isSpaceOrEnd(this.pos + 1) || isFlowIndicator(t.charCodeAt(this.pos + 1)))
    )
      decline();
    const start = this.pos;
    let i = start;
    let end = start;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === NEWLINE || isFlowIndicator(c)) break;
      if (c === SPACE) {
        if (t.charCodeAt(i + 1) === HASH) decline();
        continue;
      }
      if (c === COLON) {
        const after = t.charCodeAt(i + 1);
        if (i + 1 >= t.length || after === SPACE || after === NEWLINE || isFlowIndicator(after)) {
          // A key's end; in a sequence, a pair, left to the full path.
          if (asValue) decline();
          break;
        }
      }
      end = i + 1;
    }
    // A plain scalar that continues on the next line is folded by YAML; left to the full path.
    if (t.charCodeAt(i) === NEWLINE) {
      let k = i + 1;
      while (t.charCodeAt(k) === SPACE || t.charCodeAt(k) === NEWLINE) k++;
      const next = t.charCodeAt(k);
      if (!isFlowIndicator(next) && next !== COLON) decline();
    }
    this.pos = end;
    this.valueEnd = end;
    return resolvePlainScalar(t.slice(start, end));
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar, clipped or stripped (`-`); content lines are
   * indented more than `indent`. Keep chomping (`+`), indentation indicators, more-indented lines
   * in folded scalars and whitespace-only lines longer than the indent are left to the full path.
   */
  private blockScalar(indent: number): string {
    const t = this.text;
    const header = this.pos;
    const literal = t.charCodeAt(header) === 124;
    let i = header + 1;
    let strip = false;
    if (t.charCodeAt(i) === DASH) {
      strip = true;
      i++;
    }
    const headerEnd = t.indexOf('\n', i);
    if (headerEnd < 0 || t.slice(i, headerEnd).trim() !== '') decline();
    // Content lines, with their indent removed.
    const lines: string[] = [];
    let contentIndent = -1;
    let lineStart = headerEnd + 1;
    let lastContentEnd = -1;
    let pendingEmpty = 0;
    while (lineStart < t.length) {
      let lineEnd = t.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = t.length;
      let k = lineStart;
      while (t.charCodeAt(k) === SPACE) k++;
      if (k === lineEnd) {
        // A whitespace-only line: empty, unless longer than the content indent.
        if (contentIndent >= 0 ? k - lineStart > contentIndent : k - lineStart > indent + 1)
          decline();
        pendingEmpty++;
        lineStart = lineEnd + 1;
        continue;
      }
      const column = k - lineStart;
      if (contentIndent < 0) {
        if (column <= indent) break;
        contentIndent = column;
      } else if (column < contentIndent) break;
      else if (column > contentIndent && !literal) decline();
      for (let e = 0; e < pendingEmpty; e++) lines.push('');
      pendingEmpty = 0;
      lines.push(t.slice(lineStart + contentIndent, lineEnd));
      lastContentEnd = lineEnd;
      lineStart = lineEnd + 1;
    }
    if (contentIndent < 0) decline();
    let value: string;
    if (literal) value = lines.join('\n');
    else {
      value = '';
      let empties = 0;
      let first = true;
      for (const line of lines) {
        if (line === '') {
          empties++;
          continue;
        }
        // Leading empty lines stay line breaks; between lines, one break folds to a space.
        if (first) value += '\n'.repeat(empties);
        else value += empties > 0 ? '\n'.repeat(empties) : ' ';
        value += line;
        empties = 0;
        first = false;
      }
    }
    if (!strip) value += '\n';
    // Resume at the line after the last content line; trailing blank lines are skipped there.
    this.pos = lastContentEnd;
    this.valueEnd = endBeforeLineBreaks(t, header, lastContentEnd);
    return value;
  }
}

/**
 * Evidence files as the importers see them: the text of one file, its YAML or JSON(C) documents
 * with source maps at absolute offsets, and `SourceRef`s (file + line) that every drafted element
 * and control carries. Parsing goes through the same guarded reader as models (`readYaml`), so
 * a truncated file, an alias bomb or deep nesting is a located problem, never a crash or a hang.
 *
 * Kubernetes files hold several documents (`---`); `readYaml` refuses that for models, so this
 * module splits the text at document markers and reads each part on its own, shifting offsets.
 */
import { DEFAULT_READ_LIMITS, readYaml, type SourceMap } from '../parse/source';
import type { Problem, SourceRange } from '../problems';
import { LineIndex } from '../util/lineIndex';

/** Where a drafted element or control comes from: a file (POSIX path as shown) and a 1-based line. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  /** The exact range in the evidence file, for located problems. */
  readonly range: SourceRange;
}

/** `path:line`, the form `x-source` and `x-evidence` values take. */
export function formatSourceRef(ref: SourceRef): string {
  return `${ref.file}:${ref.line}`;
}

/** One evidence file's text, with offset → line lookup. */
export class EvidenceFile {
  private index: LineIndex | undefined;

  /** `path` is POSIX-style and relative to where the draft will live (or absolute). */
  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  /** The file's name without folders. */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /** The name of the folder holding the file ('' at the top). */
  get folderName(): string {
    const parts = this.path.split('/');
    return parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  }

  ref(range: SourceRange): SourceRef {
    return { file: this.path, line: this.lines.position(range.start).line, range };
  }
}

/** One YAML or JSON document of an evidence file. */
export class EvidenceDoc {
  constructor(
    readonly file: EvidenceFile,
    readonly value: unknown,
    /** Pointers → ranges at absolute offsets of the file. */
    private readonly sourceMap: SourceMap,
    private readonly base: number,
    /** A pointer prefix of the document's interesting part (`/pipelineSpec` in a Vertex job). */
    readonly root: string = '',
  ) {}

  /** The same document seen from a sub-tree (e.g. a Vertex job's `pipelineSpec`). */
  within(pointerPrefix: string, value: unknown): EvidenceDoc {
    return new EvidenceDoc(this.file, value, this.sourceMap, this.base, this.root + pointerPrefix);
  }

  /** The range of the key at `pointer` (relative to `root`), else its value, else the nearest parent's. */
  range(pointerPath: string): SourceRange {
    let current = this.root + pointerPath;
    for (;;) {
      const entry = this.sourceMap.get(current);
      if (entry) {
        const range = entry.key ?? entry.value;
        return { start: range.start + this.base, end: range.end + this.base };
      }
      if (current === '') return { start: this.base, end: this.base };
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }

  /** The range of the value at `pointer` (for a problem about a value), else as {@link range}. */
  valueRange(pointerPath: string): SourceRange {
    const entry = this.sourceMap.get(this.root + pointerPath);
    if (entry) return { start: entry.value.start + this.base, end: entry.value.end + this.base };
    return this.range(pointerPath);
  }

  ref(pointerPath: string): SourceRef {
    return this.file.ref(this.range(pointerPath));
  }
}

export interface ParsedEvidence {
  readonly file: EvidenceFile;
  readonly docs: readonly EvidenceDoc[];
  /** Problems that kept a document from being read (the file is skipped when this is not empty). */
  readonly problems: readonly Problem[];
}

/** Whether the text is JSON (after comments): starts with `{` or `[`. */
export function looksLikeJson(text: string): boolean {
  const blank = blankJsonComments(text);
  const first = /\S/.exec(blank);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/**
 * JSONC → JSON at the same offsets: comments and trailing commas become spaces (line breaks
 * kept), so a source map of the result points into the original text. Strings are kept as they
 * are, `//` inside a URL included.
 */
export function blankJsonComments(text: string): string {
  const out = text.split('');
  let i = 0;
  let lastSignificant = -1; // index of the last non-space character outside comments
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      lastSignificant = i;
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n' && text[i] !== '\r') out[i] = ' ';
      continue;
    }
    if (ch === '}' || ch === ']') {
      if (lastSignificant >= 0 && text[lastSignificant] === ',') out[lastSignificant] = ' ';
    }
    if (ch === '\t') out[i] = ' ';
    if (ch !== undefined && !/\s/.test(ch)) lastSignificant = i;
    i++;
  }
  return out.join('');
}

const DOCUMENT_MARKER = /^(---|\.\.\.)(?=[ \t]|\r?$)/gm;

/**
 * Reads a file's YAML documents (or its one JSON/JSONC document). Documents that hold only
 * comments are dropped; a document that does not parse makes the whole file a problem (it is
 * skipped rather than half-imported).
 */
export function parseEvidence(file: EvidenceFile, json = looksLikeJson(file.text)): ParsedEvidence {
  const text = json ? blankJsonComments(file.text) : file.text;
  const parts: { start: number; end: number }[] = [];
  if (json) parts.push({ start: 0, end: text.length });
  else {
    let start = 0;
    for (const match of text.matchAll(DOCUMENT_MARKER)) {
      parts.push({ start, end: match.index });
      // A `--- ` marker may carry content on its line (`--- !tag`, `--- {a: 1}`): keep it.
      start =
        match[1] === '---' ? match.index + 3 : text.indexOf('\n', match.index) + 1 || text.length;
    }
    parts.push({ start, end: text.length });
  }
  const docs: EvidenceDoc[] = [];
  const problems: Problem[] = [];
  for (const part of parts) {
    const slice = text.slice(part.start, part.end);
    if (!/^[ \t]*[^\s#]/m.test(slice)) continue;
    // Offsets of the slice are shifted by its start, so problems and refs point into the file.
    const read = readYaml(slice, 'file', DEFAULT_READ_LIMITS);
    for (const p of read.problems)
      problems.push({
        ...p,
        range: { start: p.range.start + part.start, end: p.range.end + part.start },
        ...(p.related && {
          related: p.related.map((r) => ({
            ...r,
            range: { start: r.range.start + part.start, end: r.range.end + part.start },
          })),
        }),
      });
    if (read.value !== undefined && read.problems.every((p) => p.severity !== 'error'))
      docs.push(new EvidenceDoc(file, read.value, read.sourceMap, part.start));
  }
  return { file, docs: problems.some((p) => p.severity === 'error') ? [] : docs, problems };
}

/** Plain-object guard for parsed YAML/JSON values. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * Some writers (PyYAML readers accept it; the OTM specification's own example has it) let a
 * multi-line quoted scalar continue on lines indented no deeper than its key, which YAML 1.2
 * refuses. Continuation lines of a flow scalar are folded with their leading spaces dropped, so
 * indenting them to the scalar's first line changes no value and keeps every line number.
 * Returns undefined when there is nothing to change.
 */
export function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let changed = false;
  let quote: string | undefined;
  let indent = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (quote === undefined) {
      const start = /^(\s*)(?:-\s+)?(?:[^'"#\s][^:#]*:\s+)?(['"])/.exec(line);
      if (!start) continue;
      const q = start[2] as string;
      const rest = line.slice((start[0] as string).length);
      if (closes(rest, q)) continue;
      quote = q;
      indent = (start[1] as string).length + 1;
      continue;
    }
    const current = /^\s*/.exec(line)?.[0].length ?? 0;
    if (line.trim() !== '' && current < indent) {
      lines[i] = ' '.repeat(indent - current) + line;
      changed = true;
    }
    if (closes(line, quote)) quote = undefined;
  }
  return changed ? lines.join('\n') : undefined;
}

/** Whether a quoted scalar's closing quote is on this piece of a line. */
function closes(rest: string, quote: string): boolean {
  if (quote === "'") return /(^|[^'])'('')*(\s|$|[,\]}:#])/.test(rest.replace(/''/g, ''));
  return /(^|[^\\])"/.test(rest);
}

/**
 * Reading a YAML file the user wrote, defensively: bytes → text (UTF-8 only), guards against
 * hostile or broken input (size, merge-conflict markers, nesting depth, alias bombs), then the
 * `yaml` library's CST-preserving parse, then one walk that yields both the plain value (for
 * schema validation) and a source map from JSON pointer to the offsets of every key and value.
 *
 * Shared by the pipeline model, the threat register and rule packs, so every file mltm reads
 * meets the same standard: a clear, located problem, never a crash or a hang.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { problem, type Problem, type SourceRange } from '../problems';
import { pointerSegment } from './pointer';
import {
  blockCollectionRange,
  endBeforeLineBreaks,
  type SourceEntry,
  type SourceMap,
} from './ranges';
import { readSimpleYaml } from './simpleYaml';

// The pointer helpers stay importable from here, where every reader of a source map looks.
export { pointer, pointerSegment } from './pointer';
export type { SourceEntry, SourceMap } from './ranges';

/** Limits that keep parsing bounded in time and memory whatever the input. */
export interface ReadLimits {
  /** Largest text accepted, in UTF-16 code units. */
  readonly maxLength: number;
  /** Deepest nesting of collections accepted. */
  readonly maxDepth: number;
  /**
   * Most value nodes reached through aliases (billion-laughs guard). Nodes written in the text
   * do not count: a large file without aliases is bounded by `maxLength` instead.
   */
  readonly maxExpandedNodes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxLength: 5 * 1024 * 1024,
  maxDepth: 64,
  // A real model repeats a few small anchors; 100,000 expanded values is far beyond that, and
  // refusing there keeps a billion-laughs file to well under a second.
  maxExpandedNodes: 100_000,
};

/**
 * Limits for threat registers: ten times the model's length limit, because a register grows
 * with the threats (one entry each, about 3.5 KB per component) — a 5,000-component model's
 * register is about 17 MB. Depth and alias limits stay those of every other file, so a hostile
 * register is still refused in bounded time and memory; only plain text may be longer.
 */
export const REGISTER_READ_LIMITS: ReadLimits = {
  ...DEFAULT_READ_LIMITS,
  maxLength: 10 * DEFAULT_READ_LIMITS.maxLength,
};

export interface ReadResult {
  readonly text: string;
  /** The plain value, when the text parsed (even with recoverable problems). */
  readonly value?: unknown;
  readonly sourceMap: SourceMap;
  /** The parsed document (comments, order, ranges) for writers that must preserve them. */
  readonly document?: Document.Parsed;
  readonly problems: Problem[];
}

const EMPTY_MAP: SourceMap = new Map();

/**
 * Decodes bytes as UTF-8, refusing anything else with a located problem. A leading BOM is
 * dropped. NUL bytes mark a binary file even when they are valid UTF-8. When the bytes are not
 * UTF-8, `locatingText` is a lossy decoding to turn the problem's offset into line:column.
 */
export function decodeUtf8(bytes: Uint8Array): {
  text?: string;
  locatingText?: string;
  problems: Problem[];
} {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      problems: [
        problem(
          'MLTM005',
          `This looks like a binary file (a NUL byte at offset ${nul}); a model must be UTF-8 YAML text.`,
          { start: 0, end: 0 },
        ),
      ],
    };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, problems: [] };
  } catch {
    const bad = firstInvalidUtf8Offset(bytes);
    // Offsets are in characters of the valid prefix, so the location is right in an editor.
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    return {
      // The lossy decoding (invalid bytes as U+FFFD) is only for turning the offset into a
      // line and column; it is never parsed.
      locatingText: new TextDecoder('utf-8').decode(bytes),
      problems: [
        problem(
          'MLTM005',
          `The file is not valid UTF-8 (first invalid byte at offset ${bad}); save it as UTF-8.`,
          { start: prefix.length, end: prefix.length },
        ),
      ],
    };
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

// `\r?` so files with Windows line endings are caught too (`$` only matches before `\n`).
const CONFLICT_MARKER = /^(<{7}(?: |\r?$)|={7}\r?$|>{7}(?: |\r?$)|\|{7}(?: |\r?$))/gm;

/** Finds git merge-conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`, `|||||||`) at line starts. */
export function findConflictMarkers(text: string): SourceRange[] {
  const found: SourceRange[] = [];
  for (const match of text.matchAll(CONFLICT_MARKER)) {
    const start = match.index ?? 0;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    found.push({ start, end: text[end - 1] === '\r' ? end - 1 : end });
  }
  return found;
}

/**
 * Estimates the nesting depth of the text without parsing it (the parser itself can exhaust
 * memory on pathological nesting): block indentation levels plus flow brackets outside quotes
 * and comments. Returns the offset where the limit is first exceeded, or -1.
 */
export function findExcessiveNesting(text: string, maxDepth: number): number {
  // Character codes, not one-character strings, and one levels buffer for every line: the scan
  // runs over every byte of every model and register before anything else.
  const indents: number[] = [];
  const levels: number[] = [];
  let flowDepth = 0;
  let lineStart = 0;
  /** The offset of the next character {@link NESTING_SPECIAL} matches (text.length: none). */
  let special = -1;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let i = lineStart;
    // Each `- ` before the content opens one more level: `- - - x` is three nested lists.
    let levelCount = 0;
    while (i < lineEnd) {
      const ch = text.charCodeAt(i);
      if (ch === SPACE) i++;
      else if (ch === DASH && text.charCodeAt(i + 1) === SPACE) {
        levels[levelCount++] = i - lineStart;
        i += 2;
      } else break;
    }
    levels[levelCount++] = i - lineStart;
    if (flowDepth === 0 && i < lineEnd) {
      const content = text.charCodeAt(i);
      if (content !== HASH && content !== CR) {
        const first = levels[0] ?? 0;
        while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= first) indents.pop();
        for (let l = 0; l < levelCount; l++) {
          const level = levels[l] ?? 0;
          indents.push(level);
          if (indents.length > maxDepth) return lineStart + level;
        }
      }
    }
    // Only quotes, `#`, brackets and backslashes change anything here: jump from one to the next
    // (a native search, each found once for the whole text), rather than stepping through every
    // character of every line.
    let quote = 0;
    if (special < i) special = nextSpecial(text, i);
    while (special < lineEnd) {
      const k = special;
      const ch = text.charCodeAt(k);
      let next = k + 1;
      if (quote !== 0) {
        if (ch === BACKSLASH && quote === DOUBLE_QUOTE) next = k + 2;
        else if (ch === quote) quote = 0;
      } else if (ch === DOUBLE_QUOTE || ch === SINGLE_QUOTE) {
        // A quote only opens a string at the start of a scalar; inside a word it is an apostrophe.
        const before = k === i ? -1 : text.charCodeAt(k - 1);
        if (
          k === i ||
          before === SPACE ||
          before === OPEN_BRACKET ||
          before === OPEN_BRACE ||
          before === COMMA ||
          before === COLON
        )
          quote = ch;
      } else if (ch === HASH && (k === i || text.charCodeAt(k - 1) === SPACE)) break;
      else if (ch === OPEN_BRACKET || ch === OPEN_BRACE) {
        flowDepth++;
        if (flowDepth + indents.length > maxDepth) return k;
      } else if (ch === CLOSE_BRACKET || ch === CLOSE_BRACE) flowDepth = Math.max(0, flowDepth - 1);
      special = nextSpecial(text, next);
    }
    lineStart = lineEnd + 1;
  }
  return -1;
}

/** The characters {@link findExcessiveNesting} acts on after a line's indentation. */
const NESTING_SPECIAL = /["'#[\]{}\\]/g;

/** The offset of the first such character at or after `from`; the text's length when none. */
function nextSpecial(text: string, from: number): number {
  NESTING_SPECIAL.lastIndex = from;
  return NESTING_SPECIAL.test(text) ? NESTING_SPECIAL.lastIndex - 1 : text.length;
}
const SPACE = 0x20;
const DASH = 0x2d;
const HASH = 0x23;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

class ExpansionLimitError extends Error {
  constructor(readonly range: SourceRange) {
    super('alias expansion limit');
  }
}

class DepthLimitError extends Error {
  constructor(
    readonly range: SourceRange,
    /** Whether the depth was reached by expanding an alias (the text itself is shallower). */
    readonly viaAlias: boolean,
  ) {
    super('depth limit');
  }
}

function nodeRange(
  node: { range?: [number, number, number] | null } | null | undefined,
  fallback: SourceRange,
  text?: string,
): SourceRange {
  const range = node?.range;
  if (!range) return fallback;
  return {
    start: range[0],
    end: text === undefined ? range[1] : endBeforeLineBreaks(text, range[0], range[1]),
  };
}

export interface ReadOptions {
  /**
   * Build the `yaml` library's document even when the fast reader could read the text: for
   * writers that edit it, and for tests that compare the two paths. Off by default.
   */
  readonly document?: boolean;
}

/**
 * A value's range as mltm reports it (the rules are in `ranges.ts`, shared with the fast reader):
 * a block collection ends where its last entry's value ends.
 */
function valueRange(node: unknown, fallback: SourceRange, text: string): SourceRange {
  const range = nodeRange(node as never, fallback, text);
  if (!isBlockCollection(node)) return range;
  let current: unknown = node;
  // Follows last entries down to a scalar, a flow collection or an alias; bounded by nesting.
  while (isBlockCollection(current)) {
    const last: unknown = current.items[current.items.length - 1];
    if (last === undefined) return range;
    if (isPair(last)) {
      if (last.value === null || last.value === undefined)
        return blockCollectionRange(range.start, nodeRange(last.key as never, range, text).end);
      current = last.value;
    } else current = last;
  }
  return blockCollectionRange(range.start, nodeRange(current as never, range, text).end);
}

function isBlockCollection(node: unknown): node is { items: unknown[] } {
  return (isMap(node) || isSeq(node)) && !node.flow;
}

/** Which reader `readYaml` tries first: the fast reader (which may decline) or the library. */
export type YamlReader = 'fast' | 'library';

/** The environment variable that forces the `yaml` library everywhere: `MLTM_YAML_READER=library`. */
export const YAML_READER_ENV = 'MLTM_YAML_READER';

/**
 * The one place that decides which YAML reader runs. The fast reader goes first, unless the
 * caller needs the library's document (a writer, `{ document: true }`) or `MLTM_YAML_READER=library`
 * is set, which forces the library for every read in the process (CLI, extension host, workers,
 * tests): CI runs the parse, model and register suites that way too, so the library path stays
 * tested on its own, and a user who suspects the fast reader can rule it out.
 *
 * The variable is read here rather than passed from each entry point so that no entry point (and
 * no worker) can forget it; it is a developer switch, not a setting. In a browser there is no
 * `process` and the fast reader runs.
 */
export function yamlReaderFor(options: ReadOptions): YamlReader {
  if (options.document === true) return 'library';
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[YAML_READER_ENV] === 'library' ? 'library' : 'fast';
}

/**
 * Reads YAML text into a plain value plus a source map. `what` names the file kind in messages
 * ("model", "threat register", "rule pack").
 *
 * Plain block-style files (nearly all of them) are read by the fast reader in `simpleYaml.ts`,
 * which gives the same value and source map as the `yaml` library's document at a fraction of the
 * cost; anything else, and every file with a problem, goes through the library.
 */
export function readYaml(
  text: string,
  what: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
  options: ReadOptions = {},
): ReadResult {
  const problems: Problem[] = [];
  const fail = (p: Problem): ReadResult => ({
    text,
    sourceMap: EMPTY_MAP,
    problems: [...problems, p],
  });
  const whole: SourceRange = { start: 0, end: Math.min(text.length, 1) };

  if (text.length > limits.maxLength) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    return fail(
      problem(
        'MLTM007',
        `The ${what} is ${mb(text.length)} MB; mltm reads files up to ${mb(limits.maxLength)} MB. Split it, or check that this is the right file.`,
        { start: 0, end: 0 },
      ),
    );
  }
  if (text.includes('\u0000')) {
    const at = text.indexOf('\u0000');
    return fail(
      problem(
        'MLTM005',
        `This looks like a binary file (a NUL character at offset ${at}); a ${what} must be YAML text.`,
        { start: at, end: at + 1 },
      ),
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const markers = findConflictMarkers(text);
  if (markers.length > 0) {
    const [first, ...rest] = markers as [SourceRange, ...SourceRange[]];
    return fail(
      problem(
        'MLTM004',
        `The ${what} holds unresolved merge-conflict markers; resolve the conflict first.`,
        first,
        {
          related: rest.map((range) => ({ message: 'Another conflict marker', range })),
        },
      ),
    );
  }
  if (!hasContent(text, body)) {
    return fail(problem('MLTM006', `The ${what} is empty.`, { start: 0, end: 0 }));
  }
  const tooDeep = findExcessiveNesting(text, limits.maxDepth);
  if (tooDeep >= 0) {
    return fail(
      problem(
        'MLTM009',
        `Nesting deeper than ${limits.maxDepth} levels; a ${what} never needs this much.`,
        { start: tooDeep, end: tooDeep + 1 },
      ),
    );
  }

  // A `%YAML 1.1` directive would switch the library to YAML 1.1 (`no:` becomes false, `<<`
  // merges): models and registers are YAML 1.2 whatever a file declares, so refuse it.
  const directive = /^%YAML[ \t]+([^\s#]*)/m.exec(text);
  if (directive && directive[1] !== '1.2') {
    return fail(
      problem(
        'MLTM014',
        `The ${what} declares \`%YAML ${directive[1] ?? ''}\`; mltm reads YAML 1.2 only (where \`no\` is text and \`<<\` an ordinary key). Remove the directive line.`,
        { start: directive.index, end: directive.index + directive[0].length },
      ),
    );
  }

  if (yamlReaderFor(options) === 'fast') {
    const simple = readSimpleYaml(text, limits.maxDepth);
    if (simple) return { text, value: simple.value, sourceMap: simple.sourceMap, problems };
  }

  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    // `uniqueKeys: false`: the library's duplicate check compares every key with every earlier
    // one (a 50,000-key mapping took over a minute); the walk below finds duplicates in one pass.
    document = parseDocument(text, {
      uniqueKeys: false,
      prettyErrors: false,
      keepSourceTokens: false,
      lineCounter,
      strict: true,
      stringKeys: false,
    });
  } catch (error) {
    // Defence in depth: nesting the pre-scan above did not catch can still exhaust the stack.
    if (error instanceof RangeError)
      return fail(
        problem('MLTM009', `Nesting too deep to read; a ${what} never needs this much.`, {
          start: 0,
          end: 0,
        }),
      );
    throw error;
  }
  for (const error of document.errors) {
    // The library may place an error just past the end (an unterminated string at EOF).
    const start = Math.min(error.pos[0], text.length);
    const range = { start, end: Math.min(Math.max(error.pos[1], start), text.length) };
    if (error.code === 'MULTIPLE_DOCS' || /multiple documents/i.test(error.message)) {
      problems.push(
        problem(
          'MLTM010',
          `The ${what} holds more than one YAML document (\`---\`); keep one per file.`,
          range,
        ),
      );
    } else {
      problems.push(problem('MLTM001', yamlMessage(error.message), range));
    }
  }
  if (problems.some((p) => p.code === 'MLTM001' || p.code === 'MLTM010')) {
    return { text, sourceMap: EMPTY_MAP, document, problems };
  }

  // An alias needs a `*`; most files have none, and skip the extra pass over the document.
  const aliasTargets = text.includes('*') ? resolveAliases(document) : new Map<Alias, YamlNode>();
  // Count what the aliases would expand to before expanding anything, so a bomb is refused in
  // time linear in the text instead of after building millions of values.
  if (
    aliasTargets.size > 0 &&
    expandedSize(document.contents, aliasTargets, limits) > limits.maxExpandedNodes
  ) {
    return {
      text,
      sourceMap: EMPTY_MAP,
      document,
      problems: [...problems, aliasBombProblem(text, limits, whole)],
    };
  }
  const sourceMap = new Map<string, SourceEntry>();
  let budget = limits.maxExpandedNodes;
  const walk = (
    node: unknown,
    path: string,
    depth: number,
    here: SourceRange,
    viaAlias = false,
  ): unknown => {
    if (viaAlias && --budget < 0) throw new ExpansionLimitError(here);
    if (depth > limits.maxDepth) throw new DepthLimitError(here, viaAlias);
    if (isAlias(node)) {
      const target = aliasTargets.get(node);
      if (!target) return null;
      return walk(target, path, depth + 1, here, true);
    }
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const seen = new Map<string, SourceRange>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key as YamlNode | null;
        const key = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : keyNode;
        const keyRange = nodeRange(keyNode as never, here, text);
        if (key === null || typeof key === 'object') {
          problems.push(
            problem('MLTM109', 'Keys must be plain names, not empty, lists or mappings.', keyRange),
          );
          continue;
        }
        const name = String(key);
        const first = seen.get(name);
        if (first) {
          // Reported once, where it is written (not again for each alias that repeats the map).
          if (!viaAlias) {
            problems.push(
              problem(
                'MLTM002',
                `Duplicate key \`${name}\`: a key may appear only once in a mapping; the later one would silently replace the first.`,
                keyRange,
                { related: [{ message: 'First written here', range: first }] },
              ),
            );
          }
          continue;
        }
        seen.set(name, keyRange);
        const childPath = path + '/' + pointerSegment(name);
        const valueNode = item.value as YamlNode | null;
        const childRange = valueNode
          ? valueRange(valueNode, keyRange, text)
          : { start: keyRange.end, end: keyRange.end };
        sourceMap.set(childPath, { key: keyRange, value: childRange });
        const child = walk(valueNode, childPath, depth + 1, childRange, viaAlias);
        // A key named `__proto__` becomes a plain own property, never a prototype. Every other key
        // is assigned plainly: defineProperty on each key made objects slow (dictionary mode).
        if (name === '__proto__')
          Object.defineProperty(object, name, {
            value: child,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else object[name] = child;
      }
      return object;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const childPath = path + '/' + index;
        const range = valueRange(item, here, text);
        sourceMap.set(childPath, { value: range });
        return walk(item, childPath, depth + 1, range, viaAlias);
      });
    }
    if (isScalar(node)) {
      const value = node.value;
      // Dates and other tagged scalars arrive as objects; the formats want their source text.
      if (value instanceof Date) return node.source ?? value.toISOString().slice(0, 10);
      return value;
    }
    return node ?? null;
  };
  try {
    const root = document.contents;
    // A root collection ends with its last entry; a root scalar keeps the library's range.
    const rootRange = isBlockCollection(root)
      ? valueRange(root, whole, text)
      : nodeRange(root as never, whole);
    sourceMap.set('', { value: rootRange });
    const value = walk(root, '', 0, rootRange);
    return { text, value, sourceMap, document, problems };
  } catch (error) {
    if (error instanceof RangeError) {
      return {
        text,
        sourceMap: EMPTY_MAP,
        document,
        problems: [
          ...problems,
          problem('MLTM009', `Nesting too deep to read; a ${what} never needs this much.`, {
            start: 0,
            end: 0,
          }),
        ],
      };
    }
    if (error instanceof ExpansionLimitError) {
      return {
        text,
        sourceMap: EMPTY_MAP,
        document,
        problems: [...problems, aliasBombProblem(text, limits, error.range)],
      };
    }
    if (error instanceof DepthLimitError) {
      return {
        text,
        sourceMap: EMPTY_MAP,
        document,
        problems: [
          ...problems,
          problem(
            'MLTM009',
            `Nesting deeper than ${limits.maxDepth} levels${error.viaAlias ? ' (through aliases)' : ''}; a ${what} never needs this much.`,
            error.range,
          ),
        ],
      };
    }
    throw error;
  }
}

/**
 * Every alias's target, found in one pass: the last node before the alias (in document order)
 * that carries its anchor — the rule `Alias.resolve` applies. `Alias.resolve(doc)` walks the whole
 * document on each call, so a file with many aliases took quadratic time (a 7×7 alias bomb under
 * the expansion limit took minutes); this pass is linear.
 */
function resolveAliases(document: Document.Parsed): Map<Alias, YamlNode> {
  const targets = new Map<Alias, YamlNode>();
  const anchors = new Map<string, YamlNode>();
  visit(document, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * How many values the walk would produce, aliases expanded, memoised per node (linear). Stops
 * counting below `maxDepth` levels (the walk reports that depth as MLTM009) and on an alias
 * cycle (likewise), so it never recurses without bound.
 */

/**
 * The alias-bomb problem, one wording for both ways a bomb is found (counted before expanding,
 * or stopped while expanding): at the first alias, else at `fallback`.
 */
function aliasBombProblem(text: string, limits: ReadLimits, fallback: SourceRange): Problem {
  return problem(
    'MLTM003',
    `Aliases expand to more than ${limits.maxExpandedNodes.toLocaleString('en-US')} values (an "alias bomb"); mltm refuses to expand them.`,
    firstAliasRange(text) ?? fallback,
  );
}

/**
 * How many values the aliases of a document would add when expanded, counted before anything
 * is expanded (memoised per node, so linear in the document). Only what is reached through an
 * alias counts, as in the walk's budget: a large file with a few aliases is not a bomb.
 */
function expandedSize(
  root: unknown,
  aliasTargets: ReadonlyMap<Alias, YamlNode>,
  limits: ReadLimits,
): number {
  const memo = new Map<unknown, number>();
  /** Every value in `node` once expanded, nested aliases included. */
  const size = (node: unknown, depth: number): number => {
    if (depth > limits.maxDepth) return 0;
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, 0); // an alias cycle counts as nothing here; the walk reports its depth
    let total = 1;
    if (isAlias(node)) {
      const target = aliasTargets.get(node);
      total = target ? 1 + size(target, depth + 1) : 1;
    } else if (isMap(node)) {
      for (const item of node.items) if (isPair(item)) total += size(item.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) total += size(item, depth + 1);
    }
    total = Math.min(total, Number.MAX_SAFE_INTEGER);
    memo.set(node, total);
    return total;
  };
  let expanded = 0;
  /** Walks the document as written, adding the expansion of each alias met there. */
  const direct = (node: unknown, depth: number): void => {
    if (depth > limits.maxDepth || expanded > limits.maxExpandedNodes) return;
    if (isAlias(node)) {
      const target = aliasTargets.get(node);
      if (target) expanded = Math.min(expanded + size(target, depth + 1), Number.MAX_SAFE_INTEGER);
    } else if (isMap(node)) {
      for (const item of node.items) if (isPair(item)) direct(item.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) direct(item, depth + 1);
    }
  };
  direct(root, 0);
  return expanded;
}

function firstAliasRange(text: string): SourceRange | undefined {
  const match = /(^|[\s,[{:])\*[^\s,\]}]+/m.exec(text);
  if (!match) return undefined;
  const start = match.index + (match[1]?.length ?? 0);
  return { start, end: start + match[0].length - (match[1]?.length ?? 0) };
}

/** Whether any line holds something other than spaces, a comment or a document marker. */
function hasContent(text: string, from: number): boolean {
  // Line by line, stopping at the first content (nearly always on the first lines): no copy of the text.
  for (let lineStart = from; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).trim();
    if (line !== '' && !line.startsWith('#') && line !== '---' && line !== '...') return true;
    lineStart = lineEnd + 1;
  }
  return false;
}

/** The `yaml` library's messages, shortened: the location is reported separately. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const clean = first.replace(/ at line \d+, column \d+:?$/, '').trim();
  if (/tab/i.test(clean)) return `${clean}. YAML indentation must use spaces, not tabs.`;
  return `YAML syntax error: ${clean.charAt(0).toLowerCase()}${clean.slice(1)}${/[.!?]$/.test(clean) ? '' : '.'}`;
}

/**
 * Shared pieces of the fuzz suite: the fixed seed and case count (CI runs a bounded, reproducible
 * sample; `MLTM_FUZZ_RUNS=20000 npm run fuzz` runs a long one), the mutations applied to valid
 * generated models and registers, and the assertions every call must pass whatever the input:
 * no exception, every problem located inside the file, and a generous time bound per call that
 * catches hangs and blow-ups (not a speed test — speed is measured by `npm run bench`).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Problem } from '../../src/core/problems';

/** Cases per property: small in CI, as many as wanted from the environment. */
export const FUZZ_RUNS = Number(process.env.MLTM_FUZZ_RUNS ?? 60);
/** Fixed seed so CI is reproducible; override to explore (`MLTM_FUZZ_SEED=123`). */
export const FUZZ_SEED = Number(process.env.MLTM_FUZZ_SEED ?? 20260101);
/** Longest a single call may take before it counts as a hang (generous: the machine is shared). */
export const CALL_LIMIT_MS = Number(process.env.MLTM_FUZZ_CALL_LIMIT_MS ?? 5000);

/** fast-check parameters for every property; a failure prints the seed and path to replay it. */
export function fuzzParameters(runs = FUZZ_RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true };
}

/** Runs `fn`, failing when it throws or takes longer than the bound; returns its result. */
export function bounded<T>(what: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  const elapsed = performance.now() - start;
  assert.ok(
    elapsed < CALL_LIMIT_MS,
    `${what} took ${Math.round(elapsed)} ms (bound ${CALL_LIMIT_MS} ms)`,
  );
  return result;
}

/** Every range of every problem (and its fix and related places in the same file) lies inside the text. */
export function assertRangesInside(problems: readonly Problem[], text: string, what: string): void {
  const inside = (range: { start: number; end: number }, label: string, p: Problem) => {
    assert.ok(
      Number.isInteger(range.start) &&
        Number.isInteger(range.end) &&
        range.start >= 0 &&
        range.start <= range.end &&
        range.end <= text.length,
      `${what}: ${label} of ${p.code} (${p.message}) is [${range.start}, ${range.end}) in a text of ${text.length}`,
    );
  };
  for (const p of problems) {
    inside(p.range, 'range', p);
    if (p.fix) inside(p.fix.range, 'fix range', p);
    for (const related of p.related ?? [])
      if (related.file === undefined) inside(related.range, 'related range', p);
    assert.ok(p.message.length > 0, `${what}: ${p.code} has no message`);
  }
}

/** One edit to a text; positions are fractions so a mutation fits any text. */
export type Mutation =
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number }
  | { readonly kind: 'retype'; readonly at: number; readonly value: string }
  | { readonly kind: 'rename-token'; readonly at: number; readonly name: string }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | {
      readonly kind: 'deep-nesting';
      readonly at: number;
      readonly depth: number;
      readonly flow: boolean;
    }
  | { readonly kind: 'alias-bomb'; readonly width: number; readonly depth: number }
  | { readonly kind: 'conflict'; readonly at: number }
  | { readonly kind: 'tabs'; readonly at: number }
  | { readonly kind: 'crlf' }
  | { readonly kind: 'bom' };

/**
 * A position in [0, 1) spread over the whole range: fast-check's doubles cluster at 0 and 1 (in a
 * sample of 20, 17 were 0), so mutations placed by them nearly always hit a file's first line.
 */
export const fraction: fc.Arbitrary<number> = fc
  .integer({ min: 0, max: 0xfffff })
  .map((n) => n / 0x100000);
const ODD_VALUES = [
  '[]',
  '{}',
  '42',
  '-1.5e9',
  'null',
  '~',
  'true',
  '"x"',
  "''",
  '[a, [b, {c: d}]]',
  '!!binary aGVsbG8=',
  '&anchor x',
  '*anchor',
  '!tag v',
  '2026-01-01',
  '0x1F',
  '.nan',
  '|\n  block',
  '>-',
  '? complex',
  'x: y: z',
  '{a: 1, a: 2}',
  '"\\u0000"',
  '__proto__',
  'constructor',
];

/** Any one mutation. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fraction }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fraction }),
  fc.record({
    kind: fc.constant('retype' as const),
    at: fraction,
    value: fc.oneof(fc.constantFrom(...ODD_VALUES), fc.string({ maxLength: 12 })),
  }),
  fc.record({
    kind: fc.constant('rename-token' as const),
    at: fraction,
    name: fc.oneof(
      fc.constantFrom('ghost', '__proto__', 'x-', 'a/b', 'a~b', '->', ''),
      fc.string({ maxLength: 8 }),
    ),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fraction,
    text: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        ':',
        '- ',
        '{',
        '[',
        '"',
        "'",
        '#',
        '&a',
        '*a',
        '---\n',
        '...\n',
        '\t',
        '\r',
        '\u2028',
        '\uFEFF',
        '\uD800',
      ),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({
    kind: fc.constant('deep-nesting' as const),
    at: fraction,
    depth: fc.integer({ min: 1, max: 400 }),
    flow: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('alias-bomb' as const),
    width: fc.integer({ min: 2, max: 12 }),
    depth: fc.integer({ min: 2, max: 12 }),
  }),
  fc.record({ kind: fc.constant('conflict' as const), at: fraction }),
  fc.record({ kind: fc.constant('tabs' as const), at: fraction }),
  fc.constant({ kind: 'crlf' as const }),
  fc.constant({ kind: 'bom' as const }),
);

/** An alias bomb: `width` references per level, `depth` levels (width^depth values when expanded). */
export function aliasBomb(width: number, depth: number, key = 'x-bomb'): string {
  const lines = [`${key}:`, `  l0: &l0 [lol]`];
  for (let level = 1; level < depth; level++)
    lines.push(
      `  l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

/** Nesting `depth` levels deep, as flow brackets or as block mappings. */
export function deepNesting(depth: number, flow: boolean, key = 'x-deep'): string {
  if (flow) return `${key}: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
  const lines = [`${key}:`];
  for (let level = 1; level <= depth; level++) lines.push(`${'  '.repeat(level)}a${level}:`);
  lines.push(`${'  '.repeat(depth + 1)}end: 1`);
  return lines.join('\n') + '\n';
}

function lineIndex(lines: readonly string[], at: number): number {
  return Math.min(lines.length - 1, Math.floor(at * lines.length));
}

/** Applies one mutation. */
export function mutate(text: string, mutation: Mutation): string {
  const lines = text.split('\n');
  switch (mutation.kind) {
    case 'delete-line':
      lines.splice(lineIndex(lines, mutation.at), 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const i = lineIndex(lines, mutation.at);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'retype': {
      const i = lineIndex(lines, mutation.at);
      const line = lines[i] ?? '';
      const colon = line.indexOf(': ');
      lines[i] =
        colon >= 0 ? `${line.slice(0, colon + 2)}${mutation.value}` : `${line}${mutation.value}`;
      return lines.join('\n');
    }
    case 'rename-token': {
      const i = lineIndex(lines, mutation.at);
      lines[i] = (lines[i] ?? '').replace(/[a-z][a-z0-9_-]*-\d+/, mutation.name);
      return lines.join('\n');
    }
    case 'insert': {
      const offset = Math.floor(mutation.at * (text.length + 1));
      return text.slice(0, offset) + mutation.text + text.slice(offset);
    }
    case 'truncate':
      return text.slice(0, Math.floor(mutation.at * text.length));
    case 'deep-nesting': {
      const i = lineIndex(lines, mutation.at);
      lines.splice(i, 0, deepNesting(mutation.depth, mutation.flow).trimEnd());
      return lines.join('\n');
    }
    case 'alias-bomb':
      return text + (text.endsWith('\n') ? '' : '\n') + aliasBomb(mutation.width, mutation.depth);
    case 'conflict': {
      const i = lineIndex(lines, mutation.at);
      lines.splice(i, 0, '<<<<<<< HEAD', lines[i] ?? '', '=======');
      lines.splice(i + 4, 0, '>>>>>>> branch');
      return lines.join('\n');
    }
    case 'tabs': {
      const i = lineIndex(lines, mutation.at);
      lines[i] = (lines[i] ?? '').replace(/^ +/, '\t');
      return lines.join('\n');
    }
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'bom':
      return '\uFEFF' + text;
  }
}

/** Applies mutations in order. */
export function mutateAll(text: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(mutate, text);
}

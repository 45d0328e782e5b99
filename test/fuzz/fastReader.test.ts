/**
 * Differential property of the fast YAML reader (src/core/parse/simpleYaml.ts): `readYaml` gives
 * the same outcome (value, source map range for range, problems) whether or not the fast reader
 * may take the text; so whenever it reads a text, the `yaml` library's document agrees with it. Inputs are windows of
 * real files and generated models under YAML-significant edits, and random values written by the
 * `yaml` library in every style it has (block, flow, each quoting and block-scalar style).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { generatePipeline } from '../../bench/generate';
import { readYaml, REGISTER_READ_LIMITS, YAML_READER_ENV } from '../../src/core/parse/source';
import { fraction, fuzzParameters, FUZZ_RUNS, mutate, mutationArbitrary } from './support';

/**
 * Reads `text` as mltm does (fast reader first) and through the full path only, and asserts the
 * same outcome: value, source map and problems. Returns whether the fast reader took the text.
 */
function agreeIfRead(text: string): boolean {
  const usual = readYaml(text, 'file', REGISTER_READ_LIMITS);
  const full = readYaml(text, 'file', REGISTER_READ_LIMITS, { document: true });
  const context = () =>
    `for ${JSON.stringify(text.length > 600 ? text.slice(0, 600) + '…' : text)}`;
  const problems = (read: typeof usual) =>
    read.problems.map((p) => `${p.code} ${JSON.stringify(p.range)} ${p.message}`);
  if (!isDeepStrictEqual(problems(usual), problems(full)))
    assert.deepEqual(problems(usual), problems(full), `problems differ ${context()}`);
  if (!isDeepStrictEqual(usual.value, full.value))
    assert.deepEqual(usual.value, full.value, `values differ ${context()}`);
  const usualMap = [...usual.sourceMap];
  const fullMap = [...full.sourceMap];
  if (!isDeepStrictEqual(usualMap, fullMap))
    assert.deepEqual(usualMap, fullMap, `source maps differ ${context()}`);
  // The full path always keeps the document; the fast reader builds none.
  return usual.document === undefined && usual.value !== undefined;
}

const SEED_TEXTS: readonly string[] = [
  ...readdirSync('examples')
    .filter((file) => file.endsWith('.mltm.yaml'))
    .map((file) => readFileSync(`examples/${file}`, 'utf8')),
  readFileSync('test/fixtures/register/commented.threats.yaml', 'utf8'),
  generatePipeline({ components: 15, seed: 3 }).text,
  // Every construct the fast reader handles, in one place.
  [
    'a: 1',
    'b:',
    '  c: x # note',
    '  d: [ p, "q", {r: s} ]  # c',
    'e:',
    '- 1',
    '- k: v',
    '  j: w',
    '-',
    '  deep: [x,',
    '    y]',
    'f:',
    'g: >-',
    '  hello',
    '  world',
    '',
    'h: |',
    '  lit',
    '',
    '    eral',
    '# tail',
    "i: 'it''s'",
    'j: "esc \\" \\u00e9"',
    'k: ~',
    '',
  ].join('\n'),
];

/** Edits that move text in and out of the subset: indicators, indentation, quotes, breaks. */
const TOKENS = [
  ' ',
  '  ',
  '\n',
  '\n  ',
  '- ',
  '-',
  ':',
  ': ',
  '#',
  ' #',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '|',
  '>',
  '|-',
  '>-',
  '|+',
  '\\',
  '&a ',
  '*a',
  '!',
  '?',
  '? ',
  '%',
  '@',
  '`',
  '~',
  'null',
  'true',
  '0x1F',
  '1.5',
  '.inf',
  '0o7',
  '-1',
  'é',
  '\\n',
  '\\u0041',
  '---',
  '...',
  'k: v',
  '\n- ',
  'x',
  '__proto__',
  '',
];
const yamlEdit = fc.record({
  at: fraction,
  length: fc.integer({ min: 0, max: 6 }),
  token: fc.constantFrom(...TOKENS),
});

function applyEdit(text: string, edit: { at: number; length: number; token: string }): string {
  const at = Math.floor(edit.at * (text.length + 1));
  return text.slice(0, at) + edit.token + text.slice(at + edit.length);
}

/** A few consecutive lines of a seed text, so each edit matters. */
const window = fc
  .record({
    seed: fc.constantFrom(...SEED_TEXTS),
    from: fraction,
    lines: fc.integer({ min: 2, max: 40 }),
    whole: fc.boolean(),
  })
  .map(({ seed, from, lines, whole }) => {
    if (whole) return seed;
    const all = seed.split('\n');
    const start = Math.floor(from * all.length);
    return all.slice(start, start + lines).join('\n');
  });

const WORDS = [
  'a',
  'b c',
  'x-1',
  'true',
  '1',
  '',
  '#h',
  'k: v',
  "it's",
  'q"x',
  'é',
  '- d',
  'null',
  ' sp ',
  'multi\nline',
  'tail\n',
  '\nlead',
  '[x]',
  '0o7',
  '.5',
  'a#b',
  'a:b',
  'tab\there',
  '__proto__',
];
const { tree } = fc.letrec<{ tree: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom(...WORDS),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 8 }),
  ),
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 })), tie('tree'), {
      maxKeys: 4,
    }),
  ),
}));
const stringifyOptions = fc.record({
  flowLevel: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  indentSeq: fc.boolean(),
  indent: fc.integer({ min: 1, max: 4 }),
  lineWidth: fc.constantFrom(0, 20, 80),
  defaultStringType: fc.constantFrom(
    'PLAIN',
    'QUOTE_DOUBLE',
    'QUOTE_SINGLE',
    'BLOCK_LITERAL',
    'BLOCK_FOLDED',
  ),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
});

describe('fuzz: the fast YAML reader agrees with the full path', function () {
  // The property is about the fast reader, so it runs with it on even when the suite runs under
  // MLTM_YAML_READER=library (which would leave it nothing to compare).
  let forced: string | undefined;
  before(() => {
    forced = process.env[YAML_READER_ENV];
    delete process.env[YAML_READER_ENV];
  });
  after(() => {
    if (forced !== undefined) process.env[YAML_READER_ENV] = forced;
  });
  this.timeout(0);
  // Cheap per case (well under a millisecond each way), so many more cases than the other properties.
  const runs = FUZZ_RUNS * 50;

  it('on real files and generated models under YAML-significant edits', () => {
    let read = 0;
    fc.assert(
      fc.property(window, fc.array(yamlEdit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        if (agreeIfRead(edits.reduce(applyEdit, text))) read++;
      }),
      fuzzParameters(runs),
    );
    // The property means little if nearly everything is declined.
    assert.ok(
      read > runs / 10,
      `only ${read} of ${runs} edited texts were read by the fast reader`,
    );
  });

  it('on the mutations the pipeline fuzz applies', () => {
    fc.assert(
      fc.property(
        window,
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 2 }),
        (text, mutations) => {
          agreeIfRead(mutations.reduce(mutate, text));
        },
      ),
      fuzzParameters(runs),
    );
  });

  it('on random values written in every style of the yaml library', () => {
    let read = 0;
    fc.assert(
      fc.property(tree, tree, stringifyOptions, (first, second, options) => {
        const text = stringify({ first, second }, options as never);
        if (agreeIfRead(text)) read++;
      }),
      fuzzParameters(runs),
    );
    assert.ok(
      read > runs / 4,
      `only ${read} of ${runs} written texts were read by the fast reader`,
    );
  });
});

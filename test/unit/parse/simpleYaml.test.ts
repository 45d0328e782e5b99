/**
 * The fast reader (src/core/parse/simpleYaml.ts): it reads the files users actually write (every
 * example, built-in rule pack, fixture register and generated model and register) with the same
 * value and source map as the `yaml` library's document, and declines what it does not handle,
 * so those files get the full path's located problems. The differential fuzz property lives in
 * test/fuzz/fastReader.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { generatePipeline } from '../../../bench/generate';
import { analyze } from '../../../src/core/analysis';
import { readYaml, REGISTER_READ_LIMITS } from '../../../src/core/parse/source';
import { readSimpleYaml, resolvePlainScalar } from '../../../src/core/parse/simpleYaml';
import { syncRegister } from '../../../src/core/register/sync';

/** Reads `text` both ways and asserts the fast reader took it and agreed with the full path. */
function assertSameAsFullPath(text: string, what: string): void {
  const fast = readSimpleYaml(text, REGISTER_READ_LIMITS.maxDepth);
  assert.ok(fast, `${what}: the fast reader declined it`);
  const full = readYaml(text, what, REGISTER_READ_LIMITS, { document: true });
  assert.deepEqual(full.problems, [], `${what}: the full path reports problems`);
  assert.deepEqual(fast.value, full.value, `${what}: values differ`);
  assert.deepEqual([...fast.sourceMap], [...full.sourceMap], `${what}: source maps differ`);
}

const EXAMPLES = readdirSync('examples')
  .filter((file) => file.endsWith('.mltm.yaml'))
  .map((file) => `examples/${file}`);

describe('fast YAML reader', () => {
  describe('reads the files users write, exactly as the full path does', () => {
    const files = [
      ...EXAMPLES,
      'src/core/rules/builtin/stride.rules.yaml',
      'src/core/rules/builtin/ml.rules.yaml',
      'src/core/rules/builtin/llm.rules.yaml',
      'test/fixtures/register/commented.threats.yaml',
      'test/golden/register/commented.synced.threats.yaml',
      'test/fixtures/reports/hostile.mltm.yaml',
      'test/fixtures/reports/hostile.threats.yaml',
    ];
    it('covers all twelve examples', () => assert.equal(EXAMPLES.length, 12));
    for (const file of files)
      it(file, () => assertSameAsFullPath(readFileSync(file, 'utf8'), file));

    for (const components of [10, 50, 300]) {
      it(`a generated ${components}-component model and the register synced from it`, () => {
        const { text } = generatePipeline({ components, seed: components });
        assertSameAsFullPath(text, 'model');
        const analysis = analyze(text);
        const register = syncRegister(undefined, analysis, {
          today: '2026-01-01',
          modelFile: 'm.mltm.yaml',
        });
        assert.ok(register.ok);
        assertSameAsFullPath(register.text, 'register');
      });
    }
  });

  describe('values', () => {
    const read = (text: string) => readSimpleYaml(text, 64)?.value;

    it('resolves plain scalars with the YAML 1.2 core schema', () => {
      const cases: [string, unknown][] = [
        ['~', null],
        ['null', null],
        ['NULL', null],
        ['', null],
        ['true', true],
        ['False', false],
        ['yes', 'yes'],
        ['no', 'no'],
        ['42', 42],
        ['-7', -7],
        ['+3', 3],
        ['0o17', 15],
        ['0x1F', 31],
        ['1.5', 1.5],
        ['.5', 0.5],
        ['1e3', 1000],
        ['-.inf', -Infinity],
        ['.NaN', NaN],
        ['2026-01-01', '2026-01-01'],
        ['1.2.3', '1.2.3'],
        ['0x', '0x'],
        ['v1', 'v1'],
      ];
      for (const [raw, expected] of cases) assert.deepEqual(resolvePlainScalar(raw), expected, raw);
    });

    it('reads quoted scalars with their escapes', () => {
      assert.deepEqual(
        read(`a: 'it''s'\nb: "tab\\there \\"q\\" \\u00e9\\x41\\U0001F600"\nc: ''\n`),
        { a: "it's", b: 'tab\there "q" éA😀', c: '' },
      );
    });

    it('reads literal and folded block scalars, clipped and stripped', () => {
      const text =
        'a: |\n  one\n\n  two\n    indented\nb: >-\n  folded\n  line\n\n  para\nc: >\n\n  lead\n';
      assert.deepEqual(read(text), {
        a: 'one\n\ntwo\n  indented\n',
        b: 'folded line\npara',
        c: '\nlead\n',
      });
      assertSameAsFullPath(text, 'block scalars');
    });

    it('reads flow collections over several lines', () => {
      const text = 'a: [x, "y", {k: v, n: [1, 2]}, ]\nb: {\n    p: 1,\n    q: [z]\n  }\n';
      assert.deepEqual(read(text), { a: ['x', 'y', { k: 'v', n: [1, 2] }], b: { p: 1, q: ['z'] } });
      assertSameAsFullPath(text, 'flow collections');
    });

    it('keeps `__proto__` as a plain own key, never a prototype', () => {
      const value = read('__proto__:\n  polluted: true\n') as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.deepEqual(Object.keys(value), ['__proto__']);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });
  });

  describe('declines what the full path must read or report', () => {
    const declined: [string, string][] = [
      ['an anchor and alias', 'a: &x 1\nb: *x\n'],
      ['a tag', 'a: !!str 1\n'],
      ['a duplicate key', 'a: 1\na: 2\n'],
      ['a null key', '~: 1\n'],
      ['a multi-line plain scalar', 'a: one\n  two\n'],
      ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
      ['CR line ends', 'a: 1\r\nb: 2\r\n'],
      ['a tab', 'a:\t1\n'],
      ['a BOM', '\ufeffa: 1\n'],
      ['a document marker', '---\na: 1\n'],
      ['a directive', '%YAML 1.2\n---\na: 1\n'],
      ['a second document', 'a: 1\n---\nb: 2\n'],
      ['an explicit key', '? a\n: 1\n'],
      ['a nested mapping on one line', 'a: b: c\n'],
      ['a sequence in a sequence on one line', '- - a\n'],
      ['a comment inside a flow collection', 'a: [x, # c\n  y]\n'],
      ['a keep-chomping block scalar', 'a: |+\n  x\n\n'],
      ['an indentation indicator', 'a: |2\n   x\n'],
      ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
      ['an unterminated flow collection', 'a: [x, y\n'],
      ['a root scalar', 'just text\n'],
      ['text after a quoted scalar', 'a: "x" y\n'],
      ['an unknown escape', 'a: "\\q"\n'],
      ['a reserved indicator', 'a: @x\n'],
      // Found by review: the library refuses a quoted implicit key whose `:` is over 1024 characters on.
      ['a quoted key over 1024 characters', '"' + 'k'.repeat(1023) + '": v\n'],
      ['a quoted key over 1024 characters in a list item', "- '" + 'k'.repeat(1023) + "': v\n"],
    ];
    for (const [what, text] of declined) {
      it(what, () => assert.equal(readSimpleYaml(text, 64), undefined));
    }

    it('declines nesting deeper than the limit', () => {
      assert.equal(readSimpleYaml('a:\n  b:\n    c: 1\n', 1), undefined);
      assert.ok(readSimpleYaml('a:\n  b:\n    c: 1\n', 3));
    });

    it('counts a scalar inside flow collections as a level, as the full path does (found by review)', () => {
      const text = 'a:\n- c: ' + '['.repeat(62) + 'x' + ']'.repeat(62) + '\n';
      assert.equal(readSimpleYaml(text, 64), undefined);
      const problems = readYaml(text, 'model').problems;
      assert.deepEqual(
        problems.map((p) => p.code),
        ['MLTM009'],
      );
      // Written nesting, not alias expansion: the message must not blame aliases.
      assert.doesNotMatch(problems[0]?.message ?? '', /alias/);
      const viaAliases = readYaml(
        `base: &l0 [x]\n${Array.from({ length: 70 }, (_, i) => `l${i + 1}: &l${i + 1} [*l${i}]`).join('\n')}\n`,
        'model',
      ).problems;
      assert.match(viaAliases.find((p) => p.code === 'MLTM009')?.message ?? '', /through aliases/);
    });

    it('still reads a quoted key of 1024 characters', () => {
      assertSameAsFullPath('"' + 'k'.repeat(1022) + '": v\n', 'long key');
    });

    it('leaves problems to the full path: readYaml still reports a duplicate key with both places', () => {
      const read = readYaml('a: 1\na: 2\n', 'model');
      assert.deepEqual(
        read.problems.map((p) => [p.code, p.range.start, p.related?.[0]?.range.start]),
        [['MLTM002', 5, 0]],
      );
    });
  });

  describe('ranges', () => {
    it('ends a block collection at its last value, not at a comment or blank lines after it (both paths)', () => {
      const text =
        'components:\n  a:\n    kind: user   # who\n\n  # ---- next section ----\n  b:\n    kind: user\n';
      const fast = readSimpleYaml(text, 64);
      const full = readYaml(text, 'model', undefined, { document: true });
      for (const map of [fast?.sourceMap, full.sourceMap]) {
        const range = map?.get('/components/a')?.value;
        assert.equal(text.slice(range?.start, range?.end), 'kind: user');
      }
      assertSameAsFullPath(text, 'trailing comments');
    });

    it('places a null value after its indicator and any spaces', () => {
      const text = 'a:\nb:   # nothing\nc:\n  - \n  -\n';
      assertSameAsFullPath(text, 'nulls');
      const map = readSimpleYaml(text, 64)?.sourceMap;
      assert.deepEqual(map?.get('/a')?.value, { start: 2, end: 2 });
      assert.deepEqual(map?.get('/b')?.value, { start: 8, end: 8 }); // after the spaces, where the comment starts
    });
  });
});

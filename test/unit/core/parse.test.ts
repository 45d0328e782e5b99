/**
 * The parser keeps exact source ranges: for keys and values in block maps, flow maps, block and
 * flow lists, quoted and multi-line scalars, and through aliases. Every later finding depends on
 * these ranges to point at the right place in the file.
 */
import assert from 'node:assert/strict';
import { loadModel } from '../../../src/core/model/load';
import {
  DEFAULT_READ_LIMITS,
  decodeUtf8,
  findConflictMarkers,
  findExcessiveNesting,
  pointer,
  readYaml,
} from '../../../src/core/parse/source';
import { LineIndex } from '../../../src/core/util/lineIndex';
import { codes, slice, startOf } from './located';

const MODEL = [
  'mltm: 1', //                                                         line 1
  'name: "Card fraud"', //                                              line 2
  'boundaries:', //                                                     line 3
  '  edge: { name: Edge, trust: semi_trusted }', //                    line 4
  'components:', //                                                     line 5
  '  gateway:', //                                                      line 6
  '    kind: api_gateway', //                                           line 7
  '    boundary: edge', //                                              line 8
  '    controls:', //                                                   line 9
  '      - authn', //                                                   line 10
  '      - rate_limiting', //                                           line 11
  '  client: {kind: external_client, owner: "team a"}', //              line 12
  '  trainer:', //                                                      line 13
  '    kind: training_job', //                                          line 14
  '    description: >-', //                                             line 15
  '      Folded text', //                                               line 16
  '      over two lines', //                                            line 17
  'flows:', //                                                          line 18
  '  - { id: score, from: client, to: gateway, controls: [mtls, waf] }', // line 19
  '  - from: gateway', //                                               line 20
  '    to: trainer', //                                                 line 21
  '',
].join('\n');

describe('parser: source ranges', () => {
  const read = readYaml(MODEL, 'model');
  const entry = (path: string) => {
    const found = read.sourceMap.get(path);
    assert.ok(found, `no source entry for ${path}`);
    return found;
  };

  it('parses without problems', () => {
    assert.deepEqual(read.problems, []);
  });

  // [pointer, key line:col, key text, value line:col, value text]
  const cases: [string, string | undefined, string | undefined, string, string][] = [
    ['/mltm', '1:1', 'mltm', '1:7', '1'],
    ['/name', '2:1', 'name', '2:7', '"Card fraud"'],
    ['/boundaries/edge', '4:3', 'edge', '4:9', '{ name: Edge, trust: semi_trusted }'],
    ['/boundaries/edge/trust', '4:23', 'trust', '4:30', 'semi_trusted'],
    ['/components/gateway', '6:3', 'gateway', '7:5', undefined as never],
    ['/components/gateway/kind', '7:5', 'kind', '7:11', 'api_gateway'],
    ['/components/gateway/boundary', '8:5', 'boundary', '8:15', 'edge'],
    ['/components/gateway/controls/0', undefined, undefined, '10:9', 'authn'],
    ['/components/gateway/controls/1', undefined, undefined, '11:9', 'rate_limiting'],
    ['/components/client/kind', '12:12', 'kind', '12:18', 'external_client'],
    ['/components/client/owner', '12:35', 'owner', '12:42', '"team a"'],
    ['/flows/0', undefined, undefined, '19:5', undefined as never],
    ['/flows/0/id', '19:7', 'id', '19:11', 'score'],
    ['/flows/0/to', '19:32', 'to', '19:36', 'gateway'],
    ['/flows/0/controls/1', undefined, undefined, '19:62', 'waf'],
    ['/flows/1/from', '20:5', 'from', '20:11', 'gateway'],
    ['/flows/1/to', '21:5', 'to', '21:9', 'trainer'],
  ];
  for (const [path, keyAt, keyText, valueAt, valueText] of cases) {
    it(`${path}: key at ${keyAt ?? '(none)'}, value at ${valueAt}`, () => {
      const { key, value } = entry(path);
      if (keyAt === undefined) assert.equal(key, undefined);
      else {
        assert.ok(key);
        assert.equal(startOf(MODEL, key), keyAt);
        assert.equal(slice(MODEL, key), keyText);
      }
      assert.equal(startOf(MODEL, value), valueAt);
      if (valueText !== undefined) assert.equal(slice(MODEL, value), valueText);
    });
  }

  it('a folded multi-line scalar covers all its lines', () => {
    const { value } = entry('/components/trainer/description');
    assert.equal(startOf(MODEL, value), '15:18');
    assert.match(slice(MODEL, value), /^>-\n {6}Folded text\n {6}over two lines$/);
  });

  it('the plain value matches the text', () => {
    const value = read.value as {
      components: { trainer: { description: string } };
      flows: { controls?: string[] }[];
    };
    assert.equal(value.components.trainer.description, 'Folded text over two lines');
    assert.deepEqual(value.flows[0]?.controls, ['mtls', 'waf']);
  });

  it('values reached through an alias point at the anchor', () => {
    const text = 'common: &ctl [authn, authz]\nother: *ctl\n';
    const result = readYaml(text, 'model');
    assert.deepEqual(result.problems, []);
    assert.equal(
      startOf(text, result.sourceMap.get('/other')?.value ?? { start: -1, end: -1 }),
      '2:8',
    );
    assert.equal(
      slice(text, result.sourceMap.get('/other/1')?.value ?? { start: 0, end: 0 }),
      'authz',
    );
    assert.deepEqual((result.value as { other: string[] }).other, ['authn', 'authz']);
  });

  it('keys with `/` and `~` are escaped in pointers (RFC 6901)', () => {
    assert.equal(pointer('components', 'a/b', 'c~d'), '/components/a~1b/c~0d');
    const text = 'x-odd:\n  a/b: 1\n';
    const result = readYaml(text, 'model');
    assert.equal(
      startOf(text, result.sourceMap.get('/x-odd/a~1b')?.key ?? { start: -1, end: -1 }),
      '2:3',
    );
  });

  it('a `__proto__` key is a plain property, never a prototype', () => {
    const result = readYaml('__proto__: { polluted: true }\n', 'model');
    const value = result.value as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(value, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });

  it('CRLF line endings give the same line:col as LF', () => {
    const crlf = MODEL.replace(/\n/g, '\r\n');
    const result = readYaml(crlf, 'model');
    assert.deepEqual(result.problems, []);
    const value = result.sourceMap.get('/flows/1/to')?.value ?? { start: -1, end: -1 };
    assert.equal(startOf(crlf, value), '21:9');
    assert.equal(slice(crlf, value), 'trainer');
  });

  it('a BOM is accepted and columns count from after it', () => {
    const text = '\ufeffmltm: 1\nname: x\ncomponents:\n  a: { kind: user }\n';
    assert.deepEqual(loadModel(text).problems, []);
    assert.equal(decodeUtf8(new TextEncoder().encode(text)).problems.length, 0);
  });

  it('element locations on the typed model point at ids and values', () => {
    const model = loadModel(MODEL).model;
    assert.ok(model);
    const gateway = model.components.find((c) => c.id === 'gateway');
    assert.ok(gateway);
    assert.equal(startOf(MODEL, gateway.idRange), '6:3');
    assert.equal(slice(MODEL, gateway.idRange), 'gateway');
    const [score, derived] = model.flows;
    assert.ok(score && derived);
    assert.equal(score.id, 'score');
    assert.equal(slice(MODEL, score.idRange), 'score');
    assert.equal(derived.id, 'gateway->trainer');
    assert.equal(derived.idExplicit, false);
    assert.equal(startOf(MODEL, derived.idRange), '20:5');
  });
});

describe('parser: guards', () => {
  it('finds merge-conflict markers only at line starts', () => {
    const text =
      'a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> main\nc: "<<<<<<< not a marker"\n';
    const markers = findConflictMarkers(text);
    assert.deepEqual(
      markers.map((m) => startOf(text, m)),
      ['2:1', '4:1', '6:1'],
    );
    assert.equal(slice(text, markers[0] ?? { start: 0, end: 0 }), '<<<<<<< HEAD');
  });

  it('finds bare conflict markers in a file with Windows line endings', () => {
    // Regression: `$` does not match before `\r`, so `=======\r\n` was missed.
    const text = 'a: 1\r\n<<<<<<<\r\nb: 2\r\n=======\r\nb: 3\r\n>>>>>>>\r\n';
    const markers = findConflictMarkers(text);
    assert.deepEqual(
      markers.map((m) => startOf(text, m)),
      ['2:1', '4:1', '6:1'],
    );
    assert.deepEqual(
      markers.map((m) => slice(text, m)),
      ['<<<<<<<', '=======', '>>>>>>>'],
    );
  });

  it('counts `- - -` on one line as nested lists', () => {
    // Regression: only the indentation counted, so 5,000 nested lists on one line reached the
    // YAML library and overflowed the stack (an exception instead of a problem).
    // root mapping, then a list per `- `: the third dash is the fourth level.
    assert.equal(findExcessiveNesting('a:\n  - - - x\n', 3), 9);
    assert.equal(findExcessiveNesting('a:\n  - x\n', 3), -1);
    const flows = 'flows:\n  - from: a\n    to: b\n';
    assert.equal(findExcessiveNesting(flows, 3), -1);
    assert.equal(findExcessiveNesting(flows, 2), lineColOffset(flows, 2, 5));
    const text = 'x-deep:\n  ' + '- '.repeat(5000) + '1\n';
    assert.deepEqual(codes(readYaml(text, 'model').problems), ['MLTM009']);
  });

  it('counts flow brackets outside quotes and comments only, wherever they are on the line', () => {
    // The scan jumps from one quote, `#`, bracket or backslash to the next: each of these
    // decides what the characters after it mean.
    const at = (text: string, depth: number) => findExcessiveNesting(text, depth);
    assert.equal(at('a: [[[x]]]\n', 2), 4, 'the second bracket is the third level');
    assert.equal(at('a: "[[[" \n', 2), -1, 'brackets in a double-quoted string');
    assert.equal(at("a: 'x[[' \n", 2), -1, 'brackets in a single-quoted string');
    assert.equal(at('a: "x\\"[[" [\n', 2), -1, 'an escaped quote does not close the string');
    assert.equal(at("a: it's [[\n", 2), 9, 'an apostrophe inside a word opens no string');
    assert.equal(at('a: x # [[[\n', 2), -1, 'brackets in a comment');
    assert.equal(at('a: x#[[[\n', 2), 6, 'a `#` inside a word starts no comment');
    assert.equal(at("a: [b, 'c]]]', [d]]\n", 3), -1, 'a quoted string inside a flow list');
  });

  it('reports a duplicate key once, with the first one related, even when an alias repeats the map', () => {
    const text = 'x-a: &a\n  k: 1\n  k: 2\nx-b: *a\nx-c: *a\n';
    const problems = readYaml(text, 'model').problems;
    assert.deepEqual(codes(problems), ['MLTM002']);
    assert.equal(startOf(text, problems[0]?.range ?? { start: 0, end: 0 }), '3:3');
    assert.match(problems[0]?.message ?? '', /^Duplicate key `k`: /);
    assert.equal(startOf(text, problems[0]?.related?.[0]?.range ?? { start: 0, end: 0 }), '2:3');
  });

  it('measures nesting across block indentation and flow brackets, ignoring quotes and comments', () => {
    assert.equal(findExcessiveNesting('a: "[[[[[[[[[["\n# [[[[[[[[[[[\nb: [1]\n', 3), -1);
    assert.equal(findExcessiveNesting('a: [[[[1]]]]\n', 3), 5);
    const block = 'a:\n  b:\n    c:\n      d: 1\n';
    assert.equal(lineColOf(block, findExcessiveNesting(block, 3)), '4:7');
  });

  it('counts only values reached through aliases toward the alias budget', () => {
    // Regression: every node used to count, so a large model without any alias was reported as an
    // alias bomb.
    const many =
      'mltm: 1\nname: many\nx-list: [' +
      Array.from({ length: 3000 }, (_, i) => i).join(', ') +
      ']\ncomponents:\n  a: { kind: user }\n';
    const limits = { ...DEFAULT_READ_LIMITS, maxExpandedNodes: 1000 };
    assert.deepEqual(codes(loadModel(many, { limits }).problems), []);
    const aliased =
      'x-a: &a [' + Array.from({ length: 600 }, () => 1).join(', ') + ']\nx-b: [*a, *a]\n';
    assert.deepEqual(codes(readYaml(aliased, 'model', limits).problems), ['MLTM003']);
  });

  it('decodes UTF-8 and locates the first invalid byte in characters', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('name: é\n'), 0xff, 0x0a]);
    const decoded = decodeUtf8(bytes);
    assert.equal(decoded.text, undefined);
    assert.equal(decoded.problems[0]?.code, 'MLTM005');
    // "name: é\n" is 9 bytes but 8 characters.
    assert.equal(decoded.problems[0]?.range.start, 8);
    assert.equal(lineColOf(decoded.locatingText ?? '', 8), '2:1');
  });
});

function lineColOffset(text: string, line: number, column: number): number {
  return new LineIndex(text).lineStart(line) + column - 1;
}

function lineColOf(text: string, offset: number): string {
  const { line, column } = new LineIndex(text).position(offset);
  return `${line}:${column}`;
}

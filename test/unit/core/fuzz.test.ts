/**
 * "Never a crash": property tests that feed the loader arbitrary text and YAML-shaped junk built
 * from the fragments that break parsers (brackets, anchors, aliases, tabs, markers, quotes,
 * unicode). Whatever comes in, `loadModel` returns, and every problem's range lies inside the
 * text, so the CLI and the editor can always point at it.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadModel } from '../../../src/core/model/load';
import { decodeUtf8 } from '../../../src/core/parse/source';

const FRAGMENTS = [
  'mltm: 1\n',
  'name: x\n',
  'components:\n',
  'flows:\n',
  'boundaries:\n',
  'data:\n',
  '  a: { kind: user }\n',
  '  b: { kind: llm_app, controls: [authn] }\n',
  '  - { from: a, to: b }\n',
  '  - from: a\n',
  '    to: a\n',
  '- ',
  '-',
  ': ',
  ':',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '*a',
  '*b',
  '&b [*a, *a]',
  '!!binary ',
  '!tag ',
  '? ',
  '|\n',
  '>-\n',
  '"',
  "'",
  '\\',
  '#',
  '\t',
  '\r\n',
  '\n',
  '  ',
  '---\n',
  '...\n',
  '<<<<<<< HEAD\n',
  '=======\n',
  '>>>>>>> x\n',
  '<<: *a\n',
  '%YAML 1.2\n',
  '\u0000',
  '\ufeff',
  'é',
  '𝔘',
  '\u2028',
  'true',
  'null',
  '~',
  '0x1F',
  '1e309',
  '-.inf',
  '2024-01-01',
  '__proto__: 1\n',
  'constructor: 1\n',
];

function assertWellFormed(text: string): void {
  const { problems } = loadModel(text);
  for (const p of problems) {
    assert.ok(
      p.range.start >= 0 && p.range.start <= p.range.end && p.range.end <= text.length,
      `${p.code} range ${JSON.stringify(p.range)} outside ${text.length}`,
    );
    assert.ok(p.message.length > 0);
  }
}

describe('loader robustness (property tests)', () => {
  it('never throws on YAML-shaped junk, and problem ranges lie inside the text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }), (parts) =>
        assertWellFormed(parts.join('')),
      ),
      { numRuns: 400, seed: 20261125 },
    );
  });

  it('never throws on arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), assertWellFormed), {
      numRuns: 300,
      seed: 7,
    });
  });

  it('never throws on a valid model with one character changed', () => {
    const model =
      'mltm: 1\nname: m\nboundaries:\n  z: { trust: trusted }\ncomponents:\n  a: { kind: user }\n  b: { kind: llm_app, boundary: z, controls: [authn] }\nflows:\n  - { id: f, from: a, to: b, data: [] }\n';
    fc.assert(
      fc.property(
        fc.nat({ max: model.length - 1 }),
        fc.constantFrom(...'{}[]:,-&*!|>"\'#\t\n x'),
        (at, ch) => assertWellFormed(model.slice(0, at) + ch + model.slice(at + 1)),
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it('decodes arbitrary bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decodeUtf8(bytes);
        assert.ok(result.text !== undefined || result.problems.length === 1);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

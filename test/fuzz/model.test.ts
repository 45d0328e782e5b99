/**
 * Property tests of the model pipeline (parse → validate → analyze → sync) on generated models
 * with random mutations and on arbitrary text: nothing throws, every problem is located inside
 * the file, every call returns within the bound, and a model without errors syncs into a register
 * that a second sync leaves byte-for-byte unchanged.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generatePipeline } from '../../bench/generate';
import { analyze, threatsOf } from '../../src/core/analysis';
import { syncRegister } from '../../src/core/register/sync';
import {
  assertRangesInside,
  bounded,
  fuzzParameters,
  mutateAll,
  mutationArbitrary,
} from './support';

const SYNC = { today: '2026-01-01', modelFile: 'fuzz.mltm.yaml' };

/** The whole pipeline on one text, with every invariant checked. */
function checkModelText(text: string): void {
  const analysis = bounded('analyze', () => analyze(text));
  assertRangesInside(analysis.problems, text, 'model');
  for (const threat of threatsOf(analysis)) {
    assert.ok(
      threat.range.start >= 0 && threat.range.end <= text.length,
      `threat ${threat.id} range outside the file`,
    );
  }
  const result = bounded('sync from empty', () => syncRegister(undefined, analysis, SYNC));
  const hasErrors = analysis.problems.some((p) => p.severity === 'error');
  assert.equal(
    result.ok,
    !hasErrors && analysis.status === 'loaded',
    'sync must refuse exactly when the model has errors',
  );
  if (!result.ok) return;
  const again = bounded('re-sync', () => syncRegister(result.text, analysis, SYNC));
  assert.ok(again.ok, 'a register just written by sync must sync again');
  assert.equal(again.changed, false, 'a second sync with the same inputs changes nothing');
}

describe('fuzz: models', function () {
  this.timeout(0);

  it('generated models are valid, analyse and sync idempotently', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer(), (components, seed) => {
        const { text } = generatePipeline({ components, seed });
        const analysis = analyze(text);
        assert.deepEqual(analysis.problems, [], 'the generator always produces clean models');
        checkModelText(text);
      }),
      fuzzParameters(),
    );
  });

  it('mutated models never crash and every problem is inside the file', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 25 }),
        fc.integer(),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        (components, seed, mutations) => {
          checkModelText(mutateAll(generatePipeline({ components, seed }).text, mutations));
        },
      ),
      fuzzParameters(),
    );
  });

  it('arbitrary text never crashes', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'mltm: 1\n',
          'name: x\n',
          'components:\n',
          '  a: {kind: user}\n',
          '  b: {kind: serving_endpoint, controls: [authz]}\n',
          'flows:\n',
          '  - {from: a, to: b}\n',
          '- ',
          ': ',
          '? ',
          '&x ',
          '*x ',
          '!!str ',
          '[',
          ']',
          '{',
          '}',
          ',',
          '"',
          "'",
          '#',
          '|',
          '>',
          '\n',
          '  ',
          '\t',
          '---\n',
          '%YAML 1.2\n',
          'x',
          '1',
          '\u00e9',
          '\uD83D\uDE00',
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          yamlish,
        ),
        (text) => checkModelText(text),
      ),
      fuzzParameters(),
    );
  });
});

/**
 * Property tests of the threat register: a register synced from a generated model, then mutated
 * (deleted, duplicated, retyped keys, unknown ids, random bytes, truncation, nesting, aliases),
 * goes through load → check → sync without an exception; problems are located inside the
 * register; a sync that succeeds writes a register that loads and re-syncs unchanged; a sync that
 * refuses says why with MLTM310.
 */
import { analyzeLoaded } from '../support/analysis';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generatePipeline } from '../../bench/generate';
import type { LoadedAnalysis } from '../../src/core/analysis';
import { checkRegister, loadRegister } from '../../src/core/register/register';
import { syncRefusals, syncRegister } from '../../src/core/register/sync';
import {
  assertRangesInside,
  bounded,
  fuzzParameters,
  mutateAll,
  mutationArbitrary,
} from './support';

const SYNC = { today: '2026-01-01', modelFile: 'fuzz.mltm.yaml' };

const base = new Map<string, { analysis: LoadedAnalysis; register: string }>();
function baseFor(components: number, seed: number) {
  const key = `${components}:${seed}`;
  let entry = base.get(key);
  if (!entry) {
    const analysis = analyzeLoaded(generatePipeline({ components, seed }).text);
    const synced = syncRegister(undefined, analysis, SYNC);
    assert.ok(synced.ok);
    entry = { analysis, register: synced.text };
    base.set(key, entry);
  }
  return entry;
}

describe('fuzz: registers', function () {
  this.timeout(0);

  it('mutated registers load, check and sync without an exception', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        (components, seed, mutations) => {
          const { analysis, register } = baseFor(components, seed);
          const text = mutateAll(register, mutations);
          const loaded = bounded('loadRegister', () => loadRegister(text));
          assertRangesInside(loaded.problems, text, 'register');
          if (loaded.register)
            assertRangesInside(
              bounded('checkRegister', () => checkRegister(loaded.register!, analysis, SYNC)),
              text,
              'register check',
            );
          const result = bounded('sync', () => syncRegister(text, analysis, SYNC));
          if (!result.ok) {
            assert.ok(result.problems.length > 0, 'a refused sync says why');
            assertRangesInside(result.problems, text, 'sync refusal');
            // A loadable register is refused only for a reason sync itself names (another model,
            // unknown ids, hand-edited machine fields, mass stale): never silently.
            if (loaded.writable)
              assert.deepEqual(result.problems, syncRefusals(loaded.register!, analysis, SYNC));
            return;
          }
          const reloaded = loadRegister(result.text);
          assert.ok(
            reloaded.writable,
            `sync wrote a register that does not load: ${reloaded.problems.map((p) => p.message).join('; ')}`,
          );
          const again = bounded('re-sync', () => syncRegister(result.text, analysis, SYNC));
          assert.ok(again.ok && !again.changed, 'a second sync changes nothing');
        },
      ),
      fuzzParameters(),
    );
  });

  it('arbitrary text as a register never crashes and is never overwritten unless it loads', () => {
    const registerish = fc
      .array(
        fc.constantFrom(
          'mltm-register: 1\n',
          'model: fuzz.mltm.yaml\n',
          'threats:\n',
          '  x@a:\n',
          '    status: accepted\n',
          '    justification: ok\n',
          '    machine: {fingerprint: 0, stale: true}\n',
          '- ',
          ': ',
          '&a ',
          '*a ',
          '[',
          ']',
          '{',
          '}',
          '"',
          '#',
          '\n',
          '  ',
          '\t',
          '---\n',
          'x',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), registerish), (text) => {
        const { analysis } = baseFor(3, 0);
        const loaded = bounded('loadRegister', () => loadRegister(text));
        assertRangesInside(loaded.problems, text, 'register');
        const result = bounded('sync', () => syncRegister(text, analysis, SYNC));
        if (result.ok && text.trim() !== '')
          assert.ok(loaded.writable, 'sync wrote over a register that does not load');
      }),
      fuzzParameters(),
    );
  });
});

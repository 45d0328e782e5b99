/**
 * offsetMapping: where the offsets of the last analysed text are in the text typed since (the
 * editor keeps CodeLens on their elements while the person types). Every offset that maps must
 * land on the same character, and no more offsets may be lost than the edit replaced.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { offsetMapping } from '../../../src/core/edit/textEdit';

describe('offsetMapping', () => {
  it('keeps offsets before a keystroke, moves those after it, drops those it replaced', () => {
    const before = 'controls: [authn]\nc1:\n';
    const typed = 'controls: [authn, r]\nc1:\n';
    const map = offsetMapping(before, typed);
    assert.equal(map(0), 0);
    assert.equal(map(before.indexOf('c1')), typed.indexOf('c1'));
    const deleted = offsetMapping('a: [x, y]\n', 'a: [x]\n');
    assert.equal(deleted('a: [x'.length + 1), undefined, 'the deleted `y` has no place');
    assert.equal(deleted('a: [x, y]\n'.length), 'a: [x]\n'.length, 'the end moves back');
  });

  it('maps every offset outside the replaced span to the same character', () => {
    fc.assert(
      fc.property(
        // Few distinct characters, so runs of equal ones (where the span is ambiguous) are common.
        fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 60 }),
        fc.nat(),
        fc.nat(),
        fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 10 }),
        (before, a, b, inserted) => {
          const start = a % (before.length + 1);
          const end = start + (b % (before.length - start + 1));
          const after = before.slice(0, start) + inserted + before.slice(end);
          const map = offsetMapping(before, after);
          let lost = 0;
          for (let offset = 0; offset < before.length; offset++) {
            const mapped = map(offset);
            if (mapped === undefined) lost++;
            else assert.equal(after[mapped], before[offset]);
          }
          // The span may sit elsewhere in a run of equal characters, but is never longer.
          assert.ok(lost <= end - start, `${lost} offsets lost, ${end - start} replaced`);
        },
      ),
      { seed: 20261208, numRuns: 500 },
    );
  });
});

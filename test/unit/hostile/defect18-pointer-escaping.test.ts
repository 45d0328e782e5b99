/**
 * Issue 16 defect 18: an id holding `/` or `~` was reported at its parent key (`components:`)
 * instead of the id itself: the JSON pointer to it was built without RFC 6901 escaping
 * (`~0`, `~1`), so the source-map lookup missed and fell back to the parent.
 */
import assert from 'node:assert/strict';
import { loadModel } from '../../../src/core/model/load';
import { loadRegister } from '../../../src/core/register/register';
import { slice, startOf } from '../core/located';

describe('issue 16 defect 18: ids with / or ~ are reported at the key itself', () => {
  for (const id of ['a/b', 'x~y', 'p~1q', 'r~0/s']) {
    it(`component \`${id}\``, () => {
      const text = `mltm: 1\nname: m\ncomponents:\n  ok: { kind: user }\n  "${id}": { kind: user }\n`;
      const problems = loadModel(text).problems.filter((p) => p.code === 'MLTM107');
      assert.equal(problems.length, 1, JSON.stringify(problems));
      const p = problems[0]!;
      assert.equal(startOf(text, p.range), '5:3');
      assert.equal(slice(text, p.range), `"${id}"`);
    });
  }

  it('a register entry keyed with `/`', () => {
    const text =
      'mltm-register: 1\nmodel: m.mltm.yaml\nthreats:\n  "rule@a/b":\n    status: open\n';
    const p = loadRegister(text).problems.find((x) => x.code === 'MLTM107');
    assert.ok(p);
    assert.equal(startOf(text, p.range), '4:3');
  });
});

import assert from 'node:assert/strict';
import { loadModel } from '../../../src/core/model/load';

describe('loadModel', () => {
  it('loads a minimal model', () => {
    const result = loadModel('mltm: 1\nname: x\ncomponents:\n  a: {kind: user}\n');
    assert.deepEqual(result.problems, []);
    assert.equal(result.model?.components[0]?.id, 'a');
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRegister } from '../../../src/core/register/register';
import { syncRegister } from '../../../src/core/register/sync';
import { triageThreat } from '../../../src/core/register/triage';
import { analyzeLoaded } from '../../support/analysis';

// Found by the real-VS-Code suite: a register written by sync must satisfy the register schema,
// or the editor flags every entry the moment "accept risk" writes the file.
describe('a register written by sync or triage', () => {
  const text = readFileSync('examples/06-unauthenticated-resnet.mltm.yaml', 'utf8');
  const analysis = analyzeLoaded(text);
  const options = { today: '2026-11-25', modelFile: '06-unauthenticated-resnet.mltm.yaml' };

  it('loads without problems after sync', () => {
    const synced = syncRegister(undefined, analysis, options);
    assert.ok(synced.ok);
    assert.deepEqual(loadRegister(synced.text).problems, []);
  });

  it('loads without problems after accepting a risk', () => {
    const threat = analysis.threats.find((t) => !t.mitigated);
    assert.ok(threat);
    const triaged = triageThreat(
      undefined,
      analysis,
      threat.id,
      { status: 'accepted', justification: 'Behind a quota.' },
      options,
    );
    assert.ok(triaged.ok);
    assert.deepEqual(loadRegister(triaged.text).problems, []);
  });
});

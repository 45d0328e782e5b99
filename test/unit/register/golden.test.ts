/**
 * Golden: a hand-written, commented register (comments above entries, inline comments, a custom
 * key order, human fields, a block-scalar justification) goes through sync twice — once as it
 * is, once after a model edit — and each output equals a committed file. Regenerate with
 * `UPDATE_GOLDEN=1 npx mocha test/unit/register/golden.test.ts` and review the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncRegister } from '../../../src/core/register/sync';
import { assertGolden } from '../../support/golden';
import { analyzed, MODEL, OPTIONS } from './helpers';

const FIXTURE = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'register', 'commented.threats.yaml'),
  'utf8',
);

/** The model edit: rate limiting on `api`, the registry flow replaced by an explicit `publish` flow with mTLS. */
const EDITED = MODEL.replace('controls: [authn] }', 'controls: [authn, rate_limiting] }').replace(
  '  - { from: registry, to: api, data: [weights] }\n',
  '  - { id: publish, from: registry, to: api, data: [weights], controls: [mtls] }\n',
);

/** Every comment line and human line of the fixture, which must survive verbatim. */
const KEPT = [
  '  # Triage meeting 2026-10-14: Ana (platform), Bo (security).\n  # Anything still open after 2027-01 goes to the risk board.\n\n',
  '  # Rate limiting lands in Q1; keep open until it is in the model.\n  ai-service-denial-of-service@api:\n',
  '    status: open\n    owner: ana # platform team lead\n    ticket: SEC-88\n',
  '  process-input-tampering@api:\n    status: accepted\n    justification: Only the internal load balancer can reach the API.\n    review_by: 2027-03-31\n    x-risk: 3\n    title: Malicious input reaches a process\n',
  '\n  # Flows\n  flow-sniffing@registry->api:\n',
  '    status: mitigated\n    justification: mTLS by the service mesh (see platform/mesh.md).\n',
  '    status: not_applicable\n    justification: |\n      The registry stores only public model cards;\n      weights live in the artifact store.\n    notes: "Revisit if weights move here."\n',
];

describe('register golden: a commented register survives sync', () => {
  it('first sync records the decisions and re-adds the deleted entry, comments and order intact', () => {
    for (const kept of KEPT) assert.ok(FIXTURE.includes(kept), `fixture lacks ${kept}`);
    const result = syncRegister(FIXTURE, analyzed(MODEL), { ...OPTIONS, today: '2026-10-15' });
    assert.ok(result.ok);
    for (const kept of KEPT) assert.ok(result.text.includes(kept), `lost: ${kept}`);
    // The deleted entry comes back; the ML pack's threats on this model are new.
    assert.deepEqual(result.summary.added, [
      'model-drift-unmonitored@api',
      'evasion-adversarial-examples@query',
      'external-caller-repudiation@query',
      'model-extraction-inference-api@query',
    ]);
    assertGolden('register/commented.decided.threats.yaml', result.text);
  });

  it('after a model edit: refreshed, needs review, stale and new entries; comments and order intact', () => {
    const decided = syncRegister(FIXTURE, analyzed(MODEL), { ...OPTIONS, today: '2026-10-15' });
    assert.ok(decided.ok);
    const result = syncRegister(decided.text, analyzed(EDITED), {
      ...OPTIONS,
      today: '2026-11-25',
    });
    assert.ok(result.ok);
    for (const kept of KEPT) assert.ok(result.text.includes(kept), `lost: ${kept}`);
    assert.deepEqual(result.summary.needsReview, ['process-input-tampering@api']);
    assert.deepEqual([...result.summary.staled].sort(), [
      'flow-sniffing@registry->api',
      'flow-tampering-in-transit@registry->api',
    ]);
    assert.ok(
      result.summary.added.every((id) => id.endsWith('@publish')) &&
        result.summary.added.length > 0,
    );
    assertGolden('register/commented.synced.threats.yaml', result.text);
    const again = syncRegister(result.text, analyzed(EDITED), { ...OPTIONS, today: '2026-12-31' });
    assert.ok(again.ok);
    assert.equal(again.changed, false);
  });
});

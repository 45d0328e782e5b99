/**
 * Sync semantics: what is added, refreshed, staled and revived; decisions flagged for review
 * when their element changes; human fields, comments and key order untouched; same bytes for
 * the same inputs; a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  checkRegister,
  loadRegister,
  registerFileNameFor,
} from '../../../src/core/register/register';
import { syncRegister } from '../../../src/core/register/sync';
import { analyzed, MODEL, OPTIONS, synced, TODAY } from './helpers';

type Json = {
  threats: Record<string, Record<string, unknown> & { machine: Record<string, unknown> }>;
};
const read = (text: string) => parse(text) as Json;

/** The model without the `registry` component and its flow. */
const WITHOUT_REGISTRY = MODEL.replace(
  '  registry: { kind: model_registry, boundary: platform }\n',
  '',
)
  .replace('  - { from: registry, to: api, data: [weights] }\n', '')
  .replace(/data:\n {2}weights: .*\n/, '');
/** The model with one more control on `api` (its fingerprint changes). */
const API_HARDENED = MODEL.replace('controls: [authn] }', 'controls: [authn, rate_limiting] }');

/** Sets human fields on one entry by text, the way a person would. */
function decide(text: string, id: string, fields: string): string {
  const pattern = new RegExp(
    `(  ${id.replace(/[.*+?^${}()|[\]\\>]/g, '\\$&')}:\\n(?:    .*\\n)*?)    status: open\\n`,
  );
  assert.match(text, pattern, `entry ${id} not found`);
  return text.replace(pattern, `$1${fields}`);
}

describe('registerFileNameFor', () => {
  it('puts the register beside the model under a predictable name', () => {
    assert.equal(registerFileNameFor('fraud.mltm.yaml'), 'fraud.threats.yaml');
    assert.equal(registerFileNameFor('fraud.mltm.yml'), 'fraud.threats.yaml');
    assert.equal(registerFileNameFor('pipeline.yaml'), 'pipeline.threats.yaml');
  });
});

describe('syncRegister', () => {
  it('creates a register with every threat as open, in analysis order, dated today', () => {
    const analysis = analyzed(MODEL);
    const text = synced(undefined, MODEL);
    const json = read(text);
    assert.deepEqual(
      Object.keys(json.threats),
      analysis.threats.map((t) => t.id),
    );
    for (const threat of analysis.threats) {
      const entry = json.threats[threat.id];
      assert.ok(entry);
      assert.equal(entry['status'], 'open');
      assert.equal(entry['severity'], threat.severity);
      assert.equal(entry['element'], threat.element);
      assert.equal(entry.machine['first_seen'], TODAY);
      assert.equal(entry.machine['fingerprint'], threat.fingerprint);
      assert.deepEqual(entry.machine['missing_controls'], [...threat.missingControls]);
    }
    assert.match(text, /^# mltm threat register for m\.mltm\.yaml/);
    assert.deepEqual(loadRegister(text).problems, []);
  });

  it('adds new threats as open and refreshes machine fields, keeping first_seen', () => {
    const first = synced(undefined, MODEL);
    const result = syncRegister(first, analyzed(API_HARDENED), { ...OPTIONS, today: '2027-01-02' });
    assert.ok(result.ok);
    const entry = read(result.text).threats['ai-service-denial-of-service@api'];
    assert.ok(entry);
    assert.deepEqual(entry.machine['missing_controls'], []);
    assert.equal(entry.machine['first_seen'], TODAY, 'first_seen is history, never refreshed');
    assert.notEqual(
      entry.machine['fingerprint'],
      read(first).threats['ai-service-denial-of-service@api']?.machine['fingerprint'],
    );
    assert.ok(result.summary.refreshed.includes('ai-service-denial-of-service@api'));
    assert.deepEqual(result.summary.added, []);
  });

  it('marks vanished threats stale with the date, keeps them, and revives them when they return', () => {
    const first = decide(
      synced(undefined, MODEL),
      'data-store-unauthorized-read@registry',
      '    status: accepted\n    justification: read-only replica\n',
    );
    const gone = syncRegister(first, analyzed(WITHOUT_REGISTRY), {
      ...OPTIONS,
      today: '2027-02-01',
    });
    assert.ok(gone.ok);
    const entry = read(gone.text).threats['data-store-unauthorized-read@registry'];
    assert.ok(entry, 'a stale entry is kept');
    assert.equal(entry.machine['stale'], true);
    assert.equal(entry.machine['stale_since'], '2027-02-01');
    assert.equal(entry['status'], 'accepted');
    assert.equal(entry['justification'], 'read-only replica');
    assert.ok(gone.summary.staled.includes('data-store-unauthorized-read@registry'));
    assert.ok(gone.summary.staled.includes('flow-sniffing@registry->api'));
    // A later sync keeps the original stale date.
    const later = syncRegister(gone.text, analyzed(WITHOUT_REGISTRY), {
      ...OPTIONS,
      today: '2027-03-01',
    });
    assert.ok(later.ok);
    assert.equal(later.changed, false);
    const back = syncRegister(gone.text, analyzed(MODEL), { ...OPTIONS, today: '2027-04-01' });
    assert.ok(back.ok);
    const revived = read(back.text).threats['data-store-unauthorized-read@registry'];
    assert.ok(revived);
    assert.equal(revived.machine['stale'], undefined);
    assert.equal(revived.machine['stale_since'], undefined);
    assert.equal(revived.machine['first_seen'], TODAY);
    assert.equal(revived['justification'], 'read-only replica');
    assert.ok(back.summary.revived.includes('data-store-unauthorized-read@registry'));
  });

  for (const status of ['accepted', 'mitigated', 'transferred', 'not_applicable']) {
    it(`flags a ${status} decision for review when its element changes, and checkRegister reports it`, () => {
      const id = 'process-input-tampering@api';
      const decided = synced(
        decide(
          synced(undefined, MODEL),
          id,
          `    status: ${status}\n    justification: reviewed by the platform team\n`,
        ),
        MODEL,
      );
      const stamped = read(decided).threats[id];
      assert.equal(stamped?.machine['decided_status'], status);
      assert.equal(stamped?.machine['decided_fingerprint'], stamped?.machine['fingerprint']);
      assert.equal(stamped?.machine['needs_review'], undefined);
      const result = syncRegister(decided, analyzed(API_HARDENED), OPTIONS);
      assert.ok(result.ok);
      assert.deepEqual(result.summary.needsReview, [id]);
      const entry = read(result.text).threats[id];
      assert.equal(entry?.machine['needs_review'], true);
      assert.equal(entry?.['status'], status, 'the decision itself is never changed');
      const register = loadRegister(result.text).register;
      assert.ok(register);
      const problems = checkRegister(register, analyzed(API_HARDENED), {
        today: TODAY,
        modelFile: 'm.mltm.yaml',
      });
      const review = problems.filter((p) => p.code === 'MLTM303');
      assert.equal(review.length, 1);
      assert.equal(result.text.slice(review[0]?.range.start, review[0]?.range.end), status);
      // Undoing the model change clears the flag again.
      const undone = syncRegister(result.text, analyzed(MODEL), OPTIONS);
      assert.ok(undone.ok);
      assert.equal(read(undone.text).threats[id]?.machine['needs_review'], undefined);
    });
  }

  it('never deletes or rewrites a human field, through add, change, stale and revival', () => {
    const id = 'data-store-unencrypted-at-rest@registry';
    const human =
      "    status: transferred\n    owner: \"Data platform <dp@example.com>\"\n    justification: |\n      Storage encryption is the cloud provider's, per contract §4.\n    ticket: 4711\n    review_by: 2027-06-30\n    notes: 'see: the DPA'\n    x-risk-score: 7\n    x-links: [a, b]\n";
    const start = decide(synced(undefined, MODEL), id, human);
    const humanLines = human.split('\n').filter(Boolean);
    let text = start;
    for (const model of [API_HARDENED, WITHOUT_REGISTRY, MODEL, API_HARDENED, MODEL]) {
      text = synced(text, model);
      for (const line of humanLines)
        assert.ok(text.includes(line + '\n'), `lost or rewrote: ${line}`);
    }
  });

  it('keeps comments, blank lines and a custom key order', () => {
    const base = synced(undefined, MODEL);
    const custom = base
      .replace('threats:\n', 'threats:\n  # Reviewed with the SRE team, 2026-11.\n\n')
      .replace(/ {2}process-input-tampering@api:\n((?: {4}.*\n)+)/, (_whole, body: string) => {
        const lines = body.split('\n').filter(Boolean);
        const status = lines.find((l) => l.startsWith('    status:'));
        const rest = lines.filter((l) => l !== status);
        return `  process-input-tampering@api: # the front door\n    status: mitigated # WAF rule set 12\n    justification: WAF\n${rest.join('\n')}\n`;
      })
      .replace(
        '    severity: high\n    status: open\n',
        '    severity: high # as computed\n    status: open\n',
      );
    const text = synced(custom, API_HARDENED);
    assert.ok(text.includes('  # Reviewed with the SRE team, 2026-11.\n\n'));
    // A comment after a key that opens a block mapping moves to the line below it (how the
    // `yaml` library attaches it); the text of the comment and its entry are kept.
    assert.ok(
      text.includes(
        '  process-input-tampering@api:\n    # the front door\n    status: mitigated # WAF rule set 12\n    justification: WAF\n    title: ',
      ),
      text,
    );
    assert.equal(synced(text, API_HARDENED), text);
    assert.ok(text.includes('# as computed\n'));
  });

  it('is deterministic: same inputs, same bytes; today only dates new entries', () => {
    const a = synced(undefined, MODEL);
    const b = synced(undefined, MODEL);
    assert.equal(a, b);
    const c = synced(undefined, MODEL, { today: '2030-01-01' });
    assert.equal(
      c.replaceAll('2030-01-01', TODAY).replace(/checksum: "?[\w-]+"?/g, ''),
      a.replace(/checksum: "?[\w-]+"?/g, ''),
    );
    assert.equal(
      synced(a, MODEL, { today: '2030-01-01' }),
      a,
      'an existing register is not re-dated',
    );
  });

  it('keeps CRLF line endings and top-level x- keys', () => {
    const crlf = synced(undefined, MODEL)
      .replace('model: m.mltm.yaml\n', 'model: m.mltm.yaml\nx-team: platform # owners\n')
      .replace(/\n/g, '\r\n');
    const result = syncRegister(crlf, analyzed(API_HARDENED), OPTIONS);
    assert.ok(result.ok);
    assert.doesNotMatch(result.text, /[^\r]\n/);
    assert.ok(result.text.includes('x-team: platform # owners\r\n'));
    const again = syncRegister(result.text, analyzed(API_HARDENED), OPTIONS);
    assert.ok(again.ok);
    assert.equal(again.changed, false);
  });

  it('a second run changes nothing', () => {
    for (const model of [MODEL, API_HARDENED, WITHOUT_REGISTRY]) {
      const once = synced(synced(undefined, MODEL), model);
      const twice = syncRegister(once, analyzed(model), OPTIONS);
      assert.ok(twice.ok);
      assert.equal(twice.changed, false);
      assert.equal(twice.text, once);
    }
  });

  it('fills in the machine fields of a hand-written entry for a real threat', () => {
    const text =
      'mltm-register: 1\nthreats:\n  # decided before the first sync\n  process-input-tampering@api:\n    status: accepted\n    justification: internal only\n';
    const result = syncRegister(text, analyzed(MODEL), OPTIONS);
    assert.ok(result.ok);
    assert.ok(
      result.text.startsWith(
        'mltm-register: 1\nthreats:\n  # decided before the first sync\n  process-input-tampering@api:\n    title: Malicious input reaches a process\n',
      ),
    );
    assert.match(
      result.text,
      / {4}status: accepted\n {4}justification: internal only\n {4}machine: \{/,
    );
  });

  it('refuses to sync against a model with errors, naming the model', () => {
    const result = syncRegister(
      synced(undefined, MODEL),
      analyzed(MODEL).model
        ? {
            ...analyzed(MODEL),
            problems: [
              { code: 'MLTM201', severity: 'error', message: 'x', range: { start: 0, end: 1 } },
            ],
          }
        : analyzed(MODEL),
      OPTIONS,
    );
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.file, 'model');
  });

  it('restores hand-edited machine fields and stales most of a register only when asked', () => {
    const edited = synced(undefined, MODEL).replace(
      'title: Malicious input reaches a process',
      'title: My own title',
    );
    assert.equal(syncRegister(edited, analyzed(MODEL), OPTIONS).ok, false);
    const restored = syncRegister(edited, analyzed(MODEL), {
      ...OPTIONS,
      restoreMachineFields: true,
    });
    assert.ok(restored.ok);
    assert.equal(restored.text, synced(undefined, MODEL));
  });
});

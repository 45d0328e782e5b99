/**
 * Issue 16, defect 10: the fast paths of large registers give the document path's answer.
 * Sync's no-change check (a register already up to date is returned as it is) and triage's
 * one-entry splice (only the decided entry's lines are rewritten) are compared with
 * `wholeDocument: true` — parse everything, edit, serialise everything — on registers built by
 * random sequences of decisions, with comments and blank lines put in by hand. On a register in
 * the form mltm writes, the bytes are identical; on a hand-formatted one, the values are (the fast
 * path keeps the person's formatting of the other entries byte for byte).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { generatePipeline } from '../../bench/generate';
import { analyze, type Analysis } from '../../src/core/analysis';
import { STATUSES, type ThreatStatus } from '../../src/core/register/register';
import { REGISTER_TO_STRING, syncRegister } from '../../src/core/register/sync';
import { triageThreat, type TriageChange } from '../../src/core/register/triage';
import { fuzzParameters } from './support';
import { loaded } from '../support/analysis';

const SYNC = { today: '2026-01-01', modelFile: 'fuzz.mltm.yaml' };
const WHOLE = { ...SYNC, wholeDocument: true };

const bases = new Map<string, { analysis: Analysis; register: string }>();
function baseFor(components: number, seed: number) {
  const key = `${components}:${seed}`;
  let base = bases.get(key);
  if (!base) {
    const analysis = analyze(generatePipeline({ components, seed }).text);
    const synced = syncRegister(undefined, analysis, SYNC);
    assert.ok(synced.ok);
    base = { analysis, register: synced.text };
    bases.set(key, base);
  }
  return base;
}

const isCanonical = (text: string) =>
  parseDocument(text, { uniqueKeys: false }).toString(REGISTER_TO_STRING) === text;
const valueOf = (text: string) => parseDocument(text, { uniqueKeys: false }).toJSON() as unknown;

const textArbitrary = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a: b', '# not a comment', "it's", '"quoted"', '- item', 'x\ny', '  lead', '🙂'),
);

const changeArbitrary: fc.Arbitrary<TriageChange> = fc.record(
  {
    status: fc.constantFrom(...(STATUSES as readonly ThreatStatus[])),
    justification: textArbitrary,
    owner: textArbitrary,
    notes: textArbitrary,
    ticket: textArbitrary,
    reviewBy: fc.constantFrom('2027-01-31', ''),
    confirm: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** Hand edits that keep the register valid: comments and blank lines in and between entries. */
type HandEdit = { kind: 'comment-between' | 'comment-inside' | 'trailing' | 'blank'; at: number };
const handEditArbitrary: fc.Arbitrary<HandEdit> = fc.record({
  kind: fc.constantFrom('comment-between', 'comment-inside', 'trailing', 'blank'),
  at: fc.nat(),
});

function applyHandEdit(text: string, edit: HandEdit): string {
  const lines = text.split('\n');
  const entryLines = lines.flatMap((line, i) => (/^ {2}\S.*:$/.test(line) ? [i] : []));
  const innerLines = lines.flatMap((line, i) => (/^ {4}\w+: \S/.test(line) ? [i] : []));
  const pick = (list: number[]) => list[edit.at % Math.max(1, list.length)];
  if (edit.kind === 'comment-between') {
    const i = pick(entryLines);
    if (i !== undefined) lines.splice(i, 0, '  # a note between entries');
  } else if (edit.kind === 'comment-inside') {
    const i = pick(innerLines);
    if (i !== undefined) lines.splice(i, 0, '    # a note inside an entry');
  } else if (edit.kind === 'trailing') {
    const i = pick(innerLines);
    if (i !== undefined && !lines[i]!.includes('#')) lines[i] += ' # why';
  } else {
    const i = pick(entryLines);
    if (i !== undefined) lines.splice(i, 0, '');
  }
  return lines.join('\n');
}

describe('fuzz: large-register fast paths equal the document path', function () {
  this.timeout(0);

  it('triage (one-entry splice) and a no-change sync give the document path’s bytes or values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(handEditArbitrary, { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), changeArbitrary), { minLength: 1, maxLength: 6 }),
        (components, seed, handEdits, steps) => {
          const base = baseFor(components, seed);
          const analysis = loaded(base.analysis);
          const register = base.register;
          let text = handEdits.reduce(applyHandEdit, register);
          for (const [index, change] of steps) {
            const threat = analysis.threats[index % analysis.threats.length];
            if (!threat) return;
            const canonical = isCanonical(text);
            const fast = triageThreat(text, analysis, threat.id, change, SYNC);
            const slow = triageThreat(text, analysis, threat.id, change, WHOLE);
            assert.equal(fast.ok, slow.ok, JSON.stringify({ fast, slow }));
            if (!fast.ok || !slow.ok) continue;
            if (canonical) assert.equal(fast.text, slow.text);
            else assert.deepEqual(valueOf(fast.text), valueOf(slow.text));
            const fastSync = syncRegister(fast.text, analysis, SYNC);
            const slowSync = syncRegister(fast.text, analysis, WHOLE);
            assert.ok(fastSync.ok && slowSync.ok);
            assert.deepEqual(fastSync.summary, slowSync.summary);
            if (isCanonical(fast.text)) {
              assert.equal(fastSync.text, slowSync.text);
              assert.equal(fastSync.changed, slowSync.changed);
            } else assert.deepEqual(valueOf(fastSync.text), valueOf(slowSync.text));
            text = fast.text;
          }
        },
      ),
      fuzzParameters(),
    );
  });
});

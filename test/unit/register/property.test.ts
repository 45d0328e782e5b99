/**
 * Property: for random sequences of model edits (add or remove a component or a flow, rename a
 * component through the rename refactor, add or remove controls) interleaved with random human
 * edits of the register (a status with its justification, an owner, notes, an `x-` key, a
 * comment), every sync keeps every human field and comment exactly, and a second sync changes
 * nothing. Fixed seed and bounded runs, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMap, isScalar, parse, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { analyze } from '../../../src/core/analysis';
import { renameRefactor } from '../../../src/core/edit/rename';
import { loadRegister, NEEDS_JUSTIFICATION, STATUSES } from '../../../src/core/register/register';
import { REGISTER_TO_STRING, syncRegister } from '../../../src/core/register/sync';
import { OPTIONS } from './helpers';
import { analyzeLoaded } from '../../support/analysis';

interface Component {
  id: string;
  kind: string;
  boundary: string;
  controls: string[];
}
interface Flow {
  from: string;
  to: string;
  controls: string[];
}
interface State {
  components: Component[];
  flows: Flow[];
  next: number;
}

const KINDS = [
  'serving_endpoint',
  'model_registry',
  'data_store',
  'training_job',
  'api_gateway',
  'feature_store',
];
const CONTROLS = [
  'authn',
  'authz',
  'rate_limiting',
  'waf',
  'mtls',
  'encryption_in_transit',
  'audit_logging',
  'input_validation',
];
const BOUNDARIES = ['internet', 'platform'];

function modelText(state: State): string {
  const list = (controls: string[]) =>
    controls.length > 0 ? `, controls: [${controls.join(', ')}]` : '';
  return [
    'mltm: 1',
    'name: Property model',
    'boundaries:',
    '  internet: { name: Internet, trust: untrusted }',
    '  platform: { name: Platform, trust: trusted }',
    'components:',
    ...(state.components.length === 0
      ? ['  seed: { kind: user }']
      : state.components.map(
          (c) => `  ${c.id}: { kind: ${c.kind}, boundary: ${c.boundary}${list(c.controls)} }`,
        )),
    ...(state.flows.length > 0
      ? [
          'flows:',
          ...state.flows.map((f) => `  - { from: ${f.from}, to: ${f.to}${list(f.controls)} }`),
        ]
      : []),
    '',
  ].join('\n');
}

type Step =
  | { t: 'addComponent'; kind: number; boundary: number }
  | { t: 'removeComponent'; i: number }
  | { t: 'addFlow'; a: number; b: number }
  | { t: 'removeFlow'; i: number }
  | { t: 'rename'; i: number }
  | { t: 'toggleControl'; i: number; c: number; onFlow: boolean }
  | { t: 'status'; e: number; s: number }
  | { t: 'field'; e: number; f: number; v: number }
  | { t: 'comment'; e: number };

const nat = fc.nat({ max: 1000 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant('addComponent' as const), kind: nat, boundary: nat }),
  fc.record({ t: fc.constant('removeComponent' as const), i: nat }),
  fc.record({ t: fc.constant('addFlow' as const), a: nat, b: nat }),
  fc.record({ t: fc.constant('removeFlow' as const), i: nat }),
  fc.record({ t: fc.constant('rename' as const), i: nat }),
  fc.record({ t: fc.constant('toggleControl' as const), i: nat, c: nat, onFlow: fc.boolean() }),
  fc.record({ t: fc.constant('status' as const), e: nat, s: nat }),
  fc.record({ t: fc.constant('field' as const), e: nat, f: nat, v: nat }),
  fc.record({ t: fc.constant('comment' as const), e: nat }),
);

const pick = <T>(items: readonly T[], n: number): T | undefined =>
  items.length === 0 ? undefined : items[n % items.length];

/** Runs one sequence; throws (fails the property) on any lost field, lost comment or non-idempotent sync. */
function runSequence(steps: Step[]): void {
  const state: State = {
    components: [
      { id: 'c0', kind: 'serving_endpoint', boundary: 'platform', controls: ['authn'] },
      { id: 'c1', kind: 'model_registry', boundary: 'platform', controls: [] },
      { id: 'c2', kind: 'api_gateway', boundary: 'internet', controls: [] },
    ],
    flows: [
      { from: 'c2', to: 'c0', controls: [] },
      { from: 'c1', to: 'c0', controls: [] },
    ],
    next: 3,
  };
  /** What people wrote, by threat id and field; comments by text. */
  const human = new Map<string, Map<string, string>>();
  const comments = new Set<string>();
  let register = sync(undefined, modelText(state));

  for (const s of steps) {
    switch (s.t) {
      case 'addComponent':
        state.components.push({
          id: `c${state.next++}`,
          kind: pick(KINDS, s.kind) ?? 'data_store',
          boundary: pick(BOUNDARIES, s.boundary) ?? 'platform',
          controls: [],
        });
        break;
      case 'removeComponent': {
        const victim = pick(state.components, s.i);
        if (!victim || state.components.length <= 1) break;
        state.components = state.components.filter((c) => c !== victim);
        state.flows = state.flows.filter((f) => f.from !== victim.id && f.to !== victim.id);
        break;
      }
      case 'addFlow': {
        const a = pick(state.components, s.a);
        const b = pick(state.components, s.b);
        if (!a || !b || a === b || state.flows.some((f) => f.from === a.id && f.to === b.id)) break;
        state.flows.push({ from: a.id, to: b.id, controls: [] });
        break;
      }
      case 'removeFlow':
        if (state.flows.length > 0) state.flows.splice(s.i % state.flows.length, 1);
        break;
      case 'rename': {
        const target = pick(state.components, s.i);
        if (!target) break;
        const newId = `r${state.next++}`;
        const text = modelText(state);
        const loaded = loadRegister(register).register;
        const result = renameRefactor({
          modelText: text,
          registerText: register,
          ...(loaded && { register: loaded }),
          oldId: target.id,
          newId,
          analyze: (t) => analyze(t),
        });
        assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
        assert.ok(result.registerText !== undefined);
        register = result.registerText;
        for (const f of state.flows) {
          if (f.from === target.id) f.from = newId;
          if (f.to === target.id) f.to = newId;
        }
        target.id = newId;
        assert.equal(
          analyzeLoaded(result.modelText)
            .threats.map((t) => t.id)
            .join(),
          analyzeLoaded(modelText(state))
            .threats.map((t) => t.id)
            .join(),
        );
        // The human fields move with their entries.
        for (const [id, fields] of [...human]) {
          const at = id.indexOf('@');
          const moved = result.renamedElements.get(id.slice(at + 1));
          if (moved !== undefined) {
            human.delete(id);
            human.set(`${id.slice(0, at)}@${moved}`, fields);
          }
        }
        break;
      }
      case 'toggleControl': {
        const control = pick(CONTROLS, s.c) ?? 'authn';
        const owner = s.onFlow ? pick(state.flows, s.i) : pick(state.components, s.i);
        if (!owner) break;
        owner.controls = owner.controls.includes(control)
          ? owner.controls.filter((c) => c !== control)
          : [...owner.controls, control];
        break;
      }
      case 'status':
      case 'field':
      case 'comment':
        register = humanEdit(register, s, human, comments);
        break;
    }
    register = sync(register, modelText(state));
    check(register, human, comments);
    const again = syncRegister(register, analyze(modelText(state)), {
      ...OPTIONS,
      allowMassStale: true,
    });
    assert.ok(again.ok);
    assert.equal(again.changed, false, `second sync changed the register after ${s.t}`);
  }
}

function sync(register: string | undefined, model: string): string {
  const result = syncRegister(register, analyze(model), { ...OPTIONS, allowMassStale: true });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.text;
}

/** A person edits the register (through the YAML document, as an editor would keep the rest). */
function humanEdit(
  text: string,
  s: Step,
  human: Map<string, Map<string, string>>,
  comments: Set<string>,
): string {
  const document = parseDocument(text);
  const threats = document.get('threats', true) as YAMLMap;
  const pairs = threats.items as Pair[];
  const pair = pick(pairs, s.t === 'status' || s.t === 'field' || s.t === 'comment' ? s.e : 0);
  if (!pair || !isMap(pair.value) || !isScalar(pair.key)) return text;
  const id = String(pair.key.value);
  const entry = pair.value;
  const fields = human.get(id) ?? new Map<string, string>();
  human.set(id, fields);
  const set = (key: string, value: string) => {
    entry.set(key, value);
    fields.set(key, value);
  };
  if (s.t === 'status') {
    const status = pick(STATUSES, s.s) ?? 'open';
    set('status', status);
    if (NEEDS_JUSTIFICATION.has(status))
      set('justification', `because #${s.s}: reviewed, with "quotes" and: colons`);
  } else if (s.t === 'field') {
    const key = pick(['owner', 'notes', 'ticket', 'review_by', 'x-risk'], s.f) ?? 'owner';
    set(key, key === 'review_by' ? `2027-0${(s.v % 9) + 1}-15` : `${key} value ${s.v}`);
  } else {
    const comment = ` note ${comments.size}: keep this`;
    pair.key.commentBefore = pair.key.commentBefore
      ? `${pair.key.commentBefore}\n${comment}`
      : comment;
    comments.add(`# note ${comments.size}: keep this\n`);
  }
  return document.toString(REGISTER_TO_STRING);
}

function check(text: string, human: Map<string, Map<string, string>>, comments: Set<string>): void {
  const json = parse(text) as { threats: Record<string, Record<string, unknown>> };
  for (const [id, fields] of human) {
    const entry = json.threats[id];
    assert.ok(entry, `entry ${id} with human fields was deleted`);
    for (const [key, value] of fields) assert.equal(entry[key], value, `${id}.${key} changed`);
  }
  for (const comment of comments) assert.ok(text.includes(comment), `comment lost: ${comment}`);
  // Sync never writes a human field on its own: entries nobody touched hold `status: open` only.
  for (const [id, entry] of Object.entries(json.threats)) {
    if (human.has(id)) continue;
    assert.equal(entry['status'], 'open', `${id}: status written by sync`);
    for (const key of ['owner', 'justification', 'ticket', 'review_by', 'notes'])
      assert.equal(entry[key], undefined, `${id}.${key} written by sync`);
  }
}

describe('register sync property: no human field lost, idempotent', () => {
  it('holds for random model and register edits (seeded, 100 runs)', function () {
    // 100 sequences of up to 12 syncs each: seconds of work, more on a busy machine.
    this.timeout(300_000);
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        runSequence(steps);
      }),
      { seed: 20261125, numRuns: Number(process.env['PROP_RUNS'] ?? 100) },
    );
  });
});

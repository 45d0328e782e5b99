/**
 * `schemas/pipeline.schema.json` on its own (plain ajv, as editors and other tools use it): every
 * example validates, and each invalid fixture is rejected for the right reason (ajv keyword and
 * instance path). The same files through `loadModel` give the matching MLTM1xx code at the
 * expected line:col — so the schema and the loader agree.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadModel } from '../../../src/core/model/load';
import { startOf } from './located';

const schema = JSON.parse(readFileSync('schemas/pipeline.schema.json', 'utf8')) as Record<
  string,
  unknown
>;
// `strict: false` only because the schema carries `enumDescriptions` (a VS Code extension of
// JSON Schema for completion); everything else is standard draft-07.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const INVALID = 'test/fixtures/invalid';

// file → ajv [keyword, instancePath] that must be among the errors; loader [code, line:col]
const CASES: [string, [string, string], [string, string]][] = [
  ['unknown-kind.mltm.yaml', ['enum', '/components/scorer/kind'], ['MLTM104', '4:19']],
  ['unknown-control.mltm.yaml', ['enum', '/components/scorer/controls/1'], ['MLTM105', '6:23']],
  [
    'unknown-property.mltm.yaml',
    ['additionalProperties', '/components/scorer'],
    ['MLTM102', '4:37'],
  ],
  ['wrong-type.mltm.yaml', ['type', '/flows/0/bidirectional'], ['MLTM103', '7:48']],
  ['flows-not-a-list.mltm.yaml', ['type', '/flows'], ['MLTM103', '6:3']],
  ['missing-name.mltm.yaml', ['required', ''], ['MLTM101', '1:1']],
  ['missing-trust.mltm.yaml', ['required', '/boundaries/vpc'], ['MLTM101', '4:3']],
  ['flow-missing-to.mltm.yaml', ['required', '/flows/0'], ['MLTM101', '6:5']],
  ['bad-id.mltm.yaml', ['propertyNames', '/components'], ['MLTM107', '4:3']],
  ['bad-trust.mltm.yaml', ['enum', '/boundaries/vpc/trust'], ['MLTM106', '4:17']],
  [
    'duplicate-control.mltm.yaml',
    ['uniqueItems', '/components/scorer/controls'],
    ['MLTM108', '4:62'],
  ],
];

/** The exact message each invalid fixture gets: what users read. */
const MESSAGES: Record<string, string> = {
  'unknown-kind.mltm.yaml':
    'Unknown component kind `serving_endpiont` for component `scorer`; did you mean `serving_endpoint`? Custom names start with `x-`.',
  'unknown-control.mltm.yaml':
    'Unknown control kind `rate_limit` for component `scorer`; did you mean `rate_limiting`? Custom names start with `x-`.',
  'unknown-property.mltm.yaml':
    'Unknown property `contrls` on component `scorer`; did you mean `controls`?',
  'wrong-type.mltm.yaml': '`bidirectional` of flow #1 must be true or false, not the text "yes".',
  'flows-not-a-list.mltm.yaml': 'The `flows` section must be a list, not a mapping.',
  'missing-name.mltm.yaml': 'The model is missing `name`.',
  'missing-trust.mltm.yaml': 'Boundary `vpc` is missing `trust`.',
  'flow-missing-to.mltm.yaml': 'Flow #1 is missing `to`.',
  'bad-id.mltm.yaml':
    '`-scorer` is not a valid id: use letters, digits, `-`, `_` and `.`, starting with a letter or digit.',
  'bad-trust.mltm.yaml':
    'Unknown trust level `mostly` for boundary `vpc`. Known values: untrusted, semi_trusted, trusted.',
  'duplicate-control.mltm.yaml': '`authz` is listed twice in `controls` of component `scorer`.',
};

describe('pipeline schema', () => {
  const examples = readdirSync('examples').filter((name) => name.endsWith('.mltm.yaml'));

  it('there is an example per scenario (at least 8)', () => {
    assert.ok(examples.length >= 8, String(examples.length));
  });

  for (const name of examples) {
    it(`accepts examples/${name}`, () => {
      const ok = validate(parse(readFileSync(`examples/${name}`, 'utf8')));
      assert.ok(ok, JSON.stringify(validate.errors, null, 1));
    });
  }

  it('every invalid fixture has a case', () => {
    assert.deepEqual(readdirSync(INVALID).sort(), CASES.map(([name]) => name).sort());
  });

  for (const [name, [keyword, instancePath], [code, at]] of CASES) {
    it(`rejects ${name}: ${keyword} at "${instancePath}", loader ${code} at ${at}`, () => {
      const text = readFileSync(`${INVALID}/${name}`, 'utf8');
      assert.equal(validate(parse(text)), false);
      const errors = (validate.errors ?? []).map((e) => `${e.keyword} ${e.instancePath}`);
      assert.ok(errors.includes(`${keyword} ${instancePath}`), errors.join('\n'));

      const problems = loadModel(text).problems;
      assert.equal(problems.length, 1, JSON.stringify(problems, null, 1));
      assert.equal(problems[0]?.message, MESSAGES[name]);
      assert.equal(problems[0]?.code, code);
      assert.equal(startOf(text, problems[0]?.range ?? { start: -1, end: -1 }), at);
    });
  }

  it('explains that YAML merge keys (`<<: *anchor`) are not supported, and anchors on whole values work', () => {
    const text =
      'mltm: 1\nname: m\nx-ctl: &ctl [authn, authz]\nx-base: &base { tech: kserve }\ncomponents:\n  a:\n    kind: serving_endpoint\n    <<: *base\n    controls: *ctl\n';
    const { problems, model } = loadModel(text);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]?.code, 'MLTM102');
    assert.equal(startOf(text, problems[0]?.range ?? { start: 0, end: 0 }), '8:5');
    assert.match(
      problems[0]?.message ?? '',
      /^`<<` \(a YAML merge key\) is not supported: mltm reads YAML 1\.2/,
    );
    assert.deepEqual(model?.components[0]?.controls, ['authn', 'authz']);
  });

  it('accepts custom `x-` kinds, controls and annotations', () => {
    const value = parse(
      'mltm: 1\nname: x\nx-team: ml\ncomponents:\n  a: { kind: x-quantum, controls: [x-hsm], x-note: hi }\n',
    );
    assert.ok(validate(value), JSON.stringify(validate.errors));
  });
});

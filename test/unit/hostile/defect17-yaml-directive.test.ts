/**
 * Issue 16 defect 17: a `%YAML 1.1` directive switched the YAML rules — `no:` as an id became
 * `false`, and a merge key failed with "Unknown property `Symbol(<<)`". mltm keeps YAML 1.2: the
 * directive is refused with a located MLTM014 (in models, registers and rule packs alike, since
 * they share readYaml), and no message ever shows a Symbol.
 */
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import { loadRegister } from '../../../src/core/register/register';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import { onlyProblem, slice, startOf } from '../core/located';
import { loaded } from '../../support/analysis';

const MODEL_11 = [
  '%YAML 1.1',
  '---',
  'mltm: 1',
  'name: m',
  'base: &base { kind: user }',
  'components:',
  '  no: { kind: user }',
  '  web:',
  '    <<: *base',
  '',
].join('\n');

describe('issue 16 defect 17: a %YAML 1.1 directive does not switch the YAML rules', () => {
  it('a model declaring %YAML 1.1 is refused at the directive, with no Symbol in any message', () => {
    const { problems } = analyze(MODEL_11);
    const p = onlyProblem(problems, 'MLTM014');
    assert.equal(startOf(MODEL_11, p.range), '1:1');
    assert.equal(slice(MODEL_11, p.range), '%YAML 1.1');
    assert.match(p.message, /declares `%YAML 1\.1`; mltm reads YAML 1\.2 only/);
    for (const x of problems) assert.doesNotMatch(x.message, /Symbol\(/);
  });

  it('registers and rule packs refuse it too; %YAML 1.2 is read as before', () => {
    const register = loadRegister(
      '%YAML 1.1\n---\nmltm-register: 1\nmodel: m.mltm.yaml\nthreats: {}\n',
    );
    onlyProblem(register.problems, 'MLTM014');
    assert.equal(register.writable, false);
    const pack = loadRulePack('%YAML 1.1\n---\nmltm-rules: 1\nrules: []\n', 'p.yaml');
    onlyProblem(pack.problems, 'MLTM014');
    const ok = analyze('%YAML 1.2\n---\nmltm: 1\nname: m\ncomponents:\n  "no": { kind: user }\n');
    assert.deepEqual(
      ok.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.deepEqual(
      loaded(ok).model.components.map((c) => c.id),
      ['no'],
    );
  });
});

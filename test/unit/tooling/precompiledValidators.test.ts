/**
 * The bundles validate with ajv standalone code generated at build time
 * (scripts/lib/precompiledValidators.mjs), the tests with schemas compiled at run time
 * (`validatorFor`). This holds the two to the same verdict and the same errors, so every problem
 * the tests check is the problem a user of the bundle sees.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import pipelineSchema from '../../../schemas/pipeline.schema.json';
import registerSchema from '../../../schemas/register.schema.json';
import rulesSchema from '../../../schemas/rules.schema.json';
import { BUILTIN_PACK_SOURCES } from '../../../src/core/rules/builtin';
import { validatorFor } from '../../../src/core/model/schemaCheck';
import { REPO_ROOT } from '../../support/sharedKb';

async function precompiled(): Promise<Record<string, ValidateFunction>> {
  const generator = (await import(
    join(REPO_ROOT, 'scripts', 'lib', 'precompiledValidators.mjs')
  )) as { precompiledValidatorsSource(root: string): string };
  const source = generator.precompiledValidatorsSource(REPO_ROOT);
  // The generated module is CommonJS requiring ajv's runtime helpers, as in the bundle.
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = runInThisContext(`(function (module, exports, require) {${source}\n})`) as (
    m: typeof module,
    e: unknown,
    r: NodeJS.Require,
  ) => void;
  wrapper(module, module.exports, createRequire(join(REPO_ROOT, 'package.json')));
  return module.exports['PRECOMPILED_VALIDATORS'] as Record<string, ValidateFunction>;
}

/** Verdict and errors of a validator, for comparison. */
function outcome(validate: ValidateFunction, value: unknown) {
  const valid = validate(value);
  return { valid, errors: validate.errors ?? [] };
}

describe('precompiled schema validators (the bundles) equal the run-time ones (the tests)', () => {
  it('same verdict and errors on every invalid model fixture, example, built-in pack and a register', async () => {
    const validators = await precompiled();
    const pipeline = validators[pipelineSchema.$id];
    const rules = validators[rulesSchema.$id];
    assert.ok(pipeline && rules, 'one validator per precompiled schema, by $id');
    // The register schema is compiled at run time: its `format: date` is a calendar function.
    assert.equal(validators[registerSchema.$id], undefined);
    const models = [
      ...readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'invalid')).map((f) =>
        join(REPO_ROOT, 'test', 'fixtures', 'invalid', f),
      ),
      ...readdirSync(join(REPO_ROOT, 'examples'))
        .filter((f) => f.endsWith('.mltm.yaml'))
        .map((f) => join(REPO_ROOT, 'examples', f)),
    ];
    let invalid = 0;
    for (const file of models) {
      const value: unknown = parse(readFileSync(file, 'utf8'));
      const expected = outcome(validatorFor(pipelineSchema as Record<string, unknown>), value);
      if (!expected.valid) invalid++;
      assert.deepEqual(outcome(pipeline, value), expected, file);
    }
    assert.ok(invalid >= 10, 'the invalid fixtures are invalid');
    for (const source of BUILTIN_PACK_SOURCES) {
      const value: unknown = parse(source.text);
      const broken = { ...(value as object), rules: [{ id: 'Bad Id', when: { nope: 1 } }] };
      for (const v of [value, broken])
        assert.deepEqual(
          outcome(rules, v),
          outcome(validatorFor(rulesSchema as Record<string, unknown>), v),
          source.file,
        );
    }
  });
});

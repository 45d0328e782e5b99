// The JSON Schemas of schemas/ compiled to JavaScript ahead of time (ajv standalone code), so a
// bundle validates without compiling a schema at start-up (~100 ms per schema on a cold process:
// most of `mltm analyze`'s start-up). scripts/build.mjs puts this module in place of
// src/core/model/precompiledValidators.ts; test/unit/tooling/precompiledValidators.test.ts holds
// the precompiled validators to the run-time ones, error for error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

/** The schemas precompiled, by file name. */
export const PRECOMPILED_SCHEMAS = [
  'pipeline.schema.json',
  'rules.schema.json',
  // Not register.schema.json: its `review_by` has `format: date`, checked by a calendar function
  // (src/core/util/date.ts) that standalone code would have to import; registers are compiled at
  // run time, the first time one is read.
];

/**
 * CommonJS source exporting `PRECOMPILED_VALIDATORS`: each schema's `$id` → its validate
 * function, compiled with the options of src/core/model/ajvOptions.json (the run-time options).
 */
export function precompiledValidatorsSource(root) {
  const options = JSON.parse(readFileSync(join(root, 'src/core/model/ajvOptions.json'), 'utf8'));
  const ajv = new (Ajv.default ?? Ajv)({ ...options, code: { source: true } });
  const ids = [];
  for (const file of PRECOMPILED_SCHEMAS) {
    const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    if (typeof schema.$id !== 'string') throw new Error(`schemas/${file} has no $id`);
    ajv.addSchema(schema);
    ids.push(schema.$id);
  }
  const code = (standaloneCode.default ?? standaloneCode)(
    ajv,
    Object.fromEntries(ids.map((id, index) => [`v${index}`, id])),
  );
  return `${code}\nmodule.exports.PRECOMPILED_VALIDATORS = {${ids
    .map((id, index) => `${JSON.stringify(id)}: module.exports.v${index}`)
    .join(', ')}};\n`;
}

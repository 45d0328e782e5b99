/**
 * Every field an entry of the register may hold is either a person's (HUMAN_FIELDS: sync never
 * writes it) or mltm's (MACHINE_FIELDS and `machine`: sync keeps it). A field added to the schema
 * without being classified here fails this test, so nobody can add one that sync might rewrite
 * over what a person wrote — or leave stale because nobody owns it.
 */
import assert from 'node:assert/strict';
import registerSchema from '../../../schemas/register.schema.json';
import {
  DECISION_FIELD_KEYS,
  HUMAN_FIELDS,
  MACHINE_FIELDS,
} from '../../../src/core/register/register';
import { synced, MODEL } from './helpers';

describe('register fields: human or machine, never both, never neither', () => {
  it("the schema's entry fields are exactly the human fields, the machine fields and `machine`", () => {
    const schemaFields = Object.keys(registerSchema.definitions.entry.properties).sort();
    const classified = [...HUMAN_FIELDS, ...MACHINE_FIELDS, 'machine'].sort();
    assert.deepEqual(schemaFields, classified);
    for (const field of HUMAN_FIELDS)
      assert.ok(!(MACHINE_FIELDS as readonly string[]).includes(field), `${field} is not both`);
  });

  it('the readers and triage map every human field but status, in file order, to one name each', () => {
    assert.deepEqual(
      DECISION_FIELD_KEYS.map(([key]) => key),
      HUMAN_FIELDS.filter((f) => f !== 'status'),
    );
    const names = DECISION_FIELD_KEYS.map(([, name]) => name);
    assert.equal(new Set(names).size, names.length);
  });

  it('sync writes no human field except the `status: open` of a new entry', () => {
    const text = synced(undefined, MODEL);
    for (const field of HUMAN_FIELDS.filter((f) => f !== 'status'))
      assert.doesNotMatch(text, new RegExp(`^ {4}${field}:`, 'm'), `sync wrote ${field}`);
    assert.match(text, /^ {4}status: open$/m);
  });
});

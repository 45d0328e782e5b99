/**
 * OTM interop: `mltm report --format otm` validates against the OTM 0.2.0 schema for every
 * example; `mltm import` reads the specification's example into a valid model; and a round trip
 * (model → OTM → model) keeps every component, boundary, data and flow id, every zone and flow
 * end, and every threat id — the keys the register's decisions hang on. The schema and the
 * example come from ../shared/kb/otm; without them those tests are skipped with a notice.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { analyze } from '../../../src/core/analysis';
import { loadModel } from '../../../src/core/model/load';
import { mltm } from '../cli/run';
import { loaded } from '../../support/analysis';

const ROOT = join(__dirname, '..', '..', '..');
const OTM_KB = join(ROOT, '..', 'shared', 'kb', 'otm');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.mltm.yaml'));

function skipWithoutKb(context: Mocha.Context): void {
  if (!existsSync(join(OTM_KB, 'otm_schema.json'))) {
    console.warn(`    NOTICE: ${OTM_KB} is absent; OTM schema and example tests are skipped.`);
    context.skip();
  }
}

async function exportOtm(example: string): Promise<string> {
  const run = await mltm(
    ['report', join('examples', example), '--format', 'otm', '--date', '2026-01-01'],
    ROOT,
  );
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

describe('OTM', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mltm-otm-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const example of EXAMPLES) {
    it(`exports ${example} as OTM that validates against the 0.2.0 schema`, async function () {
      skipWithoutKb(this);
      const schema = JSON.parse(readFileSync(join(OTM_KB, 'otm_schema.json'), 'utf8')) as object;
      const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
      const otm = JSON.parse(await exportOtm(example)) as {
        otmVersion: string;
        threats: unknown[];
      };
      assert.ok(validate(otm), JSON.stringify(validate.errors, null, 2));
      assert.equal(otm.otmVersion, '0.2.0');
      assert.ok(otm.threats.length > 0);
    });

    it(`round-trips ${example} through OTM keeping every id, zone, flow and threat`, async () => {
      const text = readFileSync(join(ROOT, 'examples', example), 'utf8');
      const before = loaded(analyze(text));
      const file = join(dir, example.replace('.mltm.yaml', '.otm.json'));
      writeFileSync(file, await exportOtm(example));
      const run = await mltm(['import', file], dir);
      assert.equal(run.code, 0, run.stderr);
      const after = loaded(analyze(run.stdout));
      assert.deepEqual(
        after.problems.filter((p) => p.severity === 'error'),
        [],
      );
      const a = before.model;
      const b = after.model;
      assert.ok(a && b);
      assert.equal(b.name, a.name);
      assert.deepEqual(
        b.components.map((c) => [c.id, c.kind, c.boundary, [...c.controls].sort(), c.tech]),
        a.components.map((c) => [c.id, c.kind, c.boundary, [...c.controls].sort(), c.tech]),
      );
      assert.deepEqual(
        b.boundaries.map((z) => [z.id, z.trust, z.parent]),
        a.boundaries.map((z) => [z.id, z.trust, z.parent]),
      );
      assert.deepEqual(
        b.data.map((d) => [d.id, d.classification, d.kind]),
        a.data.map((d) => [d.id, d.classification, d.kind]),
      );
      assert.deepEqual(
        b.flows.map((f) => [f.id, f.from, f.to, [...f.data], [...f.controls].sort(), f.protocol]),
        a.flows.map((f) => [f.id, f.from, f.to, [...f.data], [...f.controls].sort(), f.protocol]),
      );
      // Threat ids are the register's keys: the same ids mean every decision still applies.
      assert.deepEqual(
        after.threats.map((t) => t.id).sort(),
        before.threats.map((t) => t.id).sort(),
      );
    });
  }

  it("imports the specification's example (YAML) into a valid model", async function () {
    skipWithoutKb(this);
    const run = await mltm(['import', join(OTM_KB, 'EXAMPLE.yaml')], dir);
    assert.equal(run.code, 0, run.stderr);
    const { model, problems } = loadModel(run.stdout);
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.ok(model);
    assert.equal(model.name, 'Test project');
    assert.deepEqual(
      model.components.map((c) => c.id),
      ['web-client', 'web-service', 'customer-database', 'class-customerdatabase'],
    );
    assert.deepEqual(
      model.flows.map((f) => f.id),
      ['webclient-to-webservice', 'cc-store-in-db'],
    );
    assert.deepEqual(
      model.boundaries.map((b) => [b.id, b.trust]),
      [
        ['f0ba7722-39b6-4c81-8290-a30a248bb8d9', 'untrusted'],
        ['2ab4effa-40b7-4cd2-ba81-8247d29a6f2d', 'trusted'],
      ],
    );
    assert.deepEqual(
      model.data.map((d) => [d.id, d.classification]),
      [
        ['cc-data', 'restricted'],
        ['public-info', 'public'],
      ],
    );
  });
});

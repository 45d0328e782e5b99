/**
 * OTM round trip keeps decisions: a model and a register with accepted, mitigated and
 * not_applicable decisions → `mltm report --format otm` → `mltm import x.otm.json --output
 * back/m.mltm.yaml` writes `back/m.threats.yaml` with the same decisions, so `mltm check` and the
 * JSON report show the same statuses, and the human fields' lines are byte-identical. An existing
 * register is refused without --force (nothing written); a decision the draft cannot take is a
 * located MLTM521 at the decision in the OTM file, and the others are still written.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mltm } from '../cli/run';

const EXAMPLE = join(
  __dirname,
  '..',
  '..',
  '..',
  'examples',
  '06-unauthenticated-resnet.mltm.yaml',
);

const DECISIONS: readonly (readonly string[])[] = [
  [
    'model-inversion-inference-api@resnet-api',
    '--status',
    'accepted',
    '--justification',
    'Labels only: no confidence scores leave the API; revisit with the v2 endpoint.',
    '--owner',
    'ml-platform@snaptag.example',
    '--review-by',
    '2027-03-31',
  ],
  [
    'process-repudiation@resnet-api',
    '--status',
    'mitigated',
    '--owner',
    'sre',
    '--ticket',
    'SEC-1234',
    '--notes',
    'Request logs go to the SIEM (see runbook #7).',
  ],
  [
    'transfer-attack-from-public-base-model@resnet-api',
    '--status',
    'not_applicable',
    '--justification',
    "The model is trained from scratch on Snaptag's own images: there is no public base model.",
  ],
];

/** The lines of one register entry's human fields, as written. */
function humanLines(register: string, id: string): string[] {
  const start = register.indexOf(`\n  ${id}:\n`);
  assert.ok(start >= 0, `entry ${id} in the register`);
  const rest = register
    .slice(start + 1)
    .split('\n')
    .slice(1);
  const end = rest.findIndex((l) => !l.startsWith('    '));
  return rest
    .slice(0, end)
    .filter((l) => /^ {4}(status|owner|justification|ticket|review_by|notes):/.test(l));
}

/** Threat id → status, as `mltm report --format json` shows them. */
async function statuses(dir: string, model: string): Promise<Map<string, string>> {
  const run = await mltm(['report', model, '--format', 'json', '--date', '2026-01-01'], dir);
  assert.equal(run.code, 0, run.stderr);
  const threats = (
    JSON.parse(run.stdout) as { threats: { id: string; register: { status: string } }[] }
  ).threats;
  return new Map(threats.map((t) => [t.id, t.register.status]));
}

describe('OTM round trip keeps register decisions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mltm-otm-register-'));
    cpSync(EXAMPLE, join(dir, 'm.mltm.yaml'));
    assert.equal((await mltm(['sync', 'm.mltm.yaml'], dir)).code, 0);
    for (const decision of DECISIONS) {
      const run = await mltm(['triage', 'm.mltm.yaml', ...decision], dir);
      assert.equal(run.code, 0, run.stderr);
    }
    const exported = await mltm(
      ['report', 'm.mltm.yaml', '--format', 'otm', '--output', 'x.otm.json'],
      dir,
    );
    assert.equal(exported.code, 0, exported.stderr);
    mkdirSync(join(dir, 'back'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the register beside the draft with the same statuses and the same human lines', async () => {
    const run = await mltm(['import', 'x.otm.json', '--output', 'back/m.mltm.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /wrote back\/m\.threats\.yaml: 3 decisions from the files\./);
    const original = readFileSync(join(dir, 'm.threats.yaml'), 'utf8');
    const back = readFileSync(join(dir, 'back', 'm.threats.yaml'), 'utf8');
    assert.match(back, /^model: m\.mltm\.yaml$/m);
    for (const [id] of DECISIONS) {
      const lines = humanLines(original, id as string);
      assert.ok(lines.length >= 2, `${id} has human fields`);
      assert.deepEqual(humanLines(back, id as string), lines, id);
    }
    const before = await statuses(dir, 'm.mltm.yaml');
    const after = await statuses(dir, 'back/m.mltm.yaml');
    assert.deepEqual([...after], [...before], 'every threat has the same status');
    assert.deepEqual(
      DECISIONS.map(([id]) => after.get(id as string)),
      ['accepted', 'mitigated', 'not_applicable'],
    );
    const checkBefore = await mltm(['check', 'm.mltm.yaml', '--fail-on', 'none'], dir);
    const checkAfter = await mltm(['check', 'back/m.mltm.yaml', '--fail-on', 'none'], dir);
    assert.equal(checkAfter.code, checkBefore.code);
    assert.equal(checkAfter.stdout.replaceAll('back/', ''), checkBefore.stdout);
    assert.match(checkAfter.stdout, / 0 register problems/);
  });

  it('refuses to replace an existing register without --force, and writes nothing', async () => {
    writeFileSync(join(dir, 'back', 'm.threats.yaml'), 'hand-written: true\n');
    const run = await mltm(['import', 'x.otm.json', '--output', 'back/m.mltm.yaml'], dir);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /`back\/m\.threats\.yaml` exists and the files carry 3 register decisions; add --force to replace it \(nothing was written\)\./,
    );
    assert.equal(readFileSync(join(dir, 'back', 'm.threats.yaml'), 'utf8'), 'hand-written: true\n');
    assert.ok(!existsSync(join(dir, 'back', 'm.mltm.yaml')), 'the model was not written either');
    const forced = await mltm(
      ['import', 'x.otm.json', '--output', 'back/m.mltm.yaml', '--force'],
      dir,
    );
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(dir, 'back', 'm.threats.yaml'), 'utf8'), /status: accepted/);
  });

  it('says a decision the draft has no threat for is not written, at its line, and writes the rest', async () => {
    const otm = readFileSync(join(dir, 'x.otm.json'), 'utf8');
    const document = JSON.parse(otm) as {
      threats: { id: string; attributes: Record<string, unknown> }[];
    };
    const gone = document.threats.find((t) => t.id === 'process-repudiation@resnet-api');
    assert.ok(gone);
    gone.attributes['mltmRule'] = 'retired-rule';
    const text = JSON.stringify(document, null, 2) + '\n';
    writeFileSync(join(dir, 'x.otm.json'), text);
    const run = await mltm(['import', 'x.otm.json', '--output', 'back/m.mltm.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    const index = document.threats.indexOf(gone);
    const line =
      text
        .split('\n')
        .findIndex(
          (l, i, all) =>
            l.includes('"mltmDecision"') &&
            all.slice(0, i).filter((x) => x.includes('"mltmRule"')).length === index + 1,
        ) + 1;
    assert.match(
      run.stderr,
      new RegExp(
        `x\\.otm\\.json:${line}:\\d+: warning MLTM521 The decision for \`retired-rule@resnet-api\` \\(mitigated\\) is not written to the register: The model does not produce a threat \`retired-rule@resnet-api\`\\.`,
      ),
    );
    assert.match(run.stderr, /wrote back\/m\.threats\.yaml: 2 decisions from the files\./);
  });
});

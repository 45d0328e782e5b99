/**
 * Noise dedupe (`covers` in the packs): a generic STRIDE threat that an ML-specific threat on the
 * same element fully covers is reported as one threat under the specific rule's id, listing both
 * rules and asking for the controls of both; register entries under either id keep their
 * decisions; a `covers` that cannot merge is a located problem; the README's noise table is what
 * the engine measures.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { activeRuleSet, analyze, builtinRulePacks } from '../../../src/core/analysis';
import { Assessment } from '../../../src/core/decide/assess';
import { crownJewels } from '../../../src/core/decide/crownJewels';
import { riskContext } from '../../../src/core/decide/risk';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import { effectiveStatus } from '../../../src/core/register/status';
import { syncRegisterDetailed } from '../../../src/core/register/sync';
import { triageThreat } from '../../../src/core/register/triage';
import { threatRuleIds, withMerged } from '../../../src/core/rules/evaluate';
import { assembleRuleSet, loadRulePack } from '../../../src/core/rules/loadPack';

import { bundledAtlasCatalogue } from '../../../src/core/kb/atlas';
import { loaded } from '../../support/analysis';
import {
  measureNoise,
  NOISE_TABLE_END,
  NOISE_TABLE_START,
  renderNoiseTable,
  withoutCovers,
} from '../../support/noise';
import { OPTIONS } from '../register/helpers';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const MODEL = `mltm: 1
name: Merge test
boundaries:
  internet: { name: Internet, trust: untrusted }
  platform: { name: Platform, trust: trusted }
data:
  weights: { kind: model, classification: confidential }
components:
  client: { kind: external_client, boundary: internet }
  api: { kind: serving_endpoint, boundary: platform, controls: [authn] }
  registry: { kind: model_registry, boundary: platform }
flows:
  - { id: query, from: client, to: api, protocol: https }
  - { from: registry, to: api, data: [weights] }
`;

/** The registry: model weights stolen (specific) and stored data read (generic). */
const SPECIFIC = 'model-weights-exfiltration@registry';
const GENERIC = 'data-store-unauthorized-read@registry';

describe('covers: duplicates merged', () => {
  it('reports the generic threat inside the specific one, with both rules and both controls', () => {
    const before = loaded(analyze(MODEL, { ruleSet: withoutCovers(activeRuleSet()) }));
    const after = loaded(analyze(MODEL));
    const generic = before.threats.find((t) => t.id === GENERIC);
    const specificBefore = before.threats.find((t) => t.id === SPECIFIC);
    assert.ok(generic && specificBefore, 'both rules fire on the registry without merging');
    assert.equal(
      after.threats.find((t) => t.id === GENERIC),
      undefined,
      'the generic threat is no longer listed on its own',
    );
    const merged = after.threats.find((t) => t.id === SPECIFIC);
    assert.ok(merged?.merged);
    assert.deepEqual(threatRuleIds(merged), [
      'model-weights-exfiltration',
      'data-store-unauthorized-read',
    ]);
    assert.deepEqual(merged.merged, [generic]);
    for (const control of [...specificBefore.missingControls, ...generic.missingControls])
      assert.ok(merged.missingControls.includes(control), `still asks for ${control}`);
    assert.equal(merged.mitigated, false);
    // Nothing else changes: every other threat is the same.
    const absorbed = new Set(after.threats.flatMap((t) => (t.merged ?? []).map((m) => m.id)));
    assert.deepEqual([...absorbed].sort(), [
      'data-store-unauthorized-read@registry',
      'data-store-unauthorized-write@registry',
    ]);
    assert.deepEqual(
      after.threats.map((t) => t.id),
      before.threats.map((t) => t.id).filter((id) => !absorbed.has(id)),
    );
    assert.deepEqual(
      withMerged(after.threats)
        .map((t) => t.id)
        .sort(),
      before.threats.map((t) => t.id).sort(),
    );
  });

  it('is mitigated only when the controls of every merged rule are in place', () => {
    const only = (controls: string) =>
      MODEL.replace(
        '  registry: { kind: model_registry, boundary: platform }',
        `  registry: { kind: model_registry, boundary: platform, controls: [${controls}] }`,
      );
    const threat = (text: string) => loaded(analyze(text)).threats.find((t) => t.id === SPECIFIC);
    assert.equal(threat(only('network_policy'))?.mitigated, false, 'authz still missing');
    assert.equal(threat(only('authz'))?.mitigated, false, 'network_policy still missing');
    assert.equal(threat(only('network_policy, authz'))?.mitigated, true);
  });

  it('the fix plan closes a merged threat exactly when re-analysis does', () => {
    const analysis = loaded(analyze(MODEL));
    const graph = analysis.facts.graph;
    const assessment = new Assessment(
      { facts: analysis.facts, threats: analysis.threats, rules: analysis.ruleSet.rules },
      riskContext(graph, crownJewels(graph), analysis.atlas),
    );
    const threat = analysis.threats.find((t) => t.id === SPECIFIC);
    assert.ok(threat);
    const once = assessment.resolve(threat, assessment.withAddition('registry', 'network_policy'));
    assert.equal(once?.open, true, 'one rule of the two is still open');
  });

  it('keeps decisions recorded on both old threats through a sync', () => {
    // A register written before the merge: both threats have entries, each with a decision.
    const old = loaded(analyze(MODEL, { ruleSet: withoutCovers(activeRuleSet()) }));
    const first = syncRegisterDetailed(undefined, old, OPTIONS);
    assert.ok(first.ok);
    let text = first.text;
    for (const [id, fields] of [
      [SPECIFIC, '    status: mitigated\n    notes: weights behind a network policy\n'],
      [
        GENERIC,
        '    status: accepted\n    owner: sec-team\n    justification: read-only registry\n    review_by: 2027-01-01\n',
      ],
    ] as const) {
      const at = text.indexOf(`  ${id}:\n`);
      assert.ok(at >= 0);
      const status = text.indexOf('    status: open\n', at);
      text = text.slice(0, status) + fields + text.slice(status + '    status: open\n'.length);
    }
    const now = loaded(analyze(MODEL));
    const result = syncRegisterDetailed(text, now, OPTIONS);
    assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('; '));
    const threats = (parse(result.text) as { threats: Record<string, Record<string, unknown>> })
      .threats;
    assert.equal(threats[SPECIFIC]?.['status'], 'mitigated');
    assert.equal(threats[SPECIFIC]?.['notes'], 'weights behind a network policy');
    assert.equal(threats[GENERIC]?.['status'], 'accepted');
    assert.equal(threats[GENERIC]?.['owner'], 'sec-team');
    assert.equal(
      (threats[GENERIC]?.['machine'] as Record<string, unknown>)['stale'],
      undefined,
      'a merged threat is not stale: the model still produces it',
    );
    assert.deepEqual(result.summary.staled, []);
    // A second sync changes nothing; the register check finds nothing to complain about.
    const again = syncRegisterDetailed(result.text, now, OPTIONS);
    assert.ok(again.ok && !again.changed);
    const register = loadRegister(result.text).register;
    assert.ok(register);
    const errors = checkRegister(register, now, { today: OPTIONS.today }).filter(
      (p) => p.severity === 'error',
    );
    assert.deepEqual(errors, []);
    const merged = now.threats.find((t) => t.id === SPECIFIC);
    assert.ok(merged);
    assert.equal(effectiveStatus(merged, register), 'mitigated');
  });

  it('a new register holds only the merged threat; triage of the covered id says where it went', () => {
    const now = loaded(analyze(MODEL));
    const created = syncRegisterDetailed(undefined, now, OPTIONS);
    assert.ok(created.ok);
    const ids = Object.keys((parse(created.text) as { threats: object }).threats);
    assert.ok(ids.includes(SPECIFIC));
    assert.ok(!ids.includes(GENERIC));
    const triaged = triageThreat(created.text, now, GENERIC, { status: 'mitigated' }, OPTIONS);
    assert.equal(triaged.ok, false);
    assert.match(
      triaged.ok ? '' : (triaged.problems[0]?.message ?? ''),
      new RegExp(`merged into \`${SPECIFIC}\``),
    );
  });

  it('reports a covers entry that cannot merge, located, with a suggestion', () => {
    const pack = loadRulePack(
      `mltm-rules: 1
pack: { id: t }
rules:
  - id: my-rule
    title: Mine
    element: component
    category: ml
    stride: [I]
    severity: medium
    covers: [data-store-unauthorised-read, flow-sniffing]
    when: { kind: [model_registry] }
    mitigations: { any_of: [authz] }
`,
      'mine.yaml',
    );
    assert.deepEqual(pack.problems, []);
    assert.ok(pack.pack);
    const set = assembleRuleSet([...builtinRulePacks().packs, pack.pack], bundledAtlasCatalogue());
    const problems = set.problems.find((f) => f.file === 'mine.yaml')?.problems ?? [];
    assert.deepEqual(
      problems.map((p) => [p.code, p.message]),
      [
        [
          'MLTM514',
          'Rule `my-rule` covers `data-store-unauthorised-read`, which no pack defines; did you mean `data-store-unauthorized-read`? The entry is ignored.',
        ],
        [
          'MLTM514',
          'Rule `my-rule` (a component rule) covers `flow-sniffing`, a flow rule: only threats on the same element can merge, so the entry is ignored.',
        ],
      ],
    );
    assert.ok(
      problems.every((p) => p.range.start > 0),
      'located on the covers entry',
    );
    assert.deepEqual(set.rules.find((r) => r.id === 'my-rule')?.covers, []);
  });
});

describe('README noise table', () => {
  it('is the table the engine measures (UPDATE_GOLDEN=1 rewrites it)', () => {
    const readmePath = join(REPO, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const table = renderNoiseTable(measureNoise(REPO));
    const start = readme.indexOf(NOISE_TABLE_START);
    const end = readme.indexOf(NOISE_TABLE_END);
    assert.ok(start >= 0 && end > start, 'README.md has the noise-table markers');
    const current = readme.slice(start, end + NOISE_TABLE_END.length);
    if (process.env['UPDATE_GOLDEN'] === '1' && current !== table)
      writeFileSync(readmePath, readme.replace(current, table));
    else assert.equal(current, table);
  });
});

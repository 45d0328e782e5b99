/**
 * Attack-path decisions in the register (`paths:`): path ids (a content and an access path over
 * the same elements are two paths), the `triagePath` call behind `mltm triage <model> <path-id>`
 * and the editor's Accept Attack Path, sync's refresh of path entries (stale, needs review, human
 * fields kept), the checks (`checkPathEntries`), and what the decision layer makes of an
 * accepted path (no step cuts it; the plan's ranking is unchanged).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMap, isSeq, parseDocument } from 'yaml';
import { generatePipeline } from '../../../bench/generate';
import { decide } from '../../../src/core/decide/index';
import { pathId } from '../../../src/core/decide/paths';
import { fnv1a64 } from '../../../src/core/util/hash';
import { checkPathEntries } from '../../../src/core/register/pathEntries';
import { triagePath } from '../../../src/core/register/pathEntries';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import { syncRegister } from '../../../src/core/register/sync';
import { triageThreat } from '../../../src/core/register/triage';
import { decideText } from '../decide/helpers';
import { analyze } from '../../../src/core/analysis';
import {
  analyzed,
  coveredTexts,
  loadedRegister,
  mltm,
  MODEL,
  OPTIONS,
  removeTemp,
  synced,
  tempDir,
  TODAY,
  writeFiles,
} from './helpers';

/** The access path client → query → api, to the endpoint's confidentiality. */
const ACCESS = 'path-745867fee042868f';
/** The content path over the same elements and goal (before kinds counted, it had ACCESS's id). */
const CONTENT = 'path-840d00822455472a';

function accepted(model = MODEL, id = ACCESS, register = synced(undefined, model)): string {
  const result = triagePath(
    register,
    analyzed(model),
    id,
    { status: 'accepted', justification: 'Only partners reach the API', owner: 'sec-team' },
    OPTIONS,
  );
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.text;
}

/** Problems of the register's path entries against a model, as `[code, the text they cover]`. */
function pathProblems(text: string, model = MODEL): [string, string][] {
  const loaded = loadedRegister(text);
  return coveredTexts(text, [
    ...loaded.problems,
    ...checkPathEntries(loaded.register, analyzed(model), { today: TODAY }),
  ]);
}

function decisionOf(model: string, registerText: string) {
  const register = loadRegister(registerText).register;
  assert.ok(register);
  return decideText(model, { register });
}

describe('register: attack-path decisions', () => {
  it('gives a content and an access path over the same elements two ids; access ids keep their value', () => {
    const paths = decideText(MODEL).paths;
    const over = paths.filter((p) => p.goal === 'confidentiality');
    assert.deepEqual(over.map((p) => [p.id, p.kind]).sort(), [
      [ACCESS, 'access'],
      [CONTENT, 'content'],
    ]);
    // The formula before the fix, for access paths: [entry, elements, goal].
    assert.equal(
      ACCESS,
      `path-${fnv1a64(JSON.stringify(['client', ['client', 'query', 'api'], 'confidentiality']))}`,
    );
    assert.equal(pathId('access', 'client', ['client', 'query', 'api'], 'confidentiality'), ACCESS);
    assert.equal(
      pathId('content', 'client', ['client', 'query', 'api'], 'confidentiality'),
      CONTENT,
    );
  });

  it('a register without `paths:` loads as before, with no path entries and no problems', () => {
    const text = synced(undefined, MODEL);
    const loaded = loadRegister(text);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.register?.paths.length, 0);
    assert.deepEqual(pathProblems(text), []);
    assert.doesNotMatch(text, /^paths:/m);
  });

  it('sync never adds path entries: a path gets one only when a person decides on it', () => {
    const text = synced(synced(undefined, MODEL), MODEL);
    assert.doesNotMatch(text, /path-/);
  });

  it('accepting a path writes what it is, the decision and its stamp; sync then changes nothing', () => {
    const text = accepted();
    const entry = text.slice(text.indexOf('paths:\n'));
    assert.equal(
      entry.replace(/v2-[0-9a-f]+/g, 'v2-…'),
      [
        'paths:',
        `  ${ACCESS}:`,
        '    kind: access',
        '    entry: client',
        '    target: api',
        '    goal: confidentiality',
        '    elements: [client, query, api]',
        '    status: accepted',
        '    owner: sec-team',
        '    justification: Only partners reach the API',
        `    machine: {fingerprint: v2-…, first_seen: ${TODAY}, decided_status: accepted, decided_fingerprint: v2-…, checksum: v2-…}`,
        '',
      ].join('\n'),
    );
    const again = syncRegister(text, analyzed(MODEL), OPTIONS);
    assert.ok(again.ok);
    assert.equal(again.changed, false);
    assert.equal(again.text, text);
    assert.deepEqual(pathProblems(text), []);
    const register = loadRegister(text).register;
    assert.ok(register);
    assert.deepEqual(checkRegister(register, analyzed(MODEL), OPTIONS), []);
  });

  it('an accepted path shows as accepted and is cut by no step; the ranking is unchanged', () => {
    const before = decideText(MODEL);
    const cutBefore = before.plan.steps.filter((s) => s.breaksPaths.includes(ACCESS));
    assert.ok(cutBefore.length > 0, 'a step cut the path before it was accepted');
    const after = decisionOf(MODEL, accepted());
    const path = after.paths.find((p) => p.id === ACCESS);
    assert.equal(path?.decision?.status, 'accepted');
    assert.equal(path?.decision?.needsReview, false);
    assert.equal(path?.decision?.justification, 'Only partners reach the API');
    for (const step of after.plan.steps) assert.ok(!step.breaksPaths.includes(ACCESS));
    const ranking = (d: typeof before) =>
      d.plan.steps.map((s) => [s.control, s.element, s.riskReduced, s.closes]);
    assert.deepEqual(ranking(after), ranking(before));
    assert.equal(after.paths.find((p) => p.id === CONTENT)?.decision, undefined);
  });

  it('goes due a review when an element on the path changes, as a threat does; --confirm clears it', () => {
    const text = accepted();
    const changed = MODEL.replace('controls: [authn]', 'controls: [authn, audit_logging]');
    const result = syncRegister(text, analyzed(changed), OPTIONS);
    assert.ok(result.ok);
    assert.ok(result.summary.needsReview.includes(ACCESS));
    assert.match(result.text, /decided_fingerprint: (v2-[0-9a-f]+), needs_review: true/);
    assert.deepEqual(
      pathProblems(result.text, changed).filter(([code]) => code === 'MLTM303'),
      [['MLTM303', 'accepted']],
    );
    assert.equal(
      decisionOf(changed, result.text).paths.find((p) => p.id === ACCESS)?.decision?.needsReview,
      true,
    );
    const confirmed = triagePath(
      result.text,
      analyzed(changed),
      ACCESS,
      { confirm: true },
      OPTIONS,
    );
    assert.ok(confirmed.ok);
    assert.doesNotMatch(confirmed.text, /needs_review/);
    assert.deepEqual(pathProblems(confirmed.text, changed), []);
  });

  it('goes stale when the model no longer has the path, keeps the decision, and comes back', () => {
    const text = accepted();
    const without = MODEL.replace(
      '  - { id: query, from: client, to: api, protocol: https }\n',
      '',
    );
    const staled = syncRegister(text, analyzed(without), { ...OPTIONS, allowMassStale: true });
    assert.ok(staled.ok);
    assert.ok(staled.summary.staled.includes(ACCESS));
    assert.match(staled.text, new RegExp(`stale: true, stale_since: ${TODAY}`));
    assert.match(staled.text, /status: accepted\n {4}owner: sec-team\n/);
    assert.ok(
      pathProblems(staled.text, without).some(([code, at]) => code === 'MLTM304' && at === ACCESS),
    );
    const back = syncRegister(staled.text, analyzed(MODEL), OPTIONS);
    assert.ok(back.ok);
    assert.ok(back.summary.revived.includes(ACCESS));
    assert.equal(back.text, text);
  });

  it('the quick paths (no-change check, one-entry triage splice) give the whole-document bytes', () => {
    const text = accepted();
    const changed = MODEL.replace('controls: [authn]', 'controls: [authn, audit_logging]');
    for (const model of [MODEL, changed]) {
      const quick = syncRegister(text, analyzed(model), OPTIONS);
      const whole = syncRegister(text, analyzed(model), { ...OPTIONS, wholeDocument: true });
      assert.ok(quick.ok && whole.ok);
      assert.equal(quick.text, whole.text);
      assert.deepEqual(quick.summary, whole.summary);
    }
    const change = { status: 'accepted', justification: 'Behind the gateway' } as const;
    const id = 'process-input-tampering@api';
    const spliced = triageThreat(text, analyzed(MODEL), id, change, OPTIONS);
    const whole = triageThreat(text, analyzed(MODEL), id, change, {
      ...OPTIONS,
      wholeDocument: true,
    });
    assert.ok(spliced.ok && whole.ok);
    assert.equal(spliced.text, whole.text);
    assert.ok(spliced.text.endsWith(text.slice(text.indexOf('paths:\n'))), 'path entry kept');
  });

  it('never rewrites what a person wrote on a path entry: comments, notes, x- keys, order', () => {
    const text = accepted().replace(
      '    status: accepted\n',
      '    # reviewed with the partner team\n    x-risk-owner: cfo\n    status: accepted\n    notes: see SEC-42\n',
    );
    const changed = MODEL.replace('controls: [authn]', 'controls: [authn, audit_logging]');
    const result = syncRegister(text, analyzed(changed), OPTIONS);
    assert.ok(result.ok);
    const human = (t: string) =>
      t
        .slice(t.indexOf('    # reviewed'))
        .split('\n')
        .filter((l) => !l.includes('machine:'))
        .join('\n');
    assert.equal(human(result.text), human(text));
  });

  it('a hand-written entry for an unknown path id is a located warning, and sync refuses to bury it', () => {
    const text = synced(undefined, MODEL) + 'paths:\n  path-0123456789abcdef:\n    status: open\n';
    assert.deepEqual(pathProblems(text), [['MLTM311', 'path-0123456789abcdef']]);
    const result = syncRegister(text, analyzed(MODEL), OPTIONS);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problems.some((p) => p.code === 'MLTM311'));
    assert.ok(!result.ok && result.problems.every((p) => p.severity === 'error'));
  });

  it('a hand-written decision on a real path: missing justification reported; sync fills in the rest', () => {
    const text = synced(undefined, MODEL) + `paths:\n  ${ACCESS}:\n    status: accepted\n`;
    assert.deepEqual(pathProblems(text), [['MLTM301', 'accepted']]);
    const result = syncRegister(text, analyzed(MODEL), OPTIONS);
    assert.ok(result.ok);
    assert.match(
      result.text,
      /elements: \[client, query, api\]\n {4}status: accepted\n {4}machine:/,
    );
    assert.equal(
      decisionOf(MODEL, result.text).paths.find((p) => p.id === ACCESS)?.decision?.status,
      'accepted',
    );
  });

  it('checks a path entry like a threat entry: bad status, expired review, hand edits', () => {
    const text = accepted();
    assert.deepEqual(
      pathProblems(text.replace('status: accepted', 'status: transferred')).map(([code]) => code),
      ['MLTM106'],
    );
    const expired = triagePath(text, analyzed(MODEL), ACCESS, { reviewBy: '2026-01-01' }, OPTIONS);
    assert.ok(expired.ok);
    assert.deepEqual(pathProblems(expired.text), [['MLTM302', '2026-01-01']]);
    const edited = text.replace('target: api', 'target: registry');
    assert.deepEqual(pathProblems(edited), [['MLTM308', ACCESS]]);
    const refused = syncRegister(edited, analyzed(MODEL), OPTIONS);
    assert.ok(!refused.ok && refused.problems.some((p) => p.code === 'MLTM308'));
    const restored = syncRegister(edited, analyzed(MODEL), {
      ...OPTIONS,
      restoreMachineFields: true,
    });
    assert.ok(restored.ok);
    assert.equal(restored.text, text);
  });

  it('triage refuses an unknown path, a status paths cannot have, and a decision without a reason', () => {
    const register = synced(undefined, MODEL);
    const analysis = analyzed(MODEL);
    const unknown = triagePath(
      register,
      analysis,
      'path-0123456789abcdef',
      { status: 'accepted', justification: 'x' },
      OPTIONS,
    );
    assert.ok(!unknown.ok && unknown.problems[0]?.code === 'MLTM311');
    const bad = triagePath(register, analysis, ACCESS, { status: 'transferred' as never }, OPTIONS);
    assert.ok(!bad.ok && bad.problems[0]?.code === 'MLTM106');
    const reasonless = triagePath(
      register,
      analysis,
      ACCESS,
      { status: 'not_applicable' },
      OPTIONS,
    );
    assert.ok(!reasonless.ok && reasonless.problems[0]?.code === 'MLTM301');
  });

  it('a decided path the enumeration no longer lists (a shorter way appeared) is still known to hold', () => {
    const long = [
      'mltm: 1',
      'name: detour',
      'boundaries:',
      '  internet: { trust: untrusted }',
      'components:',
      '  client: { kind: external_client, boundary: internet }',
      '  gw: { kind: api_gateway }',
      '  api: { kind: serving_endpoint }',
      'flows:',
      '  - { id: f1, from: client, to: gw }',
      '  - { id: f2, from: gw, to: api }',
      '',
    ].join('\n');
    const path = decideText(long).paths.find(
      (p) => p.kind === 'access' && p.goal === 'confidentiality',
    );
    assert.deepEqual(
      path?.steps.map((s) => s.element),
      ['client', 'f1', 'gw', 'f2', 'api'],
    );
    const text = accepted(long, path?.id);
    const shortcut = long + '  - { id: f3, from: client, to: api }\n';
    // Only the shortest ways are enumerated: the detour is no longer listed…
    assert.ok(!decideText(shortcut).paths.some((p) => p.id === path?.id));
    // …but it still works, so its decision is neither stale nor unknown. It is due a review:
    // the endpoint on it is now exposed to the internet directly (its fingerprint changed).
    const result = syncRegister(text, analyzed(shortcut), OPTIONS);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.ok(!result.summary.staled.includes(path?.id ?? ''));
    assert.ok(result.summary.needsReview.includes(path?.id ?? ''));
    assert.deepEqual(pathProblems(result.text, shortcut), [['MLTM303', 'accepted']]);
  });

  it('property: an accepted path stays accepted, and the register unchanged, when the model file is reordered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 24 }),
        fc.integer({ min: 1, max: 10_000 }),
        (size, seed) => {
          const model = generatePipeline({ components: size, seed }).text;
          const analysis = analyzed(model);
          const first = decide({
            facts: analysis.facts,
            threats: analysis.threats,
            rules: analysis.ruleSet.rules,
            atlas: analysis.atlas,
          }).paths[0];
          if (!first) return true;
          const options = { ...OPTIONS, modelFile: 'm.mltm.yaml' };
          const register = synced(undefined, model);
          const result = triagePath(
            register,
            analysis,
            first.id,
            { status: 'accepted', justification: 'measured' },
            options,
          );
          assert.ok(result.ok);
          const shuffled = reordered(model);
          const again = syncRegister(result.text, loadedOf(shuffled), options);
          assert.ok(again.ok);
          assert.equal(again.changed, false);
          assert.equal(
            decisionOf(shuffled, result.text).paths.find((p) => p.id === first.id)?.decision
              ?.status,
            'accepted',
          );
          return true;
        },
      ),
      { seed: 22, numRuns: 8 },
    );
  });
});

describe('mltm triage / plan / report: an accepted attack path, as users see it', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    writeFiles(dir, { 'm.mltm.yaml': MODEL });
  });
  afterEach(() => removeTemp(dir));

  it('triage records it; plan text, Markdown and JSON and the SARIF code flows show it accepted', async () => {
    const refused = await mltm(['triage', 'm.mltm.yaml', ACCESS, '--status', 'accepted'], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /A justification is required to mark an attack path accepted/);
    const run = await mltm(
      ['triage', 'm.mltm.yaml', ACCESS, '--status', 'accepted', '--justification', 'Partners only'],
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `m.threats.yaml: ${ACCESS} updated.\n`);
    const review = await mltm(['triage', 'm.mltm.yaml'], dir);
    assert.equal(review.stdout, 'm.threats.yaml: 0 errors, 0 warnings, 0 notes.\n');

    const text = await mltm(['plan', 'm.mltm.yaml'], dir);
    assert.match(
      text.stdout,
      /Attack paths \(3, riskiest first; 1 decided in the register, cut by no step\):/,
    );
    assert.match(
      text.stdout,
      new RegExp(
        `  ${ACCESS}  access → confidentiality of api, risk 48 \\[accepted\\]: client → query → api\n`,
      ),
    );
    const md = await mltm(['plan', 'm.mltm.yaml', '--format', 'md'], dir);
    assert.match(
      md.stdout,
      new RegExp(`- \`${ACCESS}\` \\(access, confidentiality of \`api\`, risk 48, accepted\\)`),
    );
    const json = JSON.parse(
      (await mltm(['plan', 'm.mltm.yaml', '--format', 'json'], dir)).stdout,
    ) as {
      steps: { breaksPaths: string[] }[];
      paths: { id: string; status: string; needsReview: boolean }[];
    };
    assert.deepEqual(
      json.paths.map((p) => [p.id, p.status, p.needsReview]).sort(),
      [
        [ACCESS, 'accepted', false],
        [CONTENT, 'open', false],
        ['path-eee7f36eb52f81ae', 'open', false],
      ].sort(),
    );
    for (const step of json.steps) assert.ok(!step.breaksPaths.includes(ACCESS));

    const report = await mltm(['report', 'm.mltm.yaml', '--format', 'md'], dir);
    assert.match(
      report.stdout,
      /The threat register decides 1 of the 3 attack paths \(1 accepted\); no step is credited with cutting them\./,
    );
    const sarif = await mltm(['report', 'm.mltm.yaml', '--format', 'sarif'], dir);
    assert.equal(sarif.code, 0, sarif.stderr);
    const flows = (
      JSON.parse(sarif.stdout) as {
        runs: { results: { codeFlows?: { properties: Record<string, unknown> }[] }[] }[];
      }
    ).runs[0]?.results.flatMap((r) => r.codeFlows ?? []);
    const accepted = flows?.find((f) => f.properties['pathId'] === ACCESS);
    assert.deepEqual(accepted?.properties, {
      pathId: ACCESS,
      kind: 'access',
      goal: 'confidentiality',
      status: 'accepted',
      justification: 'Partners only',
    });
    assert.equal(
      flows?.find((f) => f.properties['pathId'] === CONTENT)?.properties['status'],
      'open',
    );
  });
});

function loadedOf(text: string) {
  const analysis = analyze(text);
  assert.equal(analysis.status, 'loaded');
  return analyzed(text);
}

/** The same model with its components and flows in reverse order. */
function reordered(text: string): string {
  const doc = parseDocument(text);
  const components = doc.get('components');
  const flows = doc.get('flows');
  if (isMap(components)) components.items = [...components.items].reverse();
  if (isSeq(flows)) flows.items = [...flows.items].reverse();
  return doc.toString();
}

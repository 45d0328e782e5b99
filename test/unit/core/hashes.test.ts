/**
 * The register's contract hashes (`src/core/hashes.ts`) pinned for fixed inputs. These values
 * are written into users' registers: a test here failing means a change would rewrite every
 * user's register on their next sync, and — unless the old form is kept as a recognised older
 * version — turn every recorded decision into "needs review" (fingerprint) or every entry into
 * "edited by hand" (checksum). Bump HASH_VERSION instead of editing a pinned value.
 *
 * The migration tests read a register written by mltm before version 2 of the hashes
 * (`test/fixtures/register/v1/`, byte for byte what main's golden sync wrote) and check that no
 * decision is lost and nothing is falsely flagged, before and after the sync that migrates it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalFields,
  fingerprintMatches,
  HASH_VERSION,
  hashVersion,
  machineChecksum,
  machineChecksumMatches,
  pathFingerprint,
  pathMachineChecksum,
  pathMachineChecksumMatches,
  type ChecksumFields,
  type PathChecksumFields,
} from '../../../src/core/hashes';
import { fnv1a64 } from '../../../src/core/util/hash';
import { baselineRuleSet } from '../../../bench/caseStudies';
import { analyzeLoaded } from '../../support/analysis';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import { effectiveStatusOf } from '../../../src/core/register/status';
import { syncRegister } from '../../../src/core/register/sync';
import { mltm, MODEL, OPTIONS, removeTemp, tempDir, writeFiles } from '../register/helpers';

const V1_REGISTER = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'register', 'v1', 'commented.decided.threats.yaml'),
  'utf8',
);

/**
 * The fixture register was written by the rules of its time, so the migration is judged against
 * those rules (the built-in packs frozen at 42911ab, kept for the case-study baseline): a rule
 * change since then would otherwise refresh entries and hide what the hash migration alone does.
 */
const RULES_OF_THE_FIXTURE = baselineRuleSet();
const analyzedThen = (text: string) => {
  const analysis = analyzeLoaded(text, { ruleSet: RULES_OF_THE_FIXTURE });
  assert.deepEqual(
    analysis.problems.filter((p) => p.severity === 'error'),
    [],
    'the fixture model is valid',
  );
  return analysis;
};

const threatOf = (id: string) => {
  const threat = analyzedThen(MODEL).threats.find((t) => t.id === id);
  assert.ok(threat, `the fixture model produces ${id}`);
  return threat;
};

/** Fixed fields of one register entry, as sync writes them. */
const ENTRY: ChecksumFields = {
  title: 'ML service flooded with requests',
  element: 'api',
  stride: ['D'],
  atlas: ['AML.T0029', 'AML.T0034.000'],
  severity: 'high',
  machine: {
    fingerprint: '3221a8baa5d7fa59',
    missingControls: ['rate_limiting'],
    firstSeen: '2026-10-01',
    stale: false,
  },
};

describe('register hashes: canonical named fields', () => {
  it('sorts keys and leaves out fields at their default, so a field added later changes no existing hash', () => {
    assert.equal(
      canonicalFields({ zone: 'z', kind: 'k', tech: undefined, pii: false, data: [], note: '' }),
      '{"kind":"k","zone":"z"}',
    );
    assert.equal(
      canonicalFields({ kind: 'k', zone: 'z' }),
      canonicalFields({ kind: 'k', zone: 'z', added_later: false }),
    );
    assert.notEqual(canonicalFields({ a: 'x' }), canonicalFields({ b: 'x' }), 'names count');
  });

  it('tells the version of a recorded hash: bare hex is version 1, `vN-hex` is version N', () => {
    assert.equal(hashVersion('3221a8baa5d7fa59'), 1);
    assert.equal(hashVersion('1fbd09a5c8bd'), 1);
    assert.equal(hashVersion(`v${HASH_VERSION}-0123456789abcdef`), HASH_VERSION);
    assert.equal(hashVersion('v9-0123456789ab'), 9);
    assert.equal(hashVersion('hand written'), undefined);
    assert.equal(hashVersion('0'), undefined);
  });
});

/**
 * The first implementation of the hash, frozen: every fingerprint and checksum in users'
 * registers was computed by it (two 32-bit halves in floating point, the low one signed after the
 * xor), so the current one must give exactly its values, quirk included.
 */
function firstFnv1a64(text: string): string {
  let h1 = 0xcbf29ce4 >>> 0;
  let h0 = 0x84222325 >>> 0;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    const lo = h0 * 0x1b3;
    const hi = h1 * 0x1b3 + ((h0 << 8) >>> 0) + Math.floor(lo / 0x100000000);
    h0 = lo >>> 0;
    h1 = hi >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h0.toString(16).padStart(8, '0');
}

describe('register hashes: the string hash under them', () => {
  it("gives the first implementation's value for every string (a change would rewrite every hash)", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const samples = ['', 'a', 'ab', '{"kind":"model"}', 'é', '\uffff\u0000\ud800'];
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      const length = Math.floor(random() * 48);
      for (let i = 0; i < length; i++)
        text += String.fromCharCode(
          random() < 0.8 ? 32 + Math.floor(random() * 95) : Math.floor(random() * 0x10000),
        );
      samples.push(text);
    }
    for (const text of samples)
      assert.equal(fnv1a64(text), firstFnv1a64(text), `hash of ${JSON.stringify(text)}`);
    assert.equal(fnv1a64(''), 'cbf29ce484222325');
  });
});

describe('register hashes: pinned values (a change rewrites every user register)', () => {
  it('element fingerprints, version 2: changing one turns every decision on that kind of element into needs-review', () => {
    assert.equal(HASH_VERSION, 2);
    assert.equal(threatOf('process-input-tampering@api').fingerprint, 'v2-6df26ac29416a139');
    assert.equal(threatOf('data-store-repudiation@registry').fingerprint, 'v2-eba285ef48730095');
    assert.equal(threatOf('flow-sniffing@registry->api').fingerprint, 'v2-e08353c7bf133799');
  });

  it('element fingerprints, version 1 (recognised): equal to what mltm wrote before version 2, or old decisions need review', () => {
    // The values in test/fixtures/register/v1 (written by the positional form).
    assert.deepEqual(threatOf('process-input-tampering@api').previousFingerprints, [
      '3221a8baa5d7fa59',
    ]);
    assert.deepEqual(threatOf('data-store-repudiation@registry').previousFingerprints, [
      'd3d2253db6e78532',
    ]);
    for (const hex of ['3221a8baa5d7fa59', 'd3d2253db6e78532'])
      assert.ok(V1_REGISTER.includes(`fingerprint: ${hex}`), `${hex} is main's value`);
  });

  it('machine checksum, version 2: changing it makes every entry of every register look edited by hand', () => {
    assert.equal(machineChecksum(ENTRY), 'v2-f062e35d84da');
    assert.ok(machineChecksumMatches('v2-f062e35d84da', ENTRY));
  });

  it('machine checksum, version 1 (recognised): the checksum main wrote for the same entry still matches', () => {
    assert.ok(V1_REGISTER.includes('checksum: 1fbd09a5c8bd'));
    assert.ok(machineChecksumMatches('1fbd09a5c8bd', ENTRY));
    assert.ok(!machineChecksumMatches('1fbd09a5c8bd', { ...ENTRY, severity: 'low' }));
    assert.ok(!machineChecksumMatches('v2-f062e35d84da', { ...ENTRY, title: 'edited' }));
  });

  it('attack-path fingerprint, version 2: changing it turns every path decision into needs-review', () => {
    const fields = {
      kind: 'access',
      goal: 'confidentiality',
      elementFingerprints: ['v2-aaaaaaaaaaaaaaaa', 'v2-bbbbbbbbbbbbbbbb', 'v2-cccccccccccccccc'],
    };
    assert.equal(pathFingerprint(fields), 'v2-0f3d5d320df37467');
    // Any element's change, the order of the elements, the kind and the goal each count.
    assert.notEqual(
      pathFingerprint({
        ...fields,
        elementFingerprints: [...fields.elementFingerprints].reverse(),
      }),
      pathFingerprint(fields),
    );
    assert.notEqual(pathFingerprint({ ...fields, kind: 'content' }), pathFingerprint(fields));
    assert.notEqual(pathFingerprint({ ...fields, goal: 'integrity' }), pathFingerprint(fields));
  });

  it('attack-path entry checksum, version 2: changing it makes every path entry look edited by hand', () => {
    const fields: PathChecksumFields = {
      kind: 'access',
      entry: 'client',
      target: 'api',
      goal: 'confidentiality',
      elements: ['client', 'query', 'api'],
      machine: {
        fingerprint: 'v2-0123456789abcdef',
        decidedStatus: 'accepted',
        decidedFingerprint: 'v2-0123456789abcdef',
        firstSeen: '2026-12-07',
        stale: false,
      },
    };
    assert.equal(pathMachineChecksum(fields), 'v2-8c999a4c2f01');
    assert.ok(pathMachineChecksumMatches('v2-8c999a4c2f01', fields));
    assert.ok(!pathMachineChecksumMatches('v2-8c999a4c2f01', { ...fields, target: 'registry' }));
  });

  it('a checksum of an unknown version cannot be verified and counts as a mismatch', () => {
    assert.ok(!machineChecksumMatches('v3-b80df4ca53ad', ENTRY));
    assert.ok(!machineChecksumMatches('anything', ENTRY));
  });

  it('a recorded fingerprint matches in the version it was written in, and only then', () => {
    const threat = threatOf('process-input-tampering@api');
    assert.ok(fingerprintMatches(threat.fingerprint, threat));
    assert.ok(fingerprintMatches('3221a8baa5d7fa59', threat));
    assert.ok(!fingerprintMatches('d3d2253db6e78532', threat));
    assert.ok(!fingerprintMatches(undefined, threat));
  });
});

describe('register hashes: a register from before version 2 migrates without losing anything', () => {
  const loaded = loadRegister(V1_REGISTER);
  const register = loaded.register;

  it('loads and checks clean: no false "edited by hand" (MLTM308) or "needs review" (MLTM303)', () => {
    assert.ok(register && loaded.writable);
    assert.ok(register.entries.length > 10);
    const problems = checkRegister(register, analyzedThen(MODEL), { today: '2026-10-15' });
    const flagged = problems.filter((p) => p.code === 'MLTM308' || p.code === 'MLTM303');
    assert.deepEqual(flagged, []);
  });

  it('every decision counts, none due a review', () => {
    assert.ok(register);
    const decided = new Map<string, string>();
    for (const threat of analyzedThen(MODEL).threats) {
      const status = effectiveStatusOf(threat, register);
      assert.equal(status.needsReview, false, `${threat.id} is not due a review`);
      if (status.source === 'register') decided.set(threat.id, status.status);
    }
    assert.deepEqual(Object.fromEntries(decided), {
      'process-input-tampering@api': 'accepted',
      'data-store-unencrypted-at-rest@registry': 'not_applicable',
      'flow-sniffing@registry->api': 'mitigated',
    });
  });

  it('the next sync rewrites the machine fields in version 2, keeps every human line, flags nothing', () => {
    const result = syncRegister(V1_REGISTER, analyzedThen(MODEL), {
      ...OPTIONS,
      today: '2026-10-16',
    });
    assert.ok(result.ok);
    assert.deepEqual(result.summary.needsReview, []);
    assert.deepEqual(result.summary.added, []);
    assert.deepEqual(result.summary.staled, []);
    assert.equal(result.changed, true);
    // Every hash is now version 2; no bare-hex value is left.
    assert.doesNotMatch(result.text, /(fingerprint|checksum): [0-9a-f]+[,}]/);
    assert.match(result.text, /decided_fingerprint: v2-6df26ac29416a139/);
    // Human text is untouched: every line of the old file that is not a machine line survives.
    for (const line of V1_REGISTER.split('\n').filter((l) => !l.includes('machine:')))
      assert.ok(result.text.includes(line), `kept: ${line}`);
    const after = loadRegister(result.text).register;
    assert.ok(after);
    const problems = checkRegister(after, analyzedThen(MODEL), { today: '2026-10-16' });
    assert.deepEqual(
      problems.filter((p) => p.code === 'MLTM308' || p.code === 'MLTM303'),
      [],
    );
    for (const entry of register?.entries ?? [])
      assert.equal(after.byId.get(entry.id)?.status, entry.status, `${entry.id} keeps its status`);
    const again = syncRegister(result.text, analyzedThen(MODEL), {
      ...OPTIONS,
      today: '2026-10-17',
    });
    assert.ok(again.ok);
    assert.equal(again.changed, false, 'the migration happens once');
  });

  it('a version-1 decision on an element that did change still needs review', () => {
    const edited = MODEL.replace('controls: [authn] }', 'controls: [authn, rate_limiting] }');
    const result = syncRegister(V1_REGISTER, analyzedThen(edited), {
      ...OPTIONS,
      today: '2026-10-16',
    });
    assert.ok(result.ok);
    assert.deepEqual(result.summary.needsReview, ['process-input-tampering@api']);
    // The old stamp is kept: it records the element as it was when the person decided.
    assert.match(result.text, /decided_fingerprint: 3221a8baa5d7fa59/);
  });

  it("`mltm sync` with today's rules migrates the hashes and keeps every decision", async () => {
    // Today's built-in rules may differ from the fixture's (refreshed titles or ATLAS ids are
    // machine fields sync restores); what must hold is that no decision is lost or flagged.
    const dir = tempDir();
    try {
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': V1_REGISTER });
      const sync = await mltm(['sync', 'm.mltm.yaml'], dir, '2026-10-16');
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(
        sync.stdout,
        /^m\.threats\.yaml: updated \(.*with hashes rewritten in the current format\)\.\n$/,
      );
      const after = loadRegister(readFileSync(join(dir, 'm.threats.yaml'), 'utf8')).register;
      assert.ok(after);
      for (const entry of register?.entries ?? [])
        assert.equal(
          after.byId.get(entry.id)?.status,
          entry.status,
          `${entry.id} keeps its status`,
        );
      const again = await mltm(['sync', 'm.mltm.yaml', '--check'], dir, '2026-10-17');
      assert.equal(again.code, 0, again.stdout);
      assert.match(again.stdout, /^m\.threats\.yaml: up to date \(\d+ threats\)\.\n$/);
    } finally {
      removeTemp(dir);
    }
  });
});

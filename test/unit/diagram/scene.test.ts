import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sceneThreats } from '../../../src/core/layout';
import { loadRegister } from '../../../src/core/register/register';
import { triageThreat } from '../../../src/core/register/triage';
import { computeBadges, defaultFilters, threatMatches } from '../../../webview/filters';
import { analyzeLoaded } from '../../support/analysis';

describe('diagram scene: threats as the diagram shows them', () => {
  const analysis = analyzeLoaded(
    readFileSync(join(__dirname, '../../../examples/02-model-extraction.mltm.yaml'), 'utf8'),
  );

  it('carries STRIDE letters, ATLAS names, tactics and links from the bundled catalogue', () => {
    const threats = sceneThreats(analysis);
    const withAtlas = threats.find((t) => t.atlas.some((a) => a.tactics.length > 0));
    assert.ok(withAtlas);
    const ref = withAtlas.atlas.find((a) => a.tactics.length > 0);
    assert.ok(ref);
    assert.equal(ref.name, analysis.atlas.nameOf(ref.id));
    assert.equal(ref.url, `https://atlas.mitre.org/techniques/${ref.id}`);
    assert.deepEqual(
      ref.tactics.map((t) => t.id),
      analysis.atlas.tacticsOf(ref.id),
    );
  });

  it('takes statuses from the register: an accepted threat leaves its badge', () => {
    const open = sceneThreats(analysis).filter((t) => t.status === 'open');
    const target = open[0];
    assert.ok(target);
    const before = computeBadges(sceneThreats(analysis), defaultFilters()).get(target.element);
    const triaged = triageThreat(
      undefined,
      analysis,
      target.id,
      { status: 'accepted', justification: 'Behind the VPN', owner: 'ml-platform' },
      { today: '2026-01-01', modelFile: 'm.mltm.yaml' },
    );
    assert.ok(triaged.ok);
    const register = loadRegister(triaged.text).register;
    assert.ok(register);
    const threats = sceneThreats(analysis, register);
    assert.equal(threats.find((t) => t.id === target.id)?.status, 'accepted');
    const after = computeBadges(threats, defaultFilters()).get(target.element);
    assert.equal(after?.count ?? 0, (before?.count ?? 0) - 1);
  });

  it('carries category and LINDDUN codes; the category filter keeps privacy threats only', () => {
    const fintech = analyzeLoaded(
      readFileSync(join(__dirname, '../../../examples/01-fintech-posture.mltm.yaml'), 'utf8'),
    );
    const threats = sceneThreats(fintech);
    const privacy = threats.filter((t) => t.category === 'privacy');
    assert.ok(privacy.length > 0, 'the fintech example handles personal data');
    assert.ok(privacy.every((t) => t.linddun.length > 0));
    assert.ok(threats.some((t) => t.category !== 'privacy'));
    const onlyPrivacy = { ...defaultFilters(), categories: ['privacy'] };
    assert.deepEqual(
      threats.filter((t) => threatMatches(t, onlyPrivacy)).map((t) => t.id),
      privacy.map((t) => t.id),
    );
    const onlySecurity = { ...defaultFilters(), categories: ['security'] };
    assert.equal(
      threats.filter((t) => threatMatches(t, onlySecurity)).length,
      threats.length - privacy.length,
    );
    const code = privacy[0]?.linddun[0] as string;
    const byCode = { ...defaultFilters(), linddun: [code] };
    const matched = threats.filter((t) => threatMatches(t, byCode));
    assert.ok(matched.length > 0 && matched.every((t) => t.linddun.includes(code)));
  });
});

/**
 * ATLAS coverage of the built-in packs, against the bundled ATLAS 5.6.0 catalogue: every id a
 * rule cites is a technique ATLAS has, and the packs can report at least 100 distinct
 * techniques, nearly all of them outside the attacker's own preparation (the number
 * docs/rules.md prints).
 */
import assert from 'node:assert/strict';
import { bundledAtlasCatalogue } from '../../../src/core/kb/atlas';
import { builtinRulePacks } from '../../../src/core/analysis';
import { atlasCoverage } from '../../../src/core/rules/coverage';

describe('ATLAS coverage of the built-in packs', () => {
  const catalogue = bundledAtlasCatalogue();
  const { packs } = builtinRulePacks();
  const coverage = atlasCoverage(
    packs.flatMap((pack) => pack.rules),
    catalogue,
  );

  it('every ATLAS id the packs cite is an ATLAS 5.6.0 technique', () => {
    assert.equal(catalogue.version, '5.6.0');
    assert.deepEqual(coverage.unknown, []);
  });

  it('the packs can report at least 100 distinct technique ids', () => {
    assert.ok(coverage.emitted.length >= 100, String(coverage.emitted.length));
  });

  it('counts the techniques outside Reconnaissance and Resource Development as ATLAS does (133)', () => {
    assert.equal(coverage.foreseeable.length, 133);
    assert.ok(
      coverage.emittedForeseeable.length >= 100,
      String(coverage.emittedForeseeable.length),
    );
    assert.ok(!coverage.foreseeable.includes('AML.T0000'), 'Search Open Technical Databases');
    assert.ok(coverage.foreseeable.includes('AML.T0051.002'));
  });
});

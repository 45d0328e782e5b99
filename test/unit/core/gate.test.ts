/**
 * The CI gate's `--fail-on` policy (src/core/gate.ts): the old single-severity syntax keeps its
 * meaning; categories are included, excluded or given their own severity; bad values are refused
 * with a message that says what is allowed.
 */
import assert from 'node:assert/strict';
import { categoryLabel, describePolicy, failsGate, parseFailOn } from '../../../src/core/gate';

const policy = (text: string) => {
  const parsed = parseFailOn(text);
  assert.ok(parsed.ok, text);
  return parsed.policy;
};

describe('gate: --fail-on policy', () => {
  it('a bare severity (the old syntax) applies to every category', () => {
    assert.deepEqual(policy('high'), { security: 'high', privacy: 'high' });
    assert.deepEqual(policy('none'), { security: 'none', privacy: 'none' });
    assert.equal(describePolicy(policy('medium')), 'medium');
  });

  it('categories can be excluded, gated alone, or given their own severity', () => {
    assert.deepEqual(policy('high,privacy=none'), { security: 'high', privacy: 'none' });
    assert.deepEqual(policy('none,privacy=medium'), { security: 'none', privacy: 'medium' });
    // Unnamed categories keep the default, high.
    assert.deepEqual(policy('privacy=low'), { security: 'high', privacy: 'low' });
    assert.deepEqual(policy(' security=critical , privacy=info '), {
      security: 'critical',
      privacy: 'info',
    });
    assert.equal(describePolicy(policy('high,privacy=none')), 'security high, privacy none');
  });

  it('fails on a threat by its category and severity', () => {
    const p = policy('high,privacy=none');
    assert.equal(failsGate(p, { category: 'stride', severity: 'critical' }), true);
    assert.equal(failsGate(p, { category: 'ml', severity: 'high' }), true);
    assert.equal(failsGate(p, { category: 'ml', severity: 'medium' }), false);
    assert.equal(failsGate(p, { category: 'privacy', severity: 'critical' }), false);
    const q = policy('none,privacy=medium');
    assert.equal(failsGate(q, { category: 'privacy', severity: 'medium' }), true);
    assert.equal(failsGate(q, { category: 'privacy', severity: 'low' }), false);
    assert.equal(failsGate(q, { category: 'stride', severity: 'critical' }), false);
  });

  it('refuses bad values and says what is allowed', () => {
    const message = (text: string) => {
      const parsed = parseFailOn(text);
      assert.ok(!parsed.ok, text);
      return parsed.message;
    };
    assert.match(
      message('severe'),
      /unknown --fail-on `severe`; use info, low, medium, high, critical, none, or <category>=<severity>/,
    );
    assert.match(message('high,gdpr=low'), /unknown category `gdpr`.*security or privacy/);
    assert.match(message('privacy=sometimes'), /unknown severity `sometimes`/);
    assert.match(message('high,low'), /two severities/);
    assert.match(message('privacy=low,privacy=high'), /category `privacy` twice/);
    assert.match(message('high,'), /empty term/);
  });

  it('labels a threat by gate category, privacy with its LINDDUN codes', () => {
    assert.equal(categoryLabel({ category: 'stride', linddun: [] }), 'security');
    assert.equal(categoryLabel({ category: 'ml', linddun: [] }), 'security');
    assert.equal(
      categoryLabel({ category: 'privacy', linddun: ['I', 'DD'] }),
      'privacy (LINDDUN I, DD)',
    );
    assert.equal(categoryLabel({ category: 'privacy', linddun: [] }), 'privacy');
  });
});

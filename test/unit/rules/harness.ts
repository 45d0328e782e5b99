/**
 * Test helpers for rules: analyse a small model written inline, pick the threats of one rule,
 * and add controls to an element to show they silence it.
 */
import assert from 'node:assert/strict';
import { parseDocument, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  activeRuleSet,
  analyze,
  threatsOf as coreThreatsOf,
  type Analysis,
  type LoadedAnalysis,
} from '../../../src/core/analysis';
import { loaded } from '../../support/analysis';
import { withoutCovers } from '../../support/noise';
import type { Threat } from '../../../src/core/rules/evaluate';

/** Analyses model text and fails the test if it has errors (a rule test needs a valid model). */
export function analyzeValid(text: string): LoadedAnalysis {
  const analysis = loaded(analyze(text));
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(
    errors.map((p) => `${p.code} ${p.message}`),
    [],
    'the test model must be valid',
  );
  return analysis;
}

/**
 * The same analysis with the packs' `covers` merges left out: what each rule reports on its own.
 * Rule-by-rule tests judge a rule by itself; the merges are test/unit/rules/dedupe.test.ts's.
 */
export function analyzeUnmerged(text: string): LoadedAnalysis {
  const analysis = loaded(analyze(text, { ruleSet: withoutCovers(activeRuleSet()) }));
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(
    errors.map((p) => `${p.code} ${p.message}`),
    [],
    'the test model must be valid',
  );
  return analysis;
}

/** Threats of one rule, optionally on one element. */
export function threatsOf(analysis: Analysis, ruleId: string, element?: string): Threat[] {
  return coreThreatsOf(analysis).filter(
    (t) => t.ruleId === ruleId && (element === undefined || t.element === element),
  );
}

/**
 * Returns the model text with controls added to a component (by id) or a flow (by id, explicit
 * or derived `<from>-><to>`), creating the `controls` list when absent.
 */
export function withControls(text: string, elementId: string, controls: readonly string[]): string {
  const document = parseDocument(text);
  const components = document.get('components') as YAMLMap | undefined;
  let target: YAMLMap | undefined =
    components && isMap(components)
      ? (components.get(elementId) as YAMLMap | undefined)
      : undefined;
  if (!target) {
    const flows = document.get('flows') as YAMLSeq | undefined;
    if (flows && isSeq(flows)) {
      target = flows.items.find((item) => {
        if (!isMap(item)) return false;
        const id = item.get('id') ?? `${String(item.get('from'))}->${String(item.get('to'))}`;
        return id === elementId;
      }) as YAMLMap | undefined;
    }
  }
  assert.ok(target, `no component or flow \`${elementId}\` in the test model`);
  const existing = target.get('controls');
  const current: string[] =
    existing && isSeq(existing)
      ? existing.items.map((i) => String((i as { value?: unknown }).value ?? i))
      : [];
  target.set(
    'controls',
    document.createNode([...new Set([...current, ...controls])], { flow: true }),
  );
  return document.toString();
}

/**
 * Asserts the standard pair for a rule: it fires on `element` in `text`, and adding `controls`
 * (where given) leaves it with no missing controls.
 */
export function assertFiresAndSilenced(
  text: string,
  ruleId: string,
  element: string,
  silence?: { on: string; controls: readonly string[] }[],
): Threat {
  const before = threatsOf(analyzeUnmerged(text), ruleId, element);
  assert.equal(before.length, 1, `rule ${ruleId} should fire once on ${element}`);
  const threat = before[0] as Threat;
  assert.ok(
    threat.missingControls.length > 0 || !silence,
    `rule ${ruleId} on ${element} should miss controls before the fix`,
  );
  if (silence) {
    let fixed = text;
    for (const step of silence) fixed = withControls(fixed, step.on, step.controls);
    const after = threatsOf(analyzeUnmerged(fixed), ruleId, element);
    assert.equal(
      after.length,
      1,
      `rule ${ruleId} should still be listed on ${element} after the fix (threats stay, mitigated)`,
    );
    assert.deepEqual(
      after[0]?.missingControls,
      [],
      `adding ${silence.map((s) => s.controls.join('+')).join(', ')} should leave ${ruleId}@${element} with no missing controls`,
    );
    assert.equal(after[0]?.mitigated, true);
  }
  return threat;
}

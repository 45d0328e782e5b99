/**
 * The case tables of the issue-15 rule tests (agentic, platforms, incidents): a minimal model
 * built from YAML sections, one case per rule (fires with its ATLAS ids, silenced by the controls
 * an architect would add, quiet on each near miss), and the one loop that turns a table into
 * mocha tests, so the three files differ only in their cases.
 */
import assert from 'node:assert/strict';
import { analyzeValid, assertFiresAndSilenced, threatsOf } from './harness';

/** Untrusted internet and user devices, and a trusted app zone: the default of every table. */
const DEFAULT_BOUNDARIES = `  internet: { name: Internet, trust: untrusted }
  devices: { name: User devices, trust: untrusted }
  app: { name: App, trust: trusted }`;

/** A model text named `name`, from YAML sections (boundaries default to the three zones). */
export function caseModel(
  name: string,
  parts: { boundaries?: string; data?: string; components: string; flows?: string },
): string {
  return [
    'mltm: 1',
    `name: ${name}`,
    'boundaries:',
    parts.boundaries ?? DEFAULT_BOUNDARIES,
    ...(parts.data ? ['data:', parts.data] : []),
    'components:',
    parts.components,
    ...(parts.flows ? ['flows:', parts.flows] : []),
    '',
  ].join('\n');
}

export interface RuleCase {
  readonly rule: string;
  readonly scenario: string;
  readonly text: string;
  readonly element: string;
  readonly atlas: readonly string[];
  readonly owasp?: readonly string[];
  readonly silence: { on: string; controls: readonly string[] }[];
  /** Near misses: the rule must not fire on `element`, or on any element when it is absent. */
  readonly negatives: { why: string; text: string; element?: string }[];
}

/** The mocha tests of a case table (call inside a `describe`). */
export function ruleCaseTests(cases: readonly RuleCase[]): void {
  for (const c of cases) {
    describe(`${c.rule}: ${c.scenario}`, () => {
      it('fires with its ATLAS ids and is silenced by its controls', () => {
        const threat = assertFiresAndSilenced(c.text, c.rule, c.element, c.silence);
        assert.deepEqual([...threat.atlas].sort(), [...c.atlas].sort());
        if (c.owasp) assert.deepEqual([...threat.owasp].sort(), [...c.owasp].sort());
        assert.ok(!threat.why.includes('{'), `why has unfilled placeholders: ${threat.why}`);
      });
      for (const negative of c.negatives) {
        it(`does not fire: ${negative.why}`, () => {
          assert.deepEqual(
            threatsOf(analyzeValid(negative.text), c.rule, negative.element).map((t) => t.id),
            [],
          );
        });
      }
    });
  }
}

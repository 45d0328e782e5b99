/**
 * Issue 16 defect 16: rule `why` placeholders resolved through JavaScript's built-in object —
 * `{constructor}` rendered `function Object() { [native code] }`, `{__proto__}` `[object Object]`
 * — and an unknown `{nope}` was not reported. Only the element type's own placeholders resolve
 * (an own-key lookup); any other is MLTM407 at the rule's `why` when the pack loads.
 */
import assert from 'node:assert/strict';
import { loadRulePack } from '../../../src/core/rules/loadPack';
import { onlyProblem, slice } from '../core/located';
import { analyzeLoaded } from '../../support/analysis';

const PACK = `mltm-rules: 1
pack: { id: team }
rules:
  - id: team-rule
    title: Team rule
    element: component
    when: { kind: [llm_app] }
    stride: [T]
    severity: low
    why: "{element} {constructor} {__proto__} {nope} {from} {hasOwnProperty}"
`;

describe('issue 16 defect 16: only known why placeholders resolve', () => {
  it('unknown placeholders are one located MLTM407 in the pack', () => {
    const { pack, problems } = loadRulePack(PACK, '.mltm/rules/team.yaml');
    assert.ok(pack);
    const p = onlyProblem(problems, 'MLTM407');
    assert.equal(p.severity, 'warning');
    assert.equal(
      slice(PACK, p.range),
      '"{element} {constructor} {__proto__} {nope} {from} {hasOwnProperty}"',
    );
    assert.match(
      p.message,
      /uses `\{constructor\}`, `\{__proto__\}`, `\{nope\}`, `\{from\}`, which are not placeholders of component rules/,
    );
    assert.match(
      p.message,
      /component rules \(\{element\}, \{kind\}, \{zone\}, \{tech\}, \{data\}, \{classification\}\)/,
    );
  });

  it('the threat shows unknown placeholders as written, never the built-in object', () => {
    const { pack } = loadRulePack(PACK, '.mltm/rules/team.yaml');
    assert.ok(pack);
    const analysis = analyzeLoaded(
      'mltm: 1\nname: p\ncomponents:\n  app: { kind: llm_app }\n  u: { kind: user }\nflows:\n  - { from: u, to: app }\n',
      { customPacks: [pack] },
    );
    const threat = analysis.threats.find((t) => t.ruleId === 'team-rule');
    assert.ok(threat);
    assert.equal(threat.why, '`app` {constructor} {__proto__} {nope} {from} {hasOwnProperty}');
  });
});

/**
 * Helpers for the decision-layer tests: analyse a text and decide on it the way `mltm plan`
 * does (built-in packs, bundled ATLAS, an optional register).
 */
import { analyze } from '../../../src/core/analysis';
import { decide, type Decision } from '../../../src/core/decide/index';
import type { ThreatRegister } from '../../../src/core/register/register';

export function decideText(
  text: string,
  options: { maxSteps?: number; register?: ThreatRegister } = {},
): Decision {
  const analysis = analyze(text);
  if (analysis.status !== 'loaded')
    throw new Error(`model does not load: ${analysis.problems[0]?.message}`);
  return decide(
    {
      facts: analysis.facts,
      threats: analysis.threats,
      rules: analysis.ruleSet.rules,
      atlas: analysis.atlas,
      ...(options.register && { register: options.register }),
    },
    options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps },
  );
}

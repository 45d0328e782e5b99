/**
 * The built-in rule packs, bundled as YAML text and loaded by the same loader as a repository's
 * own packs (so the built-in rules prove the format). Split by theme for review.
 */
import strideRules from './stride.rules.yaml';
import mlRules from './ml.rules.yaml';
import llmRules from './llm.rules.yaml';
import privacyRules from './privacy.rules.yaml';

/** File name (as shown in problems) → YAML text of each built-in pack. */
export const BUILTIN_PACK_SOURCES: readonly { readonly file: string; readonly text: string }[] = [
  { file: 'builtin:stride.rules.yaml', text: strideRules },
  { file: 'builtin:ml.rules.yaml', text: mlRules },
  { file: 'builtin:llm.rules.yaml', text: llmRules },
  { file: 'builtin:privacy.rules.yaml', text: privacyRules },
];

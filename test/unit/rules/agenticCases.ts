/**
 * The rule ids that `agentic.test.ts` tests (its cases' \`rule:\` fields), so each pack's own
 * "every rule has a case" check counts them without loading that spec file twice.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function agenticCaseRules(): ReadonlySet<string> {
  const source = readFileSync(fileURLToPath(new URL('./agentic.test.ts', import.meta.url)), 'utf8');
  return new Set([...source.matchAll(/^ {4}rule: '([a-z0-9-]+)',$/gm)].map((m) => m[1] ?? ''));
}

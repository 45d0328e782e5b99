/**
 * The rule ids that `agentic.test.ts`, `platforms.test.ts` and `incidents.test.ts` test (their cases' \`rule:\`
 * fields), so each pack's own "every rule has a case" check counts them without loading those
 * spec files twice.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SPEC_FILES = ['./agentic.test.ts', './platforms.test.ts', './incidents.test.ts'];

export function agenticCaseRules(): ReadonlySet<string> {
  const rules = new Set<string>();
  for (const file of SPEC_FILES) {
    const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
    for (const m of source.matchAll(/^ {4}rule: '([a-z0-9-]+)',$/gm)) rules.add(m[1] ?? '');
  }
  return rules;
}

/**
 * The rule ids that the issue-15 case tables test (the \`rule:\` fields of `agentic.test.ts`
 * and `platforms.test.ts`), so each pack's own "every rule has a case" check counts them
 * without loading those spec files twice.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CASE_FILES = ['./agentic.test.ts', './platforms.test.ts'];

export function agenticCaseRules(): ReadonlySet<string> {
  const rules = new Set<string>();
  for (const file of CASE_FILES) {
    const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
    for (const m of source.matchAll(/^ {4}rule: '([a-z0-9-]+)',$/gm)) rules.add(m[1] ?? '');
  }
  return rules;
}

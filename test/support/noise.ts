/**
 * The noise measure of the README: threats per example with and without the packs' `covers`
 * merges (the same rules, the same engine; only the merge declarations taken out), rendered as
 * the Markdown table the README carries between its `noise-table` markers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeRuleSet, analyze } from '../../src/core/analysis';
import type { RuleSet } from '../../src/core/rules/loadPack';
import { loaded } from './analysis';

/** The active rule set with every `covers` removed: what the engine reported before the merges. */
export function withoutCovers(ruleSet: RuleSet): RuleSet {
  return {
    ...ruleSet,
    rules: ruleSet.rules.map((r) => ({ ...r, covers: [], coversRanges: [] })),
  };
}

export interface NoiseRow {
  readonly example: string;
  readonly before: number;
  readonly after: number;
}

export function measureNoise(repoRoot: string): NoiseRow[] {
  const dir = join(repoRoot, 'examples');
  const merged = activeRuleSet();
  const unmerged = withoutCovers(merged);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mltm.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return {
        example: f.replace(/\.mltm\.yaml$/, ''),
        before: loaded(analyze(text, { ruleSet: unmerged })).threats.length,
        after: loaded(analyze(text, { ruleSet: merged })).threats.length,
      };
    });
}

export const NOISE_TABLE_START = '<!-- noise-table:start (test/unit/rules/dedupe.test.ts) -->';
export const NOISE_TABLE_END = '<!-- noise-table:end -->';

export function renderNoiseTable(rows: readonly NoiseRow[]): string {
  const lines = [
    '| Example | Threats without merging | Threats reported | Merged |',
    '| --- | ---: | ---: | ---: |',
  ];
  let before = 0;
  let after = 0;
  for (const row of rows) {
    before += row.before;
    after += row.after;
    lines.push(`| \`${row.example}\` | ${row.before} | ${row.after} | ${row.before - row.after} |`);
  }
  lines.push(`| **all** | ${before} | ${after} | ${before - after} |`);
  return `${NOISE_TABLE_START}\n${lines.join('\n')}\n${NOISE_TABLE_END}`;
}

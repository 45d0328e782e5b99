/**
 * The case-study benchmark: how many of the ATLAS techniques used in real attacks mltm foresees
 * from a model of the victim's system as it stood before the attack.
 *
 * Inputs: the models and their expectations in `test/fixtures/casestudies/` (`expected.yaml`:
 * per case study, the design-time foreseeable technique ids of its procedure, the ids left out
 * with the reason, and an explanation for every technique the rules miss), MITRE's
 * `../shared/kb/ATLAS.yaml` (the procedures the expectations are checked against), and the three
 * built-in packs as they stood before the new vocabulary (`baseline-packs/`, frozen from commit
 * 42911ab), which give the baseline for noise.
 *
 * Output: recall per case and overall, at technique-family level (the parent id: AML.T0051 for
 * AML.T0051.001) and exactly, threats per model with today's rules and with the baseline packs,
 * and the misses with their explanations, as Markdown (`renderCaseStudyTable`). The mocha test
 * (test/unit/casestudies/benchmark.test.ts) checks the data and compares the table with the
 * committed `benchmark.md`; `npm run bench -- --stages casestudies` prints the same table.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze, threatsOf } from '../src/core/analysis';
import { bundledAtlasCatalogue } from '../src/core/kb/atlas';
import { assembleRuleSet, loadRulePack, type RuleSet } from '../src/core/rules/loadPack';
import type { RulePack } from '../src/core/rules/types';
import { REPO_ROOT, sharedKbPath } from '../test/support/sharedKb';

export { REPO_ROOT };
export const CASE_STUDY_DIR = join(REPO_ROOT, 'test', 'fixtures', 'casestudies');
export const EXPECTED_FILE = join(CASE_STUDY_DIR, 'expected.yaml');
export const BASELINE_PACK_DIR = join(CASE_STUDY_DIR, 'baseline-packs');
/** MITRE's official ATLAS data, beside the repository (never copied into it). */
export const OFFICIAL_ATLAS = sharedKbPath('ATLAS.yaml');

/** The Done-when targets of issue 15 for the benchmark. */
export const TARGETS = { familyRecall: 0.9, exactRecall: 0.8, noiseRatio: 1.1 } as const;

/** Exclusion reasons that name a tactic of attacker-side preparation, checked against ATLAS. */
export const PREPARATION_TACTICS: Readonly<Record<string, string>> = {
  reconnaissance: 'AML.TA0002',
  'resource development': 'AML.TA0003',
};

export interface CaseExpectation {
  readonly id: string;
  readonly name: string;
  /** The model file, relative to {@link CASE_STUDY_DIR}. */
  readonly model: string;
  /** Technique ids of the procedure a design-time model can foresee, in procedure order. */
  readonly foreseeable: readonly string[];
  /** Technique id → why it is left out (a preparation tactic's name, or a sentence). */
  readonly excluded: Readonly<Record<string, string>>;
  /** Technique id → why today's rules do not report it on this model. */
  readonly misses: Readonly<Record<string, string>>;
}

export interface Expectations {
  readonly cases: readonly CaseExpectation[];
  /** Recall and noise as last measured and committed; the test asserts no regression from them. */
  readonly recorded: {
    readonly familyRecall: number;
    readonly exactRecall: number;
    readonly noiseRatio: number;
    /** How many of the case studies have a model (all 37 when the benchmark is complete). */
    readonly modelled: number;
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new Error(`${where} must be a mapping of technique id → text`);
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string' || text.trim() === '')
      throw new Error(`${where}.${key} must be a non-empty text`);
    out[key] = text;
  }
  return out;
}

/** Reads `expected.yaml`; throws with the offending key on a malformed entry. */
export function loadExpectations(text = readFileSync(EXPECTED_FILE, 'utf8')): Expectations {
  const root: unknown = parse(text);
  if (!isRecord(root) || !isRecord(root['cases']) || !isRecord(root['recorded']))
    throw new Error('expected.yaml must have `recorded` and `cases` mappings');
  const cases: CaseExpectation[] = [];
  for (const [id, entry] of Object.entries(root['cases'])) {
    if (!isRecord(entry)) throw new Error(`cases.${id} must be a mapping`);
    const { name, model, foreseeable } = entry;
    if (typeof name !== 'string' || typeof model !== 'string')
      throw new Error(`cases.${id} needs a name and a model file`);
    if (!Array.isArray(foreseeable) || !foreseeable.every((t) => typeof t === 'string'))
      throw new Error(`cases.${id}.foreseeable must be a list of technique ids`);
    cases.push({
      id,
      name,
      model,
      foreseeable: foreseeable as string[],
      excluded: stringMap(entry['excluded'], `cases.${id}.excluded`),
      misses: stringMap(entry['misses'], `cases.${id}.misses`),
    });
  }
  const recorded = root['recorded'];
  const number = (key: string): number => {
    const value = recorded[key];
    if (typeof value !== 'number') throw new Error(`recorded.${key} must be a number`);
    return value;
  };
  return {
    cases,
    recorded: {
      familyRecall: number('familyRecall'),
      exactRecall: number('exactRecall'),
      noiseRatio: number('noiseRatio'),
      modelled: number('modelled'),
    },
  };
}

/** One step of a case study's procedure in ATLAS.yaml. */
export interface ProcedureStep {
  readonly tactic: string;
  readonly technique: string;
}

/** Case study id → its procedure, from MITRE's ATLAS.yaml (a plain walk of the file's data). */
export function readProcedures(
  text = readFileSync(OFFICIAL_ATLAS, 'utf8'),
): Map<string, ProcedureStep[]> {
  const root: unknown = parse(text);
  const studies = isRecord(root) ? root['case-studies'] : undefined;
  if (!Array.isArray(studies)) throw new Error('ATLAS.yaml has no case-studies list');
  const out = new Map<string, ProcedureStep[]>();
  for (const study of studies) {
    if (!isRecord(study) || typeof study['id'] !== 'string' || !Array.isArray(study['procedure']))
      continue;
    out.set(
      study['id'],
      study['procedure'].filter(isRecord).map((step) => ({
        tactic: String(step['tactic']),
        technique: String(step['technique']),
      })),
    );
  }
  return out;
}

/** The technique family: the parent of a sub-technique, the id itself otherwise. */
export function techniqueFamily(id: string): string {
  const match = /^(AML\.T\d{4})\.\d{3}$/.exec(id);
  return match ? (match[1] as string) : id;
}

let baselinePacks: RulePack[] | undefined;

/** The frozen built-in packs of commit 42911ab, loaded by the ordinary pack loader. */
export function loadBaselinePacks(): RulePack[] {
  if (baselinePacks) return baselinePacks;
  const packs: RulePack[] = [];
  for (const file of readdirSync(BASELINE_PACK_DIR).sort()) {
    if (!file.endsWith('.rules.yaml')) continue;
    const loaded = loadRulePack(readFileSync(join(BASELINE_PACK_DIR, file), 'utf8'), file);
    if (!loaded.pack || loaded.problems.some((p) => p.severity === 'error'))
      throw new Error(
        `baseline pack ${file} does not load: ${loaded.problems.map((p) => p.message).join('; ')}`,
      );
    packs.push(loaded.pack);
  }
  return (baselinePacks = packs);
}

/** The baseline rule set: only the frozen packs, replacing the built-in ones. */
export function baselineRuleSet(): RuleSet {
  return assembleRuleSet(loadBaselinePacks(), bundledAtlasCatalogue());
}

/** What one rule set reports on one model. */
export interface RunResult {
  /** Every threat, security and privacy. */
  readonly threats: number;
  /**
   * Of those, privacy threats (LINDDUN, `category: privacy`): counted apart because the
   * baseline packs have no privacy rules, so they are not noise of the security engine.
   */
  readonly privacyThreats: number;
  /** Distinct ATLAS ids on its threats, sorted. */
  readonly atlas: readonly string[];
  readonly exactHits: readonly string[];
  readonly familyHits: readonly string[];
}

export interface CaseResult {
  readonly expectation: CaseExpectation;
  /** False when the model file does not exist yet. */
  readonly modelled: boolean;
  /** Error-severity problems of the model (a benchmark model must be valid). */
  readonly modelErrors: readonly string[];
  readonly current: RunResult;
  readonly baseline: RunResult;
}

export interface Totals {
  readonly expected: number;
  readonly exactHits: number;
  readonly familyHits: number;
  readonly threats: number;
  readonly privacyThreats: number;
}

export interface CaseStudyBenchmark {
  readonly cases: readonly CaseResult[];
  readonly current: Totals;
  readonly baseline: Totals;
}

function run(text: string | undefined, expected: readonly string[], ruleSet?: RuleSet): RunResult {
  if (text === undefined)
    return { threats: 0, privacyThreats: 0, atlas: [], exactHits: [], familyHits: [] };
  const threats = threatsOf(analyze(text, ruleSet ? { ruleSet } : {}));
  const atlas = [...new Set(threats.flatMap((t) => t.atlas))].sort();
  const families = new Set(atlas.map(techniqueFamily));
  return {
    threats: threats.length,
    privacyThreats: threats.filter((t) => t.category === 'privacy').length,
    atlas,
    exactHits: expected.filter((id) => atlas.includes(id)),
    familyHits: expected.filter((id) => families.has(techniqueFamily(id))),
  };
}

function totals(cases: readonly CaseResult[], pick: (c: CaseResult) => RunResult): Totals {
  return {
    expected: cases.reduce((n, c) => n + c.expectation.foreseeable.length, 0),
    exactHits: cases.reduce((n, c) => n + pick(c).exactHits.length, 0),
    familyHits: cases.reduce((n, c) => n + pick(c).familyHits.length, 0),
    threats: cases.reduce((n, c) => n + pick(c).threats, 0),
    privacyThreats: cases.reduce((n, c) => n + pick(c).privacyThreats, 0),
  };
}

/** Analyses every case-study model with today's rules and with the baseline packs. */
export function runCaseStudyBenchmark(expectations = loadExpectations()): CaseStudyBenchmark {
  const baseline = baselineRuleSet();
  const cases = expectations.cases.map((expectation): CaseResult => {
    const file = join(CASE_STUDY_DIR, expectation.model);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const modelErrors =
      text === undefined
        ? []
        : analyze(text)
            .problems.filter((p) => p.severity === 'error')
            .map((p) => `${p.code} ${p.message}`);
    return {
      expectation,
      modelled: text !== undefined,
      modelErrors,
      current: run(text, expectation.foreseeable),
      baseline: run(text, expectation.foreseeable, baseline),
    };
  });
  return {
    cases,
    current: totals(cases, (c) => c.current),
    baseline: totals(cases, (c) => c.baseline),
  };
}

export const recall = (hits: number, expected: number): number =>
  expected === 0 ? 1 : hits / expected;

/** Security threats (STRIDE and ML, no privacy threats) of a run. */
export const securityThreats = (t: Totals): number => t.threats - t.privacyThreats;

/**
 * Security threats with today's rules over those with the baseline packs, over all models: the
 * noise measure of the security engine. Privacy threats are left out of it and shown in a row of
 * their own, because the baseline packs have no privacy rules to compare them with.
 */
export const noiseRatio = (b: CaseStudyBenchmark): number =>
  securityThreats(b.baseline) === 0 ? 1 : securityThreats(b.current) / securityThreats(b.baseline);

/** The misses of today's rules on one case: expected ids not reported exactly. */
export function misses(result: CaseResult): string[] {
  return result.expectation.foreseeable.filter((id) => !result.current.exactHits.includes(id));
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const ratio = (hits: number, expected: number): string =>
  `${hits}/${expected} (${percent(recall(hits, expected))})`;

function markdownTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...body.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The benchmark as Markdown: the committed `benchmark.md` and the bench stage's output. */
export function renderCaseStudyTable(b: CaseStudyBenchmark): string {
  const family = recall(b.current.familyHits, b.current.expected);
  const exact = recall(b.current.exactHits, b.current.expected);
  const noise = noiseRatio(b);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const modelled = b.cases.filter((c) => c.modelled).length;
  const lines: string[] = [
    '<!-- Generated by test/unit/casestudies/benchmark.test.ts (UPDATE_GOLDEN=1 rewrites it). Do not edit by hand. -->',
    '',
    '# ATLAS case-study benchmark',
    '',
    `${b.cases.length} case studies of MITRE ATLAS 5.6.0, ${modelled} modelled as the victim's system stood before the attack (\`test/fixtures/casestudies/\`). ` +
      'Expected: the technique ids of each procedure that a design-time model can foresee (`expected.yaml`; reconnaissance and resource development are left out, and every other exclusion says why). ' +
      '*Family* counts a hit when the rules report any id of the same parent technique; *exact* when they report the id itself. ' +
      '*Baseline*: the 83 built-in rules of commit 42911ab (frozen in `baseline-packs/`), run alone on the same models. ' +
      '*Security threats* are STRIDE and ML threats, the noise measure against the baseline; *privacy threats* (LINDDUN, on models that declare personal data) have no counterpart in the baseline packs and are counted in a row and a column of their own; *threats* per case is both.',
    '',
    markdownTable([
      ['measure', "today's rules", 'baseline packs', 'target', 'status'],
      [
        'family recall',
        ratio(b.current.familyHits, b.current.expected),
        ratio(b.baseline.familyHits, b.baseline.expected),
        `≥ ${percent(TARGETS.familyRecall)}`,
        met(family >= TARGETS.familyRecall),
      ],
      [
        'exact recall',
        ratio(b.current.exactHits, b.current.expected),
        ratio(b.baseline.exactHits, b.baseline.expected),
        `≥ ${percent(TARGETS.exactRecall)}`,
        met(exact >= TARGETS.exactRecall),
      ],
      [
        'security threats per model',
        (securityThreats(b.current) / b.cases.length).toFixed(1),
        (securityThreats(b.baseline) / b.cases.length).toFixed(1),
        `≤ ${TARGETS.noiseRatio.toFixed(2)}× baseline`,
        `${met(noise <= TARGETS.noiseRatio)} (${noise.toFixed(2)}×)`,
      ],
      [
        'privacy threats per model',
        (b.current.privacyThreats / b.cases.length).toFixed(1),
        (b.baseline.privacyThreats / b.cases.length).toFixed(1),
        'no target (no privacy rules in the baseline)',
        `${b.cases.filter((c) => c.current.privacyThreats > 0).length} of ${b.cases.length} models`,
      ],
    ]),
    '',
    '## Per case',
    '',
    markdownTable([
      [
        'case study',
        'expected',
        'family',
        'exact',
        'threats',
        'privacy threats',
        'baseline family',
        'baseline exact',
        'baseline threats',
      ],
      ...b.cases.map((c) => [
        `${c.expectation.id} ${c.expectation.name}${c.modelled ? '' : ' (not modelled)'}`,
        String(c.expectation.foreseeable.length),
        String(c.current.familyHits.length),
        String(c.current.exactHits.length),
        String(c.current.threats),
        String(c.current.privacyThreats),
        String(c.baseline.familyHits.length),
        String(c.baseline.exactHits.length),
        String(c.baseline.threats),
      ]),
    ]),
    '',
    "## Misses with today's rules",
    '',
    "Every expected id the rules do not report exactly on the case's model, and why. " +
      '"family hit" means a sibling or the parent of the technique is reported.',
    '',
    markdownTable([
      ['case study', 'technique', 'level', 'why the model does not give it'],
      ...b.cases.flatMap((c) =>
        !c.modelled
          ? [[c.expectation.id, c.expectation.foreseeable.join(', '), 'missed', 'not modelled yet']]
          : misses(c).map((id) => [
              c.expectation.id,
              id,
              c.current.familyHits.includes(id) ? 'family hit' : 'missed',
              c.expectation.misses[id] ?? '(no explanation recorded)',
            ]),
      ),
    ]),
  ];
  return lines.join('\n') + '\n';
}

/**
 * `npm run bench`: measures every stage of mltm on synthetic pipelines of growing size
 * (bench/generate.ts) and prints, per size, the median of several runs after a warm-up (at least
 * 300 ms per stage), the
 * analysis/bare-parse ratio and peak memory; then every budget of DESIGN.md §4 with its measured
 * value and whether it is met. Writes the same numbers to `bench/results.json` for comparison.
 *
 * Extending: a new stage is one entry in {@link BENCH_STAGES}; a new budget is one entry in
 * {@link BENCH_BUDGETS} naming a stage and a size. Speed is measured here, never asserted by
 * unit tests (the machine is shared; a timed test would be flaky, not informative).
 *
 * Options: `--sizes 10,50,1000` `--stages parse,analyze` `--runs 7` (runs per stage and size;
 * default adapts to the size) `--json-only` (print only the JSON) `--out <file>` (default
 * bench/results.json) `--seed <n>` `--main-thread` (run on the main thread with V8's default heap, as
 * the CLI analyses, instead of in a worker thread with the editor's analysis-worker heap,
 * WORKER_RESOURCE_LIMITS). Without `--sizes`, each stage runs at its own default sizes
 * (layout at 50, 500, 2,000; the rest at 10 … 5,000); with it, every chosen stage runs at every
 * chosen size up to its `maxSize`.
 *
 * Besides the timed stages, the `casestudies` stage (bench/caseStudies.ts) analyses the 37 ATLAS
 * case-study models with today's rules and with the frozen baseline packs and prints recall per
 * case and overall and threats per model; it runs by default and with `--stages casestudies`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';
import { parseDocument } from 'yaml';
import { readMermaidLibrary } from '../src/cli/commands/report';
import { analyze, type Analysis, type LoadedAnalysis } from '../src/core/analysis';
import { computeLayout, diagramGraphFromPipeline } from '../src/core/layout/index';
import { loadRegister, type ThreatRegister } from '../src/core/register/register';
import { syncRegister } from '../src/core/register/sync';
import { triageThreat } from '../src/core/register/triage';
import { WORKER_RESOURCE_LIMITS } from '../src/extension/workers/nodeWorker';
import { renderReport, type ReportFormat } from '../src/core/report/index';
import { assembleReportInput } from '../src/core/report/input';
import {
  noiseRatio,
  recall,
  renderCaseStudyTable,
  runCaseStudyBenchmark,
  type CaseStudyBenchmark,
} from './caseStudies';
import { Assessment } from '../src/core/decide/assess';
import { crownJewels } from '../src/core/decide/crownJewels';
import { decide, decisionInputOf } from '../src/core/decide/index';
import { attackPaths } from '../src/core/decide/paths';
import { riskContext } from '../src/core/decide/risk';
import { generateBoundaryNesting, generatePipeline, type GeneratedPipeline } from './generate';
import { NODE_IMPORT_FS } from '../src/cli/importFs';
import { importEvidence } from '../src/core/import/index';
import { walkEvidence } from '../src/core/import/walk';
import { importTree } from './importTree';

/** What a stage gets: the generated pipeline plus results of earlier stages, computed once. */
export interface BenchContext {
  readonly size: number;
  readonly pipeline: GeneratedPipeline;
  /** The model's analysis, computed once per size outside any timing. */
  analysis(): LoadedAnalysis;
  /** A register synced from empty for this model, computed once per size outside any timing. */
  registerText(): string;
  /** That register, loaded; computed once per size outside any timing. */
  register(): ThreatRegister;
}

/**
 * One measured stage: `run` is timed (a promise is awaited inside the timing); its result is
 * kept alive so the work cannot be skipped.
 */
export interface BenchStage {
  /** Stable id, used in budgets and in results.json. */
  readonly id: string;
  /** Column heading in the table. */
  readonly label: string;
  /** Largest size the stage runs on (e.g. a slow layout); unlimited when absent. */
  readonly maxSize?: number;
  /** Sizes the stage runs at when `--sizes` is not given; {@link DEFAULT_SIZES} when absent. */
  readonly defaultSizes?: readonly number[];
  readonly run: (context: BenchContext) => unknown;
}

/** Sizes of a plain `npm run bench` for stages without their own {@link BenchStage.defaultSizes}. */
export const DEFAULT_SIZES: readonly number[] = [10, 50, 100, 1000, 5000];

/**
 * Sizes of the large-register stages: 600 components give a register of about 7,000 entries
 * (2.3 MB), the size issue 16 budgets (a no-change re-sync and one triage under 1 s each).
 */
const LARGE_REGISTER_SIZES: readonly number[] = [10, 100, 600, 1000];
const LARGE_REGISTER = 600;

const TODAY = '2026-01-01';
const SYNC_OPTIONS = { today: TODAY, modelFile: 'synthetic.mltm.yaml' };

/** The analysis of a generated model, which always loads (a bench over a failed one would time nothing). */
function loadedBenchAnalysis(text: string): LoadedAnalysis {
  const analysis = analyze(text);
  if (analysis.status !== 'loaded') throw new Error('the generated model did not load');
  return analysis;
}

function synced(text: string | undefined, analysis: Analysis): string {
  const result = syncRegister(text, analysis, SYNC_OPTIONS);
  if (!result.ok)
    throw new Error(
      `sync refused the synthetic model: ${result.problems.map((p) => p.message).join('; ')}`,
    );
  return result.text;
}

/**
 * One report, as `mltm report` renders it: the input assembled from the analysis and the loaded
 * register (both computed once per size, outside the timing), then the format rendered. The
 * HTML report reads and inlines `mermaid.min.js` (~3 MB) on every run, as the command does.
 */
function report(format: ReportFormat, c: BenchContext): string {
  const mermaidScript = format === 'html' ? readMermaidLibrary() : undefined;
  if (format === 'html' && mermaidScript === undefined)
    throw new Error('mermaid.min.js not found: the HTML report would not be measured honestly');
  const input = assembleReportInput({
    analysis: c.analysis(),
    text: c.pipeline.text,
    file: 'synthetic.mltm.yaml',
    register: { register: c.register(), file: 'synthetic.threats.yaml' },
    registerNotes: [],
    generatedAt: `${TODAY}T00:00:00Z`,
    toolVersion: '0.0.0-bench',
    ...(mermaidScript !== undefined && { mermaidScript }),
  });
  return renderReport(format, input);
}

const REPORT_STAGES: BenchStage[] = (
  [
    ['md', 'Markdown'],
    ['html', 'HTML'],
    ['sarif', 'SARIF'],
    ['json', 'JSON'],
    ['mermaid', 'Mermaid'],
  ] as const
).map(([format, label]) => ({
  id: `report-${format}`,
  label: `${label} report`,
  maxSize: 1000,
  run: (c: BenchContext) => report(format, c),
}));

const nestingTexts = new Map<string, string>();
/**
 * Analysis of a model whose boundaries nest `size × 12` deep through `parent:` (60,000 at size
 * 5,000, the 2.6 MB file that never finished before issue 16 defect 9), as a chain or a cycle.
 * The text is generated once per size, outside the timing.
 */
function nestingStage(shape: 'chain' | 'cycle'): BenchStage {
  return {
    id: `boundary-${shape}`,
    label: `${shape} of 12×n boundaries`,
    run: (c) => {
      const key = `${shape}:${c.size}`;
      let text = nestingTexts.get(key);
      if (text === undefined) {
        text = generateBoundaryNesting(c.size * 12, shape);
        nestingTexts.set(key, text);
      }
      return analyze(text);
    },
  };
}

/** The built `mltm` binary (dist/ must be built: `npm run bench` builds it first). */
const MLTM_BIN = resolve(__dirname, '..', 'bin', 'mltm.js');
let modelFolder: string | undefined;
const modelFiles = new Map<number, string>();

/** The synthetic model of a size, written once to a temporary file for the CLI to read. */
function modelFileFor(c: BenchContext): string {
  let file = modelFiles.get(c.size);
  if (file === undefined) {
    modelFolder ??= mkdtempSync(join(tmpdir(), 'mltm-bench-'));
    file = join(modelFolder, `synthetic-${c.size}.mltm.yaml`);
    writeFileSync(file, c.pipeline.text);
    modelFiles.set(c.size, file);
  }
  return file;
}

/**
 * A whole process, start to exit, as a user's shell sees it: `node` with `args`. Exit codes 0
 * and 1 (findings) are success; anything else means the measurement is of a failure.
 */
function wholeProcess(args: readonly string[]): number {
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`node ${args.join(' ')} exited with ${run.status}: ${String(run.stderr)}`);
  return run.status;
}

/**
 * Whole-process stages: `node -e 0` is measured in the same run, in the block just before the
 * CLI's, so the CLI's start-up budgets compare against the start-up of bare Node on the same
 * machine under the same load.
 */
const PROCESS_STAGES: BenchStage[] = [
  {
    id: 'process-node',
    label: 'node -e 0',
    defaultSizes: [50, 1000],
    run: () => wholeProcess(['-e', '0']),
  },
  {
    id: 'process-version',
    label: 'mltm --version',
    defaultSizes: [50, 1000],
    run: () => wholeProcess([MLTM_BIN, '--version']),
  },
  {
    id: 'process-analyze',
    label: 'mltm analyze',
    defaultSizes: [50, 1000],
    run: (c) => wholeProcess([MLTM_BIN, 'analyze', modelFileFor(c)]),
  },
];

/** The decision layer's input from an analysis computed outside the timing. */
function decisionInput(analysis: Analysis) {
  if (analysis.status !== 'loaded') throw new Error('the synthetic model did not load');
  return decisionInputOf(analysis, undefined);
}

/** Crown jewels, risk context and every threat's risk (the plan's starting state). */
function assess(analysis: Analysis) {
  const input = decisionInput(analysis);
  const jewels = crownJewels(input.facts.graph);
  return {
    jewels,
    assessment: new Assessment(input, riskContext(input.facts.graph, jewels, input.atlas)),
  };
}

/** A dense variant of the synthetic model (20 flows per component), analysed once per size. */
const denseAnalyses = new Map<number, Analysis>();
function denseAnalysis(size: number): Analysis {
  let analysis = denseAnalyses.get(size);
  if (!analysis) {
    analysis = analyze(generatePipeline({ components: size, flowsPerComponent: 20, seed: 7 }).text);
    denseAnalyses.set(size, analysis);
  }
  return analysis;
}

const DECIDE_STAGES: BenchStage[] = [
  { id: 'risk', label: 'risk', run: (c) => assess(c.analysis()) },
  {
    id: 'paths',
    label: 'paths (+risk)',
    run: (c) => {
      const { jewels, assessment } = assess(c.analysis());
      return attackPaths(assessment, jewels);
    },
  },
  {
    id: 'plan',
    label: 'plan (+risk, paths)',
    run: (c) => decide(decisionInput(c.analysis())),
  },
  {
    id: 'analyze-plan',
    label: 'analyze+plan',
    run: (c) => {
      const analysis = analyze(c.pipeline.text);
      return decide(decisionInput(analysis));
    },
  },
  {
    id: 'paths-dense',
    label: 'paths, dense',
    maxSize: 1000,
    defaultSizes: [50, 200],
    run: (c) => {
      const { jewels, assessment } = assess(denseAnalysis(c.size));
      return attackPaths(assessment, jewels);
    },
  },
];

/** The measured stages, in table order. */
export const BENCH_STAGES: BenchStage[] = [
  { id: 'parse', label: 'yaml parse', run: (c) => parseDocument(c.pipeline.text) },
  { id: 'analyze', label: 'analyze', run: (c) => analyze(c.pipeline.text) },
  { id: 'sync-new', label: 'sync (new)', run: (c) => synced(undefined, c.analysis()) },
  {
    id: 'sync-again',
    label: 're-sync',
    defaultSizes: LARGE_REGISTER_SIZES,
    run: (c) => synced(c.registerText(), c.analysis()),
  },
  {
    // One decision recorded in an up-to-date register, as `mltm triage` and the quick fixes do.
    id: 'triage-one',
    label: 'triage one',
    defaultSizes: LARGE_REGISTER_SIZES,
    run: (c) => {
      const threats = c.analysis().threats;
      const threat = threats[Math.floor(threats.length / 2)];
      if (!threat) throw new Error('the synthetic model has no threats');
      const result = triageThreat(
        c.registerText(),
        c.analysis(),
        threat.id,
        { status: 'accepted', justification: 'Measured by the bench.', owner: 'bench' },
        SYNC_OPTIONS,
      );
      if (!result.ok) throw new Error(`triage refused: ${result.problems[0]?.message ?? ''}`);
      return result.text;
    },
  },
  ...DECIDE_STAGES,
  nestingStage('chain'),
  nestingStage('cycle'),
  ...REPORT_STAGES,
  {
    // `mltm import` over a repository of `size` files: walk, read, recognise, draft.
    id: 'import',
    label: 'import (files)',
    defaultSizes: [2000],
    run: async (c) => {
      const root = importTree(c.size);
      const walked = await walkEvidence([root], NODE_IMPORT_FS, {
        display: (path) => path.slice(root.length + 1),
      });
      const result = importEvidence(walked.files);
      if (result.text === undefined) throw new Error('the synthetic tree drafted nothing');
      return result.text;
    },
  },
  {
    id: 'layout',
    label: 'ELK layout',
    maxSize: 2000,
    defaultSizes: [50, 500, 2000],
    run: async (c) => {
      const graph = c.analysis().graph;
      if (!graph) throw new Error('the synthetic model has no graph');
      // As the editor asks: for a panel's shape (1000×620 drawing area), so models up to
      // ARRANGEMENT_SEARCH_LIMIT components are timed with every arrangement tried.
      return computeLayout(diagramGraphFromPipeline(graph), { aspectRatio: 1000 / 620 });
    },
  },
  ...PROCESS_STAGES,
];

/** The case-study benchmark's stage id: not timed per size, run once over the 37 models. */
export const CASE_STUDY_STAGE = 'casestudies';

/** Medians by stage id and size, as the budgets read them. */
export interface BenchLookup {
  median(stage: string, size: number): number | undefined;
}

/** A budget of DESIGN.md §4: a stage at a size must finish within a limit (ms). */
export interface BenchBudget {
  readonly id: string;
  readonly description: string;
  readonly stage: string;
  readonly size: number;
  /** The limit in ms, possibly relative to another measurement; undefined when that is missing. */
  readonly limitMs: (lookup: BenchLookup) => number | undefined;
  /** How the limit reads in the table (e.g. "≤ 2× parse"). */
  readonly limitText: string;
}

/** Budgets of DESIGN.md §4 and the issues, in table order. */
export const BENCH_BUDGETS: BenchBudget[] = [
  {
    id: 'resync-7000',
    description: 'A no-change re-sync of a register of about 7,000 entries in under 1 s',
    stage: 'sync-again',
    size: LARGE_REGISTER,
    limitMs: () => 1000,
    limitText: '< 1 s',
  },
  {
    id: 'triage-7000',
    description: 'One triage decision in a register of about 7,000 entries in under 1 s',
    stage: 'triage-one',
    size: LARGE_REGISTER,
    limitMs: () => 1000,
    limitText: '< 1 s',
  },
  {
    id: 'analysis-vs-parse-1000',
    description: 'Full analysis of 1,000 components / 3,000 flows within 2× a bare yaml parse',
    stage: 'analyze',
    size: 1000,
    limitMs: (lookup) => {
      const parse = lookup.median('parse', 1000);
      return parse === undefined ? undefined : 2 * parse;
    },
    limitText: '≤ 2× parse',
  },
  {
    id: 'analysis-50',
    description: 'A 50-component model analysed in under 10 ms',
    stage: 'analyze',
    size: 50,
    limitMs: () => 10,
    limitText: '< 10 ms',
  },
  {
    id: 'analyze-plan-50',
    description: 'A 50-component model: analysis + attack paths + fix plan in under 15 ms',
    stage: 'analyze-plan',
    size: 50,
    limitMs: () => 15,
    limitText: '< 15 ms',
  },
  {
    id: 'analyze-plan-1000',
    description: 'A 1,000-component model: analysis + attack paths + fix plan in under 500 ms',
    stage: 'analyze-plan',
    size: 1000,
    limitMs: () => 500,
    limitText: '< 500 ms',
  },
  {
    id: 'analyze-plan-5000',
    description: 'A 5,000-component model: analysis + paths + plan within 6× the 1,000 time',
    stage: 'analyze-plan',
    size: 5000,
    limitMs: (lookup) => {
      const base = lookup.median('analyze-plan', 1000);
      return base === undefined ? undefined : 6 * base;
    },
    limitText: '≤ 6× 1,000',
  },
  {
    id: 'paths-dense-200',
    description: 'Attack paths of a dense 200-component model (20 flows each) in under 1 s',
    stage: 'paths-dense',
    size: 200,
    limitMs: () => 1000,
    limitText: '< 1 s',
  },
  ...REPORT_STAGES.map((stage): BenchBudget => ({
    id: `${stage.id}-1000`,
    description: `${stage.label} of a 1,000-component model in under 2 s`,
    stage: stage.id,
    size: 1000,
    limitMs: () => 2000,
    limitText: '< 2 s',
  })),
  ...(['chain', 'cycle'] as const).map((shape): BenchBudget => ({
    id: `boundary-${shape}-5000`,
    description: `60,000 boundaries nested as a ${shape} analysed in under 10 s (never finished before)`,
    stage: `boundary-${shape}`,
    size: 5000,
    limitMs: () => 10_000,
    limitText: '< 10 s',
  })),
  {
    id: 'cli-version',
    description: '`mltm --version`, whole process, within 1.5× bare `node -e 0` start-up',
    stage: 'process-version',
    size: 50,
    limitMs: (lookup) => {
      const node = lookup.median('process-node', 50);
      return node === undefined ? undefined : 1.5 * node;
    },
    limitText: '≤ 1.5× node -e 0',
  },
  {
    id: 'cli-analyze-1000',
    description: '`mltm analyze` of 1,000 components, whole process, in under 600 ms',
    stage: 'process-analyze',
    size: 1000,
    limitMs: () => 600,
    limitText: '< 600 ms',
  },
  {
    id: 'import-2000',
    description: 'mltm import of a 2,000-file tree (walk, read, draft) in under 5 s',
    stage: 'import',
    size: 2000,
    limitMs: () => 5000,
    limitText: '< 5 s',
  },
  {
    id: 'layout-500',
    description: 'ELK layout of 500 components in under 2 s',
    stage: 'layout',
    size: 500,
    limitMs: () => 2000,
    limitText: '< 2 s',
  },
];

export interface StageResult {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median process CPU time (user + system, all threads incl. GC): less sensitive to a busy machine. */
  readonly cpuMedianMs: number;
  readonly runs: number;
}

export interface SizeResult {
  readonly size: number;
  readonly components: number;
  readonly flows: number;
  readonly bytes: number;
  readonly threats: number;
  readonly stages: Record<string, StageResult>;
  /** analyze median / parse median. */
  readonly analysisToParse?: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
}

export interface BudgetResult {
  readonly id: string;
  readonly description: string;
  readonly measuredMs?: number;
  readonly limitMs?: number;
  readonly limitText: string;
  /** undefined when not measured (the size or stage was not run). */
  readonly met?: boolean;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpu: string;
    readonly cpus: number;
    readonly memoryGb: number;
    readonly loadAverage: readonly number[];
    /** Where the stages ran: `worker, young generation 96 MB` (as the editor) or `main thread`. */
    readonly thread: string;
  };
  readonly seed: number;
  readonly sizes: SizeResult[];
  readonly budgets: BudgetResult[];
  /** Recall and noise on the ATLAS case-study models, when that stage ran. */
  readonly caseStudies?: CaseStudyResult;
  readonly processPeakRssMb: number;
}

/** The case-study stage in results.json. */
export interface CaseStudyResult {
  readonly models: number;
  readonly expected: number;
  readonly familyRecall: number;
  readonly exactRecall: number;
  readonly baselineFamilyRecall: number;
  readonly baselineExactRecall: number;
  readonly threatsPerModel: number;
  readonly baselineThreatsPerModel: number;
  /** Privacy (LINDDUN) threats per model, included in threatsPerModel. */
  readonly privacyThreatsPerModel: number;
  /** Security threats with today's rules over those with the baseline packs (caseStudies.ts). */
  readonly noiseRatio: number;
  /** Wall-clock time of the whole stage (both rule sets over every model), ms. */
  readonly elapsedMs: number;
  readonly perCase: readonly {
    readonly id: string;
    readonly expected: number;
    readonly familyHits: number;
    readonly exactHits: number;
    readonly threats: number;
    readonly baselineThreats: number;
  }[];
}

interface Options {
  /** Sizes chosen with `--sizes`; each stage's default sizes when absent. */
  sizes?: number[];
  /** Stage ids to run (all when absent). */
  stages?: string[];
  runs?: number;
  jsonOnly: boolean;
  out: string;
  seed: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { jsonOnly: false, out: resolve('bench/results.json'), seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--sizes') {
      options.sizes = value()
        .split(',')
        .map((s) => Number(s.trim().replace(/_/g, '')));
      if (options.sizes.some((n) => !Number.isInteger(n) || n < 2))
        throw new Error('--sizes takes integers ≥ 2, e.g. --sizes 10,100,1000');
    } else if (arg === '--runs') {
      options.runs = Number(value());
      if (!Number.isInteger(options.runs) || options.runs < 1)
        throw new Error('--runs takes an integer ≥ 1');
    } else if (arg === '--stages') {
      options.stages = value()
        .split(',')
        .map((s) => s.trim());
      const known = [...BENCH_STAGES.map((stage) => stage.id), CASE_STUDY_STAGE];
      const unknown = options.stages.filter((id) => !known.includes(id));
      if (unknown.length > 0)
        throw new Error(`unknown stage ${unknown.join(', ')} (stages: ${known.join(', ')})`);
    } else if (arg === '--json-only') options.jsonOnly = true;
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--seed') options.seed = Number(value());
    else
      throw new Error(
        `unknown option ${arg} (options: --sizes 10,100 --stages parse,analyze --runs N --json-only --out file --seed N --main-thread)`,
      );
  }
  return options;
}

/** Each stage warms up for at least this long (at least one run, at most {@link WARM_UP_MAX_RUNS}). */
const WARM_UP_MS = 300;
const WARM_UP_MAX_RUNS = 30;

/**
 * Runs per stage: many for small models (noise dominates), fewer for big ones (each is long) —
 * but five even there: the 5,000-component budget is a ratio to the 1,000 median, and a median
 * of three moved it by ±10% from one bench to the next on a shared two-core machine.
 */
function runsFor(size: number, requested: number | undefined): number {
  if (requested !== undefined) return requested;
  if (size <= 100) return 21;
  return 5;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** Keeps each stage's result reachable (exported), so the optimiser cannot drop the work. */
export let sink: unknown;

/** Whether a stage runs at a size: chosen (or by default), and within its `maxSize`. */
function stageRunsAt(stage: BenchStage, size: number, options: Options): boolean {
  if (stage.maxSize !== undefined && size > stage.maxSize) return false;
  if (options.stages && !options.stages.includes(stage.id)) return false;
  return options.sizes
    ? options.sizes.includes(size)
    : (stage.defaultSizes ?? DEFAULT_SIZES).includes(size);
}

async function measureSize(
  size: number,
  options: Options,
  log: (line: string) => void,
): Promise<SizeResult> {
  const pipeline = generatePipeline({ components: size, seed: options.seed });
  // What stages share, computed outside any timing when a stage first asks for it. It is let go
  // before each stage's block (see below), so a stage is timed with only its own inputs alive.
  let analysis: LoadedAnalysis | undefined;
  let registerText: string | undefined;
  let register: ThreatRegister | undefined;
  const releaseShared = () => {
    analysis = undefined;
    registerText = undefined;
    register = undefined;
    denseAnalyses.clear();
  };
  const context: BenchContext = {
    size,
    pipeline,
    analysis: () => (analysis ??= loadedBenchAnalysis(pipeline.text)),
    registerText: () => (registerText ??= synced(undefined, context.analysis())),
    register: () => {
      if (register) return register;
      const loaded = loadRegister(context.registerText());
      if (!loaded.register || !loaded.writable)
        throw new Error(
          `the synced register does not load: ${loaded.problems.map((p) => p.message).join('; ')}`,
        );
      return (register = loaded.register);
    },
  };
  const errors = context.analysis().problems.filter((p) => p.severity === 'error');
  const threatCount = context.analysis().threats.length;
  if (errors.length > 0)
    throw new Error(
      `the generator produced an invalid model at size ${size}: ${errors[0]?.message}`,
    );
  const runs = runsFor(size, options.runs);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  // Each stage runs in a block of its own: a warm-up, then its timed runs back to back, as the
  // editor's analysis worker runs analysis after analysis. Before the block, whatever other
  // stages kept (the shared analysis, a register, the previous stage's last result) is let go,
  // as in a process that holds one analysis at a time. Stages used to run interleaved (one run
  // of each, then again) for fairness under outside load; but then each run paid to collect the
  // previous stage's garbage (an HTML report's strings before each 50-component analysis +
  // plan: 19.5 ms interleaved, 12.9 ms in blocks, in two full runs on one machine) and ran
  // beside a whole 5,000-component analysis that other stages kept alive (analysis of 5,000
  // components: 2,063 ms so, 1,502 ms in blocks) — which measured the bench, not the stage.
  const active = BENCH_STAGES.filter((stage) => stageRunsAt(stage, size, options));
  const times = new Map<string, number[]>(active.map((stage) => [stage.id, []]));
  const cpuTimes = new Map<string, number[]>(active.map((stage) => [stage.id, []]));
  for (const stage of active) {
    sink = undefined;
    releaseShared();
    // Warm-up: JIT, caches (the built-in rule set), lazy imports, and the shared inputs the
    // stage asks for. Timed rather than one run: at small sizes one run is a few milliseconds,
    // far too little for V8 to optimise the hot code, and the editor's analysis worker runs warm
    // after a few keystrokes.
    const warmStart = performance.now();
    let warmRuns = 0;
    do {
      sink = undefined;
      sink = await stage.run(context);
      sample();
      warmRuns++;
    } while (performance.now() - warmStart < WARM_UP_MS && warmRuns < WARM_UP_MAX_RUNS);
    for (let r = 0; r < runs; r++) {
      const cpuStart = process.cpuUsage();
      sink = undefined; // the previous run's result goes before this run starts, as in a process
      const start = performance.now();
      sink = await stage.run(context);
      times.get(stage.id)?.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.get(stage.id)?.push((cpu.user + cpu.system) / 1000);
      sample();
    }
  }
  sink = undefined;
  releaseShared();
  const stages: Record<string, StageResult> = {};
  for (const stage of active) {
    const measured = times.get(stage.id) ?? [];
    stages[stage.id] = {
      medianMs: median(measured),
      minMs: Math.min(...measured),
      maxMs: Math.max(...measured),
      cpuMedianMs: median(cpuTimes.get(stage.id) ?? []),
      runs,
    };
    log(
      `  ${String(size).padStart(5)} ${stage.label.padEnd(12)} ${formatMs(stages[stage.id]!.medianMs)}`,
    );
  }
  const parse = stages['parse']?.medianMs;
  const analyzed = stages['analyze']?.medianMs;
  return {
    size,
    components: pipeline.components,
    flows: pipeline.flows,
    bytes: pipeline.text.length,
    threats: threatCount,
    stages,
    ...(parse && analyzed !== undefined ? { analysisToParse: analyzed / parse } : {}),
    peakRssMb: mb(peakRss),
    peakHeapMb: mb(peakHeap),
  };
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    '| ' +
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join(' | ') +
    ' |';
  return [
    line(rows[0]!),
    '|' +
      widths
        .map((w, column) => (column === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':'))
        .join('|') +
      '|',
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Renders results as Markdown tables (the README pastes this). */
export function renderResults(results: BenchResults): string {
  const stageIds = BENCH_STAGES.filter((stage) =>
    results.sizes.some((size) => size.stages[stage.id]),
  ).map((stage) => stage);
  const header = [
    'components',
    'flows',
    'KB',
    'threats',
    ...stageIds.map((s) => s.label),
    'analyze/parse',
    'peak RSS',
    'peak heap',
  ];
  const rows = results.sizes.map((size) => [
    size.components.toLocaleString('en-US'),
    size.flows.toLocaleString('en-US'),
    String(Math.round(size.bytes / 1024)),
    size.threats.toLocaleString('en-US'),
    ...stageIds.map((stage) => formatMs(size.stages[stage.id]?.medianMs)),
    size.analysisToParse === undefined ? '—' : `${size.analysisToParse.toFixed(2)}×`,
    `${size.peakRssMb} MB`,
    `${size.peakHeapMb} MB`,
  ]);
  const budgetRows = results.budgets.map((budget) => [
    budget.description,
    formatMs(budget.measuredMs),
    budget.limitMs === undefined
      ? budget.limitText
      : `${budget.limitText} (${formatMs(budget.limitMs)})`,
    budget.met === undefined ? 'not measured' : budget.met ? 'met' : 'NOT MET',
  ]);
  const m = results.machine;
  return [
    `mltm bench — ${results.date}, Node ${m.node}, ${m.cpus} × ${m.cpu}, load average ${m.loadAverage.join(' ')}, ${m.thread}; wall-clock medians after a warm-up of at least ${WARM_UP_MS} ms per stage`,
    '',
    table([header, ...rows]),
    '',
    table([['budget (DESIGN.md §4)', 'measured', 'limit', 'status'], ...budgetRows]),
  ].join('\n');
}

/** Runs the case-study stage once and summarises it for results.json. */
function measureCaseStudies(): { result: CaseStudyResult; benchmark: CaseStudyBenchmark } {
  const start = performance.now();
  const b = runCaseStudyBenchmark();
  const elapsedMs = performance.now() - start;
  const n = b.cases.length;
  return {
    benchmark: b,
    result: {
      models: b.cases.filter((c) => c.modelled).length,
      expected: b.current.expected,
      familyRecall: recall(b.current.familyHits, b.current.expected),
      exactRecall: recall(b.current.exactHits, b.current.expected),
      baselineFamilyRecall: recall(b.baseline.familyHits, b.baseline.expected),
      baselineExactRecall: recall(b.baseline.exactHits, b.baseline.expected),
      threatsPerModel: b.current.threats / n,
      baselineThreatsPerModel: b.baseline.threats / n,
      privacyThreatsPerModel: b.current.privacyThreats / n,
      noiseRatio: noiseRatio(b),
      elapsedMs,
      perCase: b.cases.map((c) => ({
        id: c.expectation.id,
        expected: c.expectation.foreseeable.length,
        familyHits: c.current.familyHits.length,
        exactHits: c.current.exactHits.length,
        threats: c.current.threats,
        baselineThreats: c.baseline.threats,
      })),
    },
  };
}

/** Runs the benchmark; returns the results (also written to `options.out`). */
export async function runBench(argv: readonly string[]): Promise<BenchResults> {
  const options = parseOptions(argv);
  const log = options.jsonOnly ? () => undefined : (line: string) => console.error(line);
  const sizes: SizeResult[] = [];
  const chosen = options.sizes ?? [
    ...new Set(BENCH_STAGES.flatMap((stage) => stage.defaultSizes ?? DEFAULT_SIZES)),
  ];
  for (const size of [...chosen].sort((a, b) => a - b)) {
    if (!BENCH_STAGES.some((stage) => stageRunsAt(stage, size, options))) continue;
    sizes.push(await measureSize(size, options, log));
  }
  const lookup: BenchLookup = {
    median: (stage, size) => sizes.find((s) => s.size === size)?.stages[stage]?.medianMs,
  };
  const budgets: BudgetResult[] = BENCH_BUDGETS.map((budget) => {
    const measuredMs = lookup.median(budget.stage, budget.size);
    const limitMs = budget.limitMs(lookup);
    const base = { id: budget.id, description: budget.description, limitText: budget.limitText };
    if (measuredMs === undefined || limitMs === undefined) return base;
    return { ...base, measuredMs, limitMs, met: measuredMs <= limitMs };
  });
  const caseStudies =
    !options.stages || options.stages.includes(CASE_STUDY_STAGE) ? measureCaseStudies() : undefined;
  if (caseStudies) log(`  case studies ${formatMs(caseStudies.result.elapsedMs)}`);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpu,
      cpus: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      thread: isMainThread
        ? 'main thread, default heap'
        : `worker thread, young generation ${WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb} MB`,
    },
    seed: options.seed,
    sizes,
    budgets,
    ...(caseStudies && { caseStudies: caseStudies.result }),
    processPeakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
  if (modelFolder !== undefined) rmSync(modelFolder, { recursive: true, force: true });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
  if (options.jsonOnly) console.log(JSON.stringify(results, null, 2));
  else {
    const timed = results.sizes.length > 0 ? '\n' + renderResults(results) + '\n' : '';
    const cases = caseStudies ? '\n' + renderCaseStudyTable(caseStudies.benchmark) : '';
    console.log(`${timed}${cases}\nWritten to ${options.out}`);
  }
  return results;
}

/** Runs the bench here, on the thread it was started on. */
function benchHere(argv: readonly string[]): void {
  runBench(argv).catch((error: unknown) => {
    console.error(`mltm bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  });
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // The editor analyses in a worker thread with the heap of WORKER_RESOURCE_LIMITS (a larger young
  // generation), so the stages run the same way by default; `--main-thread` runs them on the main
  // thread with V8's default heap, as the CLI analyses (its whole-process stages are processes
  // either way).
  if (isMainThread && !argv.includes('--main-thread')) {
    const worker = new Worker(__filename, { argv, resourceLimits: WORKER_RESOURCE_LIMITS });
    worker.on('error', (error) => {
      console.error(`mltm bench: ${error.message}`);
      process.exitCode = 2;
    });
    worker.on('exit', (code) => {
      if (code !== 0) process.exitCode = code;
    });
  } else benchHere(argv.filter((arg) => arg !== '--main-thread'));
}

/**
 * One analysis, end to end: text → model → graph → facts → threats. The single pipeline the
 * CLI, the extension, the reports and the tests share; a pure function of its inputs.
 */
import { bundledAtlasCatalogue, type AtlasCatalogue } from './kb/atlas';
import { buildGraph, type PipelineGraph } from './graph/graph';
import { loadModel, type LoadOptions } from './model/load';
import type { PipelineModel } from './model/types';
import type { Problem } from './problems';
import { loadBuiltinPacks } from './rules/builtin/loaded';
import { evaluateRules, type Threat } from './rules/evaluate';
import { deriveFacts, type ModelFacts } from './rules/facts';
import { assembleRuleSet, type FileProblems, type RuleSet } from './rules/loadPack';
import type { RulePack } from './rules/types';

export interface AnalysisOptions extends LoadOptions {
  /** Packs from the repository (`.mltm/rules/*.yaml`), already loaded. */
  readonly customPacks?: readonly RulePack[];
  /** An ATLAS catalogue replacing the bundled one (`--atlas`, the `mltm.atlasPath` setting). */
  readonly atlas?: AtlasCatalogue;
  /**
   * A rule set already assembled for these packs and catalogue (e.g. `previous.ruleSet`), so
   * re-analysing an edited text uses exactly the rules of an earlier analysis.
   */
  readonly ruleSet?: RuleSet;
}

/** What every analysis carries, whether or not the model loaded. */
interface AnalysisBase {
  /** Problems of the model file. */
  readonly problems: readonly Problem[];
  /** Problems of rule packs, by file. */
  readonly ruleProblems: readonly FileProblems[];
  readonly ruleSet: RuleSet;
  readonly atlas: AtlasCatalogue;
}

/**
 * The model loaded (leniently: it may still have error problems) and every stage ran. Views,
 * reports and the register read `model`, `graph`, `facts` and `threats` only from this variant.
 */
export interface LoadedAnalysis extends AnalysisBase {
  readonly status: 'loaded';
  readonly model: PipelineModel;
  readonly graph: PipelineGraph;
  readonly facts: ModelFacts;
  /** Threats in file order of their element, then rule id. */
  readonly threats: readonly Threat[];
}

/** The text could not be read as a model at all: only `problems` say why. */
export interface FailedAnalysis extends AnalysisBase {
  readonly status: 'failed';
}

/**
 * One analysis of one text: `loaded` with the whole pipeline's output, or `failed` with the
 * problems. A discriminated union so no consumer can meet a model without its graph or facts.
 */
export type Analysis = LoadedAnalysis | FailedAnalysis;

/** The threats of an analysis; none when the model did not load. */
export function threatsOf(analysis: Analysis): readonly Threat[] {
  return analysis.status === 'loaded' ? analysis.threats : [];
}

/** The model of an analysis; undefined when it did not load (or there is no analysis). */
export function modelOf(analysis: Analysis | undefined): PipelineModel | undefined {
  return analysis?.status === 'loaded' ? analysis.model : undefined;
}

/** The error problems of the model file. */
export function modelErrors(analysis: Analysis): Problem[] {
  return analysis.problems.filter((p) => p.severity === 'error');
}

/** A loaded model without error problems: what sync, triage and reports require. */
export function isUsable(analysis: Analysis): analysis is LoadedAnalysis {
  return analysis.status === 'loaded' && !analysis.problems.some((p) => p.severity === 'error');
}

let builtinPacks: { packs: RulePack[]; problems: FileProblems[] } | undefined;

/** The built-in packs, loaded once per process. */
export function builtinRulePacks(): { packs: RulePack[]; problems: FileProblems[] } {
  if (!builtinPacks) {
    const packs: RulePack[] = [];
    const problems: FileProblems[] = [];
    for (const { file, result } of loadBuiltinPacks()) {
      if (result.pack) packs.push(result.pack);
      if (result.problems.length > 0) problems.push({ file, problems: result.problems });
    }
    builtinPacks = { packs, problems };
  }
  return builtinPacks;
}

const ruleSetCache = new WeakMap<AtlasCatalogue, WeakMap<readonly RulePack[], RuleSet>>();
const NO_PACKS: readonly RulePack[] = [];

/** The active rule set for some custom packs and a catalogue (cached per pair). */
export function activeRuleSet(
  customPacks: readonly RulePack[] = NO_PACKS,
  atlas: AtlasCatalogue = bundledAtlasCatalogue(),
): RuleSet {
  let byPacks = ruleSetCache.get(atlas);
  if (!byPacks) ruleSetCache.set(atlas, (byPacks = new WeakMap()));
  let ruleSet = byPacks.get(customPacks);
  if (!ruleSet) {
    const builtin = builtinRulePacks();
    const assembled = assembleRuleSet([...builtin.packs, ...customPacks], atlas);
    ruleSet = { ...assembled, problems: [...builtin.problems, ...assembled.problems] };
    byPacks.set(customPacks, ruleSet);
  }
  return ruleSet;
}

/** Analyses model text. Never throws on any input. */
export function analyze(text: string, options: AnalysisOptions = {}): Analysis {
  const atlas = options.atlas ?? bundledAtlasCatalogue();
  const ruleSet = options.ruleSet ?? activeRuleSet(options.customPacks ?? NO_PACKS, atlas);
  const loaded = loadModel(text, options);
  if (!loaded.model)
    return {
      status: 'failed',
      problems: loaded.problems,
      ruleProblems: ruleSet.problems,
      ruleSet,
      atlas,
    };
  const graph = buildGraph(loaded.model);
  const facts = deriveFacts(graph);
  const threats = evaluateRules(ruleSet.rules, facts);
  return {
    status: 'loaded',
    model: loaded.model,
    graph,
    facts,
    threats,
    problems: loaded.problems,
    ruleProblems: ruleSet.problems,
    ruleSet,
    atlas,
  };
}

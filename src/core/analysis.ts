/**
 * One analysis, end to end: text → model → graph → facts → threats. The single pipeline the
 * CLI, the extension, the reports and the tests share; a pure function of its inputs.
 */
import { bundledAtlasCatalogue, type AtlasCatalogue } from './kb/atlas';
import { buildGraph, type PipelineGraph } from './graph/graph';
import { loadModel, type LoadOptions } from './model/load';
import type { PipelineModel } from './model/types';
import type { Problem } from './problems';
import { BUILTIN_PACK_SOURCES } from './rules/builtin';
import { evaluateRules, type Threat } from './rules/evaluate';
import { deriveFacts, type ModelFacts } from './rules/facts';
import { assembleRuleSet, loadRulePack, type FileProblems, type RuleSet } from './rules/loadPack';
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

export interface Analysis {
  readonly model?: PipelineModel;
  readonly graph?: PipelineGraph;
  readonly facts?: ModelFacts;
  /** Threats in file order of their element, then rule id. */
  readonly threats: readonly Threat[];
  /** Problems of the model file. */
  readonly problems: readonly Problem[];
  /** Problems of rule packs, by file. */
  readonly ruleProblems: readonly FileProblems[];
  readonly ruleSet: RuleSet;
  readonly atlas: AtlasCatalogue;
}

let builtinPacks: { packs: RulePack[]; problems: FileProblems[] } | undefined;

/** The built-in packs, loaded once per process. */
export function builtinRulePacks(): { packs: RulePack[]; problems: FileProblems[] } {
  if (!builtinPacks) {
    const packs: RulePack[] = [];
    const problems: FileProblems[] = [];
    for (const source of BUILTIN_PACK_SOURCES) {
      const result = loadRulePack(source.text, source.file);
      if (result.pack) packs.push(result.pack);
      if (result.problems.length > 0)
        problems.push({ file: source.file, problems: result.problems });
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
      threats: [],
      problems: loaded.problems,
      ruleProblems: ruleSet.problems,
      ruleSet,
      atlas,
    };
  const graph = buildGraph(loaded.model);
  const facts = deriveFacts(graph);
  const threats = evaluateRules(ruleSet.rules, facts);
  return {
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

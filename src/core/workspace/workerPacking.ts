/**
 * An analysis across a thread boundary. A worker thread analyses large models; what it sends back
 * must survive the structured clone of `postMessage` and come back as the same `Analysis`. The
 * rule set and the ATLAS catalogue hold functions and caches, so they stay on the host (which
 * has the same ones) and are re-attached; every other field — model, graph, facts, threats,
 * problems, and any field added later — travels, because the packed type is derived from
 * `Analysis` itself.
 */
import {
  activeRuleSet,
  analyze,
  type Analysis,
  type FailedAnalysis,
  type LoadedAnalysis,
} from '../analysis';
import type { AtlasCatalogue } from '../kb/atlas';
import type { RulePack } from '../rules/types';

/** The fields the host keeps and re-attaches. */
type HostFields = 'ruleSet' | 'atlas' | 'ruleProblems';

/** An analysis as it crosses threads: everything but the host's fields. */
export type PackedAnalysis = Omit<LoadedAnalysis, HostFields> | Omit<FailedAnalysis, HostFields>;

/** What the host asks a worker: analyse `text` with these custom packs (plain data). */
export interface AnalysisRequest {
  readonly id: number;
  readonly text: string;
  readonly customPacks: readonly RulePack[];
}

/** A worker's answer to request `id`: the packed analysis, or the error it hit. */
export type AnalysisResponse =
  | { readonly id: number; readonly analysis: PackedAnalysis; readonly error?: undefined }
  | { readonly id: number; readonly analysis?: undefined; readonly error: string };

/** Strips the host's fields off an analysis, for `postMessage`. */
export function packAnalysis(analysis: Analysis): PackedAnalysis {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { ruleSet, atlas, ruleProblems, ...packed } = analysis;
  return packed;
}

/** Rebuilds an analysis from a worker's packed answer with the host's rule set and catalogue. */
export function unpackAnalysis(
  packed: PackedAnalysis,
  customPacks: readonly RulePack[],
  atlas: AtlasCatalogue,
): Analysis {
  const ruleSet = activeRuleSet(customPacks, atlas);
  return { ...packed, ruleSet, ruleProblems: ruleSet.problems, atlas };
}

/** The worker's side: answers one request (never throws; a bug becomes an error answer). */
export function answerAnalysisRequest(
  request: AnalysisRequest,
  customPacks: readonly RulePack[] = request.customPacks,
): AnalysisResponse {
  try {
    return { id: request.id, analysis: packAnalysis(analyze(request.text, { customPacks })) };
  } catch (error) {
    return {
      id: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

/**
 * An analysis across a thread boundary. A worker thread analyses large models; what it sends back
 * must survive the structured clone of `postMessage` and come back as the same `Analysis`.
 *
 * - The rule set and the ATLAS catalogue hold functions and caches: they stay on the host (which
 *   has the same ones) and are re-attached.
 * - The graph and the facts are a web of links (node → edge → node …): cloning a long chain of
 *   components overflows the serializer's stack, and they are linear to derive from the model,
 *   so the host rebuilds them with the same functions `analyze` uses.
 * - Every other field — model, threats, problems, and any field added to `Analysis` later —
 *   travels, because the packed type is derived from `Analysis` itself.
 */
import {
  activeRuleSet,
  analyze,
  type Analysis,
  type FailedAnalysis,
  type LoadedAnalysis,
} from '../analysis';
import { buildGraph } from '../graph/graph';
import type { AtlasCatalogue } from '../kb/atlas';
import { deriveFacts } from '../rules/facts';
import type { RulePack } from '../rules/types';

/** The fields the host keeps and re-attaches. */
type HostFields = 'ruleSet' | 'atlas' | 'ruleProblems';
/** The fields the host rebuilds from the model. */
type DerivedFields = 'graph' | 'facts';

/** An analysis as it crosses threads. */
export type PackedAnalysis =
  Omit<LoadedAnalysis, HostFields | DerivedFields> | Omit<FailedAnalysis, HostFields>;

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

/** The part of an analysis that crosses to the host (see the module comment). */
export function packAnalysis(analysis: Analysis): PackedAnalysis {
  if (analysis.status === 'failed') {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { ruleSet, atlas, ruleProblems, ...packed } = analysis;
    return packed;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { ruleSet, atlas, ruleProblems, graph, facts, ...packed } = analysis;
  return packed;
}

/** Rebuilds an analysis from a worker's packed answer with the host's rule set and catalogue. */
export function unpackAnalysis(
  packed: PackedAnalysis,
  customPacks: readonly RulePack[],
  atlas: AtlasCatalogue,
): Analysis {
  const ruleSet = activeRuleSet(customPacks, atlas);
  const host = { ruleSet, ruleProblems: ruleSet.problems, atlas };
  if (packed.status === 'failed') return { ...packed, ...host };
  const graph = buildGraph(packed.model);
  return { ...packed, graph, facts: deriveFacts(graph), ...host };
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

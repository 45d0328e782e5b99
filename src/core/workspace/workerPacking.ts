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
 * - The editor's decision (risk, attack paths, fix plan: core/views/problemsPanel's
 *   `editorDecision`) is plain data and costs more than the analysis on large models, so the
 *   worker makes it too when asked, with the register text the host read (loaded the way the
 *   session loads it), and the host's main thread never runs it for a large model.
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
import { loadRegister } from '../register/register';
import type { RulePack } from '../rules/types';
import { editorDecision, type EditorDecision } from '../views/problemsPanel';

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
  /** Make the editor's decision too, over this register (`registerText` undefined: none). */
  readonly decide?: { readonly registerText?: string };
}

/** A worker's answer to request `id`: the packed analysis, or the error it hit. */
export type AnalysisResponse =
  | {
      readonly id: number;
      readonly analysis: PackedAnalysis;
      /** When asked for and the model loaded. */
      readonly decision?: EditorDecision;
      readonly error?: undefined;
    }
  | {
      readonly id: number;
      readonly analysis?: undefined;
      readonly decision?: undefined;
      readonly error: string;
    };

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
    const analysis = analyze(request.text, { customPacks });
    const register =
      request.decide?.registerText === undefined
        ? undefined
        : loadRegister(request.decide.registerText).register;
    const decision =
      request.decide && analysis.status === 'loaded'
        ? editorDecision(analysis, register)
        : undefined;
    return { id: request.id, analysis: packAnalysis(analysis), ...(decision && { decision }) };
  } catch (error) {
    return {
      id: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

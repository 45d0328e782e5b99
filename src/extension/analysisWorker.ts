/**
 * Worker thread for large models: runs `analyze()` off the extension host's main thread, so
 * hovers, completion and edits stay responsive while a big model is analysed. Receives the text
 * and the custom packs (plain data), returns the parts of the analysis that cross threads
 * (model, threats, problems); the host re-attaches the rule set and ATLAS catalogue it already
 * has. Never imports `vscode`.
 */
import { parentPort } from 'node:worker_threads';
import { analyze } from '../core/analysis';
import type { RulePack } from '../core/rules/types';

/** A request: analyse `text` with `customPacks`; `id` pairs the answer with it. */
export interface WorkerRequest {
  readonly id: number;
  readonly text: string;
  readonly customPacks: readonly RulePack[];
}

export interface WorkerResponse {
  readonly id: number;
  readonly result?: Pick<ReturnType<typeof analyze>, 'model' | 'threats' | 'problems'>;
  readonly error?: string;
}

// Packs arrive as fresh copies with every request; keep the last ones while they are unchanged,
// so the rule set (cached by array identity) is not rebuilt per keystroke.
let lastPacksJson = '';
let lastPacks: readonly RulePack[] = [];

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const json = JSON.stringify(request.customPacks);
    if (json !== lastPacksJson) {
      lastPacksJson = json;
      lastPacks = request.customPacks;
    }
    const analysis = analyze(request.text, { customPacks: lastPacks });
    const response: WorkerResponse = {
      id: request.id,
      result: { model: analysis.model, threats: analysis.threats, problems: analysis.problems },
    };
    parentPort?.postMessage(response);
  } catch (error) {
    parentPort?.postMessage({
      id: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies WorkerResponse);
  }
});

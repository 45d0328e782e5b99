/**
 * Worker thread for large models: runs `analyze()` off the extension host's main thread, so
 * hovers, completion and edits stay responsive while a big model is analysed. The request and
 * the answer are the core's (`core/workspace/workerPacking.ts`): the text and custom packs in,
 * the whole analysis but its rule set and ATLAS catalogue out (the host re-attaches those).
 * Never imports `vscode`.
 */
import { parentPort } from 'node:worker_threads';
import type { RulePack } from '../core/rules/types';
import { answerAnalysisRequest, type AnalysisRequest } from '../core/workspace/workerPacking';

// Packs arrive as fresh copies with every request; keep the last ones while they are unchanged,
// so the rule set (cached by array identity) is not rebuilt per keystroke.
let lastPacksJson = '';
let lastPacks: readonly RulePack[] = [];

parentPort?.on('message', (request: AnalysisRequest) => {
  const json = JSON.stringify(request.customPacks);
  if (json !== lastPacksJson) {
    lastPacksJson = json;
    lastPacks = request.customPacks;
  }
  parentPort?.postMessage(answerAnalysisRequest(request, lastPacks));
});

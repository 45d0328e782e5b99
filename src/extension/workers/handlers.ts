/**
 * What the worker bundles do with a request, shared by the worker-thread entries
 * (../layoutWorker.ts, ../analysisWorker.ts) and the Web Worker entries (./webLayoutWorker.ts,
 * ./webAnalysisWorker.ts), so the desktop and the browser answer with the same code. Never
 * imports `vscode` or `node:*`.
 */
import { computeLayout, type DiagramGraph, type LayoutOptions } from '../../core/layout';
import type { RulePack } from '../../core/rules/types';
import { answerAnalysisRequest, type AnalysisRequest } from '../../core/workspace/workerPacking';
import type { LayoutWorkerRequest, LayoutWorkerResponse } from '../diagram/layoutClient';
import type { WorkerPort } from './channel';

/** Lays out each `{ id, graph, options }` with ELK and answers `{ id, ok, layout | message }`. */
export function serveLayoutRequests(port: WorkerPort): void {
  port.onMessage((message) => {
    const request = message as LayoutWorkerRequest;
    const respond = (response: LayoutWorkerResponse) => port.postMessage(response);
    computeLayout(request.graph as DiagramGraph, request.options as LayoutOptions).then(
      (layout) => respond({ id: request.id, ok: true, layout }),
      (error: unknown) =>
        respond({
          id: request.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}

/** Analyses each request's text with its custom packs and answers the packed analysis. */
export function serveAnalysisRequests(port: WorkerPort): void {
  // Packs arrive as fresh copies with every request; keep the last ones while they are unchanged,
  // so the rule set (cached by array identity) is not rebuilt per keystroke.
  let lastPacksJson = '';
  let lastPacks: readonly RulePack[] = [];
  port.onMessage((message) => {
    const request = message as AnalysisRequest;
    const json = JSON.stringify(request.customPacks);
    if (json !== lastPacksJson) {
      lastPacksJson = json;
      lastPacks = request.customPacks;
    }
    port.postMessage(answerAnalysisRequest(request, lastPacks));
  });
}

/**
 * The port of a Web Worker's global scope (the project compiles without the WebWorker lib).
 * A listener, not `onmessage`: elk.bundled.js assigns `self.onmessage` when it loads in a worker
 * (its own protocol, which ignores messages without a `cmd`), and would replace ours.
 */
export function webWorkerPort(): WorkerPort {
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  };
  return {
    onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
    postMessage: (message) => scope.postMessage(message),
  };
}

/**
 * Worker-thread entry (bundled to dist/layoutWorker.js): lays out diagram graphs with ELK off
 * the extension host's main thread. One request at a time: `{ id, graph, options }` in,
 * `{ id, ok, layout | message }` out. Cancellation is the parent's job (it terminates this
 * worker when a newer edit supersedes a running layout: ELK runs synchronously here, so no
 * message could interrupt it). Loads elkjs only here, never on activation.
 */
import { parentPort } from 'node:worker_threads';
import { computeLayout, type DiagramGraph, type LayoutOptions } from '../core/layout';
import type { LayoutWorkerRequest, LayoutWorkerResponse } from './diagram/layoutClient';

const port = parentPort;
if (port) {
  port.on('message', (request: LayoutWorkerRequest) => {
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

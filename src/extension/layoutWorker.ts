/**
 * Worker-thread entry (bundled to dist/layoutWorker.js): lays out diagram graphs with ELK off
 * the extension host's main thread. One request at a time: `{ id, graph, options }` in,
 * `{ id, ok, layout | message }` out (./workers/handlers.ts, shared with the browser build's
 * Web Worker). Cancellation is the parent's job (it terminates this worker when a newer edit
 * supersedes a running layout: ELK runs synchronously here, so no message could interrupt it).
 * Loads elkjs only here, never on activation.
 */
import { parentPort } from 'node:worker_threads';
import { serveLayoutRequests } from './workers/handlers';

const port = parentPort;
if (port)
  serveLayoutRequests({
    onMessage: (listener) => void port.on('message', listener),
    postMessage: (message) => port.postMessage(message),
  });

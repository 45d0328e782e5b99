/**
 * The one surface the extension talks to its workers through (analysis of large models, diagram
 * layout), whatever runs them: a `worker_threads` Worker in the desktop extension host
 * (./nodeWorker.ts), a Web Worker in the browser's web worker extension host
 * (./browserWorker.ts). The request and answer shapes are the callers' (layoutClient.ts,
 * core/workspace/workerPacking.ts); this only carries them. Never imports `vscode` or `node:*`.
 */

/** The worker bundles the build writes (dist/<name>.js for node, dist/web/<name>.js for browsers). */
export type WorkerBundle = 'layoutWorker' | 'analysisWorker';

export interface WorkerChannel {
  postMessage(message: unknown): void;
  /** Sets the listener for the worker's answers (one listener: the caller that started it). */
  onMessage(listener: (message: unknown) => void): void;
  /** Sets the listener for a failed or crashed worker; the channel is unusable afterwards. */
  onError(listener: (error: Error) => void): void;
  /** Stops the worker at once (a running layout included); no message or error follows. */
  terminate(): void;
}

/** The messaging end inside a worker: what the worker entries (node or browser) hand the handlers. */
export interface WorkerPort {
  onMessage(listener: (message: unknown) => void): void;
  postMessage(message: unknown): void;
}

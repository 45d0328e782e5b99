/**
 * The desktop transport: a `worker_threads` Worker running a bundle from dist/. Not part of the
 * browser build (scripts/build.mjs refuses `node:*` there); ./platformWorkers.ts picks it.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { WorkerChannel } from './channel';

/**
 * The heap of every worker thread: a 96 MB young generation (32 MB semi-spaces) instead of V8's
 * default 48 MB (16 MB). One analysis and decision of a 50-component model allocates about 13 MB,
 * most of it live until the analysis is done, so with the default nearly every re-analysis ran
 * into a young-generation collection that copied the half-built analysis (5–9 ms of a 20–26 ms
 * run on the two-core development machine); with 32 MB semi-spaces one run in four or five does,
 * and the same loop takes 12–13 ms. The old generation keeps its default limit. `npm run bench`
 * runs its stages in a worker with these limits, as the editor runs them.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 96 };

/**
 * Starts `scriptPath` in a worker thread. `unref`: the thread does not keep the process alive on
 * its own (for a worker that may idle until the extension host shuts down).
 */
export function startNodeWorker(
  scriptPath: string,
  options: { unref?: boolean } = {},
): WorkerChannel {
  const worker = new Worker(scriptPath, { resourceLimits: WORKER_RESOURCE_LIMITS });
  if (options.unref) worker.unref();
  let terminated = false;
  let errorListener: ((error: Error) => void) | undefined;
  let failed = false;
  const fail = (error: Error) => {
    if (terminated || failed) return;
    failed = true;
    errorListener?.(error);
  };
  worker.on('error', fail);
  // An exit nobody asked for (the thread called process.exit, or ran out of memory) is a failure.
  worker.on('exit', (code) => fail(new Error(`the worker thread exited with code ${code}`)));
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', listener),
    onError: (listener) => {
      errorListener = listener;
    },
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}

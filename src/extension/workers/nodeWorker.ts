/**
 * The desktop transport: a `worker_threads` Worker running a bundle from dist/. Not part of the
 * browser build (scripts/build.mjs refuses `node:*` there); ./platformWorkers.ts picks it.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerChannel } from './channel';

/**
 * Starts `scriptPath` in a worker thread. `unref`: the thread does not keep the process alive on
 * its own (for a worker that may idle until the extension host shuts down).
 */
export function startNodeWorker(
  scriptPath: string,
  options: { unref?: boolean } = {},
): WorkerChannel {
  const worker = new Worker(scriptPath);
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

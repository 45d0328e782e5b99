/**
 * The browser transport (vscode.dev, github.dev, code-server): a Web Worker started from inside
 * the web worker extension host. Why the script goes through a `blob:` URL: the extension's
 * files live wherever the workbench serves them (an https CDN on vscode.dev, a
 * `vscode-remote://` resource on a server), and the host's `Worker` refuses `vscode-remote:`
 * URLs, while a `blob:` URL made from the bundle's text (read through `vscode.workspace.fs`,
 * which serves every scheme) is same-origin everywhere. The text is read once per bundle.
 * Messages posted before the worker exists are queued. Never imports `node:*`.
 */
import type { WorkerChannel } from './channel';

/** The part of the global Web Worker API used here (the project compiles without the DOM lib). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
}
type WebWorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;

/** Starts a Web Worker from a script URL that may still be on its way. */
export function startBrowserWorker(scriptUrl: Promise<string>, name: string): WorkerChannel {
  let worker: WebWorker | undefined;
  let terminated = false;
  let failed = false;
  const queue: unknown[] = [];
  let messageListener: ((message: unknown) => void) | undefined;
  let errorListener: ((error: Error) => void) | undefined;
  const fail = (error: Error) => {
    if (terminated || failed) return;
    failed = true;
    worker?.terminate();
    errorListener?.(error);
  };
  scriptUrl.then(
    (url) => {
      if (terminated) return;
      const Constructor = (globalThis as { Worker?: WebWorkerConstructor }).Worker;
      if (!Constructor) {
        fail(new Error('this extension host cannot start Web Workers'));
        return;
      }
      try {
        worker = new Constructor(url, { name });
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      worker.onmessage = (event) => {
        if (!terminated && !failed) messageListener?.(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(`the ${name} failed: ${event.message ?? 'unknown error'}`));
      };
      for (const message of queue.splice(0)) worker.postMessage(message);
    },
    (error: unknown) =>
      fail(
        new Error(
          `cannot load the ${name} script: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
  );
  return {
    postMessage: (message) => {
      if (worker) worker.postMessage(message);
      else queue.push(message);
    },
    onMessage: (listener) => {
      messageListener = listener;
    },
    onError: (listener) => {
      errorListener = listener;
    },
    terminate: () => {
      terminated = true;
      queue.length = 0;
      worker?.terminate();
    },
  };
}

/** A `blob:` URL holding `text` as JavaScript. */
export function scriptBlobUrl(text: Uint8Array): string {
  return URL.createObjectURL(new Blob([text], { type: 'application/javascript' }));
}

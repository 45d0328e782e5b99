/**
 * Web Worker entry (bundled to dist/web/layoutWorker.js): the browser build's diagram layouts,
 * the same handler as the worker thread's (../layoutWorker.ts). Cancellation is the parent's
 * job: it terminates this worker when a newer edit supersedes a running layout.
 */
import { serveLayoutRequests, webWorkerPort } from './handlers';

serveLayoutRequests(webWorkerPort());

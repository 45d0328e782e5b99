/**
 * Web Worker entry (bundled to dist/web/analysisWorker.js): the browser build's analysis of
 * large models, the same handler as the worker thread's (../analysisWorker.ts).
 */
import { serveAnalysisRequests, webWorkerPort } from './handlers';

serveAnalysisRequests(webWorkerPort());

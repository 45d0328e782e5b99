/**
 * Worker thread for large models: runs `analyze()` off the extension host's main thread, so
 * hovers, completion and edits stay responsive while a big model is analysed. The request and
 * the answer are the core's (`core/workspace/workerPacking.ts`): the text and custom packs in,
 * the whole analysis but its rule set and ATLAS catalogue out (the host re-attaches those).
 * The handler (./workers/handlers.ts) is shared with the browser build's Web Worker.
 * Never imports `vscode`.
 */
import { parentPort } from 'node:worker_threads';
import { serveAnalysisRequests } from './workers/handlers';
import { lowerThisThreadPriority } from './workers/threadPriority';

const port = parentPort;
if (port) {
  // Background work: the editor's threads (tokenising, drawing, keystrokes) run first.
  lowerThisThreadPriority();
  serveAnalysisRequests({
    onMessage: (listener) => void port.on('message', listener),
    postMessage: (message) => port.postMessage(message),
  });
}

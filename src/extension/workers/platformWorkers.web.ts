/**
 * Which transport starts the extension's workers, for the browser build (scripts/build.mjs puts
 * this module in place of ./platformWorkers.ts): Web Workers over the bundles in dist/web/, read
 * through `vscode.workspace.fs` into `blob:` URLs (see ./browserWorker.ts for why).
 */
import * as vscode from 'vscode';
import { scriptBlobUrl, startBrowserWorker } from './browserWorker';
import type { WorkerBundle, WorkerChannel } from './channel';

/** True in the browser build (vscode.dev, github.dev). */
export const RUNS_IN_BROWSER: boolean = true;

const scriptUrls = new Map<string, Promise<string>>();

/** Starts one of the extension's worker bundles as a Web Worker. */
export function startExtensionWorker(
  extensionUri: vscode.Uri,
  bundle: WorkerBundle,
): WorkerChannel {
  const script = vscode.Uri.joinPath(extensionUri, 'dist', 'web', `${bundle}.js`);
  let url = scriptUrls.get(script.toString());
  if (!url) {
    url = Promise.resolve(vscode.workspace.fs.readFile(script)).then(scriptBlobUrl);
    // A failed read is retried by the next start, not remembered.
    url.catch(() => scriptUrls.delete(script.toString()));
    scriptUrls.set(script.toString(), url);
  }
  return startBrowserWorker(url, bundle === 'layoutWorker' ? 'layout worker' : 'analysis worker');
}

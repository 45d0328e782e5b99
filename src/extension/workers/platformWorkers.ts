/**
 * Which transport starts the extension's workers, for the desktop build: worker threads over the
 * bundles in dist/. The browser build (scripts/build.mjs) puts ./platformWorkers.web.ts in this
 * module's place, so the shared extension code names one module and gets the right transport.
 */
import * as vscode from 'vscode';
import type { WorkerBundle, WorkerChannel } from './channel';
import { startNodeWorker } from './nodeWorker';

/** True in the browser build (vscode.dev, github.dev), false here. */
export const RUNS_IN_BROWSER: boolean = false;

/** Starts one of the extension's worker bundles. */
export function startExtensionWorker(
  extensionUri: vscode.Uri,
  bundle: WorkerBundle,
): WorkerChannel {
  // The analysis worker idles between large models: it must not hold the host open at shutdown.
  return startNodeWorker(vscode.Uri.joinPath(extensionUri, 'dist', `${bundle}.js`).fsPath, {
    unref: bundle === 'analysisWorker',
  });
}

/**
 * Extension entry: wiring only. Builds the shared services once, then lets each feature
 * register itself; every disposable goes on `context.subscriptions`.
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('mltm', { log: true });
  context.subscriptions.push(output);
  output.info('mltm activated');
}

export function deactivate(): void {
  // Nothing to tear down beyond the disposables on context.subscriptions.
}

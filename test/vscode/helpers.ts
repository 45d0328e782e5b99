/**
 * Helpers shared by the real-VS-Code tests: the fixture workspace (a fresh copy per run, made by
 * scripts/vscode/run-tests.mjs), opening files, and waiting for what a user would see.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MltmApi } from '../../src/extension/extension';

/** The fixture workspace folder. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixture workspace open');
  return folder.uri;
}

/** A file of the fixture workspace. */
export function fixture(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

/** Opens one of the examples (copied into the fixture workspace) in an editor. */
export async function openExample(name: string): Promise<vscode.TextEditor> {
  return open(fixture('examples', name));
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Polls until `probe` returns a value that is not undefined, or fails with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** mltm's diagnostics of a file once they match `ready` (so a test never reads a stale set). */
export function mltmDiagnostics(
  uri: vscode.Uri,
  ready: (list: vscode.Diagnostic[]) => boolean = (l) => l.length > 0,
  timeoutMs?: number,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `mltm diagnostics on ${uri.path}`,
    () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mltm');
      return ready(list) ? list : undefined;
    },
    timeoutMs,
  );
}

/** Whether the deliberate-failure switch is on (proves the suite's failures are real). */
export const selfTestFail = (): boolean => process.env['MLTM_VSCODE_SELFTEST_FAIL'] === '1';

/** Puts a fixture back to its original text and saves it, so the next test starts clean. */
export async function restore(document: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    document.uri,
    new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
    text,
  );
  await vscode.workspace.applyEdit(edit);
  await document.save();
}

/**
 * Waits until mltm has analysed the model's current text (CodeLens no longer tell: they stay,
 * moved, while the text changes), then returns mltm's diagnostics, published with that analysis.
 */
export async function analysedDiagnostics(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  const api = await vscode.extensions.getExtension<MltmApi>('mltm.mltm')?.activate();
  await waitFor(`mltm to analyse ${uri.path}`, async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    return api?.analysedText(uri) === document.getText() ? true : undefined;
  });
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mltm');
}

const isFixDiagnostic = (d: vscode.Diagnostic) =>
  d.source === 'mltm' && typeof d.code === 'object' && String(d.code.value).startsWith('fix:');

/**
 * Sets `mltm.diagnostics.show` for the workspace (undefined: the default, `fixes`) and waits
 * until the published diagnostics follow it: suites that test one diagnostic per threat ask
 * for `threats` in `before` and give the default back in `after`.
 */
export async function showDiagnostics(mode: 'threats' | undefined): Promise<void> {
  await vscode.workspace
    .getConfiguration('mltm')
    .update('diagnostics.show', mode, vscode.ConfigurationTarget.Workspace);
  if (mode === 'threats')
    await waitFor('diagnostics one per threat', () =>
      vscode.languages.getDiagnostics().some(([, list]) => list.some(isFixDiagnostic))
        ? undefined
        : true,
    );
}

/** Asks the offline driver (scripts/vscode/run-tests.mjs) to inspect the webview DOM; undefined without one. */
export async function askDriver(
  request: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const dir = process.env['MLTM_VSCODE_DRIVER_DIR'];
  if (!dir) return undefined;
  const response = join(dir, 'diagram-response.json');
  rmSync(response, { force: true });
  writeFileSync(join(dir, 'diagram-request.json.tmp'), JSON.stringify(request));
  // Renamed into place so the driver never reads half a file.
  renameSync(join(dir, 'diagram-request.json.tmp'), join(dir, 'diagram-request.json'));
  return waitFor(
    'the driver to inspect the diagram webview',
    () =>
      existsSync(response)
        ? (JSON.parse(readFileSync(response, 'utf8')) as Record<string, unknown>)
        : undefined,
    60_000,
  );
}

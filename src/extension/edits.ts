/**
 * Edits to the model and the register, always through `WorkspaceEdit`: undo works, unsaved
 * changes in an open register are the base of the edit (never overwritten from disk), and the
 * register is saved afterwards only when it had no unsaved changes before. The decisions
 * themselves come from the core (`planAddControl`, `triageThreat`, `triagePath`, `syncRegister`).
 */
import * as vscode from 'vscode';
import { modelOf } from '../core/analysis';
import { planAddControl } from '../core/edit/addControl';
import { minimalEdit, type TextEdit } from '../core/edit/textEdit';
import type { Problem } from '../core/problems';
import { NEEDS_JUSTIFICATION, type PathStatus, type ThreatStatus } from '../core/register/register';
import { syncRegister } from '../core/register/sync';
import { triageThreat } from '../core/register/triage';
import { PATH_NEEDS_JUSTIFICATION, triagePath } from '../core/register/pathEntries';
import { todayIso, type AnalysisService, type ModelState } from './analysisService';

/** Core text edits (offsets) as a WorkspaceEdit on a document. */
export function toWorkspaceEdit(
  document: vscode.TextDocument,
  edits: readonly TextEdit[],
  into = new vscode.WorkspaceEdit(),
): vscode.WorkspaceEdit {
  for (const edit of edits)
    into.replace(
      document.uri,
      new vscode.Range(document.positionAt(edit.range.start), document.positionAt(edit.range.end)),
      edit.newText,
    );
  return into;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

const fileName = (uri: vscode.Uri) => uri.path.slice(uri.path.lastIndexOf('/') + 1);

/** The register's current text: the open document (with unsaved edits) or the file; undefined when absent. */
async function registerDocument(registerUri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const open = vscode.workspace.textDocuments.find(
    (d) => d.uri.toString() === registerUri.toString(),
  );
  if (open) return open;
  return (await exists(registerUri)) ? vscode.workspace.openTextDocument(registerUri) : undefined;
}

/**
 * Register updates in flight, per register URI. Each update reads the register, decides its new
 * text and writes it as one step, after the update before it has finished: two at once (a sync on
 * save beside a triage, two quick triages) would otherwise both decide from the same old text,
 * and the second write would drop the first's decision, or, on a register neither found, create
 * the file twice over.
 */
const registerUpdates = new Map<string, Promise<void>>();

function oneAtATime<T>(registerUri: vscode.Uri, update: () => Promise<T>): Promise<T> {
  const key = registerUri.toString();
  const run = (registerUpdates.get(key) ?? Promise.resolve()).then(update);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  registerUpdates.set(key, settled);
  void settled.then(() => {
    if (registerUpdates.get(key) === settled) registerUpdates.delete(key);
  });
  return run;
}

/** What a core register operation decided: the new text, or why it refused. */
type RegisterDecision =
  | { readonly ok: true; readonly text: string; readonly changed?: boolean }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Reads the register (its open document with unsaved edits, else the file), lets `decide` compute
 * its new text, and writes that, with no other register update of the same file in between.
 * `written` is false when the write did not happen (refused, or the file could not be saved).
 */
export function updateRegister<D extends RegisterDecision>(
  registerUri: vscode.Uri,
  decide: (current: string | undefined) => D,
): Promise<{ decision: D; existed: boolean; written: boolean }> {
  return oneAtATime(registerUri, async () => {
    const document = await registerDocument(registerUri);
    const decision = decide(document?.getText());
    if (!decision.ok) return { decision, existed: document !== undefined, written: false };
    const written = await writeRegisterText(registerUri, document, decision.text);
    return { decision, existed: document !== undefined, written };
  });
}

/**
 * Replaces the register's text through a WorkspaceEdit, so undo works. A register that does not
 * exist yet is created with its content in one file operation: there is no empty file on disk
 * and no unsaved document left behind, whatever VS Code's document list says at that moment.
 */
async function writeRegisterText(
  registerUri: vscode.Uri,
  document: vscode.TextDocument | undefined,
  text: string,
): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  if (!document) {
    // Not `ignoreIfExists`: a file that appeared since the read must not be silently kept.
    edit.createFile(registerUri, { contents: new TextEncoder().encode(text) });
    return vscode.workspace.applyEdit(edit);
  }
  if (document.getText() === text) return true;
  const wasDirty = document.isDirty;
  toWorkspaceEdit(document, [minimalEdit(document.getText(), text)], edit);
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  // Saved only when the person had nothing unsaved there: their pending edits stay theirs to save.
  if (wasDirty) return true;
  if (await document.save()) return true;
  void vscode.window.showWarningMessage(
    `mltm: ${fileName(registerUri)} was updated but could not be saved; save it to keep the change.`,
  );
  return false;
}

function problemText(problems: readonly Problem[]): string {
  return problems.map((p) => p.message).join(' ');
}

/** `mltm.addControl`: adds a control kind to a component or flow. */
export async function addControl(
  service: AnalysisService,
  modelUri: vscode.Uri,
  elementId: string,
  control: string,
): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(modelUri);
  const state = await service.ensure(modelUri);
  const model = modelOf(state?.analysis);
  if (!state || !model || state.text !== document.getText()) {
    void vscode.window.showWarningMessage(
      'mltm: the model does not load right now; fix its errors first, then add the control.',
    );
    return false;
  }
  const plan = planAddControl(document.getText(), model, elementId, control);
  if (plan.problems.length > 0) {
    void vscode.window.showWarningMessage(`mltm: ${problemText(plan.problems)}`);
    return false;
  }
  if (!plan.edit) return true;
  return vscode.workspace.applyEdit(toWorkspaceEdit(document, [plan.edit]));
}

/**
 * `mltm.setThreatStatus`: records a decision in the register. Asks for a justification when the
 * status needs one and none was given; false when the person cancels or the core refuses.
 */
export async function setThreatStatus(
  service: AnalysisService,
  modelUri: vscode.Uri,
  threatId: string,
  status: ThreatStatus,
  justification?: string,
): Promise<boolean> {
  const state = await service.ensure(modelUri);
  if (!state || !modelOf(state.analysis)) {
    void vscode.window.showWarningMessage(
      'mltm: the model does not load right now; fix its errors first.',
    );
    return false;
  }
  const reason = await justificationFor(
    NEEDS_JUSTIFICATION.has(status),
    justification,
    `${status === 'accepted' ? 'Accept the risk of' : status === 'transferred' ? 'Transfer' : 'Mark not applicable:'} ${threatId}`,
    state.register?.byId.get(threatId)?.justification,
  );
  if (reason === false) return false;
  return writeTriage(state.registerUri, (current) =>
    triageThreat(
      current,
      state.analysis,
      threatId,
      { status, ...(reason !== undefined && { justification: reason }) },
      { today: todayIso(), modelFile: fileName(modelUri) },
    ),
  );
}

/**
 * The justification a decision records: the one given, else (when the status needs one) asked
 * for, prefilled with the recorded one; false when the person cancels.
 */
async function justificationFor(
  needed: boolean,
  given: string | undefined,
  title: string,
  existing: string | undefined,
): Promise<string | undefined | false> {
  if (!needed || (given ?? '').trim()) return given;
  const asked = await vscode.window.showInputBox({
    title,
    prompt: 'Why? Reviewers and auditors read this in the threat register.',
    value: existing ?? '',
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() ? undefined : 'A justification is required for this decision.',
  });
  return asked === undefined ? false : asked;
}

/** Writes what a core triage decides from the register's current text, or says why it refused. */
async function writeTriage(
  registerUri: vscode.Uri,
  decide: (current: string | undefined) => RegisterDecision,
): Promise<boolean> {
  const { decision, written } = await updateRegister(registerUri, decide);
  if (!decision.ok)
    void vscode.window.showWarningMessage(`mltm: ${problemText(decision.problems)}`);
  return written;
}

/**
 * `mltm.acceptAttackPath` (and any path decision): records a decision about an attack path in
 * the register's `paths:`, through the same core triage and register write as a threat's status.
 * Asks for a justification when the status needs one and none was given; false when the person
 * cancels or the core refuses (an unknown path, a register sync would not write).
 */
export async function setPathStatus(
  service: AnalysisService,
  modelUri: vscode.Uri,
  pathId: string,
  status: PathStatus,
  justification?: string,
): Promise<boolean> {
  const state = await service.ensure(modelUri);
  if (!state || !modelOf(state.analysis)) {
    void vscode.window.showWarningMessage(
      'mltm: the model does not load right now; fix its errors first.',
    );
    return false;
  }
  const reason = await justificationFor(
    PATH_NEEDS_JUSTIFICATION.has(status),
    justification,
    `${status === 'accepted' ? 'Accept the attack path' : 'Mark not applicable: attack path'} ${pathId}`,
    state.register?.pathsById.get(pathId)?.justification,
  );
  if (reason === false) return false;
  return writeTriage(state.registerUri, (current) =>
    triagePath(
      current,
      state.analysis,
      pathId,
      { status, ...(reason !== undefined && { justification: reason }) },
      { today: todayIso(), modelFile: fileName(modelUri) },
    ),
  );
}

/** `mltm.syncRegister`: creates or updates the register beside a model. */
export async function syncModelRegister(
  state: ModelState,
): Promise<{ ok: boolean; message: string }> {
  const {
    decision: result,
    existed,
    written,
  } = await updateRegister(state.registerUri, (current) =>
    syncRegister(current, state.analysis, { today: todayIso(), modelFile: fileName(state.uri) }),
  );
  if (!result.ok) return { ok: false, message: problemText(result.problems) };
  if (!result.changed && existed)
    return { ok: true, message: `${fileName(state.registerUri)} is up to date.` };
  const s = result.summary;
  return {
    ok: written,
    message: `${fileName(state.registerUri)}: ${s.added.length} added, ${s.refreshed.length} refreshed, ${s.staled.length} marked stale, ${s.revived.length} revived.`,
  };
}

/** The range of an element's id in the model (component, flow, boundary or data item). */
export function elementIdRange(
  state: ModelState,
  elementId: string,
): { start: number; end: number } | undefined {
  const model = modelOf(state.analysis);
  if (!model) return undefined;
  const element = [...model.components, ...model.flows, ...model.boundaries, ...model.data].find(
    (e) => e.id === elementId,
  );
  return element?.idRange;
}

/** `mltm.revealElement`: opens the model and selects the element's id. */
export async function revealElement(
  service: AnalysisService,
  modelUri: vscode.Uri,
  elementId: string,
): Promise<void> {
  // Where the model already shows (e.g. beside the diagram that asked), not over the diagram.
  const visible = vscode.window.visibleTextEditors.find(
    (e) => e.document.uri.toString() === modelUri.toString(),
  );
  const editor = await vscode.window.showTextDocument(modelUri, {
    preview: false,
    ...(visible?.viewColumn !== undefined && { viewColumn: visible.viewColumn }),
  });
  const state = await service.ensure(modelUri);
  const range = state && elementIdRange(state, elementId);
  if (!range) {
    void vscode.window.showWarningMessage(
      `mltm: no element \`${elementId}\` in ${fileName(modelUri)}.`,
    );
    return;
  }
  const selection = new vscode.Selection(
    editor.document.positionAt(range.start),
    editor.document.positionAt(range.end),
  );
  editor.selection = selection;
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

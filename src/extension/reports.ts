/**
 * "Generate Threat Report": the reviewer's reports (Markdown, HTML, SARIF, JSON) from inside the
 * editor. The report is made from the analysis service's state for the model's current text —
 * unsaved edits of the model and of its register included, the same state the diagnostics show —
 * through the core's `assembleReportInput` and `renderReport`, exactly as `mltm report` does.
 * The file is written beside the model (or in `mltm.reports.outputFolder`, or where a save dialog
 * says) through `workspace.fs`, atomically: a temporary sibling renamed over the target, so a
 * reader never sees half a report. Then it is opened (Markdown in its preview).
 */
import * as vscode from 'vscode';
import { renderReport, type ReportFormat } from '../core/report';
import { reportFileName, reportTimestamp } from '../core/report/input';
import { protectedNameReason } from '../core/workspace/naming';
import { reportInputFor, reportRefusal } from '../core/workspace/report';
import { MERMAID_BUNDLE_SEGMENTS, MERMAID_NODE_MODULES_SEGMENTS } from '../core/report/vendorPaths';
import { isModelUri, type AnalysisService, type ModelState } from './analysisService';
import { readConfig } from './config';

/** The formats offered by the picker (Mermaid has its own export command). */
export type EditorReportFormat = Extract<ReportFormat, 'md' | 'html' | 'sarif' | 'json'>;

/** The picker's entries, in the order shown. */
export const REPORT_CHOICES: readonly {
  readonly format: EditorReportFormat;
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}[] = [
  {
    format: 'md',
    label: 'Markdown',
    description: '.md',
    detail:
      'For pull requests and code hosts: summary, Mermaid diagram, threats per component and flow',
  },
  {
    format: 'html',
    label: 'HTML',
    description: '.html',
    detail: 'One self-contained page, readable offline and printable, with filters',
  },
  {
    format: 'sarif',
    label: 'SARIF 2.1.0',
    description: '.sarif',
    detail: 'For code-scanning dashboards: open threats and missing controls at their lines',
  },
  {
    format: 'json',
    label: 'JSON',
    description: '.json',
    detail: 'For scripts: the analysis with the register state',
  },
];

const isEditorFormat = (value: unknown): value is EditorReportFormat =>
  REPORT_CHOICES.some((c) => c.format === value);

/** Asks for a format; undefined when the person cancels. */
export async function pickReportFormat(): Promise<EditorReportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    REPORT_CHOICES.map((c) => ({
      label: c.label,
      description: c.description,
      detail: c.detail,
      format: c.format,
    })),
    { title: 'Generate threat report', placeHolder: 'Report format' },
  );
  return picked?.format;
}

/** Asks which model to report on, among the workspace's `*.mltm.yaml`; undefined when cancelled or none. */
async function pickModel(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.mltm.{yaml,yml}', '**/node_modules/**', 500);
  if (found.length === 0)
    throw new Error(
      'no threat model (*.mltm.yaml) in this workspace; create one with "New Threat Model from Template"',
    );
  if (found.length === 1) return found[0];
  const picked = await vscode.window.showQuickPick(
    found
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((uri) => ({
        label: uri.path.slice(uri.path.lastIndexOf('/') + 1),
        description: vscode.workspace.asRelativePath(uri, true),
        uri,
      })),
    { title: 'Generate a threat report for which model?' },
  );
  return picked?.uri;
}

const relative = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, false);

/** Why a state cannot be reported on (the core's rule, the one `mltm report` applies); undefined when it can. */
export function reportBlocker(state: ModelState): string | undefined {
  return reportRefusal(state.session, (path) => relative(state.uri.with({ path })))?.reason;
}

/** The workspace folder a relative report path is relative to, as SARIF's `%SRCROOT%`. */
function baseUriFor(uri: vscode.Uri): { baseUri?: string } {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return {};
  const text = folder.uri.toString();
  return { baseUri: text.endsWith('/') ? text : `${text}/` };
}

/** The report text for a model's current state; throws with the reason when the input is invalid. */
export function reportText(
  state: ModelState,
  format: ReportFormat,
  options: { toolVersion: string; now?: Date; mermaidScript?: string },
): string {
  const made = reportInputFor(state.session, {
    display: (path) => relative(state.uri.with({ path })),
    ...baseUriFor(state.uri),
    generatedAt: reportTimestamp(options.now ?? new Date()),
    toolVersion: options.toolVersion,
    ...(options.mermaidScript !== undefined && { mermaidScript: options.mermaidScript }),
  });
  if (!made.input) throw new Error(made.refusal.reason);
  return renderReport(format, made.input);
}

/** Writes `text` to `target` so readers see the old file or the new one, never half of it. */
export async function writeFileAtomically(target: vscode.Uri, text: string): Promise<void> {
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  // The CLI's rule (issue 16, defect 2): a report never replaces a model or a register.
  const refusal = protectedNameReason(name);
  if (refusal !== undefined)
    throw new Error(`${name} was not written: ${refusal}; save the report under another name.`);
  // Nor a folder, a device or a FIFO (defect 8): only a regular file, or a new one, is replaced.
  const existing = await vscode.workspace.fs.stat(target).then(
    (stat) => stat,
    () => undefined,
  );
  if (existing && (existing.type & vscode.FileType.File) === 0)
    throw new Error(`${name} was not written: it is not a regular file.`);
  const temporary = vscode.Uri.joinPath(
    target,
    '..',
    `.${name}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.tmp`,
  );
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
  await vscode.workspace.fs.writeFile(temporary, new TextEncoder().encode(text));
  try {
    await vscode.workspace.fs.rename(temporary, target, { overwrite: true });
  } catch (error) {
    await vscode.workspace.fs.delete(temporary).then(undefined, () => undefined);
    throw error;
  }
}

/** Where the report goes by default: `mltm.reports.outputFolder` (relative to the model's workspace folder), else beside the model. */
export function defaultReportUri(model: vscode.Uri, format: ReportFormat): vscode.Uri {
  const name = reportFileName(model.path.slice(model.path.lastIndexOf('/') + 1), format);
  const folder = readConfig(model).reportsOutputFolder;
  if (folder === '') return vscode.Uri.joinPath(model, '..', name);
  if (/^([a-zA-Z]:[\\/]|\/)/.test(folder))
    return vscode.Uri.joinPath(vscode.Uri.file(folder), name);
  const base = vscode.workspace.getWorkspaceFolder(model)?.uri ?? vscode.Uri.joinPath(model, '..');
  return vscode.Uri.joinPath(base, ...folder.split(/[\\/]+/).filter((s) => s !== ''), name);
}

/**
 * The pinned `mermaid.min.js` the build copies to dist/vendor (shipped in the VSIX), else the
 * development checkout's node_modules copy; the HTML report shows Mermaid source when neither exists.
 */
export async function mermaidLibrary(extensionUri: vscode.Uri): Promise<string | undefined> {
  for (const segments of [MERMAID_BUNDLE_SEGMENTS, MERMAID_NODE_MODULES_SEGMENTS]) {
    const text = await vscode.workspace.fs
      .readFile(vscode.Uri.joinPath(extensionUri, ...segments))
      .then(
        (bytes) => new TextDecoder('utf-8').decode(bytes),
        () => undefined,
      );
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Opens a written report the way its format reads best. */
async function openReport(uri: vscode.Uri, format: EditorReportFormat): Promise<void> {
  if (format === 'md') {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return;
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  // A system browser and file manager only reach files on this machine's disk: in a virtual or
  // browser workspace (vscode.dev, github.dev) the report stays open in the editor, unoffered.
  if (format === 'html' && uri.scheme === 'file') {
    // Not awaited: the command finishes when the report is written; the offer stays in the corner.
    void vscode.window
      .showInformationMessage(
        `mltm: wrote ${vscode.workspace.asRelativePath(uri, false)}.`,
        'Open in Browser',
        'Reveal in File Explorer',
      )
      .then(async (choice) => {
        if (choice === 'Open in Browser') await vscode.env.openExternal(uri);
        else if (choice === 'Reveal in File Explorer')
          await vscode.commands.executeCommand('revealFileInOS', uri);
      });
  }
}

/**
 * `mltm.generateReport(model?, format?, target?)`: each argument skips its picker (tests, other
 * commands, the walkthrough). Returns the report's URI, or undefined when the person cancelled.
 */
export async function generateReport(
  service: AnalysisService,
  extension: vscode.ExtensionContext,
  args: { model?: vscode.Uri | undefined; format?: unknown; target?: vscode.Uri | undefined },
): Promise<vscode.Uri | undefined> {
  if (args.format !== undefined && !isEditorFormat(args.format))
    throw new Error(
      `unknown report format \`${String(args.format)}\`; use ${REPORT_CHOICES.map((c) => c.format).join(', ')}`,
    );
  const model = args.model ?? (await pickModel());
  if (!model) return undefined;
  if (!isModelUri(model))
    throw new Error(
      `${vscode.workspace.asRelativePath(model, false)} is not a threat model (*.mltm.yaml)`,
    );
  const format = args.format ?? (await pickReportFormat());
  if (!format) return undefined;
  const state = await service.ensure(model);
  if (!state) throw new Error(`cannot read ${vscode.workspace.asRelativePath(model, false)}`);
  let target = args.target;
  if (!target) {
    const proposed = defaultReportUri(model, format);
    const choice = REPORT_CHOICES.find((c) => c.format === format);
    target = readConfig(model).reportsAskWhereToSave
      ? await vscode.window.showSaveDialog({
          title: 'Save the threat report',
          defaultUri: proposed,
          filters: {
            [choice?.label ?? format]: [proposed.path.slice(proposed.path.lastIndexOf('.') + 1)],
          },
        })
      : proposed;
    if (!target) return undefined;
  }
  const mermaidScript =
    format === 'html' ? await mermaidLibrary(extension.extensionUri) : undefined;
  const text = reportText(state, format, {
    toolVersion: String(
      (extension.extension.packageJSON as { version?: unknown }).version ?? '0.0.0',
    ),
    ...(mermaidScript !== undefined && { mermaidScript }),
  });
  await writeFileAtomically(target, text);
  await openReport(target, format);
  return target;
}

/**
 * "New Threat Model from Template": one template per scenario, taken from the examples shipped
 * in the VSIX (`examples/*.mltm.yaml`). The first comment line of each names its scenario.
 */
import * as vscode from 'vscode';

export interface Template {
  readonly file: string;
  readonly title: string;
  readonly uri: vscode.Uri;
}

/** The templates shipped with the extension, in file order. */
export async function listTemplates(extensionUri: vscode.Uri): Promise<Template[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'examples');
  const entries = await vscode.workspace.fs.readDirectory(folder).then(
    (list) => list,
    () => [] as [string, vscode.FileType][],
  );
  const templates: Template[] = [];
  for (const [file] of entries
    .filter(([name]) => name.endsWith('.mltm.yaml'))
    .sort(([a], [b]) => a.localeCompare(b))) {
    const uri = vscode.Uri.joinPath(folder, file);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const first = /^#\s*(.+)$/m.exec(text)?.[1] ?? file;
    templates.push({ file, title: first.replace(/\s*\(SCENARIOS\.md #\d+\)\s*$/, ''), uri });
  }
  return templates;
}

/**
 * Creates a model from a template and opens it. `templateFile` and `target` skip the pickers
 * (tests, other commands); otherwise the person picks a scenario and a file name.
 */
export async function newModelFromTemplate(
  extensionUri: vscode.Uri,
  templateFile?: string,
  target?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const templates = await listTemplates(extensionUri);
  if (templates.length === 0) throw new Error('no templates are shipped with this build');
  const template =
    templateFile !== undefined
      ? templates.find((t) => t.file === templateFile)
      : (
          await vscode.window.showQuickPick(
            templates.map((t) => ({ label: t.title, description: t.file, template: t })),
            { title: 'New threat model from a scenario' },
          )
        )?.template;
  if (!template) {
    if (templateFile !== undefined) throw new Error(`no template \`${templateFile}\``);
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = template.file.replace(/^\d+-/, '');
  const destination =
    target ??
    (await vscode.window.showSaveDialog({
      title: 'Save the new threat model',
      filters: { 'mltm threat model': ['mltm.yaml'] },
      ...(folder && { defaultUri: vscode.Uri.joinPath(folder, name) }),
    }));
  if (!destination) return undefined;
  if (!/\.mltm\.ya?ml$/.test(destination.path))
    throw new Error('a threat model file name ends in .mltm.yaml');
  await vscode.workspace.fs.writeFile(
    destination,
    await vscode.workspace.fs.readFile(template.uri),
  );
  await vscode.window.showTextDocument(destination, { preview: false });
  return destination;
}

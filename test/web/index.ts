/**
 * The browser-workbench test (scripts/web/run-tests.mjs): loaded by VS Code's web worker
 * extension host, next to the extension's browser build (package.json "browser"), and called
 * through `run()` as any extension test. Everything it opens lives on a virtual file system
 * (./memfs.ts, scheme `mltm-memfs:`), so no disk and no Node API is involved: diagnostics,
 * hover, the Threat Register view, a report and the diagram (whose webview DOM the driver reads
 * in Chromium, asked through files in the workspace folder's `.driver/`).
 *
 * There is no mocha here (the worker has no `require` but `vscode`): a short list of named
 * checks, each failing with a message, written to `.driver/results.json` as
 * `{ passed, failed, failures }` for the driver.
 */
import * as vscode from 'vscode';
import example from '../../examples/06-unauthenticated-resnet.mltm.yaml';
import { analyze, threatsOf } from '../../src/core/analysis';
import { SEVERITY_ORDER } from '../../src/core/rules/types';
import { LineIndex } from '../../src/core/util/lineIndex';
import { WORKER_THRESHOLD } from '../../src/extension/analysisService';
import type { MltmApi } from '../../src/extension/extension';
import { MEMFS_SCHEME, MemFs } from './memfs';

const EXAMPLE = '06-unauthenticated-resnet.mltm.yaml';

interface Failure {
  title: string;
  message: string;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const same = (actual: unknown, expected: unknown, what: string) =>
  check(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The driver's folder: `.driver/` in the (real, server-side) workspace folder. */
function driverUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('the browser test needs the driver workspace folder open');
  return vscode.Uri.joinPath(folder, '.driver', name);
}

/**
 * Writes a file the driver polls for: to a temporary name, then renamed, so the driver never
 * sees it half-written (a remote write creates the file before its bytes arrive) nor deletes it
 * under the write.
 */
async function writeJson(uri: vscode.Uri, value: unknown): Promise<void> {
  const partial = uri.with({ path: `${uri.path}.partial` });
  await vscode.workspace.fs.writeFile(partial, new TextEncoder().encode(JSON.stringify(value)));
  await vscode.workspace.fs.rename(partial, uri, { overwrite: true });
}

let driverRequests = 0;

/** Asks the driver (Chromium, outside the workbench) about the diagram webview's DOM. */
async function askDriver(request: Record<string, unknown>): Promise<Record<string, unknown>> {
  // Numbered, never deleted by the driver (which serves each number once): a request deleted
  // while VS Code still resolves its rename fails the write.
  const id = ++driverRequests;
  const response = driverUri('diagram-response.json');
  await writeJson(driverUri('diagram-request.json'), { ...request, id });
  return waitFor(
    'the driver to read the diagram webview',
    () =>
      Promise.resolve(vscode.workspace.fs.readFile(response)).then(
        (bytes) => {
          const answer = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
          return answer['id'] === id ? answer : undefined;
        },
        () => undefined,
      ),
    60_000,
  );
}

const code = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);

/** What the engine says a user should see for a model with no register (as test/vscode/diagnostics.test.ts). */
function expectedDiagnostics(text: string): string[] {
  const analysis = analyze(text);
  const index = new LineIndex(text);
  const at = (offset: number) => {
    const p = index.position(offset);
    return `${p.line}:${p.column}`;
  };
  const floor = SEVERITY_ORDER.indexOf('low');
  return [
    ...analysis.problems.map((p) => `${at(p.range.start)} ${p.code}`),
    ...threatsOf(analysis)
      .filter((t) => !t.mitigated && SEVERITY_ORDER.indexOf(t.severity) >= floor)
      .map((t) => `${at(t.range.start)} ${t.ruleId}`),
  ].sort();
}

function mltmDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mltm');
}

/** A generated model past the worker threshold: a chain of components behind one client. */
function largeModel(count: number): string {
  const lines = [
    'mltm: 1',
    'name: Large generated model',
    'boundaries:',
    '  internet: {name: Internet, trust: untrusted}',
    '  cloud: {name: Cloud, trust: trusted}',
    'components:',
    '  client: {name: Client, kind: external_client, boundary: internet}',
  ];
  const kinds = ['serving_endpoint', 'data_store', 'training_job'];
  for (let i = 0; i < count; i++)
    lines.push(
      `  c${i}:`,
      `    name: Component ${i}`,
      `    kind: ${kinds[i % 3]}`,
      '    boundary: cloud',
      '    controls: [authn]',
    );
  lines.push('flows:', '  - {from: client, to: c0}');
  for (let i = 1; i < count; i++) lines.push(`  - {from: c${i - 1}, to: c${i}}`);
  return lines.join('\n') + '\n';
}

export async function run(): Promise<void> {
  const failures: Failure[] = [];
  let passed = 0;
  const test = async (title: string, body: () => Promise<void>) => {
    try {
      await body();
      passed++;
    } catch (error) {
      failures.push({
        title,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  };

  const memfs = new MemFs();
  const registration = vscode.workspace.registerFileSystemProvider(MEMFS_SCHEME, memfs, {
    isCaseSensitive: true,
  });
  const folder = vscode.Uri.from({ scheme: MEMFS_SCHEME, path: '/review' });
  const model = vscode.Uri.joinPath(folder, EXAMPLE);
  const modelText = example;
  let editor: vscode.TextEditor | undefined;

  await test('runs in the web worker extension host, with the browser build', async () => {
    const scope = globalThis as {
      WorkerGlobalScope?: unknown;
      process?: { versions?: { node?: string } };
    };
    check(scope.WorkerGlobalScope !== undefined, 'not inside a Web Worker');
    check(
      scope.process?.versions?.node === undefined,
      'a Node runtime is present: this is not the web worker host',
    );
    const extension = vscode.extensions.getExtension('mltm.mltm');
    check(extension, 'the mltm extension is not in this extension host');
    await extension.activate();
    check(extension.isActive, 'mltm did not activate');
    same(vscode.env.uiKind, vscode.UIKind.Web, 'UI kind');
  });

  await test(`opens ${EXAMPLE} from the virtual file system and shows the engine's diagnostics`, async () => {
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(model, new TextEncoder().encode(modelText));
    const document = await vscode.workspace.openTextDocument(model);
    editor = await vscode.window.showTextDocument(document, { preview: false });
    const expected = expectedDiagnostics(modelText);
    check(expected.length > 0, 'the example should have threats');
    const seen = await waitFor('mltm diagnostics on the virtual model', () => {
      const list = mltmDiagnostics(model);
      return list.length > 0 ? list : undefined;
    });
    same(
      seen.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${code(d)}`).sort(),
      expected,
      'diagnostics (line:column code)',
    );
  });

  await test('hover on a threatened element names its threats', async () => {
    const threat = mltmDiagnostics(model).find(
      (d) => d.severity !== vscode.DiagnosticSeverity.Hint && code(d).includes('-'),
    );
    check(threat, 'no threat diagnostic to hover');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      model,
      threat.range.start,
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    check(
      text.includes(code(threat)),
      `the hover does not mention ${code(threat)}:\n${text.slice(0, 500)}`,
    );
  });

  await test("the Threat Register view lists the virtual model's open threats", async () => {
    const api = vscode.extensions.getExtension<{
      registerTreeItems(): Promise<{ label: string; contextValue: string }[]>;
    }>('mltm.mltm')?.exports;
    check(api, 'mltm exported no API');
    // Every threat, open or with its controls in place, once, under its element.
    const threats = threatsOf(analyze(modelText));
    const items = await waitFor('register items', async () => {
      const list = await api.registerTreeItems();
      return list.some((i) => i.contextValue.startsWith('threat')) ? list : undefined;
    });
    const shown = items.filter((i) => i.contextValue.startsWith('threat'));
    same(shown.length, threats.length, 'threat entries in the register view');
    same(
      [...new Set(shown.map((i) => i.label))].sort(),
      [...new Set(threats.map((t) => t.title))].sort(),
      'threat titles in the register view',
    );
  });

  await test('syncs the register next to the virtual model, then writes a Markdown report there', async () => {
    await vscode.commands.executeCommand('mltm.syncRegister', model);
    const register = vscode.Uri.joinPath(folder, EXAMPLE.replace('.mltm.yaml', '.threats.yaml'));
    const registerText = new TextDecoder().decode(await vscode.workspace.fs.readFile(register));
    for (const id of new Set(threatsOf(analyze(modelText)).map((t) => t.ruleId)))
      check(registerText.includes(id), `the synced register lacks ${id}`);
    const target = vscode.Uri.joinPath(folder, 'report.md');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mltm.generateReport',
      model,
      'md',
      target,
    );
    if (written?.toString() !== target.toString()) {
      // The command shows its refusal as a message; the register's diagnostics say why.
      const problems = vscode.languages
        .getDiagnostics(register)
        .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
      throw new Error(
        `report written to: expected "${target.toString()}", got ${String(written)}; register diagnostics:\n${problems.join('\n') || '(none)'}\n${registerText.slice(0, 400)}`,
      );
    }
    const report = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const loaded = analyze(modelText);
    check(loaded.status === 'loaded', 'the example did not load');
    check(
      report.includes(loaded.model.name),
      `the report does not name the model (${loaded.model.name})`,
    );
    check(report.includes('```mermaid'), 'the report has no Mermaid diagram');
  });

  await test('the diagram is drawn in its webview (laid out in a Web Worker) and a click selects the element', async () => {
    check(editor, 'no editor');
    await vscode.window.showTextDocument(editor.document, { preview: false });
    await vscode.commands.executeCommand('mltm.openDiagram', model);
    const analysis = analyze(modelText);
    check(analysis.status === 'loaded', 'the example did not load');
    const graph = analysis.model;
    const target = graph.components[graph.components.length - 1];
    check(target, 'no component');
    const response = await askDriver({
      nodes: graph.components.length,
      click: target.id,
      screenshot: 'web-diagram.png',
    });
    same(response['error'], undefined, 'driver error');
    same(response['nodes'], graph.components.length, 'nodes in the webview DOM');
    same(response['edges'], graph.flows.length, 'edges in the webview DOM');
    same(
      [...(response['ids'] as string[])].sort(),
      graph.components.map((c) => c.id).sort(),
      'node ids in the webview DOM',
    );
    const line = modelText.split('\n').findIndex((l) => l.trim() === `${target.id}:`);
    check(line >= 0, `no line for ${target.id}`);
    await waitFor(`the click to select ${target.id} in the YAML`, () => {
      const shown = vscode.window.visibleTextEditors.find(
        (e) => e.document.uri.toString() === model.toString(),
      );
      return shown?.selection.active.line === line ? true : undefined;
    });
  });

  await test('a large model is analysed in the analysis Web Worker, with the same diagnostics', async () => {
    const api = vscode.extensions.getExtension<MltmApi>('mltm.mltm')?.exports;
    check(api, 'mltm exported no API');
    const text = largeModel(700);
    check(
      text.length >= WORKER_THRESHOLD,
      `the generated model is below the worker threshold (${text.length})`,
    );
    const uri = vscode.Uri.joinPath(folder, 'large.mltm.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const before = api.workerAnalyses();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {
      preview: false,
    });
    const expected = expectedDiagnostics(text);
    const seen = await waitFor(
      'mltm diagnostics on the large model',
      () => {
        const list = mltmDiagnostics(uri);
        return list.length === expected.length ? list : undefined;
      },
      120_000,
    );
    same(
      seen.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${code(d)}`).sort(),
      expected,
      'diagnostics of the large model',
    );
    check(
      api.workerAnalyses() > before,
      'the analysis ran on the extension host thread, not in the Web Worker',
    );
  });

  registration.dispose();
  await writeJson(driverUri('results.json'), { passed, failed: failures.length, failures });
}

/**
 * Language features on model files: hover (an element's threats with STRIDE, ATLAS names and
 * links, severity, status, why, and the risk score with the factors behind it), completion (ids in from/to/boundary/parent/data, control,
 * component and data kinds — our own provider, so it works without the YAML extension),
 * CodeLens ("N threats · M open · risk R" — R the highest risk of its open threats — and "Diagram"
 * on each component and flow) and rename (F2) of an id in the
 * model and its register together. All read the analysis service; none analyses by itself.
 */
import * as vscode from 'vscode';
import { completionContext } from '../core/edit/completionContext';
import { modelOf, threatsOf, analyze } from '../core/analysis';
import { renameRefactor } from '../core/edit/rename';
import { offsetMapping } from '../core/edit/textEdit';
import { STRIDE_BY_LETTER } from '../core/kb/stride';
import { COMPONENT_KINDS, CONTROL_KINDS, DATA_KINDS, TRUST_LEVELS } from '../core/model/vocabulary';
import type { PipelineModel } from '../core/model/types';
import type { Threat } from '../core/rules/evaluate';
import { riskExplained, threatRisk } from '../core/decide/explain';
import { elementRisks } from '../core/views/elementRisk';
import { threatsOfElement } from '../core/views/elementThreats';
import type { AnalysisService, ModelState } from './analysisService';
import { readConfig } from './config';
import { decisionOf, isOpenThreat, threatStatus } from './diagnostics';
import { toWorkspaceEdit } from './edits';

export const MODEL_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', pattern: '**/*.mltm.{yaml,yml}' },
  { scheme: 'untitled', language: 'yaml', pattern: '**/*.mltm.{yaml,yml}' },
];

type Element = PipelineModel['components'][number] | PipelineModel['flows'][number];

/** The component or flow whose id (or, for flows, whose item) is at an offset. */
export function elementAt(model: PipelineModel, offset: number): Element | undefined {
  const inside = (r: { start: number; end: number }) => offset >= r.start && offset <= r.end;
  return (
    model.components.find((c) => inside(c.idRange)) ??
    model.flows.find((f) => inside(f.idRange)) ??
    model.flows.find((f) => inside(f.range) && !model.components.some((c) => inside(c.range)))
  );
}

/** Threats of an element, most severe first. */
export function elementThreats(state: ModelState, elementId: string): readonly Threat[] {
  return threatsOfElement(threatsOf(state.analysis), elementId);
}

/** The hover's Markdown for an element (exported for tests of the wording). */
export function elementHoverMarkdown(state: ModelState, element: Element): vscode.MarkdownString {
  const threats = elementThreats(state, element.id);
  const open = threats.filter((t) => isOpenThreat(state, t)).length;
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  const kind = 'kind' in element ? element.kind : 'flow';
  md.appendMarkdown(
    `**${element.id}** (${kind}) — ${threats.length} threat${threats.length === 1 ? '' : 's'}, ${open} open\n\n`,
  );
  for (const t of threats) {
    const stride = t.stride.map((l) => STRIDE_BY_LETTER.get(l)?.name ?? l).join(', ');
    const atlas = t.atlas.map((id) => {
      const url = state.analysis.atlas.url(id);
      const name = state.analysis.atlas.nameOf(id);
      return url ? `[${id}${name ? ` ${name}` : ''}](${url})` : id;
    });
    md.appendMarkdown(
      `---\n\n$(${t.mitigated ? 'pass' : 'warning'}) **${escape(t.title)}** · ${t.severity} · status: ${threatStatus(state, t)}\n\n`,
    );
    md.appendMarkdown(
      `STRIDE: ${stride || '—'}${atlas.length > 0 ? ` · ATLAS: ${atlas.join(', ')}` : ''} · rule \`${t.ruleId}\`\n\n`,
    );
    md.appendMarkdown(`Why: ${escape(t.why)}\n\n`);
    if (state.analysis.status === 'loaded') {
      // The score the plan and the CodeLens rank by, with the factors behind it.
      const risk = threatRisk(state.analysis.facts, state.analysis.atlas, t);
      md.appendMarkdown(`Risk ${risk.score} = ${escape(riskExplained(risk))}\n\n`);
    }
    if (t.severityReasons.length > 0)
      md.appendMarkdown(`Severity: ${escape(t.severityReasons.join('; '))}\n\n`);
    if (t.missingControls.length > 0)
      md.appendMarkdown(`Missing: ${t.missingControls.map((c) => `\`${c}\``).join(', ')}\n\n`);
    else if (t.mitigatedBy.length > 0)
      md.appendMarkdown(
        `Mitigated by: ${t.mitigatedBy.map((e) => `\`${e.control}\``).join(', ')}\n\n`,
      );
  }
  return md;
}

const escape = (text: string) => text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);

class Hover implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.service.get(document.uri);
    const model = modelOf(state?.analysis);
    if (!state || !model || state.text !== document.getText()) return undefined;
    const element = elementAt(model, document.offsetAt(position));
    if (!element) return undefined;
    return new vscode.Hover(
      elementHoverMarkdown(state, element),
      new vscode.Range(
        document.positionAt(element.idRange.start),
        document.positionAt(element.idRange.end),
      ),
    );
  }
}

class Completion implements vscode.CompletionItemProvider {
  /** The last model that loaded, per file: completion must work while the text is half-typed. */
  private readonly lastModel = new Map<string, PipelineModel>();
  constructor(private readonly service: AnalysisService) {}

  remember(state: ModelState): void {
    const model = modelOf(state.analysis);
    if (model) this.lastModel.set(state.uri.toString(), model);
  }

  provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): vscode.CompletionItem[] | undefined {
    const context = completionContext(
      document.getText().split(/\r?\n/),
      position.line,
      position.character,
    );
    if (!context) return undefined;
    const model =
      modelOf(this.service.get(document.uri)?.analysis) ??
      this.lastModel.get(document.uri.toString());
    const item = (
      label: string,
      kind: vscode.CompletionItemKind,
      detail?: string,
      doc?: string,
    ) => {
      const completion = new vscode.CompletionItem(label, kind);
      if (detail) completion.detail = detail;
      if (doc) completion.documentation = new vscode.MarkdownString(doc);
      return completion;
    };
    switch (context.key) {
      case 'from':
      case 'to':
        return model?.components.map((c) =>
          item(c.id, vscode.CompletionItemKind.Reference, `${c.kind} — ${c.name}`, c.description),
        );
      case 'boundary':
      case 'parent':
        return model?.boundaries.map((b) =>
          item(b.id, vscode.CompletionItemKind.Module, `boundary (${b.trust}) — ${b.name}`),
        );
      case 'data':
        return model?.data.map((d) =>
          item(
            d.id,
            vscode.CompletionItemKind.Value,
            `${d.kind ?? 'data'} (${d.classification}) — ${d.name}`,
          ),
        );
      case 'controls':
        return CONTROL_KINDS.values.map((v) =>
          item(
            v,
            vscode.CompletionItemKind.EnumMember,
            'control',
            CONTROL_KINDS.descriptions.get(v),
          ),
        );
      case 'kind':
        if (context.section === 'components')
          return COMPONENT_KINDS.values.map((v) =>
            item(
              v,
              vscode.CompletionItemKind.Class,
              'component kind',
              COMPONENT_KINDS.descriptions.get(v),
            ),
          );
        if (context.section === 'data')
          return DATA_KINDS.values.map((v) =>
            item(
              v,
              vscode.CompletionItemKind.EnumMember,
              'data kind',
              DATA_KINDS.descriptions.get(v),
            ),
          );
        return undefined;
      case 'trust':
        return TRUST_LEVELS.values.map((v) =>
          item(
            v,
            vscode.CompletionItemKind.EnumMember,
            'trust level',
            TRUST_LEVELS.descriptions.get(v),
          ),
        );
      default:
        return undefined;
    }
  }
}

/** One element's lenses, at an offset of the text its analysis read. */
interface ElementLens {
  readonly offset: number;
  readonly elementId: string;
  readonly title: string;
}

class Lenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Each analysis's lenses, made once: VS Code asks again after every keystroke. */
  private readonly made = new WeakMap<ModelState, readonly ElementLens[]>();
  constructor(private readonly service: AnalysisService) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.service.get(document.uri);
    const model = modelOf(state?.analysis);
    if (!state || !model || !readConfig(document.uri).codeLensEnabled) return [];
    let made = this.made.get(state);
    if (!made) this.made.set(state, (made = elementLenses(state, model)));
    // While the person types, the last analysis's lenses stay on their elements, moved with the
    // text around the edit, until the next analysis replaces them: dropping them all would make
    // every line below jump, twice per pause in typing (gone, then back).
    const text = document.getText();
    const moved = state.text === text ? (o: number) => o : offsetMapping(state.text, text);
    const lenses: vscode.CodeLens[] = [];
    for (const lens of made) {
      const offset = moved(lens.offset);
      if (offset === undefined) continue;
      const position = document.positionAt(offset);
      const range = new vscode.Range(position, position);
      lenses.push(
        new ElementCodeLens(range, document.uri, lens, 'threats'),
        new ElementCodeLens(range, document.uri, lens, 'diagram'),
      );
    }
    return lenses;
  }

  /**
   * The command of a lens VS Code is about to show. A 1,000-component model has 4,000 lenses,
   * a screenful of which is visible: sending only ranges first keeps the message VS Code reads
   * and converts, on the same thread that applies keystrokes, small.
   */
  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (!(lens instanceof ElementCodeLens)) return lens;
    const id = lens.element.elementId;
    lens.command =
      lens.shows === 'threats'
        ? {
            title: lens.element.title,
            command: 'mltm.showElementThreats',
            arguments: [lens.modelUri, id],
            tooltip: `Show the threats of ${id}`,
          }
        : {
            title: '$(type-hierarchy) Diagram',
            command: 'mltm.openDiagram',
            arguments: [lens.modelUri, id],
            tooltip: `Open the diagram focused on ${id}`,
          };
    return lens;
  }
}

/** A lens above an element, resolved to its command only when VS Code shows it. */
class ElementCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly modelUri: vscode.Uri,
    readonly element: ElementLens,
    readonly shows: 'threats' | 'diagram',
  ) {
    super(range);
  }
}

/** "3 threats · 2 open · risk 64" for every component and flow of an analysis. */
function elementLenses(state: ModelState, model: PipelineModel): ElementLens[] {
  const decision = decisionOf(state);
  const risks =
    decision && state.analysis.status === 'loaded'
      ? elementRisks(state.analysis.threats, decision)
      : undefined;
  return [...model.components, ...model.flows].map((element) => {
    const threats = elementThreats(state, element.id);
    const open = threats.filter((t) => isOpenThreat(state, t)).length;
    const risk = risks?.get(element.id);
    return {
      offset: element.idRange.start,
      elementId: element.id,
      title:
        `${threats.length} threat${threats.length === 1 ? '' : 's'} · ${open} open` +
        (risk ? ` · risk ${risk.highest}` : ''),
    };
  });
}

/** The id under the cursor: an element's own id, or a reference to one (from/to/boundary/data). */
export function idAt(
  model: PipelineModel,
  text: string,
  offset: number,
): { id: string; start: number; end: number } | undefined {
  let start = offset;
  let end = offset;
  const idChar = /[A-Za-z0-9_.-]/;
  while (start > 0 && idChar.test(text[start - 1] ?? '')) start--;
  while (end < text.length && idChar.test(text[end] ?? '')) end++;
  // A derived flow id `a->b` is not a word; only ids that are written can be renamed in place.
  const id = text.slice(start, end);
  if (!id) return undefined;
  const known = [...model.components, ...model.flows, ...model.boundaries, ...model.data].some(
    (e) => e.id === id,
  );
  return known ? { id, start, end } : undefined;
}

class Rename implements vscode.RenameProvider {
  constructor(private readonly service: AnalysisService) {}

  prepareRename(document: vscode.TextDocument, position: vscode.Position): vscode.Range {
    const state = this.service.get(document.uri);
    const model = modelOf(state?.analysis);
    if (!state || !model || state.text !== document.getText())
      throw new Error('The model is being analysed or has errors; try again in a moment.');
    const found = idAt(model, state.text, document.offsetAt(position));
    if (!found)
      throw new Error('Put the cursor on a component, flow, boundary or data id to rename it.');
    return new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
  }

  async provideRenameEdits(
    document: vscode.TextDocument,
    position: vscode.Position,
    newName: string,
  ): Promise<vscode.WorkspaceEdit> {
    const state = this.service.get(document.uri);
    const model = modelOf(state?.analysis);
    if (!state || !model) throw new Error('The model has errors; fix them before renaming.');
    const found = idAt(model, state.text, document.offsetAt(position));
    if (!found) throw new Error('No id at the cursor.');
    return renameEdit(state, document, found.id, newName);
  }
}

/** The WorkspaceEdit renaming an id in a model and its register. Throws with the core's message when impossible. */
export async function renameEdit(
  state: ModelState,
  document: vscode.TextDocument,
  oldId: string,
  newId: string,
): Promise<vscode.WorkspaceEdit> {
  const model = modelOf(state.analysis);
  if (!model) throw new Error('The model has errors; fix them before renaming.');
  const { atlas, ruleSet } = state.analysis;
  const result = renameRefactor({
    modelText: state.text,
    ...(state.registerText !== undefined &&
      state.register && { registerText: state.registerText, register: state.register }),
    oldId,
    newId,
    analyze: (text) => analyze(text, { atlas, ruleSet }),
  });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join(' '));
  const edit = toWorkspaceEdit(document, result.modelEdits);
  if (result.registerEdits.length > 0) {
    const register = await vscode.workspace.openTextDocument(state.registerUri);
    if (register.getText() !== state.registerText)
      throw new Error('The register changed since the last analysis; try again in a moment.');
    toWorkspaceEdit(register, result.registerEdits, edit);
  }
  return edit;
}

/** Registers hover, completion, CodeLens and rename for model files. */
export function registerLanguageFeatures(service: AnalysisService): vscode.Disposable[] {
  const completion = new Completion(service);
  const lenses = new Lenses(service);
  return [
    vscode.languages.registerHoverProvider(MODEL_SELECTOR, new Hover(service)),
    vscode.languages.registerCompletionItemProvider(
      MODEL_SELECTOR,
      completion,
      ':',
      ' ',
      '[',
      ',',
      '-',
    ),
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, lenses),
    vscode.languages.registerRenameProvider(MODEL_SELECTOR, new Rename(service)),
    service.onDidChange((state) => {
      completion.remember(state);
      lenses.refresh();
    }),
  ];
}

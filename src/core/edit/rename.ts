/**
 * The rename refactor: a component, flow, boundary or data id renamed in the model and in the
 * register together, as minimal text edits (comments and formatting untouched). Renaming a
 * component also renames the derived ids (`<from>-><to>`) of its flows, and their register keys.
 */
import { problem, type Problem, type SourceRange } from '../problems';
import type { PipelineModel } from '../model/types';
import { defaultFlowId } from '../model/types';
import type { ThreatRegister } from '../register/register';
import { yamlScalar, type TextEdit } from './textEdit';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export type RenameKind = 'component' | 'flow' | 'boundary' | 'data';

export interface RenamePlan {
  readonly kind: RenameKind;
  readonly modelEdits: readonly TextEdit[];
  readonly registerEdits: readonly TextEdit[];
  /** Element ids renamed (the id itself plus derived flow ids), old → new. */
  readonly renamedElements: ReadonlyMap<string, string>;
}

/** Plans a rename. Returns problems instead when the rename is impossible or ambiguous. */
export function planRename(text: string, model: PipelineModel, oldId: string, newId: string, register?: ThreatRegister): { plan?: RenamePlan; problems: Problem[] } {
  const none: SourceRange = { start: 0, end: 0 };
  const fail = (message: string) => ({ problems: [problem('MLTM109', message, none)] });
  if (!ID_PATTERN.test(newId)) return fail(`\`${newId}\` is not a valid id: use letters, digits, \`-\`, \`_\` and \`.\`, starting with a letter or digit.`);
  if (oldId === newId) return fail('The new id is the same as the old one.');
  const component = model.components.find((c) => c.id === oldId);
  const flow = model.flows.find((f) => f.id === oldId);
  const boundary = model.boundaries.find((b) => b.id === oldId);
  const data = model.data.find((d) => d.id === oldId);
  const matches = [component, flow, boundary, data].filter(Boolean).length;
  if (matches === 0) return fail(`No component, flow, boundary or data item has the id \`${oldId}\`.`);
  if (matches > 1) return fail(`\`${oldId}\` names more than one kind of element; rename it by hand.`);
  const taken = new Set([...model.components.map((c) => c.id), ...model.flows.map((f) => f.id), ...model.boundaries.map((b) => b.id), ...model.data.map((d) => d.id)]);
  if (taken.has(newId)) return fail(`\`${newId}\` is already used in the model.`);

  const edits: TextEdit[] = [];
  const renamed = new Map<string, string>();
  const field = (path: string) => model.sourceMap.get(path)?.value;
  const replace = (range: SourceRange | undefined) => {
    if (range) edits.push({ range, newText: yamlScalar(newId) });
  };
  let kind: RenameKind;
  if (component) {
    kind = 'component';
    replace(component.idRange);
    renamed.set(oldId, newId);
    for (const f of model.flows) {
      if (f.from === oldId) replace(field(`${f.pointer}/from`));
      if (f.to === oldId) replace(field(`${f.pointer}/to`));
      if (!f.idExplicit && (f.from === oldId || f.to === oldId)) {
        renamed.set(f.id, defaultFlowId(f.from === oldId ? newId : f.from, f.to === oldId ? newId : f.to));
      }
    }
  } else if (flow) {
    kind = 'flow';
    renamed.set(oldId, newId);
    if (flow.idExplicit) replace(field(`${flow.pointer}/id`));
    else edits.push(insertFlowId(text, model, flow.pointer, flow.range, newId));
  } else if (boundary) {
    kind = 'boundary';
    replace(boundary.idRange);
    for (const b of model.boundaries) if (b.parent === oldId) replace(field(`${b.pointer}/parent`));
    for (const c of model.components) if (c.boundary === oldId) replace(field(`${c.pointer}/boundary`));
  } else {
    kind = 'data';
    replace((data as NonNullable<typeof data>).idRange);
    for (const c of model.components) c.data.forEach((id, i) => id === oldId && replace(field(`${c.pointer}/data/${i}`)));
    for (const f of model.flows) f.data.forEach((id, i) => id === oldId && replace(field(`${f.pointer}/data/${i}`)));
  }

  const registerEdits: TextEdit[] = [];
  if (register) {
    for (const entry of register.entries) {
      const target = renamed.get(entry.elementId);
      if (target === undefined) continue;
      registerEdits.push({ range: entry.keyRange, newText: yamlScalar(`${entry.ruleId}@${target}`) });
      const elementRange = register.sourceMap.get(`${entry.pointer}/element`)?.value;
      if (elementRange) registerEdits.push({ range: elementRange, newText: yamlScalar(target) });
    }
  }
  return { plan: { kind, modelEdits: edits, registerEdits, renamedElements: renamed }, problems: [] };
}

/** Adds `id: <new>` before a flow's `from` key, matching the mapping's style (flow `{…}` or block). */
function insertFlowId(text: string, model: PipelineModel, pointer: string, range: SourceRange, newId: string): TextEdit {
  const fromKey = model.sourceMap.get(`${pointer}/from`)?.key ?? range;
  const at = fromKey.start;
  if (text[range.start] === '{') return { range: { start: at, end: at }, newText: `id: ${yamlScalar(newId)}, ` };
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return { range: { start: at, end: at }, newText: `id: ${yamlScalar(newId)}\n${' '.repeat(at - lineStart)}` };
}

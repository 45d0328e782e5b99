/**
 * The rename refactor: a component, flow, boundary or data id renamed in the model and in the
 * register together, as minimal text edits (comments and formatting untouched). Renaming a
 * component also renames the derived ids (`<from>-><to>`) of its flows, and their register keys.
 *
 * A rename changes nothing a threat depends on, so decisions must not come out of it flagged
 * "needs review": where an entry's recorded fingerprints were current before the rename, they
 * are carried over to the renamed element's new fingerprint, and the checksum restamped.
 */
import { threatsOf, type Analysis } from '../analysis';
import type { PipelineModel } from '../model/types';
import { defaultFlowId } from '../model/types';
import { problem, type Problem, type SourceRange } from '../problems';
import { fingerprintMatches, machineChecksum, machineChecksumMatches } from '../hashes';
import { type MachineState, type ThreatRegister } from '../register/register';
import { didYouMean } from '../util/suggest';
import { applyEdits, yamlScalar, type TextEdit } from './textEdit';

/** The id syntax of the model schema (components, boundaries, data, explicit flow ids). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export type RenameKind = 'component' | 'flow' | 'boundary' | 'data';

export interface RenamePlan {
  readonly kind: RenameKind;
  readonly modelEdits: readonly TextEdit[];
  /** Element ids renamed (the id itself plus derived flow ids), old → new. */
  readonly renamedElements: ReadonlyMap<string, string>;
}

const NOWHERE: SourceRange = { start: 0, end: 0 };

/**
 * Plans the model side of a rename. Returns located problems (offsets into the model text)
 * instead when the rename is impossible: unknown or ambiguous old id, invalid or taken new id.
 */
export function planRename(
  text: string,
  model: PipelineModel,
  oldId: string,
  newId: string,
): { plan?: RenamePlan; problems: Problem[] } {
  const component = model.components.find((c) => c.id === oldId);
  const flow = model.flows.find((f) => f.id === oldId);
  const boundary = model.boundaries.find((b) => b.id === oldId);
  const data = model.data.find((d) => d.id === oldId);
  const all = [...model.components, ...model.flows, ...model.boundaries, ...model.data];
  const found = [component, flow, boundary, data].filter((x) => x !== undefined);
  if (found.length === 0) {
    const suggestion = didYouMean(
      oldId,
      all.map((e) => e.id),
    );
    return {
      problems: [
        problem(
          'MLTM107',
          `No component, flow, boundary or data item has the id \`${oldId}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`,
          NOWHERE,
        ),
      ],
    };
  }
  const at = found[0]?.idRange ?? NOWHERE;
  if (found.length > 1)
    return {
      problems: [
        problem(
          'MLTM107',
          `\`${oldId}\` names more than one kind of element; rename it by hand.`,
          at,
        ),
      ],
    };
  if (!ID_PATTERN.test(newId)) {
    return {
      problems: [
        problem(
          'MLTM107',
          `\`${newId}\` is not a valid id: use letters, digits, \`-\`, \`_\` and \`.\`, starting with a letter or digit.`,
          at,
        ),
      ],
    };
  }
  if (oldId === newId)
    return { problems: [problem('MLTM107', `The new id is the same as the old one.`, at)] };
  const clash = all.find((e) => e.id === newId);
  if (clash) {
    return {
      problems: [
        problem(
          'MLTM107',
          `\`${newId}\` is already used in the model (here); choose another id.`,
          clash.idRange,
          { related: [{ message: `\`${oldId}\` is defined here`, range: at }] },
        ),
      ],
    };
  }

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
        renamed.set(
          f.id,
          defaultFlowId(f.from === oldId ? newId : f.from, f.to === oldId ? newId : f.to),
        );
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
    for (const c of model.components)
      if (c.boundary === oldId) replace(field(`${c.pointer}/boundary`));
  } else {
    kind = 'data';
    replace((data as NonNullable<typeof data>).idRange);
    for (const c of model.components)
      c.data.forEach((id, i) => id === oldId && replace(field(`${c.pointer}/data/${i}`)));
    for (const f of model.flows)
      f.data.forEach((id, i) => id === oldId && replace(field(`${f.pointer}/data/${i}`)));
  }
  return { plan: { kind, modelEdits: edits, renamedElements: renamed }, problems: [] };
}

/** Adds `id: <new>` before a flow's `from` key, matching the mapping's style (flow `{…}` or block). */
function insertFlowId(
  text: string,
  model: PipelineModel,
  pointer: string,
  range: SourceRange,
  newId: string,
): TextEdit {
  const fromKey = model.sourceMap.get(`${pointer}/from`)?.key ?? range;
  const at = fromKey.start;
  if (text[range.start] === '{')
    return { range: { start: at, end: at }, newText: `id: ${yamlScalar(newId)}, ` };
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return {
    range: { start: at, end: at },
    newText: `id: ${yamlScalar(newId)}\n${' '.repeat(at - lineStart)}`,
  };
}

/**
 * The register side of a rename: new keys and `element` values for the renamed elements'
 * entries, fingerprints carried over where they were current, checksums restamped. Problems
 * (offsets into the register text) when a new key would collide with an existing entry.
 */
export function planRegisterRename(
  register: ThreatRegister,
  renamed: ReadonlyMap<string, string>,
  before: Analysis,
  after: Analysis,
): { edits: TextEdit[]; problems: Problem[] } {
  const edits: TextEdit[] = [];
  const problems: Problem[] = [];
  const oldThreats = new Map(threatsOf(before).map((t) => [t.id, t]));
  const newThreats = new Map(threatsOf(after).map((t) => [t.id, t]));
  const value = (pointer: string) => register.sourceMap.get(pointer)?.value;
  const keys = new Set(register.entries.map((e) => e.id));
  for (const entry of register.entries) {
    const element = renamed.get(entry.elementId);
    const newKey = element === undefined ? entry.id : `${entry.ruleId}@${element}`;
    if (element !== undefined && keys.has(newKey)) {
      problems.push(
        problem(
          'MLTM002',
          `The register already has an entry \`${newKey}\`; renaming \`${entry.id}\` onto it would duplicate the key. Merge or delete one of them first.`,
          register.byId.get(newKey)?.keyRange ?? entry.keyRange,
        ),
      );
      continue;
    }
    const oldThreat = oldThreats.get(entry.id);
    const newThreat = newThreats.get(newKey);
    const m = entry.machine;
    const carry = (fingerprint: string | undefined) =>
      oldThreat && newThreat && fingerprintMatches(fingerprint, oldThreat)
        ? newThreat.fingerprint
        : fingerprint;
    const machine: MachineState = {
      ...m,
      ...(m.fingerprint !== undefined && { fingerprint: carry(m.fingerprint) }),
      ...(m.decidedFingerprint !== undefined && {
        decidedFingerprint: carry(m.decidedFingerprint),
      }),
    };
    const newElement =
      element !== undefined && entry.element !== undefined ? element : entry.element;
    const changed =
      element !== undefined ||
      machine.fingerprint !== m.fingerprint ||
      machine.decidedFingerprint !== m.decidedFingerprint;
    if (!changed) continue;
    if (element !== undefined) {
      edits.push({ range: entry.keyRange, newText: yamlScalar(newKey) });
      const range = value(`${entry.pointer}/element`);
      if (range && entry.element !== undefined) edits.push({ range, newText: yamlScalar(element) });
    }
    const set = (key: string, before: string | undefined, now: string | undefined) => {
      const range = value(`${entry.pointer}/machine/${key}`);
      if (range && now !== undefined && now !== before)
        edits.push({ range, newText: yamlScalar(now) });
    };
    set('fingerprint', m.fingerprint, machine.fingerprint);
    set('decided_fingerprint', m.decidedFingerprint, machine.decidedFingerprint);
    // Restamp only a checksum that was valid: a hand-edited entry stays flagged as such.
    if (m.checksum !== undefined && machineChecksumMatches(m.checksum, entry)) {
      set(
        'checksum',
        m.checksum,
        machineChecksum({
          ...entry,
          ...(newElement !== undefined && { element: newElement }),
          machine,
        }),
      );
    }
  }
  return { edits, problems };
}

export type RenameResult =
  | {
      readonly ok: true;
      readonly kind: RenameKind;
      readonly modelText: string;
      readonly modelEdits: readonly TextEdit[];
      /** Undefined when there is no register. */
      readonly registerText?: string;
      readonly registerEdits: readonly TextEdit[];
      readonly renamedElements: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly file: 'model' | 'register'; readonly problems: Problem[] };

/**
 * The whole refactor on texts: plans the model edits, checks the renamed model is still valid,
 * and plans the register edits against analyses of both versions. `analyze` is the caller's
 * analysis (with its custom rule packs), so fingerprints match what sync computes.
 */
export function renameRefactor(input: {
  readonly modelText: string;
  readonly registerText?: string;
  readonly register?: ThreatRegister;
  readonly oldId: string;
  readonly newId: string;
  readonly analyze: (text: string) => Analysis;
}): RenameResult {
  const before = input.analyze(input.modelText);
  if (before.status !== 'loaded')
    return {
      ok: false,
      file: 'model',
      problems: before.problems.filter((p) => p.severity === 'error'),
    };
  const { plan, problems } = planRename(input.modelText, before.model, input.oldId, input.newId);
  if (!plan) return { ok: false, file: 'model', problems };
  const modelText = applyEdits(input.modelText, plan.modelEdits);
  const after = input.analyze(modelText);
  const errorsBefore = new Set(
    before.problems.filter((p) => p.severity === 'error').map((p) => p.code + p.message),
  );
  const newErrors = after.problems.filter(
    (p) => p.severity === 'error' && !errorsBefore.has(p.code + p.message),
  );
  if (after.status !== 'loaded' || newErrors.length > 0) {
    const first = newErrors[0];
    return {
      ok: false,
      file: 'model',
      problems: [
        problem(
          'MLTM107',
          `Renaming \`${input.oldId}\` to \`${input.newId}\` would break the model${first ? `: ${first.message}` : ''}. Nothing was changed.`,
          before.model.components.find((c) => c.id === input.oldId)?.idRange ?? NOWHERE,
        ),
      ],
    };
  }
  if (input.registerText === undefined || !input.register) {
    return {
      ok: true,
      kind: plan.kind,
      modelText,
      modelEdits: plan.modelEdits,
      registerEdits: [],
      renamedElements: plan.renamedElements,
    };
  }
  const register = planRegisterRename(input.register, plan.renamedElements, before, after);
  if (register.problems.length > 0)
    return { ok: false, file: 'register', problems: register.problems };
  const registerText = applyEdits(input.registerText, register.edits);
  return {
    ok: true,
    kind: plan.kind,
    modelText,
    modelEdits: plan.modelEdits,
    registerText,
    registerEdits: register.edits,
    renamedElements: plan.renamedElements,
  };
}

/**
 * Drift: where a model and the pipeline's files disagree (`mltm import <files> --compare <model>`,
 * and the extension's diagnostics). Pure: the caller drafts from the evidence (`importEvidence`)
 * and says which `x-source` files exist.
 *
 * The contract it reads is what `mltm import` writes: `x-source: path:line` on an element (the
 * file it was drafted from, relative to the model's folder) and `x-evidence: { control: path:line }`
 * on a component or flow. A model element matches a drafted one by id, or by `x-source` naming the
 * same file and line. Four findings, each located in the model and in the evidence file:
 * - MLTM510: a control the model claims that a file contradicts (mtls vs a PERMISSIVE policy);
 * - MLTM511: an element of the files that is not in the model;
 * - MLTM512: a model element whose `x-source` file no longer exists, or no longer describes it;
 * - MLTM513: a control whose `x-evidence` file no longer proves it.
 */
import { pointer } from '../parse/pointer';
import { readYaml } from '../parse/source';
import { problem, type Problem, type SourceRange } from '../problems';
import type { DraftBuilder, DraftComponent, FileProblem } from './draft';
import { asRecord, formatSourceRef, isRecord } from './evidence';

export const DRIFT_CODES: ReadonlySet<string> = new Set([
  'MLTM510',
  'MLTM511',
  'MLTM512',
  'MLTM513',
]);

export interface DriftInput {
  readonly draft: DraftBuilder;
  /** The model file as shown (the primary file of problems located in it). */
  readonly modelFile: string;
  readonly modelText: string;
  /** Evidence files that were read, as the draft names them. */
  readonly evidenceFiles: ReadonlySet<string>;
  /** Whether a path named by `x-source` (relative to the model's folder) exists. */
  readonly sourceExists: (path: string) => boolean;
}

/** `path:line` → its parts (the line is optional). */
export function parseSourceRef(value: string): { file: string; line?: number } {
  const match = /^(.*?):(\d+)$/.exec(value);
  return match ? { file: match[1] as string, line: Number(match[2]) } : { file: value };
}

interface ModelElement {
  readonly id: string;
  readonly pointer: string;
  readonly value: Record<string, unknown>;
}

/**
 * The files a model's `x-source` and `x-evidence` name (relative to the model's folder), so the
 * caller can say which exist before `compareWithEvidence` asks.
 */
export function referencedFiles(modelText: string): string[] {
  const root = asRecord(readYaml(modelText, 'model').value);
  const out = new Set<string>();
  const visit = (value: unknown) => {
    const v = asRecord(value);
    if (typeof v['x-source'] === 'string') out.add(parseSourceRef(v['x-source']).file);
    for (const at of Object.values(asRecord(v['x-evidence'])))
      if (typeof at === 'string') out.add(parseSourceRef(at).file);
  };
  for (const key of ['components', 'boundaries', 'data'])
    Object.values(asRecord(root[key])).forEach(visit);
  if (Array.isArray(root['flows'])) root['flows'].forEach(visit);
  return [...out].sort();
}

/** Drift findings, sorted by file and position. */
export function compareWithEvidence(input: DriftInput): FileProblem[] {
  const read = readYaml(input.modelText, 'model');
  const out: FileProblem[] = [];
  const root = asRecord(read.value);
  const map = read.sourceMap;
  const keyRange = (p: string): SourceRange => {
    const entry = map.get(p);
    return entry?.key ?? entry?.value ?? { start: 0, end: 0 };
  };
  const valueRange = (p: string): SourceRange => map.get(p)?.value ?? keyRange(p);
  const inModel = (
    range: SourceRange,
    code: Parameters<typeof problem>[0],
    message: string,
    related?: Problem['related'],
  ) =>
    out.push({
      file: input.modelFile,
      problem: problem(code, message, range, related ? { related } : {}),
    });

  const components: ModelElement[] = Object.entries(asRecord(root['components'])).map(
    ([id, value]) => ({
      id,
      pointer: pointer('components', id),
      value: asRecord(value),
    }),
  );
  const sourceOf = (e: ModelElement) =>
    typeof e.value['x-source'] === 'string' ? e.value['x-source'] : undefined;
  const drafted = [...input.draft.components.values()];
  const match = (e: ModelElement): DraftComponent | undefined =>
    input.draft.components.get(e.id) ??
    drafted.find((d) => sourceOf(e) === formatSourceRef(d.source));
  const matched = new Set<string>();
  for (const e of components) {
    const d = match(e);
    if (d) matched.add(d.id);
  }

  // MLTM510: claimed controls a file contradicts.
  for (const c of input.draft.contradictions) {
    for (const e of components) {
      if (match(e)?.id !== c.component) continue;
      const controls = Array.isArray(e.value['controls']) ? e.value['controls'] : [];
      const index = controls.indexOf(c.control);
      if (index < 0) continue;
      inModel(
        valueRange(`${e.pointer}/controls/${index}`),
        'MLTM510',
        `\`${e.id}\` claims \`${c.control}\`, but ${c.reason} (${formatSourceRef(c.ref)}).`,
        [{ message: `${c.reason}`, range: c.ref.range, file: c.ref.file }],
      );
    }
  }

  // MLTM511: drafted elements missing from the model.
  const componentsKey = map.get('/components')?.key ?? { start: 0, end: 0 };
  for (const d of drafted) {
    if (matched.has(d.id)) continue;
    out.push({
      file: d.source.file,
      problem: problem(
        'MLTM511',
        `${d.description ?? `\`${d.id}\``} is not in ${input.modelFile} (no component \`${d.id}\`, none with \`x-source: ${formatSourceRef(d.source)}\`).`,
        d.source.range,
        {
          related: [
            { message: "the model's components", range: componentsKey, file: input.modelFile },
          ],
        },
      ),
    });
  }

  // MLTM512 / MLTM513: sources and evidence the files no longer back.
  const elements: ModelElement[] = [
    ...components,
    ...Object.entries(asRecord(root['boundaries'])).map(([id, v]) => ({
      id,
      pointer: pointer('boundaries', id),
      value: asRecord(v),
    })),
    ...Object.entries(asRecord(root['data'])).map(([id, v]) => ({
      id,
      pointer: pointer('data', id),
      value: asRecord(v),
    })),
    ...(Array.isArray(root['flows']) ? root['flows'] : []).map((v, i) => ({
      id:
        typeof asRecord(v)['id'] === 'string'
          ? String(asRecord(v)['id'])
          : `${String(asRecord(v)['from'])}->${String(asRecord(v)['to'])}`,
      pointer: pointer('flows', i),
      value: asRecord(v),
    })),
  ];
  for (const e of elements) {
    const source = sourceOf(e);
    if (source === undefined) continue;
    const { file } = parseSourceRef(source);
    if (!input.sourceExists(file))
      inModel(
        valueRange(`${e.pointer}/x-source`),
        'MLTM512',
        `\`${e.id}\` was drafted from \`${file}\`, which no longer exists.`,
      );
    else if (e.pointer.startsWith('/components/') && input.evidenceFiles.has(file) && !match(e))
      inModel(
        valueRange(`${e.pointer}/x-source`),
        'MLTM512',
        `\`${e.id}\` was drafted from \`${file}\`, which no longer describes it.`,
        [{ message: 'the file it was drafted from', range: { start: 0, end: 0 }, file }],
      );
    if (!isRecord(e.value['x-evidence']) || !e.pointer.startsWith('/components/')) continue;
    const d = match(e);
    for (const [control, at] of Object.entries(e.value['x-evidence'])) {
      if (typeof at !== 'string') continue;
      const evidence = parseSourceRef(at).file;
      const stillProven = d?.controls.has(control) === true;
      const contradicted = input.draft.contradictions.some(
        (c) => c.component === d?.id && c.control === control,
      );
      if (stillProven || contradicted) continue;
      if (!input.sourceExists(evidence))
        inModel(
          valueRange(`${e.pointer}/x-evidence/${control}`),
          'MLTM513',
          `\`${e.id}\` claims \`${control}\` from \`${evidence}\`, which no longer exists.`,
        );
      else if (input.evidenceFiles.has(evidence))
        inModel(
          valueRange(`${e.pointer}/x-evidence/${control}`),
          'MLTM513',
          `\`${e.id}\` claims \`${control}\` from \`${at}\`, but that file no longer proves it.`,
          [{ message: 'the evidence file', range: { start: 0, end: 0 }, file: evidence }],
        );
    }
  }
  return out.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.problem.range.start - b.problem.range.start,
  );
}

/**
 * Loading a pipeline model: text → located problems + a typed model. Three layers, each only
 * reporting what the previous could not: reading (syntax, hostile input), the JSON Schema
 * (shape, vocabularies), then semantics (references, cycles, duplicates) in `semantic.ts`.
 *
 * The model is built leniently: an element with a bad field is kept when it can be, so one typo
 * does not make every other finding disappear while the user is typing.
 */
import pipelineSchema from '../../../schemas/pipeline.schema.json';
import { compareProblems, problem, type Problem } from '../problems';
import {
  DEFAULT_READ_LIMITS,
  pointer,
  readYaml,
  type ReadLimits,
  type SourceMap,
} from '../parse/source';
import { checkAgainstSchema, type SchemaWording } from './schemaCheck';
import { checkSemantics } from './semantic';
import {
  defaultFlowId,
  type Boundary,
  type Component,
  type DataItem,
  type Flow,
  type PipelineModel,
} from './types';
import {
  CLASSIFICATION_ORDER,
  CONTROL_KINDS,
  CROWN_JEWEL_GOALS,
  EXPOSURES,
  TRUST_ORDER,
  isCustomName,
  type Classification,
  type CrownJewelGoal,
  type Exposure,
  type TrustLevel,
} from './vocabulary';

/** The format version this build reads and writes. */
export const MODEL_FORMAT_VERSION = 1;

export interface LoadResult {
  /** Present unless the file could not be read as a model at all. */
  readonly model?: PipelineModel;
  /** Every problem, sorted by position. */
  readonly problems: Problem[];
}

export interface LoadOptions {
  readonly limits?: ReadLimits;
}

function decode(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Describes schema locations in the words of the model format. */
export const MODEL_WORDING: SchemaWording = {
  describe(path) {
    const [section, key, field, ...rest] = path.slice(1).split('/').map(decode);
    if (!section) return 'the model';
    const element = (() => {
      switch (section) {
        case 'components':
          return key === undefined ? 'the `components` section' : `component \`${key}\``;
        case 'boundaries':
          return key === undefined ? 'the `boundaries` section' : `boundary \`${key}\``;
        case 'data':
          return key === undefined ? 'the `data` section' : `data \`${key}\``;
        case 'flows':
          // Not "the `flows` list": the problem may be that it is not a list.
          return key === undefined ? 'the `flows` section' : `flow #${Number(key) + 1}`;
        default:
          return `\`${section}\``;
      }
    })();
    if (field === undefined) return element;
    if (rest.length > 0) return `the \`${field}\` list of ${element}`;
    return `\`${field}\` of ${element}`;
  },
  enumNoun(path) {
    if (/\/controls\/\d+$/.test(path)) return 'control kind';
    if (/^\/components\/[^/]+\/kind$/.test(path)) return 'component kind';
    if (path.endsWith('/trust')) return 'trust level';
    if (path.endsWith('/classification')) return 'classification';
    if (path.endsWith('/exposure')) return 'exposure';
    if (path.endsWith('/crown_jewel')) return 'crown-jewel goal';
    if (/^\/data\/[^/]+\/kind$/.test(path)) return 'data kind';
    return 'value';
  },
  enumCode(path) {
    if (/\/controls\/\d+$/.test(path)) return 'MLTM105';
    if (/^\/components\/[^/]+\/kind$/.test(path)) return 'MLTM104';
    return 'MLTM106';
  },
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The goal of a `crown_jewel:` value, as a list (empty when absent; an unknown goal was reported). */
function crownJewelGoals(value: unknown): CrownJewelGoal[] {
  return CROWN_JEWEL_GOALS.filter((goal) => goal === value);
}

/** Parses and validates a model. Never throws on any input. */
export function loadModel(text: string, options: LoadOptions = {}): LoadResult {
  const read = readYaml(text, 'model', options.limits ?? DEFAULT_READ_LIMITS);
  if (read.value === undefined) return { problems: read.problems.sort(compareProblems) };
  const problems = [...read.problems];
  const root = read.value;
  const sourceMap = read.sourceMap;
  if (!isRecord(root)) {
    problems.push(
      problem(
        'MLTM011',
        'A model is a YAML mapping that starts with `mltm: 1`; this file holds ' +
          (Array.isArray(root) ? 'a list.' : 'a single value.'),
        sourceMap.get('')?.value ?? { start: 0, end: 0 },
      ),
    );
    return { problems: problems.sort(compareProblems) };
  }
  const versionProblem = checkVersion(root, sourceMap);
  if (versionProblem) return { problems: [...problems, versionProblem].sort(compareProblems) };

  problems.push(
    ...checkAgainstSchema(
      root,
      pipelineSchema as Record<string, unknown>,
      sourceMap,
      MODEL_WORDING,
    ),
  );
  const model = buildModel(root, sourceMap);
  problems.push(...checkSemantics(model));
  return { model, problems: problems.sort(compareProblems) };
}

function checkVersion(root: Record<string, unknown>, sourceMap: SourceMap): Problem | undefined {
  const version = root['mltm'];
  if (version === undefined) {
    const hint =
      'name' in root || 'components' in root
        ? ' Add `mltm: 1` as the first line.'
        : ' Is this an mltm model?';
    return problem(
      'MLTM008',
      `The model does not say its format version (\`mltm: 1\`).${hint}`,
      { start: 0, end: 0 },
      { fix: { range: { start: 0, end: 0 }, replacement: 'mltm: 1\n', title: 'Add `mltm: 1`' } },
    );
  }
  if (version === MODEL_FORMAT_VERSION) return undefined;
  const range = sourceMap.get('/mltm')?.value ?? { start: 0, end: 0 };
  if (typeof version === 'number' && version > MODEL_FORMAT_VERSION) {
    return problem(
      'MLTM008',
      `This model uses format version ${version}; this mltm reads version ${MODEL_FORMAT_VERSION}. Update mltm to read it.`,
      range,
    );
  }
  return problem(
    'MLTM008',
    `Unsupported format version ${JSON.stringify(version)}; the only version is ${MODEL_FORMAT_VERSION} (\`mltm: 1\`).`,
    range,
  );
}

function location(sourceMap: SourceMap, path: string) {
  const entry = sourceMap.get(path);
  const range = entry?.value ?? { start: 0, end: 0 };
  return { idRange: entry?.key ?? range, range, pointer: path };
}

const known = (values: readonly string[]) => (value: string) =>
  values.includes(value) || isCustomName(value);
const isKnownControl = known(CONTROL_KINDS.values);

/** Builds the typed model from the plain value, keeping every element whose essentials are valid. */
function buildModel(root: Record<string, unknown>, sourceMap: SourceMap): PipelineModel {
  const boundaries: Boundary[] = [];
  for (const [id, raw] of Object.entries(isRecord(root['boundaries']) ? root['boundaries'] : {})) {
    if (!isRecord(raw)) continue;
    const trust = str(raw['trust']);
    boundaries.push({
      ...location(sourceMap, pointer('boundaries', id)),
      id,
      name: str(raw['name']) ?? id,
      ...(str(raw['description']) !== undefined && { description: str(raw['description']) }),
      // An unknown trust level was reported; "untrusted" keeps analysis on the safe side.
      trust: TRUST_ORDER.includes(trust as TrustLevel) ? (trust as TrustLevel) : 'untrusted',
      ...(str(raw['parent']) !== undefined && { parent: str(raw['parent']) }),
    });
  }
  const data: DataItem[] = [];
  for (const [id, raw] of Object.entries(isRecord(root['data']) ? root['data'] : {})) {
    if (!isRecord(raw)) continue;
    const classification = str(raw['classification']);
    data.push({
      ...location(sourceMap, pointer('data', id)),
      id,
      name: str(raw['name']) ?? id,
      ...(str(raw['description']) !== undefined && { description: str(raw['description']) }),
      ...(str(raw['kind']) !== undefined && { kind: str(raw['kind']) }),
      // An unknown classification was reported; "restricted" keeps analysis on the safe side.
      classification: CLASSIFICATION_ORDER.includes(classification as Classification)
        ? (classification as Classification)
        : 'restricted',
      pii: raw['pii'] === true,
      crownJewel: crownJewelGoals(raw['crown_jewel']),
    });
  }
  const components: Component[] = [];
  for (const [id, value] of Object.entries(
    isRecord(root['components']) ? root['components'] : {},
  )) {
    // A component that is not a mapping yet (`scorer:` while typing) or has no `kind` was
    // reported by the schema; it stays, with an empty kind, so flows that name it still resolve
    // instead of also being reported as going to an unknown component.
    const raw = isRecord(value) ? value : {};
    // An unknown kind was reported too; it is analysed with the generic rules only.
    const kind = str(raw['kind']) ?? '';
    const exposure = str(raw['exposure']);
    components.push({
      ...location(sourceMap, pointer('components', id)),
      id,
      kind,
      name: str(raw['name']) ?? id,
      ...(str(raw['description']) !== undefined && { description: str(raw['description']) }),
      ...(str(raw['boundary']) !== undefined && { boundary: str(raw['boundary']) }),
      ...(str(raw['tech']) !== undefined && { tech: str(raw['tech']) }),
      ...(EXPOSURES.values.includes(exposure ?? '') && { exposure: exposure as Exposure }),
      ...(str(raw['owner']) !== undefined && { owner: str(raw['owner']) }),
      data: strings(raw['data']),
      controls: unique(strings(raw['controls']).filter(isKnownControl)),
      crownJewel: crownJewelGoals(raw['crown_jewel']),
    });
  }
  const flows: Flow[] = [];
  const rawFlows = Array.isArray(root['flows']) ? root['flows'] : [];
  rawFlows.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const from = str(raw['from']);
    const to = str(raw['to']);
    if (from === undefined || to === undefined) return;
    const path = pointer('flows', index);
    const explicitId = str(raw['id']);
    const entry = sourceMap.get(path);
    const range = entry?.value ?? { start: 0, end: 0 };
    flows.push({
      id: explicitId ?? defaultFlowId(from, to),
      idExplicit: explicitId !== undefined,
      idRange: explicitId !== undefined ? (sourceMap.get(`${path}/id`)?.value ?? range) : range,
      range,
      pointer: path,
      ...(str(raw['name']) !== undefined && { name: str(raw['name']) }),
      ...(str(raw['description']) !== undefined && { description: str(raw['description']) }),
      from,
      to,
      data: strings(raw['data']),
      ...(str(raw['protocol']) !== undefined && { protocol: str(raw['protocol']) }),
      bidirectional: raw['bidirectional'] === true,
      controls: unique(strings(raw['controls']).filter(isKnownControl)),
      index,
    });
  });
  return {
    version: 1,
    name: str(root['name']) ?? '(unnamed model)',
    ...(str(root['description']) !== undefined && { description: str(root['description']) }),
    boundaries,
    data,
    components,
    flows,
    sourceMap,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The threat register (`<model>.threats.yaml`, DESIGN §1.2): the team's decisions about each
 * threat, keyed by the stable id `<rule-id>@<element-id>`. This module loads a register with
 * located problems and checks it against an analysis (triage problems). Writing is in `sync.ts`.
 *
 * Human fields (status, owner, justification, ticket, review_by, notes, `x-` keys) belong to
 * people: mltm reads them and never rewrites them. Machine fields (title, element, stride,
 * atlas, severity and everything under `machine`) are kept by sync; a checksum tells when a
 * person edited them by hand.
 *
 * A register may also hold `paths:`, decisions about attack paths keyed by path id
 * (`path-<16 hex>`, as `mltm plan` lists them). Only paths a person decided on have entries (a
 * triage writes them; sync refreshes, never adds them); their checks against the model are in
 * `pathEntries.ts`, which needs the decision layer.
 */
import type { Document } from 'yaml';
import registerSchema from '../../../schemas/register.schema.json';
import type { LoadedAnalysis } from '../analysis';
import { checkAgainstSchema, type SchemaWording } from '../model/schemaCheck';
import { pointer, readYaml, REGISTER_READ_LIMITS, type SourceMap } from '../parse/source';
import { compareProblems, problem, type Problem, type SourceRange } from '../problems';
import { fingerprintMatches, machineChecksumMatches, pathMachineChecksumMatches } from '../hashes';
import { withMerged } from '../rules/evaluate';
import { isCalendarDate } from '../util/date';
import { didYouMean } from '../util/suggest';

export const REGISTER_FORMAT_VERSION = 1;

export { registerFileNameFor } from '../workspace/naming';

export type ThreatStatus = 'open' | 'mitigated' | 'accepted' | 'transferred' | 'not_applicable';
export const STATUSES: readonly ThreatStatus[] = [
  'open',
  'mitigated',
  'accepted',
  'transferred',
  'not_applicable',
];
/** Statuses that are decisions; those with a justification requirement are in {@link NEEDS_JUSTIFICATION}. */
export const DECISIONS: ReadonlySet<ThreatStatus> = new Set([
  'mitigated',
  'accepted',
  'transferred',
  'not_applicable',
]);
export const NEEDS_JUSTIFICATION: ReadonlySet<ThreatStatus> = new Set([
  'accepted',
  'transferred',
  'not_applicable',
]);

/** Keys people own; sync never writes them (except through an explicit triage action). */
export const HUMAN_FIELDS = [
  'status',
  'owner',
  'justification',
  'ticket',
  'review_by',
  'notes',
] as const;
/**
 * The fields people own besides `status`, as code names them (the same in a threat's and a path's
 * entry, an OTM decision and a triage change).
 */
export interface DecisionFields {
  readonly owner?: string;
  readonly justification?: string;
  readonly ticket?: string;
  readonly reviewBy?: string;
  readonly notes?: string;
}

/** The human fields of an entry as loaded. */
export interface HumanFields extends DecisionFields {
  /** The status as written; `open` when absent. An unknown value is reported and kept. */
  readonly status: string;
}

/**
 * Each field of {@link DecisionFields} by its key in the register file, in file order: the one
 * mapping the register's readers and triage's writer share.
 */
export const DECISION_FIELD_KEYS: readonly (readonly [
  key: (typeof HUMAN_FIELDS)[number],
  name: keyof DecisionFields,
])[] = [
  ['owner', 'owner'],
  ['justification', 'justification'],
  ['ticket', 'ticket'],
  ['review_by', 'reviewBy'],
  ['notes', 'notes'],
];

/** Keys sync keeps at the top of an entry. */
export const MACHINE_FIELDS = ['title', 'element', 'stride', 'atlas', 'severity'] as const;

export interface MachineState {
  readonly fingerprint?: string;
  readonly missingControls?: readonly string[];
  readonly decidedStatus?: string;
  readonly decidedFingerprint?: string;
  /** Set by sync when the element changed since the decision was recorded. */
  readonly needsReview?: boolean;
  readonly firstSeen?: string;
  readonly stale: boolean;
  readonly staleSince?: string;
  readonly checksum?: string;
}

export interface RegisterEntry extends HumanFields {
  readonly id: string;
  readonly ruleId: string;
  readonly elementId: string;
  readonly keyRange: SourceRange;
  readonly range: SourceRange;
  readonly pointer: string;
  readonly title?: string;
  readonly element?: string;
  readonly stride?: readonly string[];
  readonly atlas?: readonly string[];
  readonly severity?: string;
  readonly machine: MachineState;
}

/** The decisions a person can record about an attack path. */
export type PathStatus = 'open' | 'mitigated' | 'accepted' | 'not_applicable';
export const PATH_STATUSES: readonly PathStatus[] = [
  'open',
  'mitigated',
  'accepted',
  'not_applicable',
];

/** Keys sync keeps at the top of a path entry (what the path is). */
export const PATH_MACHINE_FIELDS = ['kind', 'entry', 'target', 'goal', 'elements'] as const;

/** The machine state of a path entry: a threat entry's, without missing controls. */
export type PathMachineState = Omit<MachineState, 'missingControls'>;

/** One entry of `paths:`: a person's decision about one attack path. */
export interface PathEntry extends HumanFields {
  readonly id: string;
  readonly keyRange: SourceRange;
  readonly range: SourceRange;
  readonly pointer: string;
  readonly kind?: string;
  readonly entry?: string;
  readonly target?: string;
  readonly goal?: string;
  /** The path's components and flows, entry first (as sync recorded them). */
  readonly elements?: readonly string[];
  readonly machine: PathMachineState;
}

export interface ThreatRegister {
  readonly model?: string;
  /** In file order. */
  readonly entries: readonly RegisterEntry[];
  readonly byId: ReadonlyMap<string, RegisterEntry>;
  /** Attack-path decisions (`paths:`), in file order; empty when the register has none. */
  readonly paths: readonly PathEntry[];
  readonly pathsById: ReadonlyMap<string, PathEntry>;
  readonly sourceMap: SourceMap;
  /** The register as plain values (what the text says), for sync's no-change check. */
  readonly value: Readonly<Record<string, unknown>>;
  /** The parsed document, when loaded with `{ document: true }` (for writers that edit it). */
  readonly document?: Document.Parsed;
}

export interface RegisterLoadResult {
  readonly register?: ThreatRegister;
  readonly problems: Problem[];
  /**
   * Whether sync may write over this file: false when it does not parse, holds conflict markers
   * or duplicate keys, or is not shaped like a register — writing would lose what people wrote.
   */
  readonly writable: boolean;
}

const REGISTER_WORDING: SchemaWording = {
  describe(path) {
    const [section, key, field, ...rest] = path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (!section) return 'the register';
    if ((section !== 'threats' && section !== 'paths') || key === undefined)
      return `\`${section}\``;
    const entry = `${section === 'paths' ? 'path entry' : 'entry'} \`${key}\``;
    if (field === undefined) return entry;
    return rest.length > 0
      ? `\`${field}.${rest.join('.')}\` of ${entry}`
      : `\`${field}\` of ${entry}`;
  },
  enumNoun(path) {
    if (path.endsWith('/status')) return 'status';
    if (path.endsWith('/severity')) return 'severity';
    return 'value';
  },
  enumCode() {
    return 'MLTM106';
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map((x) => String(x)) : undefined;

/** The `machine` map of an entry (threat or path) as typed state; absent keys stay absent. */
function machineStateOf(value: unknown): MachineState {
  const machineRaw = isRecord(value) ? value : {};
  return {
    ...(str(machineRaw['fingerprint']) !== undefined && {
      fingerprint: str(machineRaw['fingerprint']),
    }),
    ...(strList(machineRaw['missing_controls']) !== undefined && {
      missingControls: strList(machineRaw['missing_controls']),
    }),
    ...(str(machineRaw['decided_status']) !== undefined && {
      decidedStatus: str(machineRaw['decided_status']),
    }),
    ...(str(machineRaw['decided_fingerprint']) !== undefined && {
      decidedFingerprint: str(machineRaw['decided_fingerprint']),
    }),
    ...(machineRaw['needs_review'] === true && { needsReview: true }),
    ...(str(machineRaw['first_seen']) !== undefined && {
      firstSeen: str(machineRaw['first_seen']),
    }),
    stale: machineRaw['stale'] === true,
    ...(str(machineRaw['stale_since']) !== undefined && {
      staleSince: str(machineRaw['stale_since']),
    }),
    ...(str(machineRaw['checksum']) !== undefined && { checksum: str(machineRaw['checksum']) }),
  };
}

/**
 * A register's `model:` path in one form: `/` separators, `.` and `x/..` segments resolved, so
 * `./m.mltm.yaml` and `m.mltm.yaml` name the same model (the one answer for sync and check).
 */
export function normaliseModelPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('\\').join('/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return (path.startsWith('/') ? '/' : '') + out.join('/');
}

/** Whether a register's `model:` names the model file `modelFile`. */
export function sameModelPath(model: string, modelFile: string): boolean {
  return normaliseModelPath(model) === normaliseModelPath(modelFile);
}

/** Splits a threat id `<rule-id>@<element-id>` (neither part may contain `@`). */
export function splitThreatId(id: string): { ruleId: string; elementId: string } | undefined {
  const at = id.indexOf('@');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { ruleId: id.slice(0, at), elementId: id.slice(at + 1) };
}

/**
 * The {@link DecisionFields} written in a raw entry (a register's, or an OTM file's decision),
 * each read by `text` (by default a string, or a number as written); absent ones stay absent.
 */
export function decisionFieldsOf(
  raw: Readonly<Record<string, unknown>>,
  text: (value: unknown) => string | undefined = str,
): DecisionFields {
  const fields: { -readonly [K in keyof DecisionFields]: DecisionFields[K] } = {};
  for (const [key, name] of DECISION_FIELD_KEYS) {
    const value = text(raw[key]);
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/** The human fields of a threat or path entry, as loaded: one reader for both kinds of entry. */
function humanFieldsOf(raw: Record<string, unknown>): HumanFields {
  return { status: str(raw['status']) ?? 'open', ...decisionFieldsOf(raw) };
}

/** Where one entry of a section (`threats:` or `paths:`) is, and what it holds. */
interface LocatedEntry {
  readonly id: string;
  readonly raw: Record<string, unknown>;
  readonly keyRange: SourceRange;
  readonly range: SourceRange;
  readonly pointer: string;
}

/** The entries of a section of a loaded register that are mappings, in file order, located. */
function* sectionEntries(
  root: Record<string, unknown>,
  section: 'threats' | 'paths',
  sourceMap: SourceMap,
): Generator<LocatedEntry> {
  const entries = root[section];
  for (const [id, raw] of Object.entries(isRecord(entries) ? entries : {})) {
    if (!isRecord(raw)) continue;
    const path = pointer(section, id);
    const located = sourceMap.get(path);
    const keyRange = located?.key ?? { start: 0, end: 0 };
    yield { id, raw, keyRange, range: located?.value ?? keyRange, pointer: path };
  }
}

/**
 * Loads a register. Never throws, never writes. `document: true` keeps the `yaml` library's
 * document for a writer (sync edits it in place); readers skip building it.
 */
export function loadRegister(
  text: string,
  options: { readonly document?: boolean } = {},
): RegisterLoadResult {
  const read = readYaml(text, 'threat register', REGISTER_READ_LIMITS, {
    document: options.document === true,
  });
  if (read.value === undefined)
    return { problems: read.problems.sort(compareProblems), writable: false };
  const problems = [...read.problems];
  const root = read.value;
  if (!isRecord(root)) {
    problems.push(
      problem(
        'MLTM011',
        'A threat register is a YAML mapping that starts with `mltm-register: 1`.',
        read.sourceMap.get('')?.value ?? { start: 0, end: 0 },
      ),
    );
    return { problems, writable: false };
  }
  const version = root['mltm-register'];
  if (version !== REGISTER_FORMAT_VERSION) {
    const range = read.sourceMap.get('/mltm-register')?.value ?? { start: 0, end: 0 };
    problems.push(
      problem(
        'MLTM008',
        version === undefined
          ? 'The register does not say its format version; add `mltm-register: 1` as the first line.'
          : typeof version === 'number' && version > REGISTER_FORMAT_VERSION
            ? `This register uses format version ${version}; this mltm reads version ${REGISTER_FORMAT_VERSION}. Update mltm.`
            : `Unsupported register format version ${JSON.stringify(version)}; the only version is ${REGISTER_FORMAT_VERSION}.`,
        range,
      ),
    );
    return { problems: problems.sort(compareProblems), writable: false };
  }
  const shapeOk =
    (root['threats'] === undefined || root['threats'] === null || isRecord(root['threats'])) &&
    (root['paths'] === undefined || root['paths'] === null || isRecord(root['paths']));
  problems.push(
    ...checkAgainstSchema(
      root,
      registerSchema as Record<string, unknown>,
      read.sourceMap,
      REGISTER_WORDING,
    ),
  );

  const entries: RegisterEntry[] = [];
  for (const { raw, ...located } of sectionEntries(root, 'threats', read.sourceMap)) {
    const split = splitThreatId(located.id);
    if (!split) continue;
    entries.push({
      ...located,
      ...split,
      ...(str(raw['title']) !== undefined && { title: str(raw['title']) }),
      ...(str(raw['element']) !== undefined && { element: str(raw['element']) }),
      ...(strList(raw['stride']) !== undefined && { stride: strList(raw['stride']) }),
      ...(strList(raw['atlas']) !== undefined && { atlas: strList(raw['atlas']) }),
      ...(str(raw['severity']) !== undefined && { severity: str(raw['severity']) }),
      ...humanFieldsOf(raw),
      machine: machineStateOf(raw['machine']),
    });
  }
  const paths: PathEntry[] = [];
  for (const { raw, ...located } of sectionEntries(root, 'paths', read.sourceMap)) {
    const { missingControls: _none, ...machine } = machineStateOf(raw['machine']);
    paths.push({
      ...located,
      ...(str(raw['kind']) !== undefined && { kind: str(raw['kind']) }),
      ...(str(raw['entry']) !== undefined && { entry: str(raw['entry']) }),
      ...(str(raw['target']) !== undefined && { target: str(raw['target']) }),
      ...(str(raw['goal']) !== undefined && { goal: str(raw['goal']) }),
      ...(strList(raw['elements']) !== undefined && { elements: strList(raw['elements']) }),
      ...humanFieldsOf(raw),
      machine,
    });
  }
  const register: ThreatRegister = {
    ...(str(root['model']) !== undefined && { model: str(root['model']) }),
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    paths,
    pathsById: new Map(paths.map((e) => [e.id, e])),
    sourceMap: read.sourceMap,
    value: root,
    ...(read.document && { document: read.document }),
  };
  // Any error (syntax, duplicate key, unknown status, wrong type, unknown field) blocks writing:
  // sync would otherwise have to guess what the person meant, and could rewrite their text.
  const blocking = problems.some((p) => p.severity === 'error');
  return { register, problems: problems.sort(compareProblems), writable: !blocking && shapeOk };
}

/**
 * Whether a person edited the fields mltm keeps in a threat or path entry: it has a checksum and
 * the fields no longer match it (the checksums read only the kept fields, by name).
 */
export function keptFieldsEdited(entry: RegisterEntry | PathEntry, kind: EntryKind): boolean {
  const recorded = entry.machine.checksum;
  if (recorded === undefined) return false;
  return kind === 'path'
    ? !pathMachineChecksumMatches(recorded, entry as PathEntry)
    : !machineChecksumMatches(recorded, entry as RegisterEntry);
}

/** Which section an entry is in: `threats:` or `paths:`. */
export type EntryKind = 'threat' | 'path';

/**
 * The problem (MLTM308) for an entry whose kept fields a person edited ({@link keptFieldsEdited}):
 * for `sync`, a refusal located at `machine` (sync would overwrite the edit); for `check`, a
 * warning at the entry's key (sync will restore the fields).
 */
export function keptFieldsEditedProblem(
  register: ThreatRegister,
  entry: RegisterEntry | PathEntry,
  kind: EntryKind,
  by: 'sync' | 'check',
): Problem {
  const kept = [...(kind === 'path' ? PATH_MACHINE_FIELDS : MACHINE_FIELDS), 'machine'].join(', ');
  const edited = `Fields kept by mltm (${kept}) of ${kind === 'path' ? 'path ' : ''}\`${entry.id}\` were edited by hand`;
  return by === 'sync'
    ? problem(
        'MLTM308',
        `${edited}, and sync would overwrite them. Move what you meant into \`notes\` or an \`x-\` key and undo the edit, or run \`mltm sync --restore-machine-fields\`.`,
        register.sourceMap.get(`${entry.pointer}/machine`)?.key ?? entry.keyRange,
        { severity: 'error' },
      )
    : problem(
        'MLTM308',
        `${edited}; \`mltm sync\` will restore them. Put your notes in \`notes\` or an \`x-\` field.`,
        entry.keyRange,
        { severity: 'warning' },
      );
}

export interface RegisterCheckOptions {
  /** Today as YYYY-MM-DD (an input, so results are reproducible). */
  readonly today: string;
  /** The model's file name as the register should name it, to detect a register/model mismatch. */
  readonly modelFile?: string;
}

/**
 * The problem for an entry whose id no current rule or element can produce (a typo, a removed
 * rule, an element that is gone), with a did-you-mean fix when a close id exists; undefined when
 * both the rule and the element exist.
 */
export function unknownIdProblem(
  entry: RegisterEntry,
  ruleIds: ReadonlySet<string>,
  elementIds: ReadonlySet<string>,
): Problem | undefined {
  if (!ruleIds.has(entry.ruleId)) {
    const suggestion = didYouMean(entry.ruleId, ruleIds);
    const replacement = `${suggestion}@${entry.elementId}`;
    return problem(
      'MLTM305',
      `No rule \`${entry.ruleId}\` exists, so \`${entry.id}\` can never be produced${suggestion ? `; did you mean \`${replacement}\`?` : ' (a typo, or a rule disabled or removed).'}`,
      entry.keyRange,
      suggestion
        ? { fix: { range: entry.keyRange, replacement, title: `Change to \`${replacement}\`` } }
        : {},
    );
  }
  if (!elementIds.has(entry.elementId)) {
    const suggestion = didYouMean(entry.elementId, elementIds);
    const replacement = `${entry.ruleId}@${suggestion}`;
    return problem(
      'MLTM306',
      `The model has no component or flow \`${entry.elementId}\`${suggestion ? `; did you mean \`${replacement}\`?` : '. Run `mltm sync` to mark the entry stale, or fix the id.'}`,
      entry.keyRange,
      suggestion
        ? { fix: { range: entry.keyRange, replacement, title: `Change to \`${replacement}\`` } }
        : {},
    );
  }
  return undefined;
}

/** Ids of the rules and elements of an analysis, as {@link unknownIdProblem} needs them. */
export function knownIds(analysis: LoadedAnalysis): {
  ruleIds: Set<string>;
  elementIds: Set<string>;
} {
  return {
    ruleIds: new Set(analysis.ruleSet.rules.map((r) => r.id)),
    elementIds: new Set([
      ...analysis.model.components.map((c) => c.id),
      ...analysis.model.flows.map((f) => f.id),
    ]),
  };
}

/** Triage problems of a register against the current analysis of its model. */
export function checkRegister(
  register: ThreatRegister,
  analysis: LoadedAnalysis,
  options: RegisterCheckOptions,
): Problem[] {
  const problems: Problem[] = [];
  const threats = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
  const { ruleIds, elementIds } = knownIds(analysis);
  const field = (entry: RegisterEntry, name: string) =>
    register.sourceMap.get(`${entry.pointer}/${name}`)?.value ?? entry.keyRange;

  if (
    options.modelFile !== undefined &&
    register.model !== undefined &&
    !sameModelPath(register.model, options.modelFile)
  ) {
    problems.push(
      problem(
        'MLTM307',
        `This register belongs to \`${register.model}\`, not \`${options.modelFile}\`; its ids will not match. Rename the register or fix \`model:\`.`,
        register.sourceMap.get('/model')?.value ?? { start: 0, end: 0 },
      ),
    );
  }
  for (const entry of register.entries) {
    const threat = threats.get(entry.id);
    const status = entry.status as ThreatStatus;
    const unknown = unknownIdProblem(entry, ruleIds, elementIds);
    if (unknown && !(unknown.code === 'MLTM306' && entry.machine.stale)) {
      problems.push(unknown);
    } else if (!threat) {
      problems.push(
        problem(
          'MLTM304',
          `Stale: the model no longer produces \`${entry.id}\`${entry.machine.staleSince ? ` (since ${entry.machine.staleSince})` : ''}. Keep it as history or delete it.`,
          entry.keyRange,
        ),
      );
    }
    if (NEEDS_JUSTIFICATION.has(status) && !(entry.justification ?? '').trim()) {
      problems.push(
        problem(
          'MLTM301',
          `\`${entry.id}\` is ${status.replace('_', ' ')} without a justification; say why, so reviewers and auditors can judge it.`,
          field(entry, 'status'),
        ),
      );
    }
    if (
      entry.reviewBy !== undefined &&
      DECISIONS.has(status) &&
      isCalendarDate(entry.reviewBy) &&
      entry.reviewBy < options.today
    ) {
      problems.push(
        problem(
          'MLTM302',
          `The ${status.replace('_', ' ')} decision on \`${entry.id}\` expired on ${entry.reviewBy}; review it and set a new \`review_by\`.`,
          field(entry, 'review_by'),
        ),
      );
    }
    if (
      threat &&
      DECISIONS.has(status) &&
      entry.machine.decidedStatus === status &&
      entry.machine.decidedFingerprint !== undefined &&
      !fingerprintMatches(entry.machine.decidedFingerprint, threat)
    ) {
      problems.push(
        problem(
          'MLTM303',
          `\`${entry.element ?? entry.elementId}\` changed since \`${entry.id}\` was marked ${status.replace('_', ' ')}; review the decision (confirm it with \`mltm triage --confirm\` or the quick fix).`,
          field(entry, 'status'),
        ),
      );
    }
    if (keptFieldsEdited(entry, 'threat'))
      problems.push(keptFieldsEditedProblem(register, entry, 'threat', 'check'));
  }
  return problems.sort(compareProblems);
}

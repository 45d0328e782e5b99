/**
 * Sync: brings a register up to date with an analysis, editing the YAML document in place so
 * comments, key order and every human-written field survive. New threats are added as `open`;
 * machine fields are refreshed; threats the model no longer produces are marked stale (kept,
 * with the date) and revived when they come back; decisions are stamped with the element's
 * fingerprint so a later change of the element flags them `needs_review`. Pure: the caller
 * writes the text (atomically).
 *
 * Sync refuses — returns located problems, produces no text — whenever writing could lose or
 * misread what a person wrote: a register that does not parse or breaks the schema, one that
 * names another model, entries no rule can produce that sync never wrote (typos), hand edits of
 * the fields sync keeps, or a sync that would suddenly mark most of the register stale.
 *
 * Attack-path entries (`paths:`) are refreshed the same way — what the path is, its fingerprint
 * over every element on it, stale when the model no longer has the path, `needs_review` when an
 * element on it changed since the decision — but never added: a path gets an entry only when a
 * person decides on it (`triagePath`), since a hundred derived paths in every register would bury
 * the few decisions in noise.
 *
 * Determinism: the output depends only on the register text, the analysis and `today`; a second
 * run with the same inputs returns the same bytes, and `changed` is false.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { isUsable, modelErrors, type Analysis, type LoadedAnalysis } from '../analysis';
import { decisionInputOf, findPaths, type FoundPath } from '../decide/index';
import { fingerprintMatches, machineChecksum, pathMachineChecksum } from '../hashes';
import { problem, type Problem } from '../problems';
import { withMerged, type Threat } from '../rules/evaluate';
import {
  DECISIONS,
  keptFieldsEdited,
  keptFieldsEditedProblem,
  knownIds,
  loadRegister,
  MACHINE_FIELDS,
  PATH_MACHINE_FIELDS,
  REGISTER_FORMAT_VERSION,
  sameModelPath,
  unknownIdProblem,
  type MachineState,
  type PathEntry,
  type ThreatRegister,
} from './register';

/**
 * The attack paths behind a register's `paths:` entries (and `ids`), by id; empty without a
 * decision layer question to ask (no entries, no ids), so a register without `paths:` costs
 * nothing.
 */
export function registerPaths(
  analysis: LoadedAnalysis,
  register: ThreatRegister | undefined,
  ids: readonly string[] = [],
): Map<string, FoundPath> {
  if ((register?.paths.length ?? 0) === 0 && ids.length === 0) return new Map();
  return findPaths(decisionInputOf(analysis, register), ids);
}

/** The statuses that are decisions on a path (all but `open`). */
const PATH_DECISIONS: ReadonlySet<string> = new Set(['mitigated', 'accepted', 'not_applicable']);

export interface SyncOptions {
  /** Today as YYYY-MM-DD (an input, so output is reproducible). */
  readonly today: string;
  /** The model's file name relative to the register, written as `model:` in a new register. */
  readonly modelFile: string;
  /** Overwrite hand edits of the fields sync keeps (otherwise sync refuses with MLTM308). */
  readonly restoreMachineFields?: boolean;
  /** Allow one sync to mark most of a register stale (otherwise sync refuses with MLTM309). */
  readonly allowMassStale?: boolean;
  /**
   * Always edit the whole YAML document (never the no-change check or triage's one-entry splice).
   * The output is the same; the property tests set it to prove that.
   */
  readonly wholeDocument?: boolean;
}

export interface SyncSummary {
  /** New entries, added as `open`. */
  readonly added: readonly string[];
  /** Existing entries whose machine fields changed. */
  readonly refreshed: readonly string[];
  /** Entries newly marked stale. */
  readonly staled: readonly string[];
  /** Stale entries the model produces again. */
  readonly revived: readonly string[];
  /** Decisions whose element changed since they were recorded (all of them, not only new ones). */
  readonly needsReview: readonly string[];
  /**
   * Refreshed entries whose only change is their hashes, rewritten in the current version
   * (`src/core/hashes.ts`) for an element that did not change: what upgrading mltm asks of a
   * register once, not a change of the model. `mltm sync --check` does not fail on these alone.
   */
  readonly migrated: readonly string[];
}

export type SyncResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly changed: boolean;
      readonly summary: SyncSummary;
    }
  | {
      readonly ok: false;
      /** Which file the problems are located in: the model (it has errors) or the register. */
      readonly file: 'model' | 'register';
      readonly problems: Problem[];
    };

/** Serialisation options: fixed, so output is the same on every machine. */
export const REGISTER_TO_STRING = {
  lineWidth: 0,
  flowCollectionPadding: false,
  indent: 2,
} as const;

/**
 * A register text already loaded and checked (sync's own output, or a register `loadRegister`
 * found no duplicate key in), as a document to edit: the library's own duplicate-key check,
 * quadratic in the number of keys, is skipped. A CRLF text is edited as LF (parsed as CRLF,
 * comments keep their `\r` while new lines get `\n`) and written back in its own line endings
 * by {@link registerTextOf}.
 */
export function editableText(text: string): { document: Document.Parsed; crlf: boolean } {
  const crlf = text.includes('\r\n');
  const document = parseDocument(crlf ? text.replace(/\r\n/g, '\n') : text, {
    uniqueKeys: false,
  });
  return { document, crlf };
}

/**
 * A register document's text, in the file's line endings (CRLF where the person's file has
 * them, so a sync or a triage is not a whole-file diff).
 */
export function registerTextOf(document: Document, crlf: boolean): string {
  const lf = document.toString(REGISTER_TO_STRING);
  return crlf ? lf.replace(/\n/g, '\r\n') : lf;
}

/** Below this many live entries a sync may stale any share of them without `allowMassStale`. */
const MASS_STALE_MINIMUM = 10;

function header(modelFile: string): string {
  return [
    ` mltm threat register for ${modelFile}`,
    ' One entry per threat, keyed <rule-id>@<element-id>. Yours to edit: status (open | mitigated |',
    ' accepted | transferred | not_applicable), owner, justification (required for accepted,',
    ' transferred, not_applicable), ticket, review_by (YYYY-MM-DD), notes, and any x- key.',
    ' `mltm sync` keeps title, element, stride, atlas, severity and machine; it never rewrites yours.',
  ].join('\n');
}

/**
 * Why sync must not write over a loaded register: located problems, or an empty list when it
 * is safe. Exported so the editor can show the same refusal before offering a sync.
 */
export function syncRefusals(
  register: ThreatRegister,
  analysis: LoadedAnalysis,
  options: SyncOptions,
  paths: ReadonlyMap<string, FoundPath> = registerPaths(analysis, register),
): Problem[] {
  const problems: Problem[] = [];
  if (register.model !== undefined && !sameModelPath(register.model, options.modelFile)) {
    problems.push(
      problem(
        'MLTM307',
        `This register belongs to \`${register.model}\`, not \`${options.modelFile}\`; syncing would mark its entries stale. Use the register beside \`${register.model}\`, or change \`model:\` if the model was renamed.`,
        register.sourceMap.get('/model')?.value ?? { start: 0, end: 0 },
      ),
    );
    return problems;
  }
  const produced = new Set(withMerged(analysis.threats).map((t) => t.id));
  const { ruleIds, elementIds } = knownIds(analysis);
  let live = 0;
  const wouldStale: (typeof register.entries)[number][] = [];
  for (const entry of register.entries) {
    if (!entry.machine.stale) live++;
    if (produced.has(entry.id)) continue;
    // An entry sync never wrote (no first_seen) that the model cannot produce is a person's typo
    // or a paste from elsewhere: marking it stale would bury their decision under the wrong id.
    if (entry.machine.firstSeen === undefined) {
      const unknown = unknownIdProblem(entry, ruleIds, elementIds);
      problems.push(
        unknown
          ? { ...unknown, severity: 'error' }
          : problem(
              'MLTM306',
              `The model does not produce \`${entry.id}\` (the rule does not apply to this element), and mltm never wrote this entry; fix the id or delete the entry.`,
              entry.keyRange,
              { severity: 'error' },
            ),
      );
    } else if (!entry.machine.stale) wouldStale.push(entry);
  }
  for (const entry of register.entries)
    if (!options.restoreMachineFields && keptFieldsEdited(entry, 'threat'))
      problems.push(keptFieldsEditedProblem(register, entry, 'threat', 'sync'));
  for (const entry of register.paths) {
    // A path entry mltm never wrote (no first_seen) whose id names no attack path: a typo or a
    // paste from another model; marking it stale would bury the person's decision.
    if (!paths.has(entry.id) && entry.machine.firstSeen === undefined)
      problems.push({ ...unknownPathProblem(entry), severity: 'error' });
    if (!options.restoreMachineFields && keptFieldsEdited(entry, 'path'))
      problems.push(keptFieldsEditedProblem(register, entry, 'path', 'sync'));
  }
  if (
    !options.allowMassStale &&
    wouldStale.length >= MASS_STALE_MINIMUM &&
    wouldStale.length * 2 > live
  ) {
    const first = wouldStale[0];
    problems.push(
      problem(
        'MLTM309',
        `This sync would mark ${wouldStale.length} of ${live} entries stale at once; is this the register of another model, or was the model emptied by mistake? If the model really lost these elements, run \`mltm sync --allow-mass-stale\`.`,
        first?.keyRange ?? { start: 0, end: 0 },
      ),
    );
  }
  return problems;
}

/** The problem for a `paths:` entry whose id names no attack path of the model (MLTM311). */
export function unknownPathProblem(entry: PathEntry): Problem {
  return problem(
    'MLTM311',
    `The model has no attack path \`${entry.id}\`${entry.entry !== undefined && entry.target !== undefined ? ` (recorded as ${entry.entry} → ${entry.target})` : ''}; \`mltm plan\` lists the ids of its paths. Fix the id or delete the entry.`,
    entry.keyRange,
  );
}

/**
 * Syncs `registerText` (undefined when the register does not exist yet) with an analysis.
 * Refuses — returning problems, producing no text — when the existing register cannot be
 * safely rewritten (see {@link syncRefusals}), or when the model itself could not be analysed
 * (an empty analysis would mark every entry stale).
 */
export function syncRegister(
  registerText: string | undefined,
  analysis: Analysis,
  options: SyncOptions,
): SyncResult {
  const result = syncRegisterDetailed(registerText, analysis, options);
  if (!('register' in result)) return result;
  const { register: _register, ...plain } = result;
  return plain;
}

/**
 * {@link syncRegister}, plus the register as read when it was already up to date (so triage can
 * edit one entry without reading the file again).
 */
export function syncRegisterDetailed(
  registerText: string | undefined,
  analysis: Analysis,
  options: SyncOptions,
): SyncResult & { readonly register?: ThreatRegister } {
  if (!isUsable(analysis)) {
    // A model that did not load has no error when its text was unreadable as YAML: say so anyway.
    return { ok: false, file: 'model', problems: modelErrors(analysis) };
  }
  let document: Document;
  let crlf = false;
  let paths: ReadonlyMap<string, FoundPath> = new Map();
  if (registerText === undefined || registerText.trim() === '') {
    document = new Document({
      'mltm-register': REGISTER_FORMAT_VERSION,
      model: options.modelFile,
      threats: {},
    });
    document.commentBefore = header(options.modelFile);
  } else {
    // Read first with the fast reader (no document): a register already up to date — the
    // common case, every `sync --check` in CI and every triage — is answered without the
    // library's document, which costs seconds on a register of thousands of entries.
    const quick = loadRegister(registerText);
    if (!quick.writable || !quick.register) {
      return {
        ok: false,
        file: 'register',
        problems: quick.problems.filter((p) => p.severity === 'error'),
      };
    }
    paths = registerPaths(analysis, quick.register);
    const refusals = syncRefusals(quick.register, analysis, options, paths);
    if (refusals.length > 0) return { ok: false, file: 'register', problems: refusals };
    const unchanged = options.wholeDocument
      ? undefined
      : unchangedNeedsReview(quick.register, analysis, options.today, paths);
    if (unchanged)
      return {
        ok: true,
        text: registerText,
        changed: false,
        summary: {
          added: [],
          refreshed: [],
          staled: [],
          revived: [],
          needsReview: unchanged,
          migrated: [],
        },
        register: quick.register,
      };
    const loaded = loadRegister(registerText, { document: true });
    if (!loaded.writable || !loaded.register) {
      return {
        ok: false,
        file: 'register',
        problems: loaded.problems.filter((p) => p.severity === 'error'),
      };
    }
    // Edited as LF and written back in the file's own line endings: parsed as CRLF, comments kept
    // their `\r` while new lines got `\n`, so a register saved on Windows came out mixed and
    // changed again on the next sync (found by the fuzz suite).
    crlf = registerText.includes('\r\n');
    // loadRegister already refused duplicate keys in one pass; the library's own check is
    // quadratic in the number of keys, which large registers cannot afford. An LF file reuses
    // the document loadRegister parsed (it is ours to edit: `loaded` goes no further), saving a
    // second parse of the whole register; a CRLF file is parsed again as LF.
    document =
      !crlf && loaded.register.document
        ? loaded.register.document
        : editableText(registerText).document;
  }
  let threatsNode = document.get('threats', true) as YamlNode | null | undefined;
  if (!isMap(threatsNode)) {
    // `threats:` with no value, or absent: make it a map, keeping any comment on the old node.
    const replacement = document.createNode({}) as YAMLMap;
    if (threatsNode && isScalar(threatsNode)) {
      if (threatsNode.comment) replacement.comment = threatsNode.comment;
      if (threatsNode.commentBefore) replacement.commentBefore = threatsNode.commentBefore;
    }
    threatsNode = replacement;
    document.set('threats', threatsNode);
  }
  const threatsMap = threatsNode as YAMLMap;

  const summary: SummaryLists = {
    added: [],
    refreshed: [],
    staled: [],
    revived: [],
    needsReview: [],
    migrated: [],
  };
  // Merged threats (`covers`) keep their own entries: refreshed, never staled, never added.
  const current = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
  const existing = syncSection(
    document,
    threatsMap,
    THREAT_ENTRIES,
    (id) => current.get(id),
    options.today,
    summary,
  );
  for (const threat of analysis.threats) {
    if (existing.has(threat.id)) continue;
    const entry = document.createNode({}) as YAMLMap;
    refreshEntry(document, entry, threat, options.today);
    entry.set('status', 'open');
    moveBefore(entry, 'status', 'machine');
    stampChecksum(document, entry);
    // Pushed, not `add`ed: `add` looks for an existing key first, a linear scan per entry that
    // made a new register of 10,000 threats quadratic; `existing` already says the id is new.
    threatsMap.items.push(document.createPair(threat.id, entry));
    summary.added.push(threat.id);
  }
  const pathsNode = document.get('paths', true) as YamlNode | null | undefined;
  if (isMap(pathsNode))
    syncSection(document, pathsNode, PATH_ENTRIES, (id) => paths.get(id), options.today, summary);
  const text = registerTextOf(document, crlf);
  return {
    ok: true,
    text,
    changed: text !== registerText,
    summary,
  };
}

/**
 * Whether an entry's refresh only rewrote its hashes in the current version: everything but the
 * hashes is equal, and the old fingerprint still described the (unchanged) element.
 */
function onlyHashesMigrated(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  threat: Threat,
): boolean {
  const HASHES = ['fingerprint', 'decided_fingerprint', 'checksum'];
  const withoutHashes = (json: Record<string, unknown>) => {
    const machine = { ...((json['machine'] ?? {}) as Record<string, unknown>) };
    for (const key of HASHES) delete machine[key];
    return JSON.stringify({ ...json, machine });
  };
  const machine = (before['machine'] ?? {}) as Record<string, unknown>;
  const recorded = machine['fingerprint'];
  return (
    typeof recorded === 'string' &&
    recorded !== threat.fingerprint &&
    fingerprintMatches(recorded, threat) &&
    withoutHashes(before) === withoutHashes(after)
  );
}

const keyName = (pair: Pair): string =>
  String((pair.key as { value?: unknown } | null)?.value ?? pair.key);

function machineOf(entry: YAMLMap): Record<string, unknown> {
  const machine = entry.get('machine', true);
  return isMap(machine) ? (machine.toJSON() as Record<string, unknown>) : {};
}

/**
 * Sets a key only when its value differs, so untouched parts keep their exact formatting. An
 * existing scalar is updated in place and a replaced collection inherits the old node's
 * comments, so a person's comment beside a machine field survives its refresh. Returns whether
 * the key was newly added.
 */
function setIfChanged(
  document: Document,
  map: YAMLMap,
  key: string,
  value: unknown,
  flow = false,
): boolean {
  const currentNode = map.get(key, true) as YamlNode | undefined;
  const currentValue =
    currentNode && typeof currentNode === 'object' && 'toJSON' in currentNode
      ? (currentNode as { toJSON(): unknown }).toJSON()
      : (map.get(key) as unknown);
  if (map.has(key) && JSON.stringify(currentValue) === JSON.stringify(value)) return false;
  if (isScalar(currentNode) && (typeof value !== 'object' || value === null)) {
    currentNode.value = value;
    return false;
  }
  const node = document.createNode(value) as YamlNode;
  if (flow && (isSeq(node) || isMap(node))) node.flow = true;
  if (currentNode && typeof currentNode === 'object') {
    if (currentNode.comment) node.comment = currentNode.comment;
    if (currentNode.commentBefore) node.commentBefore = currentNode.commentBefore;
    if (currentNode.spaceBefore) node.spaceBefore = true;
  }
  if (map.has(key)) {
    map.set(key, node);
    return false;
  }
  map.add(document.createPair(key, node));
  return true;
}

function deleteKey(map: YAMLMap, key: string): void {
  if (map.has(key)) map.delete(key);
}

/** Moves `key` to just before `before` (when both exist and `key` is after it). */
function moveBefore(map: YAMLMap, key: string, before: string): void {
  const items = map.items as Pair[];
  const from = items.findIndex((p) => keyName(p) === key);
  const to = items.findIndex((p) => keyName(p) === before);
  if (from < 0 || to < 0 || from < to) return;
  const [pair] = items.splice(from, 1);
  if (pair) items.splice(to, 0, pair);
}

/** The entry's `machine` map, created (flow style, last in the entry) when missing. */
function machineMap(document: Document, entry: YAMLMap): YAMLMap {
  const machine = entry.get('machine', true) as YamlNode | undefined;
  if (isMap(machine)) return machine;
  const created = document.createNode({}) as YAMLMap;
  created.flow = true;
  if (entry.has('machine')) entry.set('machine', created);
  else entry.add(document.createPair('machine', created));
  return created;
}

/**
 * What sync keeps in one entry, as the model has it now: a threat's or an attack path's. One
 * refresh ({@link refreshKept}) writes either kind, so both keep their fields, place new keys and
 * stamp decisions the same way.
 */
interface KeptNow {
  /** The names of the top-level fields sync keeps in this kind of entry. */
  readonly keptKeys: readonly string[];
  /** Those fields, in file order, with their values now (lists flow style). */
  readonly fields: readonly (readonly [key: string, value: string | readonly string[]])[];
  /** The fingerprint now: `machine.fingerprint`, and the stamp of a decision recorded today. */
  readonly fingerprint: string;
  /** Further `machine` fields after the fingerprint (a threat's missing controls). */
  readonly machine: readonly (readonly [key: string, value: readonly string[]])[];
  /** The statuses that are decisions for this kind of entry. */
  readonly decisions: ReadonlySet<string>;
  /**
   * Whether a recorded decision stamp, maybe in an older hash version, still describes what the
   * entry is about now; absent where only one version exists (paths).
   */
  readonly stillDescribes?: (recorded: string) => boolean;
}

/** What sync keeps in a threat's entry. */
function threatKept(threat: Threat): KeptNow {
  return {
    keptKeys: MACHINE_FIELDS,
    fields: [
      ['title', threat.title],
      ['element', threat.element],
      ['stride', [...threat.stride]],
      ['atlas', [...threat.atlas]],
      ['severity', threat.severity],
    ],
    fingerprint: threat.fingerprint,
    machine: [['missing_controls', [...threat.missingControls]]],
    decisions: DECISIONS,
    stillDescribes: (recorded) => fingerprintMatches(recorded, threat),
  };
}

/** What sync keeps in an attack path's entry. */
function pathKept(found: FoundPath): KeptNow {
  const { path, fingerprint } = found;
  return {
    keptKeys: PATH_MACHINE_FIELDS,
    fields: [
      ['kind', path.kind],
      ['entry', path.entry],
      ['target', path.target],
      ['goal', path.goal],
      ['elements', path.steps.map((s) => s.element)],
    ],
    fingerprint,
    machine: [],
    decisions: PATH_DECISIONS,
  };
}

/** The first human (or unknown) key of an entry: where newly added kept fields go before. */
function firstHumanKey(entry: YAMLMap, keptKeys: readonly string[]): string | undefined {
  const machineKeys = new Set<string>([...keptKeys, 'machine']);
  for (const pair of entry.items as Pair[])
    if (!machineKeys.has(keyName(pair))) return keyName(pair);
  return undefined;
}

/**
 * Refreshes an entry's kept fields and `machine` from `kept`, and its decision stamp: a decision
 * not yet recorded (or a changed one) is stamped with today's fingerprint; an unchanged decision
 * keeps its stamp, so a later change of what it is about shows as `needs_review`.
 */
function refreshKept(document: Document, entry: YAMLMap, kept: KeptNow, today: string): void {
  const anchor = firstHumanKey(entry, kept.keptKeys);
  const newKeys: string[] = [];
  for (const [key, value] of kept.fields)
    if (setIfChanged(document, entry, key, value, Array.isArray(value))) newKeys.push(key);
  // Only keys added in this run move (before the first human field, for readability); keys a
  // person already placed stay where they are.
  if (anchor !== undefined) for (const key of newKeys) moveBefore(entry, key, anchor);
  const machine = machineMap(document, entry);
  const status = String(entry.get('status') ?? 'open');
  setIfChanged(document, machine, 'fingerprint', kept.fingerprint);
  for (const [key, value] of kept.machine) setIfChanged(document, machine, key, value, true);
  if (!machine.has('first_seen')) setIfChanged(document, machine, 'first_seen', today);
  deleteKey(machine, 'stale');
  deleteKey(machine, 'stale_since');
  if (kept.decisions.has(status)) {
    if (machine.get('decided_status') !== status || !machine.has('decided_fingerprint')) {
      setIfChanged(document, machine, 'decided_status', status);
      setIfChanged(document, machine, 'decided_fingerprint', kept.fingerprint);
    }
    // A decision stamped by an older mltm, in an older hash version, on an element that has not
    // changed since: restamped in the current version (the migration), not flagged for review.
    const decided = machine.get('decided_fingerprint');
    if (typeof decided === 'string' && kept.stillDescribes?.(decided) === true)
      setIfChanged(document, machine, 'decided_fingerprint', kept.fingerprint);
    if (machine.get('decided_fingerprint') !== kept.fingerprint)
      setIfChanged(document, machine, 'needs_review', true);
    else deleteKey(machine, 'needs_review');
  } else {
    deleteKey(machine, 'decided_status');
    deleteKey(machine, 'decided_fingerprint');
    deleteKey(machine, 'needs_review');
  }
  // Keep the checksum last in `machine` (it is restamped after every change).
  moveToEnd(machine, 'checksum');
}

function refreshEntry(document: Document, entry: YAMLMap, threat: Threat, today: string): void {
  refreshKept(document, entry, threatKept(threat), today);
}

/**
 * Refreshes a path entry from the path as the model has it: what the path is, its fingerprint,
 * and the decision stamp (as for a threat: an unchanged decision keeps its stamp, so a change of
 * any element on the path shows as `needs_review`).
 */
export function refreshPathEntry(
  document: Document,
  entry: YAMLMap,
  found: FoundPath,
  today: string,
): void {
  refreshKept(document, entry, pathKept(found), today);
}

/** Marks an entry stale (with the date) unless it already is; returns whether it changed. */
function markStale(document: Document, entry: YAMLMap, today: string): boolean {
  const machine = machineMap(document, entry);
  if (machine.get('stale') === true) return false;
  setIfChanged(document, machine, 'stale', true);
  setIfChanged(document, machine, 'stale_since', today);
  deleteKey(machine, 'needs_review');
  moveToEnd(machine, 'checksum');
  return true;
}

function moveToEnd(map: YAMLMap, key: string): void {
  const items = map.items as Pair[];
  const index = items.findIndex((p) => keyName(p) === key);
  if (index >= 0 && index !== items.length - 1) {
    const [pair] = items.splice(index, 1);
    if (pair) items.push(pair);
  }
}

/** A text field of an entry node's JSON, as the checksum reads it (anything else is absent). */
const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A list field of an entry node's JSON, as the checksum reads it. */
const textsOf = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map(String) : undefined;

/**
 * The machine state of an entry node (threat or path), as the checksum reads it. An absent
 * field is `undefined`: the checksums treat it as left out.
 */
function machineStateOf(json: Record<string, unknown>): Omit<MachineState, 'checksum'> {
  const m = (json['machine'] ?? {}) as Record<string, unknown>;
  return {
    fingerprint: textOf(m['fingerprint']),
    missingControls: textsOf(m['missing_controls']),
    decidedStatus: textOf(m['decided_status']),
    decidedFingerprint: textOf(m['decided_fingerprint']),
    needsReview: m['needs_review'] === true,
    firstSeen: textOf(m['first_seen']),
    stale: m['stale'] === true,
    staleSince: textOf(m['stale_since']),
  };
}

/** Writes `checksum` as the entry's `machine.checksum`, last in `machine`. */
function writeChecksum(document: Document, entry: YAMLMap, checksum: string): void {
  const machine = machineMap(document, entry);
  setIfChanged(document, machine, 'checksum', checksum);
  moveToEnd(machine, 'checksum');
}

/**
 * Recomputes an entry's `machine.checksum` after mltm changed its machine fields (sync, triage,
 * rename), so the next sync can tell a person's hand edit from mltm's own.
 */
export function stampChecksum(document: Document, entry: YAMLMap): void {
  const json = entry.toJSON() as Record<string, unknown>;
  const checksum = machineChecksum({
    title: textOf(json['title']),
    element: textOf(json['element']),
    stride: textsOf(json['stride']),
    atlas: textsOf(json['atlas']),
    severity: textOf(json['severity']),
    machine: machineStateOf(json),
  });
  writeChecksum(document, entry, checksum);
}

/** {@link stampChecksum} for a path entry. */
export function stampPathChecksum(document: Document, entry: YAMLMap): void {
  const json = entry.toJSON() as Record<string, unknown>;
  const { missingControls: _none, ...machine } = machineStateOf(json);
  const checksum = pathMachineChecksum({
    kind: textOf(json['kind']),
    entry: textOf(json['entry']),
    target: textOf(json['target']),
    goal: textOf(json['goal']),
    elements: textsOf(json['elements']),
    machine,
  });
  writeChecksum(document, entry, checksum);
}

/**
 * One kind of register entry as sync brings it up to date: threat entries (`threats:`) and
 * attack-path entries (`paths:`) go through the same steps ({@link syncEntry}), with their own
 * refresh and checksum.
 */
interface KindSync<Current> {
  /** Refreshes an entry from what the model has now under its id. */
  refresh(document: Document, entry: YAMLMap, current: Current, today: string): void;
  /** Restamps the entry's `machine.checksum`. */
  stamp(document: Document, entry: YAMLMap): void;
  /** Whether a changed entry only had its hashes rewritten in the current version (threats). */
  onlyHashesMigrated?(
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    current: Current,
  ): boolean;
}

const THREAT_ENTRIES: KindSync<Threat> = {
  refresh: refreshEntry,
  stamp: stampChecksum,
  onlyHashesMigrated,
};

const PATH_ENTRIES: KindSync<FoundPath> = { refresh: refreshPathEntry, stamp: stampPathChecksum };

/** The lists of a {@link SyncSummary} as a sync fills them, in file order. */
interface SummaryLists {
  readonly added: string[];
  readonly refreshed: string[];
  readonly staled: string[];
  readonly revived: string[];
  readonly needsReview: string[];
  readonly migrated: string[];
}

/**
 * One existing entry brought up to date: refreshed from what the model has now under its id, or
 * marked stale when it has nothing there; then its checksum restamped. The one step both the
 * document sync and the no-change check take, so they cannot disagree.
 */
function syncEntry<Current>(
  document: Document,
  entry: YAMLMap,
  current: Current | undefined,
  kind: KindSync<Current>,
  today: string,
): { readonly revived: boolean; readonly staled: boolean; readonly needsReview: boolean } {
  let revived = false;
  let staled = false;
  let needsReview = false;
  if (current !== undefined) {
    revived = machineOf(entry)['stale'] === true;
    kind.refresh(document, entry, current, today);
    needsReview = machineOf(entry)['needs_review'] === true;
  } else staled = markStale(document, entry, today);
  kind.stamp(document, entry);
  return { revived, staled, needsReview };
}

/**
 * Syncs every entry of one section map (`threats:` or `paths:`) in place, recording what
 * happened in `summary`; returns the ids the section holds.
 */
function syncSection<Current>(
  document: Document,
  section: YAMLMap,
  kind: KindSync<Current>,
  currentOf: (id: string) => Current | undefined,
  today: string,
  summary: SummaryLists,
): Set<string> {
  const ids = new Set<string>();
  for (const pair of section.items as Pair<YamlNode, YamlNode>[]) {
    const id = String((pair.key as { value?: unknown } | null)?.value ?? '');
    ids.add(id);
    const entry = pair.value;
    if (!isMap(entry)) continue;
    const current = currentOf(id);
    const beforeJson = entry.toJSON() as Record<string, unknown>;
    const before = JSON.stringify(beforeJson);
    const step = syncEntry(document, entry, current, kind, today);
    if (step.revived) summary.revived.push(id);
    if (step.needsReview) summary.needsReview.push(id);
    if (step.staled) summary.staled.push(id);
    const afterJson = entry.toJSON() as Record<string, unknown>;
    if (before !== JSON.stringify(afterJson)) {
      summary.refreshed.push(id);
      if (current !== undefined && kind.onlyHashesMigrated?.(beforeJson, afterJson, current))
        summary.migrated.push(id);
    }
  }
  return ids;
}

/**
 * Whether a sync would change nothing in `register`: every entry is run through the same
 * {@link syncEntry} step as the document path, on a small node built from its plain value, and
 * compared. Returns the entries needing review (as the full sync would list them), or undefined
 * when anything would change — then the caller takes the document path. A property test
 * (test/fuzz/registerSplice.test.ts) holds this equal to the document path.
 */
function unchangedNeedsReview(
  register: ThreatRegister,
  analysis: LoadedAnalysis,
  today: string,
  paths: ReadonlyMap<string, FoundPath>,
): string[] | undefined {
  const current = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
  const scratch = new Document();
  const needsReview: string[] = [];
  const threatsUnchanged = sectionUnchanged(
    scratch,
    register.value['threats'],
    register.entries,
    THREAT_ENTRIES,
    (id) => current.get(id),
    today,
    needsReview,
  );
  if (!threatsUnchanged) return undefined;
  // A threat without an entry would be added (merged ones are not: they keep entries they have).
  const primaries = new Set(analysis.threats.map((t) => t.id));
  const produced = register.entries.filter((entry) => primaries.has(entry.id)).length;
  if (produced !== primaries.size) return undefined;
  if (
    register.paths.length > 0 &&
    !sectionUnchanged(
      scratch,
      register.value['paths'],
      register.paths,
      PATH_ENTRIES,
      (id) => paths.get(id),
      today,
      needsReview,
    )
  )
    return undefined;
  return needsReview;
}

/**
 * Whether sync would leave one section (its plain value `raws`, its loaded `entries`) as it is;
 * adds the ids needing review to `needsReview`.
 */
function sectionUnchanged<Current>(
  scratch: Document,
  raws: unknown,
  entries: readonly { readonly id: string }[],
  kind: KindSync<Current>,
  currentOf: (id: string) => Current | undefined,
  today: string,
  needsReview: string[],
): boolean {
  if (raws === null || typeof raws !== 'object' || Array.isArray(raws)) return false;
  const byId = raws as Record<string, unknown>;
  if (Object.keys(byId).length !== entries.length) return false;
  for (const entry of entries) {
    const raw = byId[entry.id];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
    const node = scratch.createNode(raw) as YAMLMap;
    const before = JSON.stringify(raw);
    const step = syncEntry(scratch, node, currentOf(entry.id), kind, today);
    if (step.needsReview) needsReview.push(entry.id);
    if (JSON.stringify(node.toJSON()) !== before) return false;
  }
  return true;
}

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
import { findPaths, type FoundPath } from '../decide/index';
import {
  fingerprintMatches,
  machineChecksum,
  machineChecksumMatches,
  pathMachineChecksum,
  pathMachineChecksumMatches,
} from '../hashes';
import { problem, type Problem } from '../problems';
import { withMerged, type Threat } from '../rules/evaluate';
import {
  DECISIONS,
  knownIds,
  loadRegister,
  MACHINE_FIELDS,
  PATH_MACHINE_FIELDS,
  REGISTER_FORMAT_VERSION,
  sameModelPath,
  unknownIdProblem,
  type MachineState,
  type PathEntry,
  type PathMachineState,
  type ThreatRegister,
  type ThreatStatus,
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
  return findPaths(
    {
      facts: analysis.facts,
      threats: analysis.threats,
      rules: analysis.ruleSet.rules,
      atlas: analysis.atlas,
      ...(register && { register }),
    },
    ids,
  );
}

/** The checksum fields of a path entry as loaded. */
export function pathChecksumFieldsOf(entry: PathEntry) {
  const { checksum: _checksum, ...machine } = entry.machine;
  return {
    ...(entry.kind !== undefined && { kind: entry.kind }),
    ...(entry.entry !== undefined && { entry: entry.entry }),
    ...(entry.target !== undefined && { target: entry.target }),
    ...(entry.goal !== undefined && { goal: entry.goal }),
    ...(entry.elements !== undefined && { elements: entry.elements }),
    machine,
  };
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
  for (const entry of register.entries) {
    if (
      entry.machine.checksum !== undefined &&
      !options.restoreMachineFields &&
      !machineChecksumMatches(entry.machine.checksum, entry)
    ) {
      const range = register.sourceMap.get(`${entry.pointer}/machine`)?.key ?? entry.keyRange;
      problems.push(
        problem(
          'MLTM308',
          `Fields kept by mltm (title, element, stride, atlas, severity, machine) of \`${entry.id}\` were edited by hand, and sync would overwrite them. Move what you meant into \`notes\` or an \`x-\` key and undo the edit, or run \`mltm sync --restore-machine-fields\`.`,
          range,
          { severity: 'error' },
        ),
      );
    }
  }
  for (const entry of register.paths) {
    // A path entry mltm never wrote (no first_seen) whose id names no attack path: a typo or a
    // paste from another model; marking it stale would bury the person's decision.
    if (!paths.has(entry.id) && entry.machine.firstSeen === undefined)
      problems.push({ ...unknownPathProblem(entry), severity: 'error' });
    if (
      entry.machine.checksum !== undefined &&
      !options.restoreMachineFields &&
      !pathMachineChecksumMatches(entry.machine.checksum, pathChecksumFieldsOf(entry))
    ) {
      const range = register.sourceMap.get(`${entry.pointer}/machine`)?.key ?? entry.keyRange;
      problems.push(
        problem(
          'MLTM308',
          `Fields kept by mltm (kind, entry, target, goal, elements, machine) of path \`${entry.id}\` were edited by hand, and sync would overwrite them. Move what you meant into \`notes\` or an \`x-\` key and undo the edit, or run \`mltm sync --restore-machine-fields\`.`,
          range,
          { severity: 'error' },
        ),
      );
    }
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
        : parseDocument(crlf ? registerText.replace(/\r\n/g, '\n') : registerText, {
            uniqueKeys: false,
          });
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

  const added: string[] = [];
  const refreshed: string[] = [];
  const staled: string[] = [];
  const revived: string[] = [];
  const needsReview: string[] = [];
  const migrated: string[] = [];
  // Merged threats (`covers`) keep their own entries: refreshed, never staled, never added.
  const current = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
  const existing = new Set<string>();

  for (const pair of threatsMap.items as Pair<YamlNode, YamlNode>[]) {
    const id = String((pair.key as { value?: unknown } | null)?.value ?? '');
    existing.add(id);
    const entry = pair.value;
    if (!isMap(entry)) continue;
    const threat = current.get(id);
    const beforeJson = entry.toJSON() as Record<string, unknown>;
    const before = JSON.stringify(beforeJson);
    if (threat) {
      const wasStale = machineOf(entry)['stale'] === true;
      refreshEntry(document, entry, threat, options.today);
      if (wasStale) revived.push(id);
      if (machineOf(entry)['needs_review'] === true) needsReview.push(id);
    } else if (markStale(document, entry, options.today)) {
      staled.push(id);
    }
    stampChecksum(document, entry);
    const afterJson = entry.toJSON() as Record<string, unknown>;
    if (before !== JSON.stringify(afterJson)) {
      refreshed.push(id);
      if (threat && onlyHashesMigrated(beforeJson, afterJson, threat)) migrated.push(id);
    }
  }
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
    added.push(threat.id);
  }
  const pathsNode = document.get('paths', true) as YamlNode | null | undefined;
  if (isMap(pathsNode)) {
    for (const pair of pathsNode.items as Pair<YamlNode, YamlNode>[]) {
      const id = String((pair.key as { value?: unknown } | null)?.value ?? '');
      const entry = pair.value;
      if (!isMap(entry)) continue;
      const found = paths.get(id);
      const before = JSON.stringify(entry.toJSON());
      if (found) {
        const wasStale = machineOf(entry)['stale'] === true;
        refreshPathEntry(document, entry, found, options.today);
        if (wasStale) revived.push(id);
        if (machineOf(entry)['needs_review'] === true) needsReview.push(id);
      } else if (markStale(document, entry, options.today)) {
        staled.push(id);
      }
      stampPathChecksum(document, entry);
      if (before !== JSON.stringify(entry.toJSON())) refreshed.push(id);
    }
  }
  const lf = document.toString(REGISTER_TO_STRING);
  // Keep Windows line endings where the person's file has them, so a sync is not a whole-file diff.
  const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
  return {
    ok: true,
    text,
    changed: text !== registerText,
    summary: { added, refreshed, staled, revived, needsReview, migrated },
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

/** The first human (or unknown) key of an entry: where newly added machine fields go before. */
function firstHumanKey(entry: YAMLMap): string | undefined {
  const machineKeys = new Set<string>([...MACHINE_FIELDS, 'machine']);
  for (const pair of entry.items as Pair[])
    if (!machineKeys.has(keyName(pair))) return keyName(pair);
  return undefined;
}

function refreshEntry(document: Document, entry: YAMLMap, threat: Threat, today: string): void {
  const anchor = firstHumanKey(entry);
  const newKeys: string[] = [];
  if (setIfChanged(document, entry, 'title', threat.title)) newKeys.push('title');
  if (setIfChanged(document, entry, 'element', threat.element)) newKeys.push('element');
  if (setIfChanged(document, entry, 'stride', [...threat.stride], true)) newKeys.push('stride');
  if (setIfChanged(document, entry, 'atlas', [...threat.atlas], true)) newKeys.push('atlas');
  if (setIfChanged(document, entry, 'severity', threat.severity)) newKeys.push('severity');
  // Only keys added in this run move (before the first human field, for readability); keys a
  // person already placed stay where they are.
  if (anchor !== undefined) for (const key of newKeys) moveBefore(entry, key, anchor);
  const machine = machineMap(document, entry);
  const status = String(entry.get('status') ?? 'open') as ThreatStatus;
  setIfChanged(document, machine, 'fingerprint', threat.fingerprint);
  setIfChanged(document, machine, 'missing_controls', [...threat.missingControls], true);
  if (!machine.has('first_seen')) setIfChanged(document, machine, 'first_seen', today);
  deleteKey(machine, 'stale');
  deleteKey(machine, 'stale_since');
  if (DECISIONS.has(status)) {
    // A decision not yet recorded (or a changed decision) is stamped with today's fingerprint;
    // an unchanged decision keeps its stamp, so an element change later shows as needs_review.
    if (machine.get('decided_status') !== status || !machine.has('decided_fingerprint')) {
      setIfChanged(document, machine, 'decided_status', status);
      setIfChanged(document, machine, 'decided_fingerprint', threat.fingerprint);
    }
    // A decision stamped by an older mltm, in an older hash version, on an element that has not
    // changed since: restamped in the current version (the migration), not flagged for review.
    const decided = machine.get('decided_fingerprint');
    if (typeof decided === 'string' && fingerprintMatches(decided, threat))
      setIfChanged(document, machine, 'decided_fingerprint', threat.fingerprint);
    if (machine.get('decided_fingerprint') !== threat.fingerprint)
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

/** The first human (or unknown) key of a path entry. */
function firstHumanPathKey(entry: YAMLMap): string | undefined {
  const machineKeys = new Set<string>([...PATH_MACHINE_FIELDS, 'machine']);
  for (const pair of entry.items as Pair[])
    if (!machineKeys.has(keyName(pair))) return keyName(pair);
  return undefined;
}

/**
 * Refreshes a path entry from the path as the model has it: what the path is, its fingerprint,
 * and the decision stamp (as {@link refreshEntry} does for a threat: an unchanged decision keeps
 * its stamp, so a change of any element on the path shows as `needs_review`).
 */
export function refreshPathEntry(
  document: Document,
  entry: YAMLMap,
  found: FoundPath,
  today: string,
): void {
  const { path, fingerprint } = found;
  const anchor = firstHumanPathKey(entry);
  const newKeys: string[] = [];
  if (setIfChanged(document, entry, 'kind', path.kind)) newKeys.push('kind');
  if (setIfChanged(document, entry, 'entry', path.entry)) newKeys.push('entry');
  if (setIfChanged(document, entry, 'target', path.target)) newKeys.push('target');
  if (setIfChanged(document, entry, 'goal', path.goal)) newKeys.push('goal');
  const elements = path.steps.map((s) => s.element);
  if (setIfChanged(document, entry, 'elements', elements, true)) newKeys.push('elements');
  if (anchor !== undefined) for (const key of newKeys) moveBefore(entry, key, anchor);
  const machine = machineMap(document, entry);
  const status = String(entry.get('status') ?? 'open');
  setIfChanged(document, machine, 'fingerprint', fingerprint);
  if (!machine.has('first_seen')) setIfChanged(document, machine, 'first_seen', today);
  deleteKey(machine, 'stale');
  deleteKey(machine, 'stale_since');
  if (PATH_DECISIONS.has(status)) {
    if (machine.get('decided_status') !== status || !machine.has('decided_fingerprint')) {
      setIfChanged(document, machine, 'decided_status', status);
      setIfChanged(document, machine, 'decided_fingerprint', fingerprint);
    }
    if (machine.get('decided_fingerprint') !== fingerprint)
      setIfChanged(document, machine, 'needs_review', true);
    else deleteKey(machine, 'needs_review');
  } else {
    deleteKey(machine, 'decided_status');
    deleteKey(machine, 'decided_fingerprint');
    deleteKey(machine, 'needs_review');
  }
  moveToEnd(machine, 'checksum');
}

/** {@link stampChecksum} for a path entry. */
export function stampPathChecksum(document: Document, entry: YAMLMap): void {
  const json = entry.toJSON() as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const { missingControls: _none, ...machineState } = machineStateOf(json);
  const state: PathMachineState = machineState;
  const checksum = pathMachineChecksum({
    ...(str(json['kind']) !== undefined && { kind: str(json['kind']) }),
    ...(str(json['entry']) !== undefined && { entry: str(json['entry']) }),
    ...(str(json['target']) !== undefined && { target: str(json['target']) }),
    ...(str(json['goal']) !== undefined && { goal: str(json['goal']) }),
    ...(list(json['elements']) !== undefined && { elements: list(json['elements']) }),
    machine: state,
  });
  const machine = machineMap(document, entry);
  setIfChanged(document, machine, 'checksum', checksum);
  moveToEnd(machine, 'checksum');
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

/** The machine state of an entry node, as the checksum reads it. */
function machineStateOf(json: Record<string, unknown>): Omit<MachineState, 'checksum'> {
  const m = (json['machine'] ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  return {
    ...(str(m['fingerprint']) !== undefined && { fingerprint: str(m['fingerprint']) }),
    ...(list(m['missing_controls']) !== undefined && {
      missingControls: list(m['missing_controls']),
    }),
    ...(str(m['decided_status']) !== undefined && { decidedStatus: str(m['decided_status']) }),
    ...(str(m['decided_fingerprint']) !== undefined && {
      decidedFingerprint: str(m['decided_fingerprint']),
    }),
    ...(m['needs_review'] === true && { needsReview: true }),
    ...(str(m['first_seen']) !== undefined && { firstSeen: str(m['first_seen']) }),
    stale: m['stale'] === true,
    ...(str(m['stale_since']) !== undefined && { staleSince: str(m['stale_since']) }),
  };
}

/**
 * Recomputes an entry's `machine.checksum` after mltm changed its machine fields (sync, triage,
 * rename), so the next sync can tell a person's hand edit from mltm's own.
 */
export function stampChecksum(document: Document, entry: YAMLMap): void {
  const json = entry.toJSON() as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const checksum = machineChecksum({
    ...(str(json['title']) !== undefined && { title: str(json['title']) }),
    ...(str(json['element']) !== undefined && { element: str(json['element']) }),
    ...(list(json['stride']) !== undefined && { stride: list(json['stride']) }),
    ...(list(json['atlas']) !== undefined && { atlas: list(json['atlas']) }),
    ...(str(json['severity']) !== undefined && { severity: str(json['severity']) }),
    machine: machineStateOf(json),
  });
  const machine = machineMap(document, entry);
  setIfChanged(document, machine, 'checksum', checksum);
  moveToEnd(machine, 'checksum');
}

/**
 * Whether a sync would change nothing in `register`: every entry is run through the same
 * refresh, stale and checksum steps as the document path, on a small node built from its plain
 * value, and compared. Returns the entries needing review (as the full sync would list them), or
 * undefined when anything would change — then the caller takes the document path. A property
 * test (test/fuzz/largeRegister.test.ts) holds this equal to the document path.
 */
function unchangedNeedsReview(
  register: ThreatRegister,
  analysis: LoadedAnalysis,
  today: string,
  paths: ReadonlyMap<string, FoundPath>,
): string[] | undefined {
  const threats = register.value['threats'];
  if (threats === null || typeof threats !== 'object' || Array.isArray(threats)) return undefined;
  const current = new Map(withMerged(analysis.threats).map((t) => [t.id, t]));
  const primaries = new Set(analysis.threats.map((t) => t.id));
  const entries = threats as Record<string, unknown>;
  const ids = Object.keys(entries);
  if (ids.length !== register.entries.length) return undefined;
  let produced = 0;
  const needsReview: string[] = [];
  const scratch = new Document();
  for (const entry of register.entries) {
    const raw = entries[entry.id];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
    const node = scratch.createNode(raw) as YAMLMap;
    const before = JSON.stringify(raw);
    const threat = current.get(entry.id);
    if (threat) {
      if (primaries.has(entry.id)) produced++;
      refreshEntry(scratch, node, threat, today);
      if (machineOf(node)['needs_review'] === true) needsReview.push(entry.id);
    } else markStale(scratch, node, today);
    stampChecksum(scratch, node);
    if (JSON.stringify(node.toJSON()) !== before) return undefined;
  }
  // A threat without an entry would be added (merged ones are not: they keep entries they have).
  if (produced !== primaries.size) return undefined;
  const pathEntries = register.value['paths'];
  if (register.paths.length > 0) {
    if (pathEntries === null || typeof pathEntries !== 'object' || Array.isArray(pathEntries))
      return undefined;
    const raws = pathEntries as Record<string, unknown>;
    if (Object.keys(raws).length !== register.paths.length) return undefined;
    for (const entry of register.paths) {
      const raw = raws[entry.id];
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
      const node = scratch.createNode(raw) as YAMLMap;
      const before = JSON.stringify(raw);
      const found = paths.get(entry.id);
      if (found) {
        refreshPathEntry(scratch, node, found, today);
        if (machineOf(node)['needs_review'] === true) needsReview.push(entry.id);
      } else markStale(scratch, node, today);
      stampPathChecksum(scratch, node);
      if (JSON.stringify(node.toJSON()) !== before) return undefined;
    }
  }
  return needsReview;
}

/**
 * Attack-path decisions in the register (`paths:`, keyed by path id): checked against the model
 * like threat entries ({@link checkPathEntries}: unknown ids, missing justifications, expired and
 * due-review decisions, stale entries, hand edits), and written on a person's request
 * ({@link triagePath}: `mltm triage <model> <path-id>` and the Fix Plan view's Accept Attack Path,
 * the one code path that adds a path entry). Whether a path still exists, and its fingerprint, is
 * the decision layer's answer (`findPaths` through `registerPaths`), the same one sync uses.
 */
import { isMap, parseDocument, type YAMLMap } from 'yaml';
import { isUsable, modelErrors, type Analysis, type LoadedAnalysis } from '../analysis';
import { pathMachineChecksumMatches } from '../hashes';
import { compareProblems, problem, type Problem } from '../problems';
import { isCalendarDate } from '../util/date';
import { quoteInline } from '../util/inert';
import {
  loadRegister,
  PATH_STATUSES,
  type PathStatus,
  type RegisterCheckOptions,
  type ThreatRegister,
} from './register';
import {
  pathChecksumFieldsOf,
  refreshPathEntry,
  REGISTER_TO_STRING,
  registerPaths,
  stampPathChecksum,
  syncRegisterDetailed,
  unknownPathProblem,
  type SyncOptions,
} from './sync';
import { reviewByProblem, setHumanFields, type TriageChange, type TriageResult } from './triage';

/** Path statuses that need a justification. */
export const PATH_NEEDS_JUSTIFICATION: ReadonlySet<PathStatus> = new Set([
  'accepted',
  'not_applicable',
]);

const words = (status: string) => status.replace('_', ' ');

/** Triage problems of a register's `paths:` entries against the current analysis of its model. */
export function checkPathEntries(
  register: ThreatRegister,
  analysis: LoadedAnalysis,
  options: RegisterCheckOptions,
): Problem[] {
  if (register.paths.length === 0) return [];
  const found = registerPaths(analysis, register);
  const problems: Problem[] = [];
  const field = (pointer: string, name: string, fallback: Problem['range']) =>
    register.sourceMap.get(`${pointer}/${name}`)?.value ?? fallback;
  for (const entry of register.paths) {
    const path = found.get(entry.id);
    const status = entry.status as PathStatus;
    const decided = status !== 'open' && PATH_STATUSES.includes(status);
    if (!path) {
      problems.push(
        entry.machine.firstSeen === undefined
          ? unknownPathProblem(entry)
          : problem(
              'MLTM304',
              `Stale: the model no longer has attack path \`${entry.id}\`${entry.entry !== undefined && entry.target !== undefined ? ` (${entry.entry} → ${entry.target})` : ''}${entry.machine.staleSince ? ` (since ${entry.machine.staleSince})` : ''}. Keep it as history or delete it.`,
              entry.keyRange,
            ),
      );
    }
    if (PATH_NEEDS_JUSTIFICATION.has(status) && !(entry.justification ?? '').trim()) {
      problems.push(
        problem(
          'MLTM301',
          `Attack path \`${entry.id}\` is ${words(status)} without a justification; say why, so reviewers and auditors can judge it.`,
          field(entry.pointer, 'status', entry.keyRange),
        ),
      );
    }
    if (
      decided &&
      entry.reviewBy !== undefined &&
      isCalendarDate(entry.reviewBy) &&
      entry.reviewBy < options.today
    ) {
      problems.push(
        problem(
          'MLTM302',
          `The ${words(status)} decision on attack path \`${entry.id}\` expired on ${entry.reviewBy}; review it and set a new \`review_by\`.`,
          field(entry.pointer, 'review_by', entry.keyRange),
        ),
      );
    }
    if (
      path &&
      decided &&
      entry.machine.decidedStatus === status &&
      entry.machine.decidedFingerprint !== undefined &&
      entry.machine.decidedFingerprint !== path.fingerprint
    ) {
      problems.push(
        problem(
          'MLTM303',
          `An element on attack path \`${entry.id}\` (${path.path.entry} → ${path.path.target}) changed since it was marked ${words(status)}; review the decision (confirm it with \`mltm triage --confirm\`).`,
          field(entry.pointer, 'status', entry.keyRange),
        ),
      );
    }
    if (
      entry.machine.checksum !== undefined &&
      !pathMachineChecksumMatches(entry.machine.checksum, pathChecksumFieldsOf(entry))
    ) {
      problems.push(
        problem(
          'MLTM308',
          `Fields kept by mltm (kind, entry, target, goal, elements, machine) of path \`${entry.id}\` were edited by hand; \`mltm sync\` will restore them. Put your notes in \`notes\` or an \`x-\` field.`,
          entry.keyRange,
          { severity: 'warning' },
        ),
      );
    }
  }
  return problems.sort(compareProblems);
}

/** A person's change to an attack-path decision (the threat change, with a path's statuses). */
export type PathTriageChange = Omit<TriageChange, 'status'> & { readonly status?: PathStatus };

/**
 * Records a decision about attack path `pathId`. The register is synced first (machine fields
 * current), then the path's entry is created when it has none (what the path is, its
 * fingerprint), the human fields given are set, and a decision is stamped with the path's
 * fingerprint now, so a later change of any element on it shows as `needs_review`.
 */
export function triagePath(
  registerText: string | undefined,
  analysis: Analysis,
  pathId: string,
  change: PathTriageChange,
  options: SyncOptions,
): TriageResult {
  const none = { start: 0, end: 0 };
  if (change.status !== undefined && !PATH_STATUSES.includes(change.status)) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM106',
          `Unknown status ${quoteInline(String(change.status))} for an attack path; use ${PATH_STATUSES.join(', ')}.`,
          none,
        ),
      ],
    };
  }
  const badDate = reviewByProblem(change.reviewBy);
  if (badDate) return { ok: false, problems: [badDate] };
  if (!isUsable(analysis)) return { ok: false, file: 'model', problems: modelErrors(analysis) };
  const synced = syncRegisterDetailed(registerText, analysis, options);
  if (!synced.ok) return synced;
  const register = loadRegister(synced.text).register;
  const found = registerPaths(analysis, register, [pathId]).get(pathId);
  if (!found) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM311',
          `The model has no attack path \`${pathId}\`; \`mltm plan\` lists the ids of its paths.`,
          none,
        ),
      ],
    };
  }
  // Sync's own output, so the library's quadratic duplicate-key check is not needed; edited as
  // LF and written back in the file's own line endings, as sync does.
  const crlf = synced.text.includes('\r\n');
  const document = parseDocument(crlf ? synced.text.replace(/\r\n/g, '\n') : synced.text, {
    uniqueKeys: false,
  });
  let paths = document.get('paths', true) as YAMLMap | undefined;
  if (!isMap(paths)) {
    paths = document.createNode({}) as YAMLMap;
    document.set('paths', paths);
  }
  let entry = paths.get(pathId, true) as YAMLMap | undefined;
  const created = !isMap(entry);
  if (!isMap(entry)) {
    entry = document.createNode({}) as YAMLMap;
    paths.items.push(document.createPair(pathId, entry));
  }
  refreshPathEntry(document, entry, found, options.today);
  const status = (change.status ?? String(entry.get('status') ?? 'open')) as PathStatus;
  const justification = change.justification ?? (entry.get('justification') as string | undefined);
  if (PATH_NEEDS_JUSTIFICATION.has(status) && !(justification ?? '').trim()) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM301',
          `A justification is required to mark an attack path ${words(status)}.`,
          none,
        ),
      ],
    };
  }
  setHumanFields(document, entry, {
    ...change,
    ...(created && change.status === undefined && { status: 'open' }),
  });
  const machine = entry.get('machine', true);
  if (isMap(machine) && status !== 'open' && (change.status !== undefined || change.confirm)) {
    // The person decided (or re-confirmed) with the path as it is now.
    machine.set('decided_status', status);
    machine.set('decided_fingerprint', found.fingerprint);
    if (machine.has('needs_review')) machine.delete('needs_review');
  } else if (isMap(machine) && status === 'open') {
    for (const key of ['decided_status', 'decided_fingerprint', 'needs_review'])
      if (machine.has(key)) machine.delete(key);
  }
  stampPathChecksum(document, entry);
  const lf = document.toString(REGISTER_TO_STRING);
  return { ok: true, text: crlf ? lf.replace(/\n/g, '\r\n') : lf };
}

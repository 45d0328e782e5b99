/**
 * Attack-path decisions in the register (`paths:`, keyed by path id): checked against the model
 * like threat entries ({@link checkPathEntries}: unknown ids, missing justifications, expired and
 * due-review decisions, stale entries, hand edits), and written on a person's request
 * ({@link triagePath}: `mltm triage <model> <path-id>` and the Fix Plan view's Accept Attack Path,
 * the one code path that adds a path entry). Whether a path still exists, and its fingerprint, is
 * the decision layer's answer (`findPaths` through `registerPaths`), the same one sync uses.
 */
import { isMap, type YAMLMap } from 'yaml';
import { isUsable, modelErrors, type Analysis, type LoadedAnalysis } from '../analysis';
import { compareProblems, problem, type Problem } from '../problems';
import { isCalendarDate } from '../util/date';
import { quoteInline } from '../util/inert';
import {
  keptFieldsEdited,
  keptFieldsEditedProblem,
  loadRegister,
  PATH_STATUSES,
  type PathStatus,
  type RegisterCheckOptions,
  type ThreatRegister,
} from './register';
import {
  editableText,
  refreshPathEntry,
  registerPaths,
  registerTextOf,
  stampPathChecksum,
  syncRegisterDetailed,
  unknownPathProblem,
  type SyncOptions,
} from './sync';
import {
  justificationProblem,
  reviewByProblem,
  setHumanFields,
  stampPersonsDecision,
  statusAfter,
  type TriageChange,
  type TriageResult,
} from './triage';

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
    if (keptFieldsEdited(entry, 'path'))
      problems.push(keptFieldsEditedProblem(register, entry, 'path', 'check'));
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
  const { document, crlf } = editableText(synced.text);
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
  const status = statusAfter(entry, change);
  const unjustified = justificationProblem(
    entry,
    change,
    status,
    PATH_NEEDS_JUSTIFICATION,
    'an attack path',
  );
  if (unjustified) return { ok: false, problems: [unjustified] };
  setHumanFields(document, entry, {
    ...change,
    ...(created && change.status === undefined && { status: 'open' }),
  });
  // The person decided (or re-confirmed) with the path as it is now.
  stampPersonsDecision(entry, change, status, status !== 'open', found.fingerprint);
  stampPathChecksum(document, entry);
  return { ok: true, text: registerTextOf(document, crlf) };
}

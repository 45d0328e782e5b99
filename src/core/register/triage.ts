/**
 * Triage: a person's explicit decision about one threat (accept, mark not applicable, assign,
 * confirm after a change), written into the register. The only code path that writes human
 * fields — because a human asked for exactly that. Used by `mltm triage`, the quick fixes and
 * the register view, so they all behave the same.
 */
import { isMap, parseDocument, type YAMLMap } from 'yaml';
import type { Analysis } from '../analysis';
import { problem, type Problem } from '../problems';
import { DATE_EXAMPLE, isCalendarDate } from '../util/date';
import { quoteInline } from '../util/inert';
import { DECISIONS, NEEDS_JUSTIFICATION, STATUSES, type ThreatStatus } from './register';
import { REGISTER_TO_STRING, stampChecksum, syncRegister, type SyncOptions } from './sync';

export interface TriageChange {
  readonly status?: ThreatStatus;
  readonly owner?: string;
  readonly justification?: string;
  readonly ticket?: string;
  readonly reviewBy?: string;
  readonly notes?: string;
  /** Re-confirm an unchanged decision after its element changed (clears "needs review"). */
  readonly confirm?: boolean;
}

export type TriageResult =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly problems: Problem[];
      /** Set when the problems are located in a file (sync refused); absent for a bad request. */
      readonly file?: 'model' | 'register';
    };

/**
 * Applies a decision to threat `threatId`. The register is synced first (so the entry exists and
 * machine fields are current), then the human fields given are set, and the decision stamped
 * with the element's current fingerprint.
 */
export function triageThreat(
  registerText: string | undefined,
  analysis: Analysis,
  threatId: string,
  change: TriageChange,
  options: SyncOptions,
): TriageResult {
  const none = { start: 0, end: 0 };
  if (change.status !== undefined && !STATUSES.includes(change.status)) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM106',
          `Unknown status \`${change.status}\`; use ${STATUSES.join(', ')}.`,
          none,
        ),
      ],
    };
  }
  if (change.reviewBy !== undefined && !isCalendarDate(change.reviewBy)) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM109',
          `review_by must be a date like ${DATE_EXAMPLE} (YYYY-MM-DD, a real calendar day), not ${quoteInline(change.reviewBy)}.`,
          none,
        ),
      ],
    };
  }
  const modelErrors = analysis.problems.filter((p) => p.severity === 'error');
  if (!analysis.model || modelErrors.length > 0)
    return { ok: false, file: 'model', problems: modelErrors };
  const threat = analysis.threats.find((t) => t.id === threatId);
  if (!threat)
    return {
      ok: false,
      problems: [problem('MLTM305', `The model does not produce a threat \`${threatId}\`.`, none)],
    };
  const synced = syncRegister(registerText, analysis, options);
  if (!synced.ok) return synced;
  // Sync's own output: loaded and checked already, so skip the library's quadratic key check.
  const document = parseDocument(synced.text, { uniqueKeys: false });
  const entry = document.getIn(['threats', threatId], true) as YAMLMap | undefined;
  if (!isMap(entry))
    return {
      ok: false,
      problems: [problem('MLTM310', `No entry \`${threatId}\` after sync.`, none)],
    };
  const status = (change.status ?? String(entry.get('status') ?? 'open')) as ThreatStatus;
  const justification = change.justification ?? (entry.get('justification') as string | undefined);
  if (NEEDS_JUSTIFICATION.has(status) && !(justification ?? '').trim()) {
    return {
      ok: false,
      problems: [
        problem(
          'MLTM301',
          `A justification is required to mark a threat ${status.replace('_', ' ')}.`,
          none,
        ),
      ],
    };
  }
  const set = (key: string, value: string | undefined) => {
    if (value === undefined) return;
    if (value === '') {
      if (entry.has(key)) entry.delete(key);
    } else if (entry.has(key)) entry.set(key, value);
    else {
      // A new human key goes before `machine`, so the entry reads: what, decision, bookkeeping.
      const machineIndex = entry.items.findIndex(
        (p) => String((p.key as { value?: unknown }).value) === 'machine',
      );
      const pair = document.createPair(key, value);
      if (machineIndex >= 0) entry.items.splice(machineIndex, 0, pair);
      else entry.items.push(pair);
    }
  };
  set('status', change.status);
  set('owner', change.owner);
  set('justification', change.justification);
  set('ticket', change.ticket);
  set('review_by', change.reviewBy);
  set('notes', change.notes);
  const machine = entry.get('machine', true);
  if (isMap(machine) && DECISIONS.has(status) && (change.status !== undefined || change.confirm)) {
    // The person decided (or re-confirmed) with the element as it is now.
    machine.set('decided_status', status);
    machine.set('decided_fingerprint', threat.fingerprint);
    if (machine.has('needs_review')) machine.delete('needs_review');
  } else if (isMap(machine) && !DECISIONS.has(status)) {
    for (const key of ['decided_status', 'decided_fingerprint', 'needs_review'])
      if (machine.has(key)) machine.delete(key);
  }
  stampChecksum(document, entry);
  const text = document.toString(REGISTER_TO_STRING);
  return { ok: true, text };
}

/**
 * Triage: a person's explicit decision about one threat (accept, mark not applicable, assign,
 * confirm after a change), written into the register. The only code path that writes human
 * fields — because a human asked for exactly that. Used by `mltm triage`, the quick fixes and
 * the register view, so they all behave the same.
 */
import { isMap, parseDocument, type Document, type YAMLMap } from 'yaml';
import { isUsable, modelErrors, type Analysis } from '../analysis';
import { problem, type Problem } from '../problems';
import type { Threat } from '../rules/evaluate';
import {
  DECISION_FIELD_KEYS,
  DECISIONS,
  NEEDS_JUSTIFICATION,
  STATUSES,
  type DecisionFields,
  type ThreatRegister,
  type ThreatStatus,
} from './register';
import {
  editableText,
  REGISTER_TO_STRING,
  registerTextOf,
  stampChecksum,
  syncRegisterDetailed,
  type SyncOptions,
} from './sync';
import { DATE_EXAMPLE, isCalendarDate } from '../util/date';
import { quoteInline } from '../util/inert';

export interface TriageChange extends DecisionFields {
  readonly status?: ThreatStatus;
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

/** The problem with a `review_by` a decision would record, if it is not a calendar date. */
export function reviewByProblem(reviewBy: string | undefined): Problem | undefined {
  if (reviewBy === undefined || isCalendarDate(reviewBy)) return undefined;
  return problem(
    'MLTM109',
    `review_by must be a date like ${DATE_EXAMPLE} (YYYY-MM-DD, a real calendar day), not ${quoteInline(reviewBy)}.`,
    { start: 0, end: 0 },
  );
}

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
  const badDate = reviewByProblem(change.reviewBy);
  if (badDate) return { ok: false, problems: [badDate] };
  if (!isUsable(analysis)) return { ok: false, file: 'model', problems: modelErrors(analysis) };
  const threat = analysis.threats.find((t) => t.id === threatId);
  if (!threat) {
    const into = analysis.threats.find((t) => t.merged?.some((m) => m.id === threatId));
    return {
      ok: false,
      problems: [
        problem(
          'MLTM305',
          into
            ? `\`${threatId}\` is merged into \`${into.id}\`, which covers it on the same element; triage \`${into.id}\` (an existing entry under \`${threatId}\` keeps its decision).`
            : `The model does not produce a threat \`${threatId}\`.`,
          none,
        ),
      ],
    };
  }
  const synced = syncRegisterDetailed(registerText, analysis, options);
  if (!synced.ok) return synced;
  // One entry of a register that was already up to date: only that entry's lines are read and
  // rewritten (issue 16, defect 10: re-serialising 7,000 entries took seconds). Byte-identical to
  // the whole-document path on the registers sync writes (test/fuzz/registerSplice.test.ts).
  if (synced.register && !synced.changed && !options.wholeDocument) {
    const spliced = spliceEntry(synced.text, synced.register, threatId, (document, entry) =>
      applyChange(document, entry, threat, change),
    );
    if (spliced !== undefined) return spliced;
  }
  return triageWholeDocument(synced.text, threatId, (document, entry) =>
    applyChange(document, entry, threat, change),
  );
}

type EntryEdit = (document: Document, entry: YAMLMap) => Problem | undefined;

/** The document path: parse the whole register, edit the entry, serialise it all. */
export function triageWholeDocument(text: string, threatId: string, edit: EntryEdit): TriageResult {
  const { document, crlf } = editableText(text);
  const entry = document.getIn(['threats', threatId], true) as YAMLMap | undefined;
  if (!isMap(entry))
    return {
      ok: false,
      problems: [problem('MLTM310', `No entry \`${threatId}\` after sync.`, { start: 0, end: 0 })],
    };
  const refused = edit(document, entry);
  if (refused) return { ok: false, problems: [refused] };
  return { ok: true, text: registerTextOf(document, crlf) };
}

const THREATS_LINE = 'threats:\n';

/**
 * The splice path: the entry's own lines (a block mapping at two spaces under `threats:`, LF only,
 * followed by the next entry, a top-level key or the end) are parsed as a one-entry register,
 * edited by the same code as the document path, serialised, and put back in place; the rest of
 * the text is kept byte for byte. Undefined when the entry is laid out any other way (then the
 * document path runs).
 */
export function spliceEntry(
  text: string,
  register: ThreatRegister,
  threatId: string,
  edit: EntryEdit,
): TriageResult | undefined {
  const entry = register.byId.get(threatId);
  const ranges = entry && register.sourceMap.get(entry.pointer);
  if (!entry || !ranges?.key) return undefined;
  const start = text.lastIndexOf('\n', ranges.key.start - 1) + 1;
  if (text.slice(start, ranges.key.start) !== '  ') return undefined;
  const lineEnd = text.indexOf('\n', ranges.value.end);
  if (lineEnd < 0) return undefined;
  const end = lineEnd + 1;
  const block = text.slice(start, end);
  // A block mapping: the key's line holds only the key (and its colon).
  const firstLine = block.slice(0, block.indexOf('\n'));
  if (!/:\s*$/.test(firstLine) || block.includes('\r')) return undefined;
  const next = text.slice(end, text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end));
  if (end < text.length && !/^(?: {2})?[^\s#]/.test(next)) return undefined;
  const document = parseDocument(THREATS_LINE + block, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined;
  const node = document.getIn(['threats', threatId], true) as YAMLMap | undefined;
  const threats = document.get('threats', true);
  if (!isMap(node) || !isMap(threats) || threats.items.length !== 1) return undefined;
  const refused = edit(document, node);
  if (refused) return { ok: false, problems: [refused] };
  const out = document.toString(REGISTER_TO_STRING);
  if (!out.startsWith(THREATS_LINE) || !out.endsWith('\n')) return undefined;
  return {
    ok: true,
    text: text.slice(0, start) + out.slice(THREATS_LINE.length) + text.slice(end),
  };
}

/** The person's change on one entry node; a problem when the change is refused. */
function applyChange(
  document: Document,
  entry: YAMLMap,
  threat: Threat,
  change: TriageChange,
): Problem | undefined {
  const status = statusAfter(entry, change);
  const unjustified = justificationProblem(entry, change, status, NEEDS_JUSTIFICATION, 'a threat');
  if (unjustified) return unjustified;
  setHumanFields(document, entry, change);
  // The person decided (or re-confirmed) with the element as it is now.
  stampPersonsDecision(entry, change, status, DECISIONS.has(status), threat.fingerprint);
  stampChecksum(document, entry);
  return undefined;
}

/** The status an entry node has after `change`: the change's, else as written, else `open`. */
export function statusAfter<Status extends string>(
  entry: YAMLMap,
  change: { readonly status?: Status },
): Status {
  return (change.status ?? String(entry.get('status') ?? 'open')) as Status;
}

/**
 * The refusal (MLTM301) of a change that leaves an entry (`what`: "a threat", "an attack path")
 * at a status needing a justification without one: neither the change nor the entry gives it.
 */
export function justificationProblem(
  entry: YAMLMap,
  change: { readonly justification?: string },
  status: string,
  needsJustification: ReadonlySet<string>,
  what: string,
): Problem | undefined {
  const justification = change.justification ?? (entry.get('justification') as string | undefined);
  if (!needsJustification.has(status) || (justification ?? '').trim()) return undefined;
  return problem(
    'MLTM301',
    `A justification is required to mark ${what} ${status.replace('_', ' ')}.`,
    { start: 0, end: 0 },
  );
}

/**
 * Records a person's decision in an entry's `machine` (threat or path): a decision made or
 * re-confirmed by this change is stamped with `fingerprint` (what it is about now), clearing
 * needs_review; a status that is no decision clears the stamp; an unchanged decision keeps it.
 */
export function stampPersonsDecision(
  entry: YAMLMap,
  change: { readonly status?: string; readonly confirm?: boolean },
  status: string,
  isDecision: boolean,
  fingerprint: string,
): void {
  const machine = entry.get('machine', true);
  if (!isMap(machine)) return;
  if (isDecision && (change.status !== undefined || change.confirm)) {
    machine.set('decided_status', status);
    machine.set('decided_fingerprint', fingerprint);
    if (machine.has('needs_review')) machine.delete('needs_review');
  } else if (!isDecision) {
    for (const key of ['decided_status', 'decided_fingerprint', 'needs_review'])
      if (machine.has(key)) machine.delete(key);
  }
}

/**
 * Sets the human fields a change gives on an entry node (threat or path): an empty string
 * removes the key; a new key goes before `machine`, so the entry reads: what, decision,
 * bookkeeping.
 */
export function setHumanFields(document: Document, entry: YAMLMap, change: TriageChange): void {
  const set = (key: string, value: string | undefined) => {
    if (value === undefined) return;
    if (value === '') {
      if (entry.has(key)) entry.delete(key);
    } else if (entry.has(key)) entry.set(key, value);
    else {
      const machineIndex = entry.items.findIndex(
        (p) => String((p.key as { value?: unknown }).value) === 'machine',
      );
      const pair = document.createPair(key, value);
      if (machineIndex >= 0) entry.items.splice(machineIndex, 0, pair);
      else entry.items.push(pair);
    }
  };
  set('status', change.status);
  for (const [key, name] of DECISION_FIELD_KEYS) set(key, change[name]);
}

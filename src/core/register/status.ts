/**
 * The canonical "effective status" of a threat: the one answer the CLI gate, the reports, the
 * diff and the editor all give to "is this threat dealt with?". Kept in one place so they never
 * disagree.
 *
 * Precedence:
 * 1. A decision recorded in the register (`mitigated`, `accepted`, `transferred`,
 *    `not_applicable`) wins — a person looked at the threat. It still counts when the element
 *    changed since (`needsReview` says so), because the decision is not void, only due a look.
 * 2. Otherwise (no entry, `open`, an unknown status, or a stale entry) the threat is `mitigated`
 *    when the controls in the model — declared, implied by `tech`, or provided by a neighbour —
 *    cover every mitigation the rule asks for (`threat.mitigated`), and `open` when they do not.
 *
 * An attack path's status is its `paths:` entry's decision (accepted, mitigated,
 * not_applicable), by the same rule: it counts while the elements changed since, only due a
 * review ({@link pathDecisionOf}); with no entry or `open`, the path is open.
 */
import { fingerprintMatches } from '../hashes';
import type { Threat } from '../rules/evaluate';
import {
  DECISIONS,
  PATH_STATUSES,
  STATUSES,
  type PathEntry,
  type PathStatus,
  type RegisterEntry,
  type ThreatRegister,
  type ThreatStatus,
} from './register';

/** Where an effective status comes from. */
export type StatusSource = 'register' | 'controls' | 'none';

export interface EffectiveStatus {
  readonly status: ThreatStatus;
  readonly source: StatusSource;
  /** The register decision was taken before its element last changed (review it). */
  readonly needsReview: boolean;
  /** The register entry, when there is one. */
  readonly entry?: RegisterEntry;
}

/** Full answer: the status, where it comes from, and whether the decision is due a review. */
export function effectiveStatusOf(threat: Threat, register?: ThreatRegister): EffectiveStatus {
  const entry = register?.byId.get(threat.id);
  const written =
    entry && (STATUSES as readonly string[]).includes(entry.status)
      ? (entry.status as ThreatStatus)
      : undefined;
  if (entry && written && DECISIONS.has(written)) {
    const needsReview =
      entry.machine.decidedStatus === written &&
      entry.machine.decidedFingerprint !== undefined &&
      !fingerprintMatches(entry.machine.decidedFingerprint, threat);
    return { status: written, source: 'register', needsReview, entry };
  }
  return {
    status: threat.mitigated ? 'mitigated' : 'open',
    source: threat.mitigated ? 'controls' : 'none',
    needsReview: false,
    ...(entry && { entry }),
  };
}

/** The effective status alone (see the module comment for the rules). */
export function effectiveStatus(threat: Threat, register?: ThreatRegister): ThreatStatus {
  return effectiveStatusOf(threat, register).status;
}

/** Whether a threat still needs action: its effective status is `open`. */
export function isOpen(threat: Threat, register?: ThreatRegister): boolean {
  return effectiveStatus(threat, register) === 'open';
}

/** A register decision on an attack path (see the module comment). */
export interface PathDecisionState {
  readonly status: Exclude<PathStatus, 'open'>;
  readonly needsReview: boolean;
  readonly owner?: string;
  readonly justification?: string;
}

/**
 * The decision a `paths:` entry records about the path whose fingerprint is now `fingerprint`;
 * undefined when the entry decides nothing (`open`, or a status a path cannot have).
 */
export function pathDecisionOf(
  entry: PathEntry,
  fingerprint: string,
): PathDecisionState | undefined {
  const written = (PATH_STATUSES as readonly string[]).includes(entry.status)
    ? (entry.status as PathStatus)
    : undefined;
  if (written === undefined || written === 'open') return undefined;
  const needsReview =
    entry.machine.decidedStatus === written &&
    entry.machine.decidedFingerprint !== undefined &&
    entry.machine.decidedFingerprint !== fingerprint;
  return {
    status: written,
    needsReview,
    ...(entry.owner !== undefined && { owner: entry.owner }),
    ...(entry.justification !== undefined && { justification: entry.justification }),
  };
}

/**
 * Threat diff between two versions of a model (and their registers): what a reviewer wants on a
 * pull request — threats added, removed, and changed in severity, missing controls or status.
 */
import { threatsOf, type Analysis } from '../analysis';
import type { Threat } from '../rules/evaluate';
import type { ThreatRegister } from './register';
import { effectiveStatus } from './status';

export { effectiveStatus, effectiveStatusOf, isOpen } from './status';

export interface ThreatChange {
  readonly id: string;
  readonly title: string;
  readonly element: string;
  readonly before?: {
    readonly severity: string;
    readonly status: string;
    readonly missingControls: readonly string[];
  };
  readonly after?: {
    readonly severity: string;
    readonly status: string;
    readonly missingControls: readonly string[];
  };
  /** What changed, in words (`severity high → critical`, `status open → accepted`, ...). */
  readonly changes: readonly string[];
}

export interface ThreatDiff {
  readonly added: readonly ThreatChange[];
  readonly removed: readonly ThreatChange[];
  readonly changed: readonly ThreatChange[];
  readonly unchanged: number;
}

function state(threat: Threat, register?: ThreatRegister) {
  return {
    severity: threat.severity,
    status: effectiveStatus(threat, register),
    missingControls: threat.missingControls,
  };
}

/** Compares two analyses (old, new) with their registers. Deterministic order: by threat id. */
export function diffThreats(
  before: Analysis,
  after: Analysis,
  beforeRegister?: ThreatRegister,
  afterRegister?: ThreatRegister,
): ThreatDiff {
  const old = new Map(threatsOf(before).map((t) => [t.id, t]));
  const now = new Map(threatsOf(after).map((t) => [t.id, t]));
  const byId = (a: ThreatChange, b: ThreatChange) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const added: ThreatChange[] = [];
  const removed: ThreatChange[] = [];
  const changed: ThreatChange[] = [];
  let unchanged = 0;
  for (const [id, threat] of now) {
    const previous = old.get(id);
    const afterState = state(threat, afterRegister);
    if (!previous) {
      added.push({
        id,
        title: threat.title,
        element: threat.element,
        after: afterState,
        changes: ['added'],
      });
      continue;
    }
    const beforeState = state(previous, beforeRegister);
    const changes: string[] = [];
    if (beforeState.severity !== afterState.severity)
      changes.push(`severity ${beforeState.severity} → ${afterState.severity}`);
    if (beforeState.status !== afterState.status)
      changes.push(`status ${beforeState.status} → ${afterState.status}`);
    const gone = beforeState.missingControls.filter((c) => !afterState.missingControls.includes(c));
    const come = afterState.missingControls.filter((c) => !beforeState.missingControls.includes(c));
    if (gone.length > 0) changes.push(`no longer missing ${gone.join(', ')}`);
    if (come.length > 0) changes.push(`now missing ${come.join(', ')}`);
    if (changes.length > 0)
      changed.push({
        id,
        title: threat.title,
        element: threat.element,
        before: beforeState,
        after: afterState,
        changes,
      });
    else unchanged++;
  }
  for (const [id, threat] of old) {
    if (!now.has(id))
      removed.push({
        id,
        title: threat.title,
        element: threat.element,
        before: state(threat, beforeRegister),
        changes: ['removed'],
      });
  }
  return {
    added: added.sort(byId),
    removed: removed.sort(byId),
    changed: changed.sort(byId),
    unchanged,
  };
}

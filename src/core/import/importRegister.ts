/**
 * The register written beside an imported draft: the decisions the evidence carries (an OTM
 * export's `mltmDecision` on each threat) put into a new register through the register's own
 * triage — the same code `mltm triage` and the editor's decisions use — so an OTM round trip
 * gives back the statuses, owners and justifications, each stamped against the drafted model
 * like any recorded decision. The one answer for `mltm import --output` and the editor's draft
 * command. A decision that cannot be written (the draft has no such threat, an unknown status)
 * is a located problem at the decision in its file; the others are still written.
 */
import type { Analysis } from '../analysis';
import { problem } from '../problems';
import { STATUSES, type ThreatStatus } from '../register/register';
import type { SyncOptions } from '../register/sync';
import { triageThreat } from '../register/triage';
import type { DraftDecision, FileProblem } from './draft';

export interface ImportedRegister {
  /** The register's text; undefined when no decision could be written. */
  readonly text?: string;
  /** The threat ids whose decisions were written, in file order. */
  readonly written: readonly string[];
  /** Decisions not written, located at the decision in its file. */
  readonly problems: readonly FileProblem[];
}

/** Writes `decisions` into a new register for the drafted model's `analysis`. */
export function registerFromDecisions(
  decisions: readonly DraftDecision[],
  analysis: Analysis,
  options: SyncOptions,
): ImportedRegister {
  let text: string | undefined;
  const written: string[] = [];
  const problems: FileProblem[] = [];
  const refuse = (d: DraftDecision, reason: string) =>
    problems.push({
      file: d.source.file,
      problem: problem(
        'MLTM521',
        `The decision for \`${d.threatId}\` (${d.status}) is not written to the register: ${reason}`,
        d.source.range,
      ),
    });
  for (const d of decisions) {
    if (!(STATUSES as readonly string[]).includes(d.status)) {
      refuse(d, `\`${d.status}\` is not a status (use ${STATUSES.join(', ')}).`);
      continue;
    }
    const { threatId, status, source: _source, ...fields } = d;
    const result = triageThreat(
      text,
      analysis,
      threatId,
      { status: status as ThreatStatus, ...fields },
      options,
    );
    if (!result.ok) {
      refuse(d, result.problems.map((p) => p.message).join(' '));
      // The drafted model itself has errors: no later decision can be written either.
      if (result.file === 'model') break;
      continue;
    }
    text = result.text;
    written.push(d.threatId);
  }
  return { ...(text !== undefined && { text }), written, problems };
}

/**
 * Reports and the CI gate from a model session: whether one may be made at all (the same
 * refusal for `mltm report`, `mltm check` and the editor's Generate Report), the register's
 * located notes, and the report input. Apart from `modelWorkspace.ts` so that the editor's
 * analysis path never loads the report renderers.
 */
import { isUsable } from '../analysis';
import type { Problem } from '../problems';
import type { ThreatDiff } from '../register/diff';
import { assembleReportInput, locateRegisterNotes } from '../report/input';
import type { RegisterNote, ReportInput } from '../report/view';
import type { ModelSession } from './modelWorkspace';
import type { PackFileProblems } from './packs';

/** Why no report (and no CI gate) can be made from a session: a sentence and the problems by file. */
export interface ReportRefusal {
  readonly reason: string;
  readonly files: readonly {
    readonly path: string;
    readonly text?: string;
    readonly problems: readonly Problem[];
  }[];
}

/** The register's problems located in the register file (empty when there is no register text). */
export function registerNotesOf(
  session: ModelSession,
  display: (path: string) => string = (path) => path,
): RegisterNote[] {
  const register = session.register;
  return register.status === 'read'
    ? locateRegisterNotes(display(register.path), register.text, register.problems)
    : [];
}

const errorsOf = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'error');

/**
 * Why a session cannot be reported on or gated in CI — the model has errors or did not load,
 * the register is unreadable or not a register, a rule pack or the ATLAS file has errors — or
 * undefined when it can. `reason` is the first of these in a sentence (`display` names files in
 * it), for the editor; `files` holds every file's blocking problems, for the CLI to print.
 */
export function reportRefusal(
  session: ModelSession,
  display: (path: string) => string = (path) => path,
): ReportRefusal | undefined {
  const reasons: string[] = [];
  const files: ReportRefusal['files'][number][] = [];
  const { analysis } = session;
  if (!isUsable(analysis)) {
    const modelErrors = errorsOf(analysis.problems);
    const count = modelErrors.length;
    reasons.push(
      `the model has ${count === 1 ? 'an error' : `${count || 'some'} errors`}; fix ${count === 1 ? 'it' : 'them'} first (see the Problems panel)`,
    );
    files.push({
      path: session.path,
      text: session.text,
      problems: count > 0 ? modelErrors : analysis.problems,
    });
  }
  const register = session.register;
  if (register.status === 'unreadable' || (register.status === 'read' && !register.register)) {
    reasons.push('its threat register does not load; fix it first (see the Problems panel)');
    files.push({
      path: register.path,
      ...(register.text !== undefined && { text: register.text }),
      problems: register.problems,
    });
  }
  const packErrors = packErrorFiles(session);
  if (packErrors.length > 0) {
    reasons.push(
      `a rule pack or ATLAS file has errors (${packErrors.map((f) => display(f.path)).join(', ')}); fix them first`,
    );
    files.push(...packErrors);
  }
  return reasons.length > 0 ? { reason: reasons[0] as string, files } : undefined;
}

function packErrorFiles(
  session: ModelSession,
): { path: string; text: string; problems: Problem[] }[] {
  const groups: PackFileProblems[] = [
    ...session.packs.problems,
    ...(session.atlas
      ? [
          {
            file: session.atlas.path,
            text: session.atlas.text,
            problems: [...session.atlas.problems],
          },
        ]
      : []),
  ];
  return groups
    .map((g) => ({ path: g.file, text: g.text, problems: errorsOf(g.problems) }))
    .filter((g) => g.problems.length > 0);
}

/** What a report needs besides the session. */
export interface ReportOptions {
  /** How the report names a file (relative, `/`-separated). */
  readonly display: (path: string) => string;
  readonly generatedAt: string;
  readonly toolVersion: string;
  readonly diff?: { readonly diff: ThreatDiff; readonly baseLabel?: string };
  readonly mermaidScript?: string;
  /** The folder SARIF locations are relative to (`originalUriBaseIds`), as a URI. */
  readonly baseUri?: string;
}

/**
 * The report input for a session, or the refusal when it cannot be reported on. The CLI's
 * `mltm report` and the editor's Generate Report both come here, so they write the same report
 * for the same inputs.
 */
export function reportInputFor(
  session: ModelSession,
  options: ReportOptions,
): { input: ReportInput; refusal?: undefined } | { input?: undefined; refusal: ReportRefusal } {
  const refusal = reportRefusal(session, options.display);
  const analysis = session.analysis;
  // reportRefusal refuses every analysis that is not usable; the second test narrows the type.
  if (refusal || !isUsable(analysis))
    return { refusal: refusal ?? { reason: 'the model does not load', files: [] } };
  const register = session.register;
  const registerFile = options.display(register.path);
  return {
    input: assembleReportInput({
      analysis,
      text: session.text,
      file: options.display(session.path),
      ...(register.status === 'read' &&
        register.register && { register: { register: register.register, file: registerFile } }),
      registerNotes:
        register.status === 'read'
          ? locateRegisterNotes(registerFile, register.text, register.problems)
          : [],
      generatedAt: options.generatedAt,
      toolVersion: options.toolVersion,
      ...(options.diff && { diff: options.diff }),
      ...(options.mermaidScript !== undefined && { mermaidScript: options.mermaidScript }),
      ...(options.baseUri !== undefined && { baseUri: options.baseUri }),
    }),
  };
}

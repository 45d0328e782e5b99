/**
 * What `mltm report` and `mltm check` read about one model: the core's model session (model,
 * packs, ATLAS, register, checked — see `core/workspace/modelWorkspace.ts`) and, with `--base`,
 * the same at a git revision and the threat diff. Input problems come back as located lines to
 * print, never thrown.
 */
import { analyze } from '../core/analysis';
import type { AtlasCatalogue } from '../core/kb/atlas';
import { diffThreats, type ThreatDiff } from '../core/register/diff';
import { loadRegister } from '../core/register/register';
import { sessionRegister, type ModelSession } from '../core/workspace/modelWorkspace';
import { reportRefusal } from '../core/workspace/report';
import { readAtRevision } from './commands/diff';
import { displayPath, formatProblemLine, locate } from './io';
import { cliWorkspace, nativePath, workspacePath } from './nodeFileSystem';

export interface ModelContext {
  readonly session: ModelSession;
  /** The model's path as shown and written into reports: relative to the working folder, `/`-separated. */
  readonly file: string;
  /** How reports and messages name any file of the session. */
  readonly display: (path: string) => string;
  readonly diff?: ThreatDiff;
}

export type ModelContextResult =
  | { readonly context: ModelContext; readonly errors?: undefined }
  | { readonly context?: undefined; readonly errors: string[] };

/**
 * Loads a model with its register. Errors (unreadable file, model errors, a register that does
 * not load, a rule pack with errors, an unknown base revision) make the input invalid: callers
 * exit 2.
 */
export async function loadModelContext(
  path: string,
  options: { cwd: string; today: string; atlas?: AtlasCatalogue; base?: string },
): Promise<ModelContextResult> {
  const display = (p: string) => displayPath(options.cwd, nativePath(p)).split('\\').join('/');
  const modelPath = workspacePath(options.cwd, path);
  const file = display(modelPath);
  const opened = await cliWorkspace().open(modelPath, {
    today: options.today,
    ...(options.atlas && { atlasCatalogue: options.atlas }),
  });
  if (!opened.session)
    return { errors: locate(file, undefined, opened.problems).map(formatProblemLine) };
  const session = opened.session;
  const errors: string[] = [];
  for (const blocked of reportRefusal(session, display)?.files ?? [])
    errors.push(
      ...locate(display(blocked.path), blocked.text, blocked.problems).map(formatProblemLine),
    );
  let diff: ThreatDiff | undefined;
  if (options.base !== undefined) {
    const old = readAtRevision(nativePath(modelPath), options.base);
    if (old.error) errors.push(`${file}: cannot read it at \`${options.base}\`: ${old.error}.`);
    else {
      // A model that did not exist at the base revision: every threat is new.
      const before = analyze(old.text ?? 'mltm: 1\nname: (none)\ncomponents: {}\n', {
        customPacks: session.packs.packs,
        ...(options.atlas && { atlas: options.atlas }),
      });
      const oldRegisterText = readAtRevision(nativePath(session.registerPath), options.base).text;
      const oldRegister =
        oldRegisterText === undefined ? undefined : loadRegister(oldRegisterText).register;
      diff = diffThreats(before, session.analysis, oldRegister, sessionRegister(session));
    }
  }
  if (errors.length > 0) return { errors };
  return { context: { session, file, display, ...(diff && { diff }) } };
}

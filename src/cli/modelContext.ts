/**
 * Reads what a report or the CI gate needs about one model: the model text and its analysis
 * (with the repository's rule packs and an optional ATLAS file), the register beside it with its
 * problems (located in the register file), and, with `--base`, the same at a git revision and the
 * threat diff. Shared by `mltm report` and `mltm check`; input problems come back as lines to
 * print, never thrown.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { REGISTER_READ_LIMITS } from '../core/parse/source';
import { analyze, type Analysis } from '../core/analysis';
import type { AtlasCatalogue } from '../core/kb/atlas';
import type { Problem } from '../core/problems';
import { diffThreats, type ThreatDiff } from '../core/register/diff';
import { checkRegister, loadRegister, type ThreatRegister } from '../core/register/register';
import { locateRegisterNotes } from '../core/report/input';
import type { RegisterNote } from '../core/report/view';
import { readAtRevision } from './commands/diff';
import { registerPathFor } from './commands/sync';
import { displayPath, formatProblemLine, locate, readUserFile } from './io';
import { loadCustomPacks } from './workspace';

export interface ModelContext {
  readonly path: string;
  /** Path as shown and written into reports: relative to the working folder, `/`-separated. */
  readonly file: string;
  readonly text: string;
  readonly analysis: Analysis;
  readonly register?: ThreatRegister;
  readonly registerFile?: string;
  readonly registerNotes: RegisterNote[];
  readonly diff?: ThreatDiff;
}

export type ModelContextResult =
  | { readonly context: ModelContext; readonly errors?: undefined }
  | { readonly context?: undefined; readonly errors: string[] };

/** Slash-separated, so SARIF and reports read the same on Windows. */
function slashes(path: string): string {
  return path.split('\\').join('/');
}

/**
 * Loads a model with its register. Errors (unreadable file, model errors, a register that does
 * not load, an unknown base revision) make the input invalid: callers exit 2.
 */
export function loadModelContext(
  path: string,
  options: { cwd: string; today: string; atlas?: AtlasCatalogue; base?: string },
): ModelContextResult {
  // Relative paths are relative to the command's working directory, which is not always the
  // process's (the GitHub Action and tests run the CLI in process).
  path = resolve(options.cwd, path);
  const file = slashes(displayPath(options.cwd, path));
  const read = readUserFile(path);
  if (read.text === undefined)
    return { errors: locate(file, undefined, read.problems).map(formatProblemLine) };
  const packs = loadCustomPacks(path);
  const analysis = analyze(read.text, {
    customPacks: packs.packs,
    ...(options.atlas && { atlas: options.atlas }),
  });
  const errors: string[] = [];
  const modelErrors = analysis.problems.filter((p) => p.severity === 'error');
  if (!analysis.model || modelErrors.length > 0)
    errors.push(
      ...locate(file, read.text, modelErrors.length > 0 ? modelErrors : analysis.problems).map(
        formatProblemLine,
      ),
    );
  for (const group of packs.problems) {
    const packErrors = group.problems.filter((p) => p.severity === 'error');
    if (packErrors.length > 0)
      errors.push(
        ...locate(
          slashes(displayPath(options.cwd, group.file)),
          readUserFile(group.file).text,
          packErrors,
        ).map(formatProblemLine),
      );
  }
  const registerPath = registerPathFor(path);
  const registerFile = slashes(displayPath(options.cwd, registerPath));
  let register: ThreatRegister | undefined;
  const registerNotes: RegisterNote[] = [];
  if (existsSync(registerPath)) {
    const registerRead = readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength);
    if (registerRead.text === undefined)
      errors.push(...locate(registerFile, undefined, registerRead.problems).map(formatProblemLine));
    else {
      const loaded = loadRegister(registerRead.text);
      const blocking = loaded.problems.filter((p) => p.severity === 'error' && !loaded.register);
      if (!loaded.register || blocking.length > 0)
        errors.push(
          ...locate(registerFile, registerRead.text, loaded.problems).map(formatProblemLine),
        );
      else {
        register = loaded.register;
        const problems: Problem[] = [
          ...loaded.problems,
          ...(analysis.model
            ? checkRegister(loaded.register, analysis, {
                today: options.today,
                modelFile: registerModelName(path),
              })
            : []),
        ];
        registerNotes.push(...locateRegisterNotes(registerFile, registerRead.text, problems));
      }
    }
  }
  let diff: ThreatDiff | undefined;
  if (options.base !== undefined) {
    const old = readAtRevision(path, options.base);
    if (old.error) errors.push(`${file}: cannot read it at \`${options.base}\`: ${old.error}.`);
    else {
      // A model that did not exist at the base revision: every threat is new.
      const before = analyze(old.text ?? 'mltm: 1\nname: (none)\ncomponents: {}\n', {
        customPacks: packs.packs,
        ...(options.atlas && { atlas: options.atlas }),
      });
      const oldRegisterText = readAtRevision(registerPath, options.base).text;
      const oldRegister =
        oldRegisterText === undefined ? undefined : loadRegister(oldRegisterText).register;
      diff = diffThreats(before, analysis, oldRegister, register);
    }
  }
  if (errors.length > 0) return { errors };
  return {
    context: {
      path,
      file,
      text: read.text,
      analysis,
      ...(register && { register, registerFile }),
      registerNotes,
      ...(diff && { diff }),
    },
  };
}

/** The name a register's `model:` field uses for its model (the file name). */
function registerModelName(path: string): string {
  return slashes(path).split('/').pop() ?? path;
}

/**
 * `mltm rename <model> <old-id> <new-id>`: renames a component, flow, boundary or data id in the
 * model and in its register in one step (derived flow ids and their register keys included).
 * Both files are checked first and written atomically; a refusal writes nothing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { REGISTER_READ_LIMITS } from '../../core/parse/source';
import { analyze } from '../../core/analysis';
import { renameRefactor } from '../../core/edit/rename';
import { loadRegister, type ThreatRegister } from '../../core/register/register';
import type { Command } from '../command';
import { describeWriteFailure, writeFileAtomic } from '../atomicWrite';
import { LockError, withFileLocks } from '../fileLock';
import {
  displayPath,
  EXIT,
  formatProblemLine,
  locate,
  plural,
  readUserFile,
  type CliIo,
} from '../io';
import type { RulePack } from '../../core/rules/types';
import { loadCustomPacks } from '../workspace';
import { registerPathFor, reportRemovedTemporaries } from './sync';

export const renameCommand: Command = {
  name: 'rename',
  summary: 'Rename an id in a model and its register together',
  usage: 'mltm rename <model.mltm.yaml> <old-id> <new-id> [--dry-run]',
  options: {
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'print what would change, write nothing',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length !== 3) {
      io.stderr(`mltm rename: expected <model> <old-id> <new-id>.\n`);
      return EXIT.usage;
    }
    const path = resolve(io.cwd, positionals[0] as string);
    const packs = (await loadCustomPacks(path)).packs;
    if (values['dry-run']) return renameIds(path, positionals, values, packs, io);
    // Both files stay locked from reading to writing (issue 16, defect 3).
    try {
      return withFileLocks([registerPathFor(path), path], () =>
        renameIds(path, positionals, values, packs, io),
      );
    } catch (error) {
      if (!(error instanceof LockError)) throw error;
      io.stderr(`mltm rename: ${error.message}\n`);
      return EXIT.usage;
    }
  },
};

function renameIds(
  path: string,
  positionals: readonly string[],
  values: Record<string, unknown>,
  packs: readonly RulePack[],
  io: CliIo,
): number {
  const [, oldId, newId] = positionals as [string, string, string];
  const file = displayPath(io.cwd, path);
  const read = readUserFile(path);
  if (read.text === undefined) {
    for (const p of locate(file, undefined, read.problems)) io.stderr(formatProblemLine(p) + '\n');
    return EXIT.usage;
  }
  const analyzeText = (text: string) => analyze(text, { customPacks: packs });
  const before = analyzeText(read.text);
  const blocking = before.problems.filter((p) => p.severity === 'error' && /^MLTM0/.test(p.code));
  if (before.status !== 'loaded' || blocking.length > 0) {
    for (const p of locate(file, read.text, blocking.length > 0 ? blocking : before.problems))
      io.stderr(formatProblemLine(p) + '\n');
    io.stderr(
      'mltm rename: the model must parse before it can be refactored; nothing was written.\n',
    );
    return EXIT.usage;
  }
  const registerPath = registerPathFor(path);
  const registerFile = displayPath(io.cwd, registerPath);
  let registerText: string | undefined;
  let register: ThreatRegister | undefined;
  if (existsSync(registerPath)) {
    const r = readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength);
    const loadedRegister = r.text === undefined ? undefined : loadRegister(r.text);
    if (r.text === undefined || !loadedRegister?.writable || !loadedRegister.register) {
      const problems =
        r.text === undefined
          ? r.problems
          : (loadedRegister?.problems ?? []).filter((p) => p.severity === 'error');
      for (const p of locate(registerFile, r.text, problems))
        io.stderr(formatProblemLine(p) + '\n');
      io.stderr(`mltm rename: ${registerFile} cannot be updated safely; nothing was written.\n`);
      return EXIT.usage;
    }
    registerText = r.text;
    register = loadedRegister.register;
  }
  const result = renameRefactor({
    modelText: read.text,
    ...(registerText !== undefined && { registerText }),
    ...(register && { register }),
    oldId,
    newId,
    analyze: analyzeText,
  });
  if (!result.ok) {
    const [where, text] =
      result.file === 'model' ? [file, read.text] : [registerFile, registerText];
    for (const p of locate(where, text, result.problems)) io.stderr(formatProblemLine(p) + '\n');
    io.stderr('mltm rename: nothing was written.\n');
    return EXIT.usage;
  }
  const summary = `${result.kind} \`${oldId}\` → \`${newId}\`: ${plural(result.modelEdits.length, 'edit')} in ${file}${registerText !== undefined ? `, ${plural(result.registerEdits.length, 'edit')} in ${registerFile}` : ''}`;
  if (values['dry-run']) {
    io.stdout(`Would rename ${summary}.\n`);
    return EXIT.ok;
  }
  const registerChanged =
    result.registerText !== undefined &&
    registerText !== undefined &&
    result.registerText !== registerText;
  try {
    if (registerChanged)
      reportRemovedTemporaries(
        'rename',
        writeFileAtomic(registerPath, result.registerText as string, registerText),
        io,
      );
  } catch (error) {
    io.stderr(`mltm rename: ${describeWriteFailure(error, registerFile)} Nothing was written.\n`);
    return EXIT.usage;
  }
  try {
    reportRemovedTemporaries('rename', writeFileAtomic(path, result.modelText, read.text), io);
  } catch (error) {
    // Put the register back, so the two files never disagree.
    let restored = !registerChanged;
    try {
      if (registerChanged)
        writeFileAtomic(registerPath, registerText as string, result.registerText);
      restored = true;
    } catch {
      // Reported below.
    }
    io.stderr(
      `mltm rename: ${describeWriteFailure(error, file)} ${restored ? 'Nothing was changed.' : `${registerFile} was renamed but ${file} was not; run \`mltm rename ${file} ${newId} ${oldId}\` on the register's side by hand.`}\n`,
    );
    return EXIT.usage;
  }
  io.stdout(`Renamed ${summary}.\n`);
  return EXIT.ok;
}

/**
 * `mltm rename <model> <old-id> <new-id>`: renames a component, flow, boundary or data id in the
 * model and in its register in one step (derived flow ids and their register keys included).
 * Both files are checked first and written atomically; if either cannot be written, neither is.
 */
import { existsSync } from 'node:fs';
import { applyEdits } from '../../core/edit/textEdit';
import { planRename } from '../../core/edit/rename';
import { loadModel } from '../../core/model/load';
import { loadRegister } from '../../core/register/register';
import type { Command } from '../command';
import { writeFileAtomic } from '../atomicWrite';
import { displayPath, EXIT, formatProblemLine, locate, plural, readUserFile } from '../io';
import { registerPathFor } from './sync';

export const renameCommand: Command = {
  name: 'rename',
  summary: 'Rename an id in a model and its register together',
  usage: 'mltm rename <model.mltm.yaml> <old-id> <new-id> [--dry-run]',
  options: { 'dry-run': { type: 'boolean', default: false, description: 'print what would change, write nothing' } },
  run({ positionals, values, io }) {
    if (positionals.length !== 3) {
      io.stderr(`mltm rename: expected <model> <old-id> <new-id>.\n`);
      return EXIT.usage;
    }
    const [path, oldId, newId] = positionals as [string, string, string];
    const file = displayPath(io.cwd, path);
    const read = readUserFile(path);
    if (read.text === undefined) {
      for (const p of locate(file, undefined, read.problems)) io.stderr(formatProblemLine(p) + '\n');
      return EXIT.usage;
    }
    const loaded = loadModel(read.text);
    const blocking = loaded.problems.filter((p) => p.severity === 'error' && /^MLTM0/.test(p.code));
    if (!loaded.model || blocking.length > 0) {
      for (const p of locate(file, read.text, blocking.length > 0 ? blocking : loaded.problems)) io.stderr(formatProblemLine(p) + '\n');
      io.stderr('mltm rename: the model must parse before it can be refactored; nothing was written.\n');
      return EXIT.usage;
    }
    const registerPath = registerPathFor(path);
    const registerFile = displayPath(io.cwd, registerPath);
    let registerText: string | undefined;
    let register;
    if (existsSync(registerPath)) {
      const r = readUserFile(registerPath);
      const loadedRegister = r.text === undefined ? undefined : loadRegister(r.text);
      if (r.text === undefined || !loadedRegister?.writable || !loadedRegister.register) {
        const problems = r.text === undefined ? r.problems : (loadedRegister?.problems ?? []).filter((p) => p.severity === 'error');
        for (const p of locate(registerFile, r.text, problems)) io.stderr(formatProblemLine(p) + '\n');
        io.stderr(`mltm rename: ${registerFile} cannot be updated safely; nothing was written.\n`);
        return EXIT.usage;
      }
      registerText = r.text;
      register = loadedRegister.register;
    }
    const { plan, problems } = planRename(read.text, loaded.model, oldId, newId, register);
    if (!plan) {
      for (const p of problems) io.stderr(`mltm rename: ${p.message}\n`);
      return EXIT.usage;
    }
    const newModel = applyEdits(read.text, plan.modelEdits);
    const newRegister = registerText === undefined ? undefined : applyEdits(registerText, plan.registerEdits);
    const summary = `${plan.kind} \`${oldId}\` → \`${newId}\`: ${plural(plan.modelEdits.length, 'edit')} in ${file}${registerText !== undefined ? `, ${plural(plan.registerEdits.length, 'edit')} in ${registerFile}` : ''}`;
    if (values['dry-run']) {
      io.stdout(`Would rename ${summary}.\n`);
      return EXIT.ok;
    }
    try {
      // Register first: if the model write then failed, the register would name ids the model
      // does not have yet — reported as unknown elements, and undone by renaming back.
      if (newRegister !== undefined && registerText !== undefined && newRegister !== registerText) writeFileAtomic(registerPath, newRegister, registerText);
      writeFileAtomic(path, newModel, read.text);
    } catch (error) {
      io.stderr(`mltm rename: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    io.stdout(`Renamed ${summary}.\n`);
    return EXIT.ok;
  },
};

/**
 * `mltm validate <file…>`: reports every problem of each model as `file:line:col: severity CODE
 * message` (or JSON), and exits 1 when any file has an error.
 */
import { resolve } from 'node:path';
import { loadModel } from '../../core/model/load';
import {
  countBySeverity,
  displayPath,
  EXIT,
  formatProblemLine,
  locate,
  plural,
  readUserFile,
  type LocatedProblem,
} from '../io';
import type { Command } from '../command';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check models for syntax, schema and semantic problems',
  usage: 'mltm validate <model.mltm.yaml…> [--format text|json] [--quiet]',
  options: {
    format: {
      type: 'string',
      default: 'text',
      description: 'text (file:line:col: severity CODE message) or json',
    },
    quiet: { type: 'boolean', default: false, description: 'print errors only' },
  },
  run({ positionals, values, io }) {
    if (positionals.length === 0) {
      io.stderr(
        'mltm validate: give at least one model file, e.g. `mltm validate examples/*.mltm.yaml`.\n',
      );
      return EXIT.usage;
    }
    const format = String(values['format']);
    if (format !== 'text' && format !== 'json') {
      io.stderr(`mltm validate: unknown --format \`${format}\`; use text or json.\n`);
      return EXIT.usage;
    }
    const files: { file: string; problems: LocatedProblem[] }[] = [];
    for (const path of positionals) {
      const display = displayPath(io.cwd, path);
      const read = readUserFile(resolve(io.cwd, path));
      const problems = read.text === undefined ? read.problems : loadModel(read.text).problems;
      files.push({
        file: display,
        problems: locate(display, read.text ?? read.locatingText, problems),
      });
    }
    const all = files.flatMap((f) => f.problems);
    const counts = countBySeverity(all);
    if (format === 'json') {
      io.stdout(
        JSON.stringify(
          {
            files: files.map((f) => ({
              file: f.file,
              valid: !f.problems.some((p) => p.severity === 'error'),
              problems: f.problems,
            })),
            summary: { files: files.length, ...counts },
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const shown = values['quiet'] ? all.filter((p) => p.severity === 'error') : all;
      for (const p of shown) io.stdout(formatProblemLine(p) + '\n');
      const invalid = files.filter((f) => f.problems.some((p) => p.severity === 'error')).length;
      io.stderr(
        `${plural(files.length, 'file')} checked: ${invalid === 0 ? 'all valid' : `${invalid} invalid`} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info).\n`,
      );
    }
    return counts.error > 0 ? EXIT.findings : EXIT.ok;
  },
};

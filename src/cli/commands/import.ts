/**
 * `mltm import <path…> [--output <file>] [--force] [--name <name>]`: drafts a model from the
 * pipeline's own files (DVC, Kubeflow, Argo, KServe, Seldon, Kubernetes and Istio policies,
 * docker-compose, MCP configs, MLflow, OTM), statically — nothing is run or fetched. The draft
 * goes to standard output or, atomically, to `--output` (refusing an existing file unless
 * `--force`); register decisions an OTM file carries go, atomically, to the register beside
 * `--output` (same refusal). Problems in the evidence files are printed located, and those
 * files are skipped.
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { importEvidence } from '../../core/import';
import { analyze } from '../../core/analysis';
import { checkDrift } from '../../core/import/driftCheck';
import { registerFromDecisions } from '../../core/import/importRegister';
import { loadModel } from '../../core/model/load';
import type { FileProblem } from '../../core/import/draft';
import type { EvidenceFile } from '../../core/import/evidence';
import { walkEvidence } from '../../core/import/walk';
import { problem } from '../../core/problems';
import type { Command } from '../command';
import { writeFileAtomic } from '../atomicWrite';
import { NODE_IMPORT_FS } from '../importFs';
import { loadCustomPacks } from '../workspace';
import { registerPathFor, todayIso } from './sync';
import {
  displayPath,
  EXIT,
  formatProblemLine,
  locate,
  plural,
  readUserFile,
  type CliIo,
} from '../io';

/** A path relative to `folder` with `/` separators (how `x-source` names files). */
export function posixRelative(folder: string, path: string): string {
  const inside = relative(folder, path);
  const shown = inside === '' ? basename(path) : isAbsolute(inside) ? path : inside;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** Reads the evidence under `paths` and prints the problems found; undefined when usage was wrong. */
export async function readEvidence(
  paths: readonly string[],
  io: CliIo,
  sourceFolder: string,
): Promise<{
  files: EvidenceFile[];
  problems: FileProblem[];
  absolute: Map<string, string>;
  seen: number;
}> {
  const absolute = new Map<string, string>();
  const roots = paths.map((p) => resolve(io.cwd, p));
  const walked = await walkEvidence(roots, NODE_IMPORT_FS, {
    display: (path) => {
      const shown = posixRelative(sourceFolder, path);
      absolute.set(shown, path);
      return shown;
    },
  });
  return { files: walked.files, problems: walked.problems, absolute, seen: walked.seen };
}

/** Prints file problems as `file:line:col: severity CODE message`, files as the user named them. */
export function printFileProblems(
  problems: readonly FileProblem[],
  texts: ReadonlyMap<string, string>,
  absolute: ReadonlyMap<string, string>,
  io: CliIo,
): void {
  for (const { file, problem: p } of problems) {
    const shown = displayPath(io.cwd, absolute.get(file) ?? file);
    for (const line of locate(shown, texts.get(file), [p]))
      io.stderr(formatProblemLine(line) + '\n');
    for (const related of p.related ?? []) {
      const relatedFile = related.file ?? file;
      const shownRelated = displayPath(io.cwd, absolute.get(relatedFile) ?? relatedFile);
      const at = locate(shownRelated, texts.get(relatedFile), [{ ...p, range: related.range }])[0];
      if (at) io.stderr(`  ${at.file}:${at.line}:${at.column}: related: ${related.message}\n`);
    }
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Draft a model from pipeline files (DVC, Kubeflow, Argo, KServe, compose, ...)',
  usage:
    'mltm import <path…> [--output <file>] [--force] [--name <name>] [--compare <model.mltm.yaml>]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      description: 'write the draft to this file (default: standard output)',
    },
    force: { type: 'boolean', default: false, description: 'replace an existing --output file' },
    name: { type: 'string', description: "the draft model's name (default: the folder's name)" },
    compare: {
      type: 'string',
      description:
        'instead of drafting, report where this model and the files disagree (exit 1 on drift)',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length === 0) {
      io.stderr(`mltm import: give at least one file or folder.\nUsage: ${importCommand.usage}\n`);
      return EXIT.usage;
    }
    if (typeof values['compare'] === 'string') return compare(positionals, values['compare'], io);
    const output = typeof values['output'] === 'string' ? values['output'] : undefined;
    const target = output !== undefined ? resolve(io.cwd, output) : undefined;
    if (target !== undefined && existsSync(target)) {
      if (!lstatSync(target).isFile()) {
        io.stderr(
          `mltm import: --output \`${output}\` is not a regular file; nothing was written.\n`,
        );
        return EXIT.usage;
      }
      if (values['force'] !== true) {
        io.stderr(
          `mltm import: \`${output}\` exists; add --force to replace it (nothing was written).\n`,
        );
        return EXIT.usage;
      }
    }
    const sourceFolder = target !== undefined ? dirname(target) : io.cwd;
    const evidence = await readEvidence(positionals, io, sourceFolder);
    const firstRoot = resolve(io.cwd, positionals[0] as string);
    const fallbackName = basename(
      existsSync(firstRoot) && lstatSync(firstRoot).isDirectory() ? firstRoot : dirname(firstRoot),
    );
    const result = importEvidence(evidence.files, {
      fallbackName,
      ...(typeof values['name'] === 'string' && { name: values['name'] }),
    });
    const texts = new Map(evidence.files.map((f) => [f.path, f.text]));
    printFileProblems(
      [...evidence.problems, ...result.draft.problems],
      texts,
      evidence.absolute,
      io,
    );
    if (result.text === undefined) {
      const shown = positionals.map((p) => `\`${p}\``).join(', ');
      const noneLine = formatProblemLine(
        locate(positionals[0] as string, undefined, [
          problem(
            'MLTM502',
            `No supported file in ${shown} (${plural(evidence.seen, 'candidate file')} looked at): mltm imports DVC, Kubeflow Pipelines, Argo Workflows, KServe, Seldon, Kubernetes NetworkPolicy, Istio, docker-compose, MCP client configs, MLflow MLmodel and OTM files.`,
            { start: 0, end: 0 },
          ),
        ])[0] as ReturnType<typeof locate>[number],
      );
      io.stderr(noneLine + '\nmltm import: nothing was written.\n');
      return EXIT.usage;
    }
    const summary = `drafted ${plural(result.draft.components.size, 'component')} and ${plural(result.draft.flows.length, 'flow')} from ${plural(result.recognised.length, 'file')} (${result.draft.formats.join(', ')})`;
    const decisions = result.draft.decisions;
    if (target === undefined) {
      io.stdout(result.text);
      if (decisions.length > 0)
        io.stderr(
          `mltm import: the files carry ${plural(decisions.length, 'register decision')}; give --output <model.mltm.yaml> to write them to the register beside it (not written now).\n`,
        );
      io.stderr(`mltm import: ${summary}. Review the draft before relying on it.\n`);
      return EXIT.ok;
    }
    // The decisions an OTM file carries go to the register beside the draft, written through
    // the register's own triage; decided before anything is written, so a refusal writes nothing.
    let register: { path: string; shown: string; text: string; count: number } | undefined;
    if (decisions.length > 0) {
      const registerTarget = registerPathFor(target);
      const shown = displayPath(io.cwd, registerTarget);
      if (existsSync(registerTarget) && values['force'] !== true) {
        io.stderr(
          `mltm import: \`${shown}\` exists and the files carry ${plural(decisions.length, 'register decision')}; add --force to replace it (nothing was written).\n`,
        );
        return EXIT.usage;
      }
      const analysis = analyze(result.text, {
        customPacks: (await loadCustomPacks(target, io.cwd)).packs,
      });
      const built = registerFromDecisions(decisions, analysis, {
        today: todayIso(io),
        modelFile: basename(target),
      });
      printFileProblems(built.problems, texts, evidence.absolute, io);
      if (built.text !== undefined)
        register = { path: registerTarget, shown, text: built.text, count: built.written.length };
    }
    try {
      const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
      writeFileAtomic(target, result.text, before);
    } catch (error) {
      io.stderr(
        `mltm import: cannot write \`${output}\`: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT.usage;
    }
    io.stderr(`mltm import: wrote ${output}: ${summary}. Review the draft before relying on it.\n`);
    if (register) {
      try {
        const before = existsSync(register.path) ? readFileSync(register.path, 'utf8') : undefined;
        writeFileAtomic(register.path, register.text, before);
      } catch (error) {
        io.stderr(
          `mltm import: wrote ${output}, but cannot write \`${register.shown}\`: ${error instanceof Error ? error.message : String(error)}; run the import again with --force.\n`,
        );
        return EXIT.usage;
      }
      io.stderr(
        `mltm import: wrote ${register.shown}: ${plural(register.count, 'decision')} from the files.\n`,
      );
    }
    return EXIT.ok;
  },
};

/** `--compare`: drift between a model and the evidence, as located problems; exit 1 on drift. */
async function compare(
  positionals: readonly string[],
  modelPath: string,
  io: CliIo,
): Promise<number> {
  const modelAbsolute = resolve(io.cwd, modelPath);
  const read = readUserFile(modelAbsolute);
  if (read.text === undefined) {
    for (const line of locate(modelPath, read.locatingText, read.problems))
      io.stderr(formatProblemLine(line) + '\n');
    return EXIT.usage;
  }
  const loaded = loadModel(read.text);
  if (!loaded.model) {
    for (const line of locate(modelPath, read.text, loaded.problems))
      io.stderr(formatProblemLine(line) + '\n');
    io.stderr('mltm import: the model does not load; fix it first.\n');
    return EXIT.usage;
  }
  const folder = dirname(modelAbsolute);
  const absolute = new Map<string, string>();
  const modelShown = posixRelative(folder, modelAbsolute);
  absolute.set(modelShown, modelAbsolute);
  const result = await checkDrift(
    positionals.map((p) => resolve(io.cwd, p)),
    NODE_IMPORT_FS,
    {
      display: (path) => {
        const shown = posixRelative(folder, path);
        absolute.set(shown, path);
        return shown;
      },
    },
    { file: modelShown, text: read.text, resolve: (path) => resolve(folder, path) },
  );
  const texts = new Map(result.evidence.texts);
  texts.set(modelShown, read.text);
  const drift = result.drift;
  printFileProblems([...result.problems, ...drift], texts, absolute, io);
  if (result.recognised.length === 0) {
    io.stderr(
      `mltm import: no supported file in ${positionals.map((p) => `\`${p}\``).join(', ')} to compare with.\n`,
    );
    return EXIT.usage;
  }
  io.stderr(
    drift.length === 0
      ? `mltm import: ${modelPath} agrees with ${plural(result.recognised.length, 'file')}.\n`
      : `mltm import: ${plural(drift.length, 'difference')} between ${modelPath} and ${plural(result.recognised.length, 'file')}.\n`,
  );
  return drift.length > 0 ? EXIT.findings : EXIT.ok;
}

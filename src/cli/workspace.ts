/**
 * What the CLI reads around a model: the repository's custom rule packs (`.mltm/rules/*.yaml`
 * in the nearest enclosing folder that has a `.mltm` folder, searched up to the repository root)
 * and an ATLAS.yaml given with `--atlas`. Problems are returned by file, never thrown.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { atlasCatalogueFromYaml, type AtlasCatalogue } from '../core/kb/atlas';
import { problem, type Problem } from '../core/problems';
import { loadRulePack, type FileProblems } from '../core/rules/loadPack';
import type { RulePack } from '../core/rules/types';
import { formatProblemLine, locate, readUserFile, type CliIo } from './io';

/** The folder whose `.mltm/rules` applies to a model: nearest ancestor with `.mltm`, not past a `.git` root. */
export function findConfigRoot(modelPath: string): string | undefined {
  let folder = dirname(resolve(modelPath));
  for (;;) {
    if (existsSync(join(folder, '.mltm'))) return folder;
    if (existsSync(join(folder, '.git'))) return undefined;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

export interface CustomPacks {
  readonly packs: RulePack[];
  readonly problems: FileProblems[];
  readonly files: string[];
}

/** Loads every `*.yaml` / `*.yml` in `<root>/.mltm/rules`, in name order (deterministic). */
export function loadCustomPacks(modelPath: string): CustomPacks {
  const root = findConfigRoot(modelPath);
  if (!root) return { packs: [], problems: [], files: [] };
  const folder = join(root, '.mltm', 'rules');
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    return { packs: [], problems: [], files: [] };
  const files = readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(folder, name));
  const packs: RulePack[] = [];
  const problems: FileProblems[] = [];
  for (const file of files) {
    const read = readUserFile(file);
    const result =
      read.text === undefined ? { problems: read.problems } : loadRulePack(read.text, file);
    if ('pack' in result && result.pack) packs.push(result.pack);
    if (result.problems.length > 0) problems.push({ file, problems: result.problems });
  }
  return { packs, problems, files };
}

/** Loads an official ATLAS.yaml for `--atlas`; problems name the file. */
export function loadAtlasFile(path: string): { catalogue?: AtlasCatalogue; problems: Problem[] } {
  const read = readUserFile(path);
  if (read.text === undefined) return { problems: read.problems };
  const result = atlasCatalogueFromYaml(read.text);
  const problems = result.problems.map((p) =>
    problem('MLTM406', `ATLAS data in \`${path}\`: ${p.message}`, {
      start: p.offset ?? 0,
      end: p.offset ?? 0,
    }),
  );
  return result.catalogue
    ? { catalogue: result.catalogue, problems }
    : {
        problems:
          problems.length > 0
            ? problems
            : [problem('MLTM406', `\`${path}\` is not an ATLAS data file.`, { start: 0, end: 0 })],
      };
}

/**
 * The `--atlas` option shared by the commands that analyse: the catalogue to use (undefined
 * for the bundled one), or `false` after printing the located problems of an unusable file.
 */
export function atlasOption(
  value: string | boolean | string[] | undefined,
  io: CliIo,
): AtlasCatalogue | undefined | false {
  if (typeof value !== 'string') return undefined;
  const loaded = loadAtlasFile(value);
  if (loaded.catalogue) return loaded.catalogue;
  for (const p of locate(value, undefined, loaded.problems)) io.stderr(formatProblemLine(p) + '\n');
  return false;
}

/**
 * What the CLI reads around a model, through the core's model workspace over `node:fs`: the
 * custom rule packs that apply (the one discovery rule of `core/workspace/packs.ts`) and the
 * ATLAS file given with `--atlas`. Problems are returned or printed located, never thrown.
 */
import type { AtlasCatalogue } from '../core/kb/atlas';
import { loadAtlasOverride } from '../core/workspace/atlasOverride';
import { discoverCustomPacks, type CustomPacks } from '../core/workspace/packs';
import { formatProblemLine, locate, type CliIo } from './io';
import { nativePath, nodeFileSystem, workspacePath } from './nodeFileSystem';

/** The custom packs for a model (a native path, absolute or relative to `cwd`); pack files are native paths. */
export async function loadCustomPacks(
  modelPath: string,
  cwd: string = process.cwd(),
): Promise<CustomPacks> {
  const found = await discoverCustomPacks(nodeFileSystem, workspacePath(cwd, modelPath));
  return {
    ...(found.root !== undefined && { root: nativePath(found.root) }),
    files: found.files.map(nativePath),
    packs: found.packs,
    problems: found.problems.map((group) => ({ ...group, file: nativePath(group.file) })),
  };
}

/**
 * The `--atlas` option shared by the commands that analyse: the catalogue to use (undefined
 * for the bundled one), or `false` after printing the located problems of an unusable file.
 */
export async function atlasOption(
  value: string | boolean | string[] | undefined,
  io: CliIo,
): Promise<AtlasCatalogue | undefined | false> {
  if (typeof value !== 'string') return undefined;
  const loaded = await loadAtlasOverride(nodeFileSystem, workspacePath(io.cwd, value), value);
  if (loaded.catalogue) return loaded.catalogue;
  for (const p of locate(value, loaded.text, loaded.problems))
    io.stderr(formatProblemLine(p) + '\n');
  return false;
}

/**
 * Custom rule pack discovery — the one rule the CLI and the editor share:
 *
 *   Starting at the model's folder and going up, the first folder that holds a `.mltm` folder is
 *   the rules root, and every `*.yaml` / `*.yml` file of its `.mltm/rules/` is a pack, loaded in
 *   name order. The search stops after a folder holding `.git` (the repository root: a file or a
 *   folder, so worktrees and submodules count), at the boundary the caller gives (the editor
 *   gives the model's workspace folder, which it can see and trust), and at the file-system root.
 *
 * A `.mltm` folder without `rules/` is still the root: it means "this project has no custom
 * packs", and a `.mltm` further up is not consulted.
 */
import type { Problem } from '../problems';
import { loadRulePack, type FileProblems } from '../rules/loadPack';
import type { RulePack } from '../rules/types';
import { readTextFile, type WorkspaceFileSystem } from './fileSystem';
import { isRoot, joinPath, parentOf } from './paths';

/** A pack file's problems with the text they point into (so any view can locate them). */
export interface PackFileProblems extends FileProblems {
  readonly text: string;
}

export interface CustomPacks {
  /** The folder holding the `.mltm` that applies; undefined when none does. */
  readonly root?: string;
  /** Pack files, in load order (name order). */
  readonly files: readonly string[];
  readonly packs: readonly RulePack[];
  readonly problems: readonly PackFileProblems[];
}

const NO_PACKS: CustomPacks = { files: [], packs: [], problems: [] };

/** The rules root for a model (see the module comment), or undefined. */
export async function findRulesRoot(
  fs: WorkspaceFileSystem,
  modelPath: string,
  boundary?: string,
): Promise<string | undefined> {
  let folder = parentOf(modelPath);
  for (;;) {
    if ((await fs.stat(joinPath(folder, '.mltm')))?.kind === 'directory') return folder;
    if ((await fs.stat(joinPath(folder, '.git'))) !== undefined) return undefined;
    if (folder === boundary || isRoot(folder)) return undefined;
    const parent = parentOf(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** Loads the custom packs that apply to a model. Problems are returned by file, never thrown. */
export async function discoverCustomPacks(
  fs: WorkspaceFileSystem,
  modelPath: string,
  boundary?: string,
): Promise<CustomPacks> {
  const root = await findRulesRoot(fs, modelPath, boundary);
  if (root === undefined) return NO_PACKS;
  const folder = joinPath(root, '.mltm', 'rules');
  if ((await fs.stat(folder))?.kind !== 'directory') return { ...NO_PACKS, root };
  let entries;
  try {
    entries = await fs.readDirectory(folder);
  } catch {
    return { ...NO_PACKS, root };
  }
  const files = entries
    .filter((entry) => entry.kind === 'file' && /\.ya?ml$/.test(entry.name))
    .map((entry) => entry.name)
    // Code-unit order, not locale order: the same on every machine.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => joinPath(folder, name));
  const packs: RulePack[] = [];
  const problems: PackFileProblems[] = [];
  for (const file of files) {
    const read = await readTextFile(fs, file);
    if (read.text === undefined) {
      problems.push({ file, text: read.locatingText ?? '', problems: read.problems });
      continue;
    }
    const result = loadRulePack(read.text, file);
    if (result.pack) packs.push(result.pack);
    if (result.problems.length > 0)
      problems.push({ file, text: read.text, problems: result.problems as Problem[] });
  }
  return { root, files, packs, problems };
}

/**
 * The ATLAS override: an official MITRE ATLAS.yaml replacing the bundled catalogue (`--atlas` in
 * the CLI, the `mltm.atlas.path` setting in the editor). Read and checked here for both, so the
 * same file gives the same catalogue and the same located problems everywhere.
 */
import { atlasCatalogueFromYaml, type AtlasCatalogue } from '../kb/atlas';
import { problem, type Problem } from '../problems';
import { readTextFile, type WorkspaceFileSystem } from './fileSystem';

export interface AtlasOverride {
  readonly path: string;
  /** Present when the file is usable ATLAS data (perhaps with problems about some entries). */
  readonly catalogue?: AtlasCatalogue;
  /** The file's text, for locating problems; empty when it could not be read. */
  readonly text: string;
  readonly problems: readonly Problem[];
}

/**
 * Loads an ATLAS file. `label` is how messages name it (a display path, or the setting it came
 * from); a file that is unreadable or not ATLAS data gives MLTM406/MLTM007 problems and no
 * catalogue, and callers fall back to the bundled one or refuse, as their surface requires.
 */
export async function loadAtlasOverride(
  fs: WorkspaceFileSystem,
  path: string,
  label: string = path,
): Promise<AtlasOverride> {
  const read = await readTextFile(fs, path, undefined, label);
  if (read.text === undefined)
    return { path, text: read.locatingText ?? '', problems: read.problems };
  const result = atlasCatalogueFromYaml(read.text);
  const problems = result.problems.map((p) =>
    problem('MLTM406', `ATLAS data in \`${label}\`: ${p.message}`, {
      start: p.offset ?? 0,
      end: p.offset ?? 0,
    }),
  );
  if (result.catalogue) return { path, catalogue: result.catalogue, text: read.text, problems };
  return {
    path,
    text: read.text,
    problems:
      problems.length > 0
        ? problems
        : [problem('MLTM406', `\`${label}\` is not an ATLAS data file.`, { start: 0, end: 0 })],
  };
}

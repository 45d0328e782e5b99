/**
 * The built-in packs as the pack loader reads them. Here (tests, `tsx`) they are loaded from their
 * YAML when first asked for; in the bundles, scripts/build.mjs replaces this module with the
 * loader's result computed at build time (scripts/lib/compiledPacks.mjs), so a process starts
 * without parsing and validating 170 KB of rule YAML (tens of milliseconds of `mltm analyze`).
 * test/unit/tooling/compiledPacks.test.ts holds the two equal, problem for problem.
 */
import { loadRulePack, type PackLoadResult } from '../loadPack';
import { BUILTIN_PACK_SOURCES } from './index';

/** Each built-in pack file with what loading it gives (the pack, and any problems). */
export function loadBuiltinPacks(): { readonly file: string; readonly result: PackLoadResult }[] {
  return BUILTIN_PACK_SOURCES.map((source) => ({
    file: source.file,
    result: loadRulePack(source.text, source.file),
  }));
}

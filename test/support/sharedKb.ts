/**
 * Where the tests find the official knowledge base that lives outside the repository
 * (`<repo>/../shared/kb`: ATLAS.yaml, the ATLAS case studies): one answer for every test, so a
 * checkout elsewhere needs one fix, not one per test. `MLTM_SHARED_KB` points somewhere else.
 * A test that needs a file skips visibly (a note in the output) when it is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is mltm's. */
function findRepoRoot(): string {
  // `__dirname`: this module is also bundled (CommonJS) into the bench (bench/caseStudies.ts).
  let folder = __dirname;
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'mltm'
    )
      return folder;
    const up = dirname(folder);
    if (up === folder) throw new Error(`mltm repository root not found above ${__dirname}`);
    folder = up;
  }
}

export const REPO_ROOT = findRepoRoot();

/** The shared knowledge-base folder (it may not exist). */
export const SHARED_KB = process.env['MLTM_SHARED_KB']
  ? resolve(process.env['MLTM_SHARED_KB'])
  : join(REPO_ROOT, '..', 'shared', 'kb');

/** The path of a file of the shared knowledge base (it may not exist). */
export function sharedKbPath(file: string): string {
  return join(SHARED_KB, file);
}

/**
 * The path of a shared knowledge-base file; when it is missing, prints a note saying what is
 * skipped and skips the calling test or suite.
 */
export function sharedKbFileOrSkip(context: Mocha.Context, file: string, what: string): string {
  const path = sharedKbPath(file);
  if (!existsSync(path)) {
    console.log(`      note: ${path} not found; skipping ${what}.`);
    context.skip();
  }
  return path;
}

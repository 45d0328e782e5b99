/**
 * The bundles start with the built-in packs as loaded at build time (scripts/lib/compiledPacks.mjs
 * replaces src/core/rules/builtin/loaded.ts); the tests load the YAML at run time. This holds the
 * two to the same packs and the same problems, so every rule the tests check is the rule a user of
 * the bundle gets.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { loadBuiltinPacks } from '../../../src/core/rules/builtin/loaded';
import { REPO_ROOT } from '../../support/sharedKb';

interface Generator {
  compiledPacksSource(root: string): Promise<string>;
  builtinPackFiles(root: string): string[];
}

const generator = async () =>
  (await import(join(REPO_ROOT, 'scripts', 'lib', 'compiledPacks.mjs'))) as Generator;

describe('built-in packs compiled at build time', () => {
  it('give exactly what loading the YAML gives, pack for pack and problem for problem', async () => {
    const source = await (await generator()).compiledPacksSource(REPO_ROOT);
    const module = { exports: {} as { loadBuiltinPacks?: () => unknown } };
    (runInThisContext(`(function (module) {${source}\n})`) as (m: typeof module) => void)(module);
    assert.ok(module.exports.loadBuiltinPacks, 'the generated module exports loadBuiltinPacks');
    const compiled = module.exports.loadBuiltinPacks();
    const loaded = loadBuiltinPacks();
    assert.deepEqual(compiled, loaded);
    assert.equal(loaded.length, 4);
    assert.ok(loaded.every((p) => p.result.pack && p.result.pack.rules.length > 0));
  });

  it('follow every built-in pack file (a watch build reloads when one changes)', async () => {
    const files = (await generator()).builtinPackFiles(REPO_ROOT).map((f) => f.split('/').pop());
    assert.deepEqual(
      [...files].sort(),
      loadBuiltinPacks()
        .map((p) => p.file.replace(/^builtin:/, ''))
        .sort(),
    );
  });
});

// The built-in rule packs loaded at build time: scripts/build.mjs puts this module's source in
// place of src/core/rules/builtin/loaded.ts, so a bundle starts with the packs as the loader
// read them instead of parsing and validating their YAML in every process.
// test/unit/tooling/compiledPacks.test.ts holds the result equal to loading at run time.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

/** What src/core/rules/builtin/loaded.ts's `loadBuiltinPacks()` returns, run from the sources. */
export async function loadBuiltinPacksFromSources(root) {
  const bundled = await esbuild.build({
    stdin: {
      contents: "export { loadBuiltinPacks } from './src/core/rules/builtin/loaded';",
      resolveDir: root,
      sourcefile: 'compile-builtin-packs.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    loader: { '.yaml': 'text' },
  });
  const module = { exports: {} };
  const wrapper = runInThisContext(
    `(function (module, exports, require) {${bundled.outputFiles[0].text}\n})`,
  );
  wrapper(module, module.exports, createRequire(join(root, 'package.json')));
  return module.exports.loadBuiltinPacks();
}

/** CommonJS source exporting `loadBuiltinPacks`, answering the build-time result. */
export async function compiledPacksSource(root) {
  const packs = await loadBuiltinPacksFromSources(root);
  // JSON.parse of a string literal: faster for V8 to start than the same object literal.
  return `module.exports.loadBuiltinPacks = () => JSON.parse(${JSON.stringify(JSON.stringify(packs))});\n`;
}

/** The YAML files the packs come from (what a watch build must follow). */
export function builtinPackFiles(root) {
  const folder = join(root, 'src/core/rules/builtin');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.rules.yaml'))
    .map((file) => join(folder, file));
}

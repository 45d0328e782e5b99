// `npm run lint` step: fails when any import cycle exists among the project's TypeScript files,
// type-only imports (`import type`, `export type … from`, `import('…')` types) included. A type
// cycle costs nothing at run time but still ties two modules together: neither can be understood,
// moved or tested without the other (ARCHITECTURE.md, layering rules).
//
// Why this script and not eslint-plugin-import-x or madge: the TypeScript compiler the project
// already pins reads every import form and resolves it exactly as `tsc` does (paths, `.json`,
// `index.ts`), so no new dependency and no second resolver that could disagree with the compiler.
//
// Usage: node scripts/check-import-cycles.mjs [--root <folder>] (the root defaults to the project;
// the tests point it at a fixture folder).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const rootFlag = process.argv.indexOf('--root');
const root =
  rootFlag >= 0
    ? resolve(process.argv[rootFlag + 1] ?? '.')
    : join(dirname(fileURLToPath(import.meta.url)), '..');

/** The tsconfigs CI type-checks; their files together are the whole project. */
const TSCONFIGS = ['tsconfig.json', 'webview/tsconfig.json', 'test/webview/tsconfig.json'];

const files = new Set();
let options;
for (const config of TSCONFIGS) {
  const path = join(root, config);
  if (!ts.sys.fileExists(path)) continue;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) continue;
  options ??= parsed.options;
  for (const file of parsed.fileNames)
    if (/\.tsx?$/.test(file) && !file.endsWith('.d.ts')) files.add(resolve(file));
}
if (!options) {
  console.error(`check-import-cycles: no tsconfig found in ${root}`);
  process.exit(2);
}

/** file → the project files it imports (every form, type-only included). */
const graph = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const imported of info.importedFiles) {
    const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule
      ?.resolvedFileName;
    if (resolved && files.has(resolve(resolved))) targets.add(resolve(resolved));
  }
  graph.set(file, [...targets].sort());
}

// Tarjan's strongly connected components: every component of more than one file, or a file that
// imports itself, is a cycle.
let index = 0;
const indexOf = new Map();
const lowOf = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(file) {
  indexOf.set(file, index);
  lowOf.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!indexOf.has(next)) {
      connect(next);
      lowOf.set(file, Math.min(lowOf.get(file), lowOf.get(next)));
    } else if (onStack.has(next)) lowOf.set(file, Math.min(lowOf.get(file), indexOf.get(next)));
  }
  if (lowOf.get(file) !== indexOf.get(file)) return;
  const members = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    members.push(member);
  } while (member !== file);
  if (members.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(members);
}
for (const file of [...graph.keys()].sort()) if (!indexOf.has(file)) connect(file);

/** One concrete loop through a component, for the message: a → b → … → a. */
function loopThrough(members) {
  const inside = new Set(members);
  const start = [...members].sort()[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of graph.get(file) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [file];
        for (let at = previous.get(file); at !== undefined; at = previous.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const show = (file) => relative(root, file).split('\\').join('/');
if (cycles.length > 0) {
  console.error(
    `Import cycles (type-only imports included): ${cycles.length}. Break each by moving what both sides need into a module of its own.`,
  );
  for (const members of cycles) console.error(`  ${loopThrough(members).map(show).join(' → ')}`);
  process.exitCode = 1;
} else {
  console.log(`No import cycles among ${files.size} files.`);
}

// Regenerates the bundled MITRE ATLAS catalogue, src/core/kb/atlas-catalogue.json, from an
// official ATLAS.yaml (mitre-atlas/atlas-data, dist/ATLAS.yaml). The JSON keeps facts only (ids,
// names, tactics, sub-technique parents, mitigation links), never MITRE's prose, and is committed:
// this script is how it is regenerated when ATLAS publishes a new release.
//
//   npx tsx scripts/build-atlas-catalogue.ts [path/to/ATLAS.yaml] [--check]
//
// The path defaults to ../shared/kb/ATLAS.yaml beside the repository. --check writes nothing and
// exits 1 when the committed JSON differs from what the YAML gives (for CI).
//
// The extraction itself is src/core/kb/atlasExtract.ts, the same code that loads a user's
// ATLAS.yaml at run time, so the bundled and the run-time catalogues cannot disagree.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  extractAtlasCatalogueData,
  serializeAtlasCatalogueData,
} from '../src/core/kb/atlasExtract';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'src/core/kb/atlas-catalogue.json');

const args = process.argv.slice(2);
const check = args.includes('--check');
const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--check');
const paths = args.filter((arg) => !arg.startsWith('--'));
if (unknown.length > 0 || paths.length > 1) {
  console.error('usage: npx tsx scripts/build-atlas-catalogue.ts [path/to/ATLAS.yaml] [--check]');
  process.exit(2);
}
const input =
  paths[0] !== undefined ? resolve(paths[0]) : join(root, '..', 'shared', 'kb', 'ATLAS.yaml');
if (!existsSync(input)) {
  console.error(
    `${input}: not found. Pass the path of an official ATLAS.yaml (mitre-atlas/atlas-data, dist/ATLAS.yaml).`,
  );
  process.exit(2);
}

const extraction = extractAtlasCatalogueData(readFileSync(input, 'utf8'));
for (const note of extraction.notes) console.log(`note: ${note}`);
for (const problem of extraction.problems)
  console.error(
    `${input}${problem.offset !== undefined ? `@${problem.offset}` : ''}: ${problem.message}`,
  );
// The bundled catalogue must come from clean data: a problem means the YAML changed shape and
// the extraction needs a look before users get a partial catalogue.
if (!extraction.data || extraction.problems.length > 0) process.exit(1);

const json = serializeAtlasCatalogueData(extraction.data);
const { atlasVersion, tactics, techniques, mitigations } = extraction.data;
const subTechniques = techniques.filter((t) => t.parent !== undefined).length;
const links = mitigations.reduce((sum, m) => sum + m.techniques.length, 0);
const summary = `ATLAS ${atlasVersion}: ${tactics.length} tactics, ${techniques.length} techniques (${subTechniques} sub-techniques), ${mitigations.length} mitigations, ${links} mitigation links`;

if (check) {
  const current = existsSync(output) ? readFileSync(output, 'utf8') : '';
  if (current !== json) {
    console.error(
      `${relative(process.cwd(), output)} is out of date with ${input}; run: npx tsx scripts/build-atlas-catalogue.ts`,
    );
    process.exit(1);
  }
  console.log(`${relative(process.cwd(), output)} is up to date (${summary}).`);
} else {
  // Write then rename, so an interrupted run never leaves a half-written catalogue in the tree.
  const temporary = `${output}.tmp-${process.pid}`;
  writeFileSync(temporary, json);
  renameSync(temporary, output);
  console.log(`wrote ${relative(process.cwd(), output)} (${json.length} bytes): ${summary}`);
}

// Writes the generated reference docs (docs/model-format.md, docs/register-format.md,
// docs/problems.md, docs/rules.md) from the schemas, the problem catalogue and the built-in
// rule packs. Run with `npm run docs`; `--check` writes nothing and exits 1 when a committed file
// differs (test/unit/docs/generated.test.ts checks the same in the unit suite).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateDocs } from './docs/generate';

const root = join(__dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, content] of generateDocs()) {
  const file = join(root, path);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  if (check) {
    console.error(`${path} is out of date; run \`npm run docs\`.`);
    stale++;
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`wrote ${path}`);
}
process.exitCode = stale > 0 ? 1 : 0;

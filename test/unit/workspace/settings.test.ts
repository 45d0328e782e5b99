/**
 * Settings are read in one place: `src/extension/config.ts` is the only file that calls
 * `getConfiguration` (ARCHITECTURE.md's enforcement table points here).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');

describe('settings', () => {
  it('only src/extension/config.ts reads configuration', () => {
    const readers = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => readFileSync(join(SRC, file), 'utf8').includes('getConfiguration'))
      .map((file) => relative(SRC, join(SRC, file)).split('\\').join('/'));
    assert.deepEqual(readers, ['extension/config.ts']);
  });
});

/**
 * Every example, synced through the real CLI in a temporary copy: a register is created, it
 * loads without problems, triage finds nothing wrong with a fresh one, and a second run
 * changes nothing (the file is byte-identical).
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import { listDir, mltm, removeTemp, tempDir, TODAY } from './helpers';
import { analyzeLoaded } from '../../support/analysis';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const models = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.mltm.yaml'))
  .sort();

describe('mltm sync on every example', () => {
  it('finds the examples', () => {
    assert.ok(models.length >= 11, models.join(', '));
  });

  for (const name of models) {
    it(name, async () => {
      const dir = tempDir();
      try {
        copyFileSync(join(EXAMPLES, name), join(dir, name));
        const first = await mltm(['sync', name], dir);
        assert.equal(first.code, 0, first.stderr);
        const registerName = name.replace(/\.mltm\.yaml$/, '.threats.yaml');
        assert.match(
          first.stdout,
          new RegExp(`${registerName.replace(/\./g, '\\.')}: created \\(\\d+ added\\)`),
        );
        const text = readFileSync(join(dir, registerName), 'utf8');
        const analysis = analyzeLoaded(readFileSync(join(dir, name), 'utf8'));
        const loaded = loadRegister(text);
        assert.deepEqual(loaded.problems, []);
        assert.ok(loaded.register);
        assert.equal(loaded.register.entries.length, analysis.threats.length);
        assert.deepEqual(
          checkRegister(loaded.register, analysis, { today: TODAY, modelFile: name }),
          [],
        );
        const second = await mltm(['sync', name], dir, '2031-01-01');
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /up to date/);
        assert.equal(
          readFileSync(join(dir, registerName), 'utf8'),
          text,
          'a second run changes nothing',
        );
        assert.deepEqual(listDir(dir), [registerName, name].sort());
      } finally {
        removeTemp(dir);
      }
    });
  }
});

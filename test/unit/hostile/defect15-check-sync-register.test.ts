/**
 * Issue 16 defect 15: `check` passed a register that `sync` refuses (entries keyed `__proto__`,
 * `constructor`). Both read the register through loadRegister's validation, and `check` now
 * fails on every error it reports, not only on the decision codes.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mltm } from '../cli/run';

const MODEL =
  'mltm: 1\nname: p\ncomponents:\n  u: { kind: user }\n  app: { kind: llm_app }\nflows:\n  - { from: u, to: app }\n';

describe('issue 16 defect 15: check and sync read registers through the same validation', () => {
  for (const key of ['__proto__', 'constructor']) {
    it(`an entry keyed \`${key}\`: sync refuses and check fails, at the key`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mltm-defect15-'));
      const model = join(dir, 'm.mltm.yaml');
      writeFileSync(model, MODEL);
      assert.equal((await mltm(['sync', model], dir)).code, 0);
      appendFileSync(join(dir, 'm.threats.yaml'), `  ${key}:\n    status: open\n`);
      const sync = await mltm(['sync', model], dir);
      assert.equal(sync.code, 2);
      assert.match(sync.stderr, new RegExp(`m\\.threats\\.yaml:\\d+:3: error MLTM107 \`${key}\``));
      const check = await mltm(['check', model, '--fail-on', 'none'], dir);
      assert.equal(check.code, 1, check.stdout);
      assert.match(check.stdout, /^FAIL .*1 register problem\./m);
      assert.match(check.stdout, new RegExp(`error MLTM107 \`${key}\``));
    });
  }
});

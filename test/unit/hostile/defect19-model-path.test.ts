/**
 * Issue 16 defect 19: a register saying `model: ./m.mltm.yaml` was refused as another model's
 * register (MLTM307 in check, a refusal in sync). Both compare normalised paths now
 * (register.ts `sameModelPath`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseModelPath, sameModelPath } from '../../../src/core/register/register';
import { mltm } from '../cli/run';

const MODEL =
  'mltm: 1\nname: p\ncomponents:\n  u: { kind: user }\n  app: { kind: llm_app }\nflows:\n  - { from: u, to: app }\n';

describe('issue 16 defect 19: register model paths are compared normalised', () => {
  it('normaliseModelPath resolves ./, x/.. and backslashes', () => {
    assert.equal(normaliseModelPath('./m.mltm.yaml'), 'm.mltm.yaml');
    assert.equal(normaliseModelPath('sub/../m.mltm.yaml'), 'm.mltm.yaml');
    assert.equal(normaliseModelPath('.\\m.mltm.yaml'), 'm.mltm.yaml');
    assert.equal(normaliseModelPath('../m.mltm.yaml'), '../m.mltm.yaml');
    assert.ok(sameModelPath('./m.mltm.yaml', 'm.mltm.yaml'));
    assert.ok(!sameModelPath('other.mltm.yaml', 'm.mltm.yaml'));
  });

  it('`model: ./m.mltm.yaml`: sync and check accept the register', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mltm-defect19-'));
    const model = join(dir, 'm.mltm.yaml');
    writeFileSync(model, MODEL);
    assert.equal((await mltm(['sync', model], dir)).code, 0);
    const register = join(dir, 'm.threats.yaml');
    const text = readFileSync(register, 'utf8');
    assert.match(text, /^model: m\.mltm\.yaml$/m);
    writeFileSync(register, text.replace(/^model: m\.mltm\.yaml$/m, 'model: ./m.mltm.yaml'));
    const sync = await mltm(['sync', model], dir);
    assert.equal(sync.code, 0, sync.stderr);
    const check = await mltm(['check', model, '--fail-on', 'none'], dir);
    assert.equal(check.code, 0, check.stdout);
    assert.doesNotMatch(check.stdout + check.stderr, /MLTM307/);
  });
});

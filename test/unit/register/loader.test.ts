/**
 * Bad registers: each gets a located problem (file:line:col) from `mltm sync`, exit code 2, and
 * the register file is left byte-identical with no temporary file beside it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_READ_LIMITS, REGISTER_READ_LIMITS } from '../../../src/core/parse/source';
import { readUserFile } from '../../../src/cli/io';
import { loadRegister } from '../../../src/core/register/register';
import { listDir, MODEL, mltm, removeTemp, synced, tempDir, writeFiles } from './helpers';

/** 1-based line and column of the first occurrence of `needle` (plus `offset` characters). */
function at(text: string, needle: string, offset = 0): string {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `fixture lacks ${JSON.stringify(needle)}`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length;
  const column = index + offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

const HEADER = 'mltm-register: 1\nmodel: m.mltm.yaml\nthreats:\n';

/** Runs `mltm sync` over a register and checks refusal, location and untouched bytes. */
async function expectRefusal(
  register: string,
  code: string,
  location: string,
  model = MODEL,
): Promise<string> {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'm.mltm.yaml': model, 'm.threats.yaml': register });
    const before = listDir(dir);
    const run = await mltm(['sync', 'm.mltm.yaml'], dir);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`^m\\.threats\\.yaml:${location}: error ${code} `, 'm'),
      run.stderr,
    );
    assert.match(run.stderr, /was not written/);
    assert.equal(
      readFileSync(join(dir, 'm.threats.yaml'), 'utf8'),
      register,
      'the register must be byte-identical',
    );
    assert.deepEqual(listDir(dir), before, 'no temporary file may be left behind');
    return run.stderr;
  } finally {
    removeTemp(dir);
  }
}

describe('register loader: bad input is located and never overwritten', () => {
  it('duplicate keys', async () => {
    const text = `${HEADER}  process-input-tampering@api:\n    status: open\n  process-input-tampering@api:\n    status: accepted\n    justification: x\n`;
    await expectRefusal(
      text,
      'MLTM002',
      at(text, 'process-input-tampering@api:\n    status: accepted'),
    );
    assert.equal(loadRegister(text).writable, false);
  });

  it('unknown status, with the allowed values', async () => {
    const text = `${HEADER}  process-input-tampering@api:\n    status: acepted\n    justification: behind the VPN\n`;
    const stderr = await expectRefusal(text, 'MLTM106', at(text, 'acepted'));
    assert.match(stderr, /accepted/);
  });

  it('wrong types', async () => {
    const text = `${HEADER}  process-input-tampering@api:\n    status: open\n    owner: [alice, bob]\n`;
    await expectRefusal(text, 'MLTM103', at(text, '[alice'));
    const notAMap = `${HEADER}  process-input-tampering@api: accepted\n`;
    await expectRefusal(notAMap, 'MLTM103', at(notAMap, 'accepted'));
  });

  it('merge-conflict markers', async () => {
    const base = synced(undefined, MODEL);
    const text = base.replace(
      '    status: open\n',
      '<<<<<<< HEAD\n    status: accepted\n=======\n    status: mitigated\n>>>>>>> branch\n',
    );
    const stderr = await expectRefusal(text, 'MLTM004', at(text, '<<<<<<<'));
    assert.match(stderr, /merge-conflict/);
  });

  it('hand-edited machine fields', async () => {
    const base = synced(undefined, MODEL);
    const text = base.replace(
      /(process-input-tampering@api:\n(?:.*\n)*? {4}severity: )\w+/,
      '$1low',
    );
    assert.notEqual(text, base);
    const entry = text.indexOf('process-input-tampering@api:');
    const machineLine = text.indexOf('    machine:', entry);
    const before = text.slice(0, machineLine + 4);
    const location = `${before.split('\n').length}:5`;
    const stderr = await expectRefusal(text, 'MLTM308', location);
    assert.match(stderr, /--restore-machine-fields/);
  });

  it('entries for elements that never existed', async () => {
    const text = `${HEADER}  process-input-tampering@gateway:\n    status: accepted\n    justification: WAF in front\n`;
    await expectRefusal(text, 'MLTM306', at(text, 'process-input-tampering@gateway'));
  });

  it('an id no rule can produce, with a did-you-mean', async () => {
    const text = `${HEADER}  proces-input-tampering@api:\n    status: mitigated\n`;
    const stderr = await expectRefusal(text, 'MLTM305', at(text, 'proces-input'));
    assert.match(stderr, /did you mean `process-input-tampering@api`\?/);
  });

  it('an element typo, with a did-you-mean', async () => {
    const text = `${HEADER}  process-input-tampering@apj:\n    status: mitigated\n`;
    const stderr = await expectRefusal(text, 'MLTM306', at(text, 'process-input-tampering@apj'));
    assert.match(stderr, /did you mean `process-input-tampering@api`\?/);
  });

  it('a register for another model', async () => {
    const text = synced(undefined, MODEL).replace('model: m.mltm.yaml', 'model: other.mltm.yaml');
    const stderr = await expectRefusal(text, 'MLTM307', at(text, 'other.mltm.yaml'));
    assert.match(stderr, /belongs to `other\.mltm\.yaml`/);
  });

  it('a register 10× larger than the model', async () => {
    const extra = Array.from(
      { length: 40 },
      (_, i) => `  svc${i}: { kind: serving_endpoint, boundary: platform }\n`,
    ).join('');
    const extraFlows = Array.from(
      { length: 40 },
      (_, i) => `  - { from: client, to: svc${i} }\n`,
    ).join('');
    const big = MODEL.replace('flows:\n', `${extra}flows:\n`) + extraFlows;
    const register = synced(undefined, big);
    const entries = (register.match(/^ {2}\S/gm) ?? []).length;
    const small = (synced(undefined, MODEL).match(/^ {2}\S/gm) ?? []).length;
    assert.ok(entries >= 10 * small, `${entries} entries vs ${small}`);
    const firstStale = register.match(/^ {2}(\S+@svc0):/m)?.[1] ?? '';
    const stderr = await expectRefusal(register, 'MLTM309', at(register, `${firstStale}:`));
    assert.match(stderr, /--allow-mass-stale/);
  });

  it('unparseable YAML', async () => {
    const text = `${HEADER}  process-input-tampering@api:\n    status: [open\n`;
    await expectRefusal(text, 'MLTM001', '6:1');
  });

  it('reads registers up to their own limit (10× the model limit), with the same alias and depth guards', () => {
    // A register grows with the threats: a 5,000-component model's is about 17 MB.
    const notes = 'x'.repeat(2000);
    const count = 3200;
    const body = Array.from(
      { length: count },
      (_, i) => `  process-input-tampering@svc${i}:\n    status: open\n    notes: ${notes}\n`,
    ).join('');
    const large = HEADER + body;
    assert.ok(large.length > DEFAULT_READ_LIMITS.maxLength, `${large.length} characters`);
    const loaded = loadRegister(large);
    assert.ok(
      !loaded.problems.some((p) => p.code === 'MLTM007'),
      JSON.stringify(loaded.problems.slice(0, 2)),
    );
    assert.equal(loaded.register?.entries.length, count);
    assert.equal(loaded.register?.entries[count - 1]?.notes, notes);

    const tooLarge = HEADER + '#'.repeat(REGISTER_READ_LIMITS.maxLength);
    const refused = loadRegister(tooLarge);
    assert.equal(refused.writable, false);
    assert.deepEqual(
      refused.problems.map((p) => p.code),
      ['MLTM007'],
    );
    assert.match(refused.problems[0]?.message ?? '', /mltm reads files up to 50\.0 MB/);

    const laughs = ['  a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      laughs.push(
        `  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const bomb = loadRegister(`mltm-register: 1\nx-bomb:\n${laughs.join('\n')}\nthreats: {}\n`);
    assert.equal(bomb.writable, false);
    assert.ok(
      bomb.problems.some((p) => p.code === 'MLTM003'),
      JSON.stringify(bomb.problems),
    );

    const deep = loadRegister(
      `mltm-register: 1\nthreats:\n  r@e:\n    notes: ${'['.repeat(200)}${']'.repeat(200)}\n`,
    );
    assert.equal(deep.writable, false);
    assert.ok(
      deep.problems.some((p) => p.code === 'MLTM009'),
      JSON.stringify(deep.problems),
    );
  });

  it('the CLI reads a register file past the model limit (a model file that size is refused)', () => {
    const dir = tempDir();
    try {
      // 21 MB: over 4× the model limit in bytes (refused before reading), under the register limit.
      const text = HEADER.replace('threats:\n', '') + '# padding\n'.repeat(2_100_000);
      writeFiles(dir, { 'big.threats.yaml': text });
      const path = join(dir, 'big.threats.yaml');
      assert.deepEqual(
        readUserFile(path).problems.map((p) => p.code),
        ['MLTM007'],
      );
      const read = readUserFile(path, REGISTER_READ_LIMITS.maxLength);
      assert.deepEqual(read.problems, []);
      assert.equal(read.text?.length, text.length);
    } finally {
      removeTemp(dir);
    }
  });

  it('loads a good register with entries in file order and located keys', () => {
    const text = synced(undefined, MODEL);
    const loaded = loadRegister(text);
    assert.equal(loaded.writable, true);
    assert.deepEqual(loaded.problems, []);
    const first = loaded.register?.entries[0];
    assert.ok(first);
    assert.equal(text.slice(first.keyRange.start, first.keyRange.end), first.id);
    assert.equal(first.status, 'open');
  });
});

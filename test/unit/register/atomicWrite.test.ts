/**
 * Safe writes: the register is replaced atomically (temp file + rename); a crash at any step
 * leaves the original intact and no temporary file behind; a file changed since it was read is
 * never overwritten; sync refuses to write over a register it cannot read.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  ConcurrentEditError,
  isAtomicTemporary,
  writeFileAtomic,
  NODE_WRITE_FS,
  WriteError,
  type WriteFs,
} from '../../../src/cli/atomicWrite';
import { listDir, MODEL, mltm, removeTemp, synced, tempDir, writeFiles } from './helpers';

const realFs: WriteFs = NODE_WRITE_FS;

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeTemp(dir));

  it('replaces the file through a temporary file and a rename', () => {
    const path = join(dir, 'r.threats.yaml');
    fs.writeFileSync(path, 'old\n');
    const steps: string[] = [];
    const traced: WriteFs = {
      ...realFs,
      openSync: (p, f, m) => (
        steps.push(
          `open ${isAtomicTemporary(p.slice(dir.length + 1), path) ? 'temp' : p === path ? 'target' : p} ${f}`,
        ),
        realFs.openSync(p, f, m)
      ),
      fsyncSync: (fd) => (steps.push('fsync'), realFs.fsyncSync(fd)),
      renameSync: (a, b) => (
        steps.push(`rename temp→${b === path ? 'target' : b}`),
        realFs.renameSync(a, b)
      ),
    };
    writeFileAtomic(path, 'new\n', 'old\n', traced);
    // The target is read back first (the concurrent-edit check), then replaced.
    assert.deepEqual(steps, [
      `open target ${fs.constants.O_RDONLY | fs.constants.O_NONBLOCK}`,
      'open temp wx',
      'fsync',
      'rename temp→target',
    ]);
    assert.equal(fs.readFileSync(path, 'utf8'), 'new\n');
    assert.deepEqual(listDir(dir), ['r.threats.yaml']);
  });

  it('creates a file that did not exist (expected: undefined)', () => {
    const path = join(dir, 'new.threats.yaml');
    writeFileAtomic(path, 'x\n', undefined);
    assert.equal(fs.readFileSync(path, 'utf8'), 'x\n');
  });

  for (const step of ['writeSync', 'fsyncSync', 'closeSync', 'renameSync'] as const) {
    it(`a crash in ${step} leaves the original intact and no temporary file`, () => {
      const path = join(dir, 'r.threats.yaml');
      fs.writeFileSync(path, 'original\n');
      let wrote = false;
      const crash = (): never => {
        throw Object.assign(new Error(`EIO: simulated crash in ${step}`), { code: 'EIO' });
      };
      const crashing: WriteFs = {
        ...realFs,
        writeSync: (fd, b, off, len, pos) => {
          if (step === 'writeSync') {
            // Part of the bytes reach the temporary file, then the disk "fails".
            realFs.writeSync(fd, b, off, 3, pos);
            crash();
          }
          wrote = true;
          return realFs.writeSync(fd, b, off, len, pos);
        },
        ...(step === 'fsyncSync' && { fsyncSync: crash }),
        // The temporary file's close fails (the read-back of the target before it closes fine).
        ...(step === 'closeSync' && {
          closeSync: (fd: number) => {
            if (!wrote) return realFs.closeSync(fd);
            realFs.closeSync(fd);
            wrote = false;
            crash();
          },
        }),
        ...(step === 'renameSync' && { renameSync: crash }),
      };
      const finalFs = crashing;
      assert.throws(
        () => writeFileAtomic(path, 'replacement text\n', 'original\n', finalFs),
        (error: unknown) =>
          error instanceof WriteError && /simulated crash|I\/O error/.test(error.message),
      );
      assert.equal(fs.readFileSync(path, 'utf8'), 'original\n');
      assert.deepEqual(listDir(dir), ['r.threats.yaml'], 'the temporary file is removed');
      if (step !== 'writeSync' && step !== 'closeSync') assert.ok(wrote);
    });
  }

  it('refuses when the file changed since it was read (concurrent edit)', () => {
    const path = join(dir, 'r.threats.yaml');
    fs.writeFileSync(path, 'someone else saved this\n');
    assert.throws(() => writeFileAtomic(path, 'mine\n', 'what I read\n'), ConcurrentEditError);
    assert.equal(fs.readFileSync(path, 'utf8'), 'someone else saved this\n');
    fs.unlinkSync(path);
    assert.throws(
      () => writeFileAtomic(path, 'mine\n', 'what I read\n'),
      ConcurrentEditError,
      'a deleted file is a change too',
    );
    assert.deepEqual(listDir(dir), []);
  });
});

describe('mltm sync: safe writes end to end', () => {
  it('refuses over an unparseable register and over conflict markers, with a clear message', async () => {
    const dir = tempDir();
    try {
      const good = synced(undefined, MODEL);
      for (const bad of [
        good.replace('threats:\n', 'threats:\n  : [\n'),
        good.replace(
          '    status: open\n',
          '<<<<<<< ours\n    status: open\n=======\n    status: mitigated\n>>>>>>> theirs\n',
        ),
      ]) {
        writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': bad });
        const run = await mltm(['sync', 'm.mltm.yaml'], dir);
        assert.equal(run.code, 2);
        assert.match(
          run.stderr,
          /m\.threats\.yaml was not written: writing over it could lose what people wrote/,
        );
        assert.equal(fs.readFileSync(join(dir, 'm.threats.yaml'), 'utf8'), bad);
        assert.deepEqual(listDir(dir), ['m.mltm.yaml', 'm.threats.yaml']);
      }
    } finally {
      removeTemp(dir);
    }
  });

  it('refuses to sync against a broken model, locating the model error, register untouched', async () => {
    const dir = tempDir();
    try {
      const register = synced(undefined, MODEL);
      writeFiles(dir, {
        'm.mltm.yaml': MODEL.replace('from: client', 'from: clint'),
        'm.threats.yaml': register,
      });
      const run = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^m\.mltm\.yaml:13:\d+: error MLTM201 /m);
      assert.match(run.stderr, /so no entry is marked stale by mistake/);
      assert.equal(fs.readFileSync(join(dir, 'm.threats.yaml'), 'utf8'), register);
      const triage = await mltm(
        ['triage', 'm.mltm.yaml', 'process-input-tampering@api', '--status', 'mitigated'],
        dir,
      );
      assert.equal(triage.code, 2);
      assert.match(triage.stderr, /^m\.mltm\.yaml:13:\d+: error MLTM201 /m);
      assert.equal(fs.readFileSync(join(dir, 'm.threats.yaml'), 'utf8'), register);
    } finally {
      removeTemp(dir);
    }
  });

  it('creates, then updates in place, then reports up to date', async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      const created = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /m\.threats\.yaml: created \(19 added\)/);
      writeFiles(dir, {
        'm.mltm.yaml': MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }'),
      });
      const check = await mltm(['sync', '--check', 'm.mltm.yaml'], dir);
      assert.equal(check.code, 1);
      assert.match(check.stdout, /out of date/);
      const updated = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.match(updated.stdout, /updated \(5 refreshed\)/);
      const again = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.match(again.stdout, /up to date \(19 threats\)/);
      assert.deepEqual(listDir(dir), ['m.mltm.yaml', 'm.threats.yaml']);
    } finally {
      removeTemp(dir);
    }
  });
});

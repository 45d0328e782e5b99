/**
 * Property tests of the one writer and the one reader (issue 16): an injected file system fails
 * writes at random (short writes, writes that lie about their count, ENOSPC, EFBIG, EIO in
 * fsync, close or rename), two writers interleave their read → change → write steps at random,
 * and special files (FIFOs, devices, folders, links to them, dangling links) are given as inputs
 * and as targets. Whatever happens: the file holds either its old bytes or the new text, never a
 * part; no temporary file is left; a write computed from stale text never lands; a special file is
 * refused without blocking and keeps its type.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ConcurrentEditError,
  NODE_WRITE_FS,
  WriteError,
  writeFileAtomic,
  writeOutputFile,
  type WriteFs,
} from '../../src/cli/atomicWrite';
import { readUserFile } from '../../src/cli/io';
import { listDir, removeTemp, tempDir } from '../unit/register/helpers';
import { fuzzParameters } from './support';

type Failure =
  | { kind: 'short' | 'zero' | 'lie'; at: number; bytes: number }
  | { kind: 'ENOSPC' | 'EFBIG' | 'EDQUOT'; at: number }
  | { kind: 'fsync' | 'close' | 'rename' | 'fchmod' }
  | { kind: 'none' };

const failureArbitrary: fc.Arbitrary<Failure> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('short' as const, 'zero' as const, 'lie' as const),
    at: fc.nat(3),
    bytes: fc.nat(5000),
  }),
  fc.record({
    kind: fc.constantFrom('ENOSPC' as const, 'EFBIG' as const, 'EDQUOT' as const),
    at: fc.nat(3),
  }),
  fc.record({
    kind: fc.constantFrom('fsync' as const, 'close' as const, 'rename' as const, 'fchmod' as const),
  }),
  fc.constant({ kind: 'none' as const }),
);

function failingFs(failure: Failure): { io: WriteFs; failed: () => boolean } {
  let writes = 0;
  let failed = false;
  let temporaryFd: number | undefined;
  const fail = (code: string): never => {
    failed = true;
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  const io: WriteFs = {
    ...NODE_WRITE_FS,
    openSync: (path, flags, mode) => {
      const fd = NODE_WRITE_FS.openSync(path, flags, mode);
      if (flags === 'wx') temporaryFd = fd;
      return fd;
    },
    writeSync: (fd, buffer, offset, length, position) => {
      const call = writes++;
      if ('at' in failure && call === failure.at) {
        if (failure.kind === 'ENOSPC' || failure.kind === 'EFBIG' || failure.kind === 'EDQUOT')
          return fail(failure.kind);
        const part = Math.min(length, 'bytes' in failure ? failure.bytes : 0);
        if (failure.kind === 'zero') return ((failed = true), 0);
        const written = NODE_WRITE_FS.writeSync(fd, buffer, offset, part, position);
        if (failure.kind === 'lie') {
          if (part < length) failed = true;
          return length;
        }
        return written;
      }
      return NODE_WRITE_FS.writeSync(fd, buffer, offset, length, position);
    },
    fsyncSync: (fd) => (failure.kind === 'fsync' ? fail('EIO') : NODE_WRITE_FS.fsyncSync(fd)),
    fchmodSync: (fd, mode) =>
      failure.kind === 'fchmod' ? fail('EPERM') : NODE_WRITE_FS.fchmodSync(fd, mode),
    closeSync: (fd) => {
      NODE_WRITE_FS.closeSync(fd);
      if (failure.kind === 'close' && fd === temporaryFd) fail('EIO');
    },
    renameSync: (from, to) =>
      failure.kind === 'rename' ? fail('EXDEV') : NODE_WRITE_FS.renameSync(from, to),
  };
  return { io, failed: () => failed };
}

const textArbitrary = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 1, max: 12_000 }).map((n) => 'threats:\n'.repeat(Math.ceil(n / 9)).slice(0, n)),
);

describe('fuzz: the writer and the reader', function () {
  this.timeout(0);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('mltm-fuzz-writes-');
  });
  afterEach(() => removeTemp(dir));

  it('an injected failing writer never leaves part of a file or a temporary file', () => {
    fc.assert(
      fc.property(
        textArbitrary,
        textArbitrary,
        fc.boolean(),
        failureArbitrary,
        (old, next, bom, failure) => {
          const path = join(dir, 'r.threats.yaml');
          const oldBytes = Buffer.from((bom ? '\uFEFF' : '') + old, 'utf8');
          fs.writeFileSync(path, oldBytes);
          const { io, failed } = failingFs(failure);
          let threw: unknown;
          try {
            writeFileAtomic(path, next, old, io);
          } catch (error) {
            threw = error;
          }
          const now = fs.readFileSync(path);
          if (threw === undefined) {
            assert.ok(!failed(), 'a write that failed reported success');
            assert.deepEqual(now, Buffer.from((bom ? '\uFEFF' : '') + next, 'utf8'));
          } else {
            assert.ok(threw instanceof WriteError, String(threw));
            assert.deepEqual(now, oldBytes, 'the old bytes are intact');
          }
          assert.deepEqual(listDir(dir), ['r.threats.yaml']);
        },
      ),
      fuzzParameters(),
    );
  });

  it('two interleaved writers: a change computed from stale text never lands', () => {
    type Step = { writer: 0 | 1; action: 'read' | 'write' | 'editor-save' };
    const stepArbitrary: fc.Arbitrary<Step> = fc.record({
      writer: fc.constantFrom(0 as const, 1 as const),
      action: fc.constantFrom('read' as const, 'write' as const, 'editor-save' as const),
    });
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 20 }), (steps) => {
        const path = join(dir, 'r.threats.yaml');
        fs.writeFileSync(path, 'v0\n');
        let onDisk = 'v0\n';
        const seen: (string | undefined)[] = [undefined, undefined];
        steps.forEach((step, i) => {
          if (step.action === 'editor-save') {
            onDisk = `editor ${i}\n`;
            fs.writeFileSync(path, onDisk);
          } else if (step.action === 'read') seen[step.writer] = fs.readFileSync(path, 'utf8');
          else if (seen[step.writer] !== undefined) {
            const basis = seen[step.writer] as string;
            const next = `${basis.trim()} + writer ${step.writer} step ${i}\n`;
            try {
              writeFileAtomic(path, next, basis);
              assert.equal(basis, onDisk, 'a write from stale text landed');
              onDisk = next;
            } catch (error) {
              assert.ok(error instanceof ConcurrentEditError);
              assert.notEqual(basis, onDisk, 'a write from fresh text was refused');
            }
            seen[step.writer] = undefined;
          }
          assert.equal(fs.readFileSync(path, 'utf8'), onDisk);
        });
        assert.deepEqual(listDir(dir), ['r.threats.yaml']);
      }),
      fuzzParameters(),
    );
  });

  it('special files as inputs and targets are refused at once and keep their type', () => {
    const kinds = [
      'fifo',
      'dev-null-link',
      'dev-zero-link',
      'folder',
      'dangling',
      'link-to-fifo',
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom('read', 'write', 'output'),
        (kind, use) => {
          const path = join(dir, `x-${kind}.threats.yaml`);
          fs.rmSync(path, { recursive: true, force: true });
          if (kind === 'fifo' || kind === 'link-to-fifo') {
            const fifo = join(dir, `fifo-${kind}`);
            if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
            if (kind === 'fifo') fs.renameSync(fifo, path);
            else fs.symlinkSync(fifo, path);
          } else if (kind === 'dev-null-link') fs.symlinkSync('/dev/null', path);
          else if (kind === 'dev-zero-link') fs.symlinkSync('/dev/zero', path);
          else if (kind === 'folder') fs.mkdirSync(path);
          else fs.symlinkSync(join(dir, 'missing'), path);
          const typeBefore = describe(path);
          if (use === 'read') {
            const read = readUserFile(path);
            assert.equal(read.text, undefined);
            assert.match(read.problems[0]?.code ?? '', /^MLTM0(07|12|13)$/);
          } else if (use === 'write') {
            assert.throws(() => writeFileAtomic(path, 'x\n', undefined), WriteError);
          } else if (kind === 'folder' || kind === 'dangling') {
            // A folder is refused; a dangling link is refused rather than followed to a new file.
            assert.throws(() => writeOutputFile(path, 'x\n'), WriteError);
          }
          // `output` to a FIFO or a device is a stream write; only non-blocking cases run here
          // (a FIFO without a reader would wait, as a shell redirection does: see safeWrites.test.ts).
          else if (kind === 'dev-null-link') writeOutputFile(path, 'x\n');
          assert.equal(describe(path), typeBefore);
        },
      ),
      fuzzParameters(Math.min(60, Number(process.env.MLTM_FUZZ_RUNS ?? 60))),
    );

    function describe(path: string): string {
      const link = fs.lstatSync(path);
      let target = 'missing';
      try {
        const s = fs.statSync(path);
        target = s.isFIFO()
          ? 'fifo'
          : s.isCharacterDevice()
            ? 'char'
            : s.isDirectory()
              ? 'dir'
              : 'file';
      } catch {
        // dangling
      }
      return `${link.isSymbolicLink() ? 'link→' : ''}${target}`;
    }
  });
});

/**
 * Issue 16, defects 1, 2, 4–8: what the CLI promises about users' files, each case named after
 * the defect it keeps out. Short writes, device files and FIFOs run in a child process (a file-size
 * limit or a blocking open must not take the test run with it); the rest run in-process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  NODE_WRITE_FS,
  WriteError,
  writeFileAtomic,
  type WriteFs,
} from '../../../src/cli/atomicWrite';
import { readBoundedBytes, readUserFile } from '../../../src/cli/io';
import { mltmProcess, readFifoInto } from '../../support/cliProcess';
import { listDir, MODEL, mltm, removeTemp, synced, tempDir, writeFiles } from '../register/helpers';

const THREAT = 'process-input-tampering@api';
const CHANGED_MODEL = MODEL.replace('controls: [authn] }', 'controls: [authn, waf] }');
const isRoot = process.getuid?.() === 0;

describe('issue 16: safe writes', function () {
  // Child processes start tsx; on a busy machine that takes seconds.
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('mltm-safe-writes-');
  });
  afterEach(() => removeTemp(dir));

  const read = (name: string) => fs.readFileSync(join(dir, name), 'utf8');

  describe('defect 1: short writes are never renamed over the register', () => {
    const register = () => synced(undefined, MODEL);

    function failingWriter(kind: 'short' | 'ENOSPC' | 'EFBIG' | 'lying'): WriteFs {
      return {
        ...NODE_WRITE_FS,
        writeSync: (fd, bytes, offset, length, position) => {
          // The first 4,096 bytes reach the disk; then the disk (or the limit) says no.
          const part = Math.min(length, 4096 - offset);
          if (kind === 'lying') {
            NODE_WRITE_FS.writeSync(fd, bytes, offset, Math.max(0, part), position);
            return length;
          }
          if (part > 0) return NODE_WRITE_FS.writeSync(fd, bytes, offset, part, position);
          if (kind === 'short') return 0;
          throw Object.assign(new Error(`${kind}: simulated`), { code: kind });
        },
      };
    }

    for (const kind of ['short', 'ENOSPC', 'EFBIG', 'lying'] as const) {
      it(`a ${kind} write leaves the target untouched and no temporary file`, () => {
        const before = register();
        assert.ok(before.length > 4096, 'the register is larger than what reaches the disk');
        writeFiles(dir, { 'm.threats.yaml': before });
        const after = synced(before, CHANGED_MODEL);
        assert.throws(
          () => writeFileAtomic(join(dir, 'm.threats.yaml'), after, before, failingWriter(kind)),
          (error: unknown) => error instanceof WriteError && /was not written/.test(error.message),
        );
        assert.equal(read('m.threats.yaml'), before);
        assert.deepEqual(listDir(dir), ['m.threats.yaml']);
      });
    }

    it('under `ulimit -f 4`, sync exits 2 with the register untouched (a real EFBIG)', () => {
      const before = register();
      writeFiles(dir, { 'm.mltm.yaml': CHANGED_MODEL, 'm.threats.yaml': before });
      const run = mltmProcess(['sync', 'm.mltm.yaml'], dir, { shellPrefix: 'ulimit -f 4;' });
      assert.equal(run.signal, null, 'SIGXFSZ does not kill mltm');
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /m\.threats\.yaml was not written: .*EFBIG/);
      assert.doesNotMatch(run.stdout, /updated/);
      assert.equal(read('m.threats.yaml'), before);
      assert.deepEqual(listDir(dir), ['m.mltm.yaml', 'm.threats.yaml']);
    });

    it('under `ulimit -f 4`, report --output exits 2 and claims no size', () => {
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'report.html': 'old report\n' });
      const run = mltmProcess(
        ['report', 'm.mltm.yaml', '--format', 'html', '--output', 'report.html'],
        dir,
        { shellPrefix: 'ulimit -f 4;' },
      );
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.doesNotMatch(run.stderr, /wrote/);
      assert.equal(read('report.html'), 'old report\n');
      assert.deepEqual(listDir(dir), ['m.mltm.yaml', 'report.html']);
    });
  });

  describe('defect 2: --output never replaces an input, a model or a register', () => {
    beforeEach(() => {
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': synced(undefined, MODEL) });
      fs.mkdirSync(join(dir, 'sub'));
      fs.symlinkSync(join(dir, 'm.threats.yaml'), join(dir, 'link.sarif'));
      fs.symlinkSync(dir, join(dir, 'sub', 'up'));
    });

    for (const output of [
      'm.threats.yaml',
      'm.mltm.yaml',
      'sub/../m.threats.yaml',
      'link.sarif',
      'sub/up/m.mltm.yaml',
      'other.threats.yml',
      'other.mltm.yml',
    ]) {
      it(`refuses --output ${output}`, async () => {
        const model = read('m.mltm.yaml');
        const register = read('m.threats.yaml');
        const run = await mltm(
          ['report', join(dir, 'm.mltm.yaml'), '--format', 'sarif', '--output', output],
          dir,
        );
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /mltm report: will not write the report over/);
        assert.equal(read('m.mltm.yaml'), model);
        assert.equal(read('m.threats.yaml'), register);
        assert.ok(fs.lstatSync(join(dir, 'link.sarif')).isSymbolicLink());
        if (output.startsWith('other.')) assert.ok(!fs.existsSync(join(dir, output)));
      });
    }

    it('still writes a report beside them', async () => {
      const run = await mltm(
        ['report', join(dir, 'm.mltm.yaml'), '--format', 'sarif', '--output', 'm.sarif'],
        dir,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(read('m.sarif'), /"version": "2\.1\.0"/);
    });
  });

  describe('defect 4: symlinked, private and read-only registers', () => {
    it('writes through a symlinked register to its target; the link stays a link', async () => {
      fs.mkdirSync(join(dir, 'shared'));
      writeFiles(dir, {
        'm.mltm.yaml': MODEL,
        'shared/real.threats.yaml': synced(undefined, MODEL),
      });
      fs.symlinkSync(join('shared', 'real.threats.yaml'), join(dir, 'm.threats.yaml'));
      const run = await mltm(['triage', 'm.mltm.yaml', THREAT, '--status', 'mitigated'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(fs.lstatSync(join(dir, 'm.threats.yaml')).isSymbolicLink());
      assert.match(read('shared/real.threats.yaml'), /status: mitigated/);
      assert.deepEqual(listDir(join(dir, 'shared')), ['real.threats.yaml']);
    });

    it('keeps a 0600 register 0600 (and 0640 0640, whatever the umask)', async () => {
      for (const mode of [0o600, 0o640]) {
        writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': synced(undefined, MODEL) });
        fs.chmodSync(join(dir, 'm.threats.yaml'), mode);
        const run = await mltm(['triage', 'm.mltm.yaml', THREAT, '--status', 'mitigated'], dir);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(fs.statSync(join(dir, 'm.threats.yaml')).mode & 0o777, mode);
      }
    });

    (isRoot ? it : it.skip)('keeps the owner when run as root', async () => {
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': synced(undefined, MODEL) });
      fs.chownSync(join(dir, 'm.threats.yaml'), 4321, 4322);
      const run = await mltm(['triage', 'm.mltm.yaml', THREAT, '--status', 'mitigated'], dir);
      assert.equal(run.code, 0, run.stderr);
      const stats = fs.statSync(join(dir, 'm.threats.yaml'));
      assert.deepEqual([stats.uid, stats.gid], [4321, 4322]);
    });

    it('refuses a read-only (0444) register with a clear message, even as root', async () => {
      const register = synced(undefined, MODEL);
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': register });
      fs.chmodSync(join(dir, 'm.threats.yaml'), 0o444);
      const run = await mltm(['triage', 'm.mltm.yaml', THREAT, '--status', 'mitigated'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /m\.threats\.yaml was not written: it is read-only \(mode 0444\)/);
      assert.equal(read('m.threats.yaml'), register);
      assert.equal(fs.statSync(join(dir, 'm.threats.yaml')).mode & 0o777, 0o444);
    });
  });

  describe('defect 5: a UTF-8 BOM is kept, and the file stays writable', () => {
    const BOM = '\uFEFF';
    it('sync and triage work on a register with a BOM and CRLF line ends, keeping both', async () => {
      const register = synced(undefined, MODEL).replace(/\n/g, '\r\n');
      writeFiles(dir, { 'm.mltm.yaml': CHANGED_MODEL, 'm.threats.yaml': BOM + register });
      const sync = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(sync.stdout, /updated/);
      const triage = await mltm(['triage', 'm.mltm.yaml', THREAT, '--status', 'mitigated'], dir);
      assert.equal(triage.code, 0, triage.stderr);
      const after = read('m.threats.yaml');
      assert.ok(after.startsWith(BOM), 'the BOM is kept');
      assert.ok(!after.slice(1).includes(BOM));
      assert.equal(after.replace(/\r\n/g, '').includes('\n'), false, 'CRLF line ends kept');
      assert.match(after, /status: mitigated/);
    });

    it('rename works on a model with a BOM, keeping it', async () => {
      writeFiles(dir, {
        'm.mltm.yaml': BOM + MODEL,
        'm.threats.yaml': BOM + synced(undefined, MODEL),
      });
      const run = await mltm(['rename', 'm.mltm.yaml', 'api', 'gateway'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(read('m.mltm.yaml').startsWith(BOM + 'mltm: 1'));
      assert.match(read('m.mltm.yaml'), /gateway:/);
      assert.ok(read('m.threats.yaml').startsWith(BOM));
    });
  });

  describe('defect 6: temporary files of dead processes are cleaned up', () => {
    it('the next write removes `.<name>.<pid>.<ms>.tmp` of a dead pid, keeps a live one and anything else', async () => {
      const deadPid = 2_147_483_646; // above any pid_max: never a running process
      const dead = `.m.threats.yaml.${deadPid}.1700000000000.tmp`;
      const live = `.m.threats.yaml.${process.pid}.1700000000000.tmp`;
      const lookalike = `.m.threats.yaml.backup.tmp`;
      writeFiles(dir, {
        'm.mltm.yaml': CHANGED_MODEL,
        'm.threats.yaml': synced(undefined, MODEL),
        [dead]: 'half a register',
        [live]: 'being written',
        [lookalike]: 'mine',
      });
      const run = await mltm(['sync', 'm.mltm.yaml'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(`removed a leftover temporary file \`${dead.replace(/\./g, '\\.')}\``),
      );
      assert.deepEqual(listDir(dir), [lookalike, live, 'm.mltm.yaml', 'm.threats.yaml'].sort());
    });
  });

  describe('defect 7: device files, FIFOs and folders as inputs', () => {
    it('a model symlinked to /dev/zero is refused at once with a located problem', () => {
      fs.symlinkSync('/dev/zero', join(dir, 'evil.mltm.yaml'));
      const run = mltmProcess(['validate', 'evil.mltm.yaml'], dir, { timeoutMs: 60_000 });
      assert.equal(run.timedOut, false, 'validate returned');
      assert.equal(run.code, 1, 'validate: an invalid file');
      assert.match(
        run.stdout + run.stderr,
        /^evil\.mltm\.yaml:1:1: error MLTM013 `.*evil\.mltm\.yaml` is a character device, not a regular file/m,
      );
    });

    it('a FIFO as the model, the register, a rule pack or --atlas does not block', () => {
      execFileSync('mkfifo', [join(dir, 'fifo.mltm.yaml'), join(dir, 'atlas.yaml')]);
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      execFileSync('mkfifo', [join(dir, 'm.threats.yaml')]);
      fs.mkdirSync(join(dir, '.mltm', 'rules'), { recursive: true });
      execFileSync('mkfifo', [join(dir, '.mltm', 'rules', 'pack.yaml')]);
      for (const args of [
        ['validate', 'fifo.mltm.yaml'],
        ['check', 'm.mltm.yaml'],
        ['sync', 'm.mltm.yaml'],
        ['analyze', 'm.mltm.yaml', '--atlas', 'atlas.yaml'],
      ]) {
        const run = mltmProcess(args, dir, { timeoutMs: 60_000 });
        assert.equal(run.timedOut, false, `mltm ${args.join(' ')} returned`);
        // validate reports an unreadable file as invalid (1); the others cannot run (2).
        assert.equal(
          run.code,
          args[0] === 'validate' ? 1 : 2,
          `mltm ${args.join(' ')}: ${run.stderr}`,
        );
        assert.match(
          run.stdout + run.stderr,
          /error MLTM013 .* is a named pipe \(FIFO\), not a regular file/,
        );
      }
    });

    it('readUserFile refuses a character device and a folder in place, without reading', () => {
      const zero = readUserFile('/dev/zero');
      assert.equal(zero.text, undefined);
      assert.deepEqual(
        zero.problems.map((p) => [p.code, p.message]),
        [
          [
            'MLTM013',
            '`/dev/zero` is a character device, not a regular file; mltm reads only regular files.',
          ],
        ],
      );
      assert.match(readUserFile(dir).problems[0]?.message ?? '', /is a folder/);
    });

    it('caps the bytes actually read, whatever stat said', () => {
      let calls = 0;
      // A file that never ends (like a device whose stat size is 0).
      const endless = (_fd: number, buffer: Uint8Array) => {
        calls++;
        buffer.fill(0x61);
        return buffer.length;
      };
      const result = readBoundedBytes(0, 1_000_000, endless);
      assert.equal(result.bytes, undefined);
      assert.ok(result.tooLarge);
      assert.ok(calls < 40, `stopped after ${calls} reads`);
    });
  });

  describe('defect 8: output to devices and streams', () => {
    it('--output to a character device writes into it and never replaces the node', function () {
      try {
        execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
      } catch {
        this.skip(); // not permitted here (not root, or a nodev mount)
      }
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      const run = mltmProcess(['report', 'm.mltm.yaml', '--output', 'null'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(fs.statSync(join(dir, 'null')).isCharacterDevice(), 'still a device node');
      assert.deepEqual(listDir(dir), ['m.mltm.yaml', 'null']);
    });

    it('--output /dev/stdout (a pipe, a socket) and /dev/fd/1 write the report to standard output', () => {
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      for (const output of ['/dev/stdout', '/dev/fd/1']) {
        // Through bash's own pipe (a FIFO) and straight into the test's socket pair.
        for (const pipe of [true, false]) {
          const run = mltmProcess(['report', 'm.mltm.yaml', '--output', output], dir, {
            ...(pipe && { shellSuffix: ' | cat' }),
          });
          assert.equal(run.timedOut, false);
          assert.equal(run.code, 0, run.stderr);
          assert.match(run.stdout, /^# Threat model report: Test pipeline/m);
        }
      }
      assert.deepEqual(listDir(dir), ['m.mltm.yaml']);
    });

    it('--output to a FIFO streams the report to its reader', async () => {
      writeFiles(dir, { 'm.mltm.yaml': MODEL });
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      const reading = readFifoInto(join(dir, 'pipe'), join(dir, 'got.md'));
      const run = mltmProcess(['report', 'm.mltm.yaml', '--output', 'pipe'], dir);
      await reading;
      assert.equal(run.code, 0, run.stderr);
      assert.ok(fs.statSync(join(dir, 'pipe')).isFIFO());
      assert.match(read('got.md'), /^# Threat model report: Test pipeline/m);
    });
  });
});

/**
 * The one writer of users' files (registers, models, reports): the new text never replaces the
 * old one until every byte of it is on disk. What it guarantees, each with a regression test in
 * test/unit/register/atomicWrite.test.ts and test/unit/cli/safeWrites.test.ts:
 *
 * - **All or nothing.** The text goes to a temporary file beside the target; the writer checks
 *   the byte count of every write (a short write, ENOSPC, EFBIG under `ulimit -f` or a quota all
 *   fail), checks the file's size, `fsync`s it, and only then renames it over the target. On any
 *   failure the temporary file is removed and the target is untouched.
 * - **Through links.** A symlinked target is written at the link's destination (the link stays a
 *   link); the file keeps its mode, and its owner when mltm runs as root.
 * - **Read-only means no.** A file without write permission (mode bits, not only `access`, since
 *   root may write anything) is refused with a message saying how to allow it.
 * - **As it was.** A UTF-8 byte-order mark on the old file is kept on the new one; line endings are
 *   the caller's text's (core keeps the file's own).
 * - **No surprise overwrite.** When the content changed since the caller read it (decoded the same
 *   way as {@link readUserFile} decodes: BOM stripped), nothing is written.
 * - **No litter.** Temporary files of this writer (`.<name>.<pid>.<ms>.tmp`) left by a process that
 *   no longer runs (a `kill -9` mid-write) are removed on the next write beside them.
 * - **Never a device.** Anything that is not a regular file is refused: a register or a model is
 *   never replaced by, or written into, a device, FIFO or socket. Report output to a character
 *   device or a FIFO (`--output /dev/stdout`, a named pipe) is a stream and goes through
 *   {@link writeOutputFile}, written directly, never replaced.
 */
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeUtf8 } from '../core/parse/source';
import { protectedNameReason } from '../core/workspace/naming';

export class ConcurrentEditError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} changed while mltm was working on it; nothing was written. Run the command again.`,
    );
  }
}

/** A write refused or failed before the target was touched; `message` says why, for the user. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} was not written: ${reason}`);
  }
}

/** One line for the user about a failed write of `file` (the name as they gave it). */
export function describeWriteFailure(error: unknown, file: string): string {
  if (error instanceof WriteError) return `${file} was not written: ${error.reason}`;
  if (error instanceof ConcurrentEditError)
    return `${file} changed while mltm was working on it; nothing was written. Run the command again.`;
  return `${file} was not written: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The file-system calls the writer makes. Tests replace one to simulate a short write, a full
 * disk or a crash at any step; the fuzz suite injects random failures.
 */
export interface WriteFs {
  statSync(path: string): fs.Stats;
  lstatSync(path: string): fs.Stats;
  realpathSync(path: string): string;
  openSync(path: string, flags: number | string, mode?: number): number;
  readSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  writeSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): number;
  fstatSync(fd: number): fs.Stats;
  fchmodSync(fd: number, mode: number): void;
  fchownSync(fd: number, uid: number, gid: number): void;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  readdirSync(path: string): string[];
}

export const NODE_WRITE_FS: WriteFs = {
  statSync: (path) => fs.statSync(path),
  lstatSync: (path) => fs.lstatSync(path),
  realpathSync: (path) => fs.realpathSync(path),
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  readSync: (fd, buffer, offset, length, position) =>
    fs.readSync(fd, buffer, offset, length, position),
  writeSync: (fd, buffer, offset, length, position) =>
    fs.writeSync(fd, buffer, offset, length, position),
  fstatSync: (fd) => fs.fstatSync(fd),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  fchownSync: (fd, uid, gid) => fs.fchownSync(fd, uid, gid),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (path) => fs.unlinkSync(path),
  readdirSync: (path) => fs.readdirSync(path),
};

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** `.<name>.<pid>.<ms>.tmp`: this writer's temporary files, and nothing else. */
function temporaryPattern(target: string): RegExp {
  const name = basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${name}\\.(\\d+)\\.(\\d+)\\.tmp$`);
}

/** Whether `name` is one of this writer's temporary files for `target` (tests and users spot leftovers). */
export function isAtomicTemporary(name: string, target: string): boolean {
  return temporaryPattern(target).test(name);
}

/** Whether a process with this id runs (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function fsErrorText(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exhausted (EDQUOT)';
    case 'EFBIG':
      return 'the file is larger than this process may write (EFBIG; see `ulimit -f`)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EIO':
      return `an I/O error (${error instanceof Error ? error.message : 'EIO'})`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** What kind of non-regular file this is, in the user's words. */
function fileKind(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function statOrUndefined(io: WriteFs, path: string, follow: boolean): fs.Stats | undefined {
  try {
    return follow ? io.statSync(path) : io.lstatSync(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The file a write of `path` really replaces: a symlink's destination (so the link stays a link),
 * a new file's name in its parent's real folder. Undefined stats: the file does not exist yet.
 */
function resolveTarget(path: string, io: WriteFs): { target: string; stats?: fs.Stats } {
  const linkStats = statOrUndefined(io, path, false);
  if (linkStats?.isSymbolicLink()) {
    const stats = statOrUndefined(io, path, true);
    if (!stats) throw new WriteError(path, 'it is a symbolic link to a file that does not exist.');
    return { target: io.realpathSync(path), stats };
  }
  if (linkStats) return { target: io.realpathSync(path), stats: linkStats };
  let parent: string;
  try {
    parent = io.realpathSync(dirname(path));
  } catch (error) {
    throw new WriteError(path, `its folder cannot be used: ${fsErrorText(error)}.`);
  }
  return { target: join(parent, basename(path)) };
}

/** Reads a regular file's bytes through `io` in bounded chunks (never trusting its stat size). */
function readAll(io: WriteFs, path: string, limit: number): Uint8Array {
  const fd = io.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(65536);
      const read = io.readSync(fd, chunk, 0, chunk.length, total);
      if (read <= 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw new WriteError(path, 'it grew beyond what mltm reads.');
    }
    return Buffer.concat(chunks, total);
  } finally {
    io.closeSync(fd);
  }
}

function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Removes this writer's temporary files beside `target` whose process is gone; returns their names. */
export function removeStaleTemporaries(target: string, io: WriteFs = NODE_WRITE_FS): string[] {
  const pattern = temporaryPattern(target);
  const removed: string[] = [];
  let names: string[];
  try {
    names = io.readdirSync(dirname(target));
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    try {
      io.unlinkSync(join(dirname(target), name));
      removed.push(name);
    } catch {
      // Another mltm removed it first, or the folder forbids it: nothing of ours to report.
    }
  }
  return removed;
}

export interface WriteResult {
  /** The file written (a symlink's destination). */
  readonly target: string;
  /** Bytes on disk (with a kept BOM). */
  readonly bytes: number;
  /** Leftover temporary files of dead processes removed beside the target. */
  readonly removedTemporaries: readonly string[];
}

/** Upper bound on what the concurrent-edit check reads back (the largest file mltm reads, in bytes). */
const READ_BACK_LIMIT = 4 * 50 * 1024 * 1024;

/**
 * Atomically replaces `path` with `text`. `expected` is the content the change was computed
 * from, as {@link readUserFile} returned it (undefined when the file did not exist); a mismatch
 * aborts with {@link ConcurrentEditError}. Every other failure is a {@link WriteError} thrown
 * after the temporary file is removed; the original stays as it was.
 */
export function writeFileAtomic(
  path: string,
  text: string,
  expected: string | undefined,
  io: WriteFs = NODE_WRITE_FS,
): WriteResult {
  return replaceFile(path, text, { expected }, io);
}

/** The shared steps; `check` absent: any old content may be replaced (report output). */
function replaceFile(
  path: string,
  text: string,
  check: { readonly expected: string | undefined } | undefined,
  io: WriteFs,
): WriteResult {
  const { target, stats } = resolveTarget(path, io);
  if (stats && !stats.isFile())
    throw new WriteError(path, `it is ${fileKind(stats)}, not a regular file.`);
  if (stats && (stats.mode & 0o222) === 0)
    throw new WriteError(
      path,
      `it is read-only (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}); make it writable (chmod u+w) to let mltm update it.`,
    );
  let bom = false;
  if (stats) {
    if (check) {
      let now: Uint8Array;
      try {
        now = readAll(io, target, READ_BACK_LIMIT);
      } catch (error) {
        if (error instanceof WriteError) throw error;
        throw new WriteError(path, `it cannot be read back: ${fsErrorText(error)}.`);
      }
      bom = hasBom(now);
      if (decodeUtf8(now).text !== check.expected) throw new ConcurrentEditError(path);
    }
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      throw new WriteError(path, `${fsErrorText(error)}.`);
    }
  } else if (check && check.expected !== undefined) throw new ConcurrentEditError(path);

  const removedTemporaries = removeStaleTemporaries(target, io);
  const encoded = Buffer.from(text, 'utf8');
  const bytes = bom ? Buffer.concat([UTF8_BOM, encoded]) : encoded;
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let descriptor: number | undefined;
  let created = false;
  try {
    descriptor = io.openSync(temporary, 'wx', stats ? stats.mode & 0o7777 : 0o666);
    created = true;
    if (stats) {
      // open's mode passes through the umask; the file keeps exactly the mode it had.
      io.fchmodSync(descriptor, stats.mode & 0o7777);
      if (process.getuid?.() === 0 && (stats.uid !== 0 || stats.gid !== 0))
        io.fchownSync(descriptor, stats.uid, stats.gid);
    }
    writeFully(io, descriptor, bytes, 0);
    const size = io.fstatSync(descriptor).size;
    if (size !== bytes.length)
      throw Object.assign(new Error(`only ${size} of ${bytes.length} bytes reached the disk`), {
        code: 'ESHORT',
      });
    io.fsyncSync(descriptor);
    io.closeSync(descriptor);
    descriptor = undefined;
    io.renameSync(temporary, target);
    created = false;
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        io.closeSync(descriptor);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    if (created) {
      try {
        io.unlinkSync(temporary);
      } catch {
        // Nothing more can be done; the target itself was not touched.
      }
    }
    if (error instanceof WriteError || error instanceof ConcurrentEditError) throw error;
    throw new WriteError(path, `${fsErrorText(error)}; the file was not changed.`);
  }
  return { target, bytes: bytes.length, removedTemporaries };
}

/** Writes every byte (a `write` may take fewer than asked); a write that makes no progress fails. */
function writeFully(io: WriteFs, fd: number, bytes: Uint8Array, start: number | null): void {
  let offset = 0;
  while (offset < bytes.length) {
    let written: number;
    try {
      written = io.writeSync(
        fd,
        bytes,
        offset,
        bytes.length - offset,
        start === null ? null : start + offset,
      );
    } catch (error) {
      // A non-blocking pipe (standard output) is full: wait for its reader, briefly.
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 2);
      continue;
    }
    if (!(written > 0))
      throw Object.assign(
        new Error(`a short write: ${offset} of ${bytes.length} bytes were written`),
        { code: 'ESHORT' },
      );
    offset += written;
  }
}

/**
 * Writes a report (or any output the user named) to `path`: a regular file or a new one
 * atomically as {@link writeFileAtomic} does (without the concurrent-edit check: the old content
 * is not an input), a character device or a FIFO as a stream (opened for writing as it is, never
 * replaced by a file). Block devices, sockets and folders are refused.
 */
export function writeOutputFile(
  path: string,
  text: string,
  io: WriteFs = NODE_WRITE_FS,
): WriteResult {
  // The process's own descriptors (`/dev/stdout`, `/dev/fd/3`): written as they are, whatever
  // they are connected to (a pipe, a socket pair, a terminal); a socket cannot be opened by name.
  const own = /^\/dev\/(?:std(out|err)|fd\/(\d+))$|^\/proc\/self\/fd\/(\d+)$/.exec(path);
  if (own) {
    const fd = own[1] === 'out' ? 1 : own[1] === 'err' ? 2 : Number(own[2] ?? own[3]);
    const bytes = Buffer.from(text, 'utf8');
    try {
      writeFully(io, fd, bytes, null);
    } catch (error) {
      throw new WriteError(path, `${fsErrorText(error)}.`);
    }
    return { target: path, bytes: bytes.length, removedTemporaries: [] };
  }
  const stats = statOrUndefined(io, path, true);
  if (stats && (stats.isCharacterDevice() || stats.isFIFO())) {
    const bytes = Buffer.from(text, 'utf8');
    let fd: number;
    try {
      // No O_CREAT and no O_TRUNC: a stream is written into, never created or replaced.
      fd = io.openSync(path, fs.constants.O_WRONLY);
    } catch (error) {
      throw new WriteError(path, `${fsErrorText(error)}.`);
    }
    try {
      writeFully(io, fd, bytes, null);
    } catch (error) {
      throw new WriteError(path, `${fsErrorText(error)}.`);
    } finally {
      io.closeSync(fd);
    }
    return { target: path, bytes: bytes.length, removedTemporaries: [] };
  }
  return replaceFile(path, text, undefined, io);
}

/** Models, registers and rule packs: files an output must never replace, whatever the command. */
/** `path` as the file a write would reach: links followed, `..` resolved, for a new file its real folder. */
export function resolveWritePath(path: string, io: WriteFs = NODE_WRITE_FS): string {
  try {
    return io.realpathSync(path);
  } catch {
    try {
      return join(io.realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * Why `output` must not be written, or undefined when it may: it resolves (through links and
 * `..`) to one of the command's `inputs`, to a model or a register (by either name, the given one
 * or the link's target), or into a `.mltm/rules` folder.
 */
export function refusedOutputReason(
  output: string,
  inputs: readonly string[],
  io: WriteFs = NODE_WRITE_FS,
): string | undefined {
  const resolved = resolveWritePath(output, io);
  for (const input of inputs)
    if (resolveWritePath(input, io) === resolved) return 'it is an input of this command';
  for (const name of [basename(output), basename(resolved)]) {
    const reason = protectedNameReason(name);
    if (reason !== undefined) return reason;
  }
  if (/[\\/]\.mltm[\\/]rules[\\/]/.test(resolved)) return 'it is in a rule-pack folder';
  return undefined;
}

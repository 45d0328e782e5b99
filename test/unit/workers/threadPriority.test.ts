/**
 * The analysis worker yields the CPU to the editor: on Linux the thread lowers its own priority
 * and only its own, never the process's main thread (the extension host). Asked of the kernel
 * from outside the thread, by its id.
 */
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  BACKGROUND_NICENESS,
  lowerThisThreadPriority,
} from '../../../src/extension/workers/threadPriority';

const onLinux = process.platform === 'linux';

describe('background thread priority', () => {
  it('never lowers the main thread', () => {
    const before = getPriority(process.pid);
    assert.equal(lowerThisThreadPriority(), false);
    assert.equal(getPriority(process.pid), before);
  });

  (onLinux ? it : it.skip)('lowers a worker thread, and only it (Linux)', async () => {
    const mainBefore = getPriority(process.pid);
    const probe = join(__dirname, 'threadPriorityProbe.cjs');
    const worker = new Worker(probe);
    const reply = await new Promise<{ lowered: boolean; tid: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(reply.lowered, true);
    assert.notEqual(reply.tid, process.pid);
    assert.equal(getPriority(reply.tid), BACKGROUND_NICENESS, 'the worker thread runs niced');
    assert.equal(getPriority(process.pid), mainBefore, 'the main thread keeps its priority');
    await worker.terminate();
  });
});

/**
 * The desktop worker transport starts its threads with WORKER_RESOURCE_LIMITS: asked from inside
 * the thread, so a transport that dropped the limits (or a Node that ignored them) fails here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeWorker, WORKER_RESOURCE_LIMITS } from '../../../src/extension/workers/nodeWorker';

describe('desktop worker threads', () => {
  it('run with the larger young generation of WORKER_RESOURCE_LIMITS', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mltm-worker-'));
    try {
      const script = join(folder, 'limits.cjs');
      // The thread reports its own limits and the heap space V8 gave its young objects.
      writeFileSync(
        script,
        `const { parentPort, resourceLimits } = require('node:worker_threads');
         const v8 = require('node:v8');
         const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
         parentPort.postMessage({ resourceLimits, newSpace: newSpace && newSpace.space_size });`,
      );
      const channel = startNodeWorker(script);
      const reply = await new Promise<{ resourceLimits: { maxYoungGenerationSizeMb: number } }>(
        (resolve, reject) => {
          channel.onMessage((message) => resolve(message as never));
          channel.onError(reject);
        },
      );
      channel.terminate();
      assert.equal(WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb, 96);
      assert.equal(reply.resourceLimits.maxYoungGenerationSizeMb, 96);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

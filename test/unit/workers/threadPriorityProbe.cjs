// Worker side of threadPriority.test.ts: lowers its own priority and says which thread it is.
const { parentPort } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
const { lowerThisThreadPriority } = require('../../../src/extension/workers/threadPriority');

const lowered = lowerThisThreadPriority();
const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
parentPort.postMessage({ lowered, tid });
// Stays alive until terminated, so the thread id is still valid when the test asks about it.
setInterval(() => undefined, 1000);

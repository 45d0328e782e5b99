/**
 * The browser build's worker transport (src/extension/workers/browserWorker.ts) against a fake
 * of the global `Worker`: messages posted while the script is still loading arrive in order,
 * a worker terminated before its script arrived is never started, and a worker's error event
 * reaches the caller once (the real Web Worker runs in the browser-workbench test).
 */
import assert from 'node:assert/strict';
import { startBrowserWorker } from '../../../src/extension/workers/browserWorker';

class FakeWorker {
  static started: FakeWorker[] = [];
  readonly received: unknown[] = [];
  terminated = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWorker.started.push(this);
  }
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('browser worker transport', () => {
  const scope = globalThis as { Worker?: unknown };
  let saved: unknown;
  beforeEach(() => {
    saved = scope.Worker;
    scope.Worker = FakeWorker;
    FakeWorker.started = [];
  });
  afterEach(() => {
    scope.Worker = saved;
  });

  it('queues messages until the script URL is ready, then delivers them in order and relays answers', async () => {
    let ready!: (url: string) => void;
    const channel = startBrowserWorker(
      new Promise((resolve) => (ready = resolve)),
      'layout worker',
    );
    const answers: unknown[] = [];
    channel.onMessage((m) => answers.push(m));
    channel.postMessage({ id: 1 });
    channel.postMessage({ id: 2 });
    assert.equal(FakeWorker.started.length, 0);
    ready('blob:script');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const worker = FakeWorker.started[0];
    assert.ok(worker);
    assert.equal(worker.url, 'blob:script');
    assert.deepEqual(worker.received, [{ id: 1 }, { id: 2 }]);
    channel.postMessage({ id: 3 });
    assert.deepEqual(worker.received.at(-1), { id: 3 });
    worker.onmessage?.({ data: { id: 3, ok: true } });
    assert.deepEqual(answers, [{ id: 3, ok: true }]);
  });

  it('never starts a worker terminated before its script arrived', async () => {
    let ready!: (url: string) => void;
    const channel = startBrowserWorker(
      new Promise((resolve) => (ready = resolve)),
      'layout worker',
    );
    channel.postMessage({ id: 1 });
    channel.terminate();
    ready('blob:script');
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(FakeWorker.started.length, 0);
  });

  it('reports an error event once, with the worker named, and stops the worker', async () => {
    const channel = startBrowserWorker(Promise.resolve('blob:script'), 'analysis worker');
    const errors: string[] = [];
    channel.onError((e) => errors.push(e.message));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const worker = FakeWorker.started[0];
    assert.ok(worker);
    let prevented = false;
    const event = { message: 'boom', preventDefault: () => void (prevented = true) };
    worker.onerror?.(event);
    worker.onerror?.(event);
    assert.deepEqual(errors, ['the analysis worker failed: boom']);
    assert.ok(prevented, 'the error is handled, not left to the host');
    assert.ok(worker.terminated);
  });

  it('reports a script that cannot be read', async () => {
    const channel = startBrowserWorker(Promise.reject(new Error('no such file')), 'layout worker');
    const errors: string[] = [];
    channel.onError((e) => errors.push(e.message));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(errors, ['cannot load the layout worker script: no such file']);
    assert.equal(FakeWorker.started.length, 0);
  });
});

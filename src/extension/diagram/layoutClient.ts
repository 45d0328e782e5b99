/**
 * Runs layouts in a `worker_threads` Worker (dist/layoutWorker.js) and cancels superseded ones.
 *
 * Why the host's worker and not a worker in the webview: the layout module is the same code the
 * benchmark and the tests run in node, so what is measured is what users get; the webview stays
 * small (no 1.6 MB ELK bundle per panel, no `worker-src blob:` in its CSP); and a node worker can
 * be terminated, which is the only way to stop a running ELK layout (it is synchronous inside
 * its thread). The worker starts on the first diagram, not on activation, so neither elkjs nor
 * the worker costs anything until a diagram is opened.
 *
 * Cancellation: each `layout()` call supersedes the previous one. If the previous one is still
 * running, the worker is terminated (its result would be stale anyway) and a fresh one takes
 * the new request; the superseded promise resolves to `undefined`, which callers ignore.
 */
import { Worker } from 'node:worker_threads';
import type { DiagramGraph, LayoutOptions, PositionedLayout } from '../../core/layout/index';

export interface LayoutWorkerRequest {
  readonly id: number;
  readonly graph: DiagramGraph;
  readonly options: LayoutOptions;
}

export type LayoutWorkerResponse =
  | { readonly id: number; readonly ok: true; readonly layout: PositionedLayout }
  | { readonly id: number; readonly ok: false; readonly message: string };

interface Pending {
  readonly id: number;
  readonly resolve: (layout: PositionedLayout | undefined) => void;
  readonly reject: (error: Error) => void;
}

export class LayoutClient {
  private worker: Worker | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  /** Workers terminated because a newer request superseded them (for diagnostics and tests). */
  restarts = 0;

  constructor(private readonly workerPath: string) {}

  /** Lays out a graph; resolves `undefined` if a later call superseded this one. */
  layout(graph: DiagramGraph, options: LayoutOptions = {}): Promise<PositionedLayout | undefined> {
    if (this.pending) {
      this.pending.resolve(undefined);
      this.pending = undefined;
      this.terminate();
      this.restarts++;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.ensureWorker().postMessage({ id, graph, options } satisfies LayoutWorkerRequest);
    });
  }

  dispose(): void {
    this.pending?.resolve(undefined);
    this.pending = undefined;
    this.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on('message', (response: LayoutWorkerResponse) => {
      const pending = this.pending;
      // A response for an older id arrives only if termination raced with completion: drop it.
      if (!pending || pending.id !== response.id) return;
      this.pending = undefined;
      if (response.ok) pending.resolve(response.layout);
      else pending.reject(new Error(response.message));
    });
    worker.on('error', (error) => {
      this.pending?.reject(error);
      this.pending = undefined;
      this.worker = undefined;
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private terminate(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

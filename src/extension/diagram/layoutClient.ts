/**
 * Runs layouts in a worker (dist/layoutWorker.js, a worker thread; dist/web/layoutWorker.js, a
 * Web Worker, in the browser build: ../workers/channel.ts) and cancels superseded ones.
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
import type { DiagramGraph, LayoutOptions, PositionedLayout } from '../../core/layout/index';
import type { WorkerChannel } from '../workers/channel';

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
  private worker: WorkerChannel | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  /** Workers terminated because a newer request superseded them (for diagnostics and tests). */
  restarts = 0;

  /** `startWorker`: starts a fresh layout worker (the platform's transport). */
  constructor(private readonly startWorker: () => WorkerChannel) {}

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

  private ensureWorker(): WorkerChannel {
    if (this.worker) return this.worker;
    const worker = this.startWorker();
    worker.onMessage((message) => {
      const response = message as LayoutWorkerResponse;
      const pending = this.pending;
      // A response for an older id arrives only if termination raced with completion: drop it.
      if (!pending || pending.id !== response.id) return;
      this.pending = undefined;
      if (response.ok) pending.resolve(response.layout);
      else pending.reject(new Error(response.message));
    });
    worker.onError((error) => {
      this.pending?.reject(error);
      this.pending = undefined;
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private terminate(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.terminate();
  }
}

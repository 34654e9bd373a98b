// Runs image transforms in a worker thread that is started on the first image needing pixel work and stopped when idle.
import { Worker } from 'node:worker_threads';
import type { TransformJob, TransformOutput, WorkerReply, WorkerRequest } from './fitTypes';

export class TransformFailure extends Error {
  constructor(
    readonly reason: 'decode' | 'tooLarge' | 'internal' | 'crashed',
    detail: string,
  ) {
    super(detail);
  }
}

export class AbortedTransform extends Error {}

/** What fitting needs from a transformer; a test may give its own. */
export interface Transformer {
  /** `input` is handed over: its memory may be moved to the worker, leaving it empty here. */
  transform(input: Uint8Array, job: TransformJob, signal?: AbortSignal): Promise<TransformOutput>;
}

interface Pending {
  resolve(output: TransformOutput): void;
  reject(error: Error): void;
}

export interface WorkerTransformerOptions {
  /** Path of the worker bundle (dist/imageWorker.js, with the WebAssembly files beside it). */
  script: string;
  /** The worker is stopped after this long without work, releasing its memory (default 30 s). */
  idleMs?: number;
}

/** One worker at a time, one image at a time: decoding a 48 MP photo takes hundreds of MB, so images queue. */
export class WorkerTransformer implements Transformer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WorkerTransformerOptions) {}

  transform(input: Uint8Array, job: TransformJob, signal?: AbortSignal): Promise<TransformOutput> {
    const run = this.queue.then(() => this.run(input, job, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private run(input: Uint8Array, job: TransformJob, signal?: AbortSignal): Promise<TransformOutput> {
    if (signal?.aborted) return Promise.reject(new AbortedTransform('aborted'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<TransformOutput>((resolve, reject) => {
      const onAbort = () => {
        // Only stopping the thread interrupts WebAssembly mid-decode.
        this.stop();
        reject(new AbortedTransform('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        signal?.removeEventListener('abort', onAbort);
        this.armIdleTimer();
      };
      this.pending.set(id, {
        resolve: (output) => {
          settle();
          resolve(output);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      // The bytes move to the worker without a copy when they own their memory (copying 40 MB stalls the event loop).
      const owned = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer;
      const sent = owned ? input : new Uint8Array(input);
      const request: WorkerRequest = { id, input: sent, job };
      worker.postMessage(request, [sent.buffer as ArrayBuffer]);
    });
  }

  private start(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, { stdout: false, stderr: true });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.output);
      else pending.reject(new TransformFailure(reply.reason, reply.detail));
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(error);
      }
    };
    worker.on('error', (e) => failAll(new TransformFailure(/memory/i.test(e.message) ? 'tooLarge' : 'crashed', e.message)));
    worker.on('exit', (code) => failAll(new TransformFailure('crashed', `the image worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private armIdleTimer(): void {
    if (this.pending.size > 0) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.options.idleMs ?? 30_000);
    this.idleTimer.unref();
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.stop();
  }
}

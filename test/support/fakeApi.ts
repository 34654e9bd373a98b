// A scripted ApiPort and SaverPort for engine tests in simulated time: answers queued per call, every call counted.
import type { CallOptions, CancelView, ResultView, StatusView } from '../../src/api/client';
import { RunComfyError } from '../../src/api/errors';
import type { EditRequest, RemoteState, SubmitResponse } from '../../src/api/schemas';
import type { SaveJob, SaveOutcome } from '../../src/jobs/resultSaver';
import type { ApiPort, SaverPort } from '../../src/jobs/ports';
import { flushMicrotasks } from './manualClock';

type Answer<T> = T | RunComfyError | (() => T | Promise<T>);

export interface RemoteJob {
  state: RemoteState;
  queuePosition?: number;
  outputs?: string[];
  error?: string;
  cost?: number;
}

/** Every job the fake "service" knows answers from its current `state`; scripted answers (errors) come first. */
export class FakeApi implements ApiPort {
  readonly remote = new Map<string, RemoteJob>();
  readonly calls: Array<{ op: string; requestId?: string; signal?: AbortSignal; retry?: boolean }> = [];
  private readonly scripted = new Map<string, Array<Answer<unknown>>>();
  private nextId = 1;
  submitAnswers: Array<Answer<SubmitResponse>> = [];

  /** Queues answers for the next calls of `op` ('submit', 'status:<id>', 'result:<id>', 'cancel:<id>'), used first. */
  script(key: string, ...answers: Array<Answer<unknown>>): void {
    this.scripted.set(key, [...(this.scripted.get(key) ?? []), ...answers]);
  }

  /** Drops the answers still queued for `key`. */
  clearScript(key: string): void {
    this.scripted.delete(key);
  }

  count(op: 'submit' | 'status' | 'result' | 'cancel', requestId?: string): number {
    return this.calls.filter((c) => c.op === op && (requestId === undefined || c.requestId === requestId)).length;
  }

  async submit(_body: EditRequest, options: CallOptions = {}): Promise<SubmitResponse> {
    this.calls.push({ op: 'submit', signal: options.signal });
    const scripted = await this.take('submit');
    if (scripted.taken) return scripted.value as SubmitResponse;
    const id = `req-${this.nextId++}`;
    this.remote.set(id, { state: 'queued', queuePosition: 1 });
    return { request_id: id };
  }

  async status(requestId: string, options: CallOptions = {}): Promise<StatusView> {
    this.calls.push({ op: 'status', requestId, signal: options.signal, retry: options.retry });
    const scripted = await this.take(`status:${requestId}`);
    if (scripted.taken) return scripted.value as StatusView;
    const job = this.job(requestId);
    const raw = job.state === 'queued' ? 'in_queue' : job.state === 'running' ? 'in_progress' : job.state === 'succeeded' ? 'completed' : job.state;
    return { requestId, state: job.state, rawStatus: raw, queuePosition: job.queuePosition, raw: { status: raw } };
  }

  async result(requestId: string, options: CallOptions = {}): Promise<ResultView> {
    this.calls.push({ op: 'result', requestId, signal: options.signal, retry: options.retry });
    const scripted = await this.take(`result:${requestId}`);
    if (scripted.taken) return scripted.value as ResultView;
    const job = this.job(requestId);
    return {
      requestId,
      state: job.state,
      rawStatus: job.state,
      imageUrls: job.state === 'succeeded' ? [...(job.outputs ?? [])] : [],
      videoUrls: [],
      error: job.error,
      cost: job.cost,
      raw: { status: job.state },
    };
  }

  async cancel(requestId: string, options: CallOptions = {}): Promise<CancelView> {
    this.calls.push({ op: 'cancel', requestId, signal: options.signal });
    const scripted = await this.take(`cancel:${requestId}`);
    if (scripted.taken) return scripted.value as CancelView;
    const job = this.job(requestId);
    if (job.state !== 'queued') return { requestId, outcome: 'not_cancellable' };
    job.state = 'cancelled';
    return { requestId, outcome: 'cancelled' };
  }

  /** Moves a remote job on, as the service would. */
  set(requestId: string, change: Partial<RemoteJob>): void {
    Object.assign(this.job(requestId), change);
  }

  private job(requestId: string): RemoteJob {
    const job = this.remote.get(requestId);
    if (!job) throw new Error(`the fake service knows no ${requestId}`);
    return job;
  }

  private async take(key: string): Promise<{ taken: boolean; value?: unknown }> {
    const queue = key === 'submit' ? (this.submitAnswers as Array<Answer<unknown>>) : this.scripted.get(key);
    const answer = queue?.shift();
    if (answer === undefined) return { taken: false };
    await flushMicrotasks();
    if (answer instanceof RunComfyError) throw answer;
    return { taken: true, value: typeof answer === 'function' ? await (answer as () => unknown)() : answer };
  }
}

/** A saver whose outcomes are scripted per call; by default it "saves" every URL as /out/<n>.png. */
export class FakeSaver implements SaverPort {
  readonly calls: SaveJob[] = [];
  readonly outcomes: Array<(job: SaveJob, signal?: AbortSignal) => Promise<SaveOutcome> | SaveOutcome> = [];
  running = 0;
  maxRunning = 0;
  /** When set, every save waits for it (to hold saves in flight). */
  gate: Promise<void> | undefined;

  async save(job: SaveJob, signal?: AbortSignal): Promise<SaveOutcome> {
    this.calls.push(job);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.gate) await this.gate;
      await flushMicrotasks();
      const scripted = this.outcomes.shift();
      if (scripted) return await scripted(job, signal);
      return {
        saved: job.urls.map((url, i) => ({
          url,
          path: `${job.outputDir}/${job.baseName}-${i + 1}.png`,
          sidecarPath: `${job.outputDir}/${job.baseName}-${i + 1}.json`,
          bytes: 10,
          format: 'png' as const,
        })),
        failed: [],
      };
    } finally {
      this.running--;
    }
  }
}

// The baseline poller: one independent loop per job, GET /status every 500 ms on a fresh unpooled undici Agent, then GET /result.
import { Agent, request } from 'undici';
import { sleep, type Clock } from '../../src/common/clock';
import { BENCH_TOKEN, NAIVE_INTERVAL_MS, SUBMIT_PATH, submitBody } from './workload';
import { InFlight } from './simulatedTime';

const FINAL_STATUSES = new Set(['completed', 'succeeded', 'failed', 'cancelled']);

export interface NaiveJob {
  requestId: string;
  /** Clock time the loop saw the job finished and read its result; undefined while it has not. */
  noticedAt?: number;
  polls: number;
  error?: string;
}

export interface NaivePollerOptions {
  baseUrl: string;
  clock: Clock;
  intervalMs?: number;
  /** A loop gives up after this many status reads (a bound, never reached in a healthy run). */
  maxPolls?: number;
}

/** Every HTTP call is counted in `inFlight`, so a simulated-time driver knows when the network has gone quiet. */
export class NaivePoller {
  readonly agent = new Agent();
  readonly inFlight = new InFlight();
  readonly jobs: NaiveJob[] = [];
  private readonly loops: Array<Promise<void>> = [];

  constructor(private readonly options: NaivePollerOptions) {}

  async submit(): Promise<NaiveJob> {
    const answer = (await this.call('POST', `${this.options.baseUrl}${SUBMIT_PATH}`, JSON.stringify(submitBody()))) as {
      request_id?: unknown;
    };
    if (typeof answer.request_id !== 'string') throw new Error('the submit answer has no request_id');
    const job: NaiveJob = { requestId: answer.request_id, polls: 0 };
    this.jobs.push(job);
    return job;
  }

  /** Starts the job's own loop; it runs until the job is final. */
  start(job: NaiveJob): void {
    this.loops.push(this.loop(job));
  }

  get finished(): number {
    return this.jobs.filter((j) => j.noticedAt !== undefined || j.error !== undefined).length;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.loops);
    await this.agent.close();
  }

  private async loop(job: NaiveJob): Promise<void> {
    const base = `${this.options.baseUrl}/v1/requests/${encodeURIComponent(job.requestId)}`;
    const maxPolls = this.options.maxPolls ?? 1000;
    try {
      while (job.polls < maxPolls) {
        await sleep(this.options.clock, this.options.intervalMs ?? NAIVE_INTERVAL_MS);
        job.polls++;
        const status = (await this.call('GET', `${base}/status`)) as { status?: unknown };
        if (typeof status.status === 'string' && FINAL_STATUSES.has(status.status)) {
          await this.call('GET', `${base}/result`);
          job.noticedAt = this.options.clock.now();
          return;
        }
      }
      job.error = `gave up after ${maxPolls} polls`;
    } catch (e) {
      job.error = e instanceof Error ? e.message : String(e);
    }
  }

  private call(method: 'GET' | 'POST', url: string, body?: string): Promise<unknown> {
    return this.inFlight.track(async () => {
      const response = await request(url, {
        method,
        dispatcher: this.agent,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${BENCH_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${method} ${new URL(url).pathname} answered HTTP ${response.statusCode}`);
      return JSON.parse(text) as unknown;
    });
  }
}

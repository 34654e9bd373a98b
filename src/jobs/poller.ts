// Reads tracked jobs' states through one scheduler and turns every answer (or failure) into a job event; pauses all polling on a refused token.
import { AbortedError, AuthError, NotFoundError, RunComfyError, userMessageOf } from '../api/errors';
import { retryAfterOf } from '../api/retry';
import { isFinalState, type RemoteState } from '../api/schemas';
import type { ResultView } from '../api/client';
import type { Clock, TimerHandle } from '../common/clock';
import { Emitter } from '../common/emitter';
import type { Logger } from '../common/logger';
import type { DurationModel } from './durationModel';
import { isTracked, type Job, type TrackedJob } from './job';
import type { JobTable } from './jobTable';
import { measured, newTimeline, nextPollDelay, observe, type Timeline } from './noticePlanner';
import type { ApiPort } from './ports';
import { type PollPolicy, type PollResult, PollScheduler } from './scheduler';
import { type Instant, type JobEvent, STALL_AFTER_MS } from './transitions';

/** The engine's own condition, apart from any job: today only "RunComfy refused the token, polling is paused". */
export interface EngineHealth {
  authPaused?: {
    error: string;
    /** Paused long enough that a waiting caller stops waiting (as for a stalled job). */
    stalled: boolean;
  };
}

/** What one look at a job found: an event for the state machine, a failure to count, or a refused token. */
export type PollFinding = { kind: 'event'; event: JobEvent } | { kind: 'failed'; error: unknown } | { kind: 'auth'; error: AuthError };

export interface PollerDeps {
  api: ApiPort;
  table: JobTable;
  clock: Clock;
  logger: Logger;
  policy: PollPolicy;
  random?: () => number;
  signal: AbortSignal;
  instant(): Instant;
  /** How long jobs take: plans when each job is polled next, and learns from every job that succeeds. */
  durations: DurationModel;
  /** A job's result arrived: its outputs can be saved. */
  onFinished(job: Job): void;
}

/** Asks RunComfy about one job. A 404 counts only when RunComfy's own 404001 comes from both /status and /result. */
export async function readJobState(job: TrackedJob, api: ApiPort, at: () => Instant, signal: AbortSignal): Promise<PollFinding> {
  try {
    const view = await api.status(job.requestId, { signal, retry: false });
    if (!isFinalState(view.state)) return { kind: 'event', event: polled(view.state, view.rawStatus, at(), view.queuePosition) };
    return fromResult(await api.result(job.requestId, { signal, includeCost: true }), at());
  } catch (error) {
    if (signal.aborted || error instanceof AbortedError) throw new AbortedError();
    if (error instanceof AuthError) return { kind: 'auth', error };
    if (!(error instanceof NotFoundError)) return { kind: 'failed', error };
    try {
      return fromResult(await api.result(job.requestId, { signal, retry: false, includeCost: true }), at());
    } catch (second) {
      if (signal.aborted || second instanceof AbortedError) throw new AbortedError();
      if (second instanceof AuthError) return { kind: 'auth', error: second };
      if (second instanceof NotFoundError) return { kind: 'event', event: { type: 'gone', error: second.userMessage, at: at() } };
      return { kind: 'failed', error: second };
    }
  }
}

function polled(state: RemoteState, rawStatus: string, at: Instant, queuePosition?: number): JobEvent {
  const remote = state === 'queued' || state === 'running' ? state : 'unknown';
  return { type: 'polled', remote, rawStatus, queuePosition: remote === 'queued' ? queuePosition : undefined, at };
}

/** What a /result answer says about a job: finished with its outputs, or (the result lagging behind /status) still going. */
export function eventOfResult(view: ResultView, at: Instant): JobEvent {
  if (view.state === 'succeeded' || view.state === 'failed' || view.state === 'cancelled') {
    return {
      type: 'finished',
      remote: view.state,
      rawStatus: view.rawStatus,
      outputUrls: [...view.imageUrls, ...view.videoUrls],
      error: view.error,
      cost: view.cost,
      at,
    };
  }
  // The result can lag behind /status for a moment: what it says now is the state, and the next poll looks again.
  return polled(view.state, view.rawStatus, at);
}

function fromResult(view: ResultView, at: Instant): PollFinding {
  return { kind: 'event', event: eventOfResult(view, at) };
}

export class Poller {
  readonly scheduler: PollScheduler;
  private health: EngineHealth = {};
  private readonly healthChanges = new Emitter<EngineHealth>();
  readonly onDidChangeHealth = this.healthChanges.event;
  private stallTimer: TimerHandle | undefined;
  /** What polling has seen of each tracked job, for planning its next poll. */
  private readonly timelines = new Map<string, Timeline>();

  constructor(private readonly deps: PollerDeps) {
    this.scheduler = new PollScheduler(deps.clock, (id) => this.pollOnce(id), deps.policy, deps.random);
  }

  get currentHealth(): EngineHealth {
    return this.health;
  }

  /** A refused token stops every poll at once: asking again with the same token cannot succeed. */
  pauseForAuth(error: AuthError): void {
    if (this.health.authPaused || this.deps.signal.aborted) return;
    this.deps.logger.warn(`RunComfy refused the token (${error.message}); polling is paused until a token is set`);
    this.scheduler.pause();
    this.setHealth({ authPaused: { error: error.userMessage, stalled: false } });
    this.stallTimer = this.deps.clock.setTimeout(() => {
      if (this.health.authPaused) this.setHealth({ authPaused: { ...this.health.authPaused, stalled: true } });
    }, STALL_AFTER_MS);
  }

  /** A token was set (perhaps the same one, after the account was fixed): every job is polled again at once. */
  resume(): void {
    this.stallTimer?.cancel();
    this.stallTimer = undefined;
    if (!this.health.authPaused) {
      this.scheduler.pollSoon();
      return;
    }
    this.deps.logger.info('a token was set; polling resumes');
    this.setHealth({});
    this.scheduler.resume();
  }

  dispose(): void {
    this.stallTimer?.cancel();
    this.scheduler.dispose();
    this.healthChanges.dispose();
  }

  /** A job first polled in this session: when RunComfy got it, from the stored wall-clock time. */
  private startTimeline(job: TrackedJob, now: number): Timeline {
    const age = Math.max(0, this.deps.clock.now() - job.submittedAt);
    return newTimeline(now - age, now);
  }

  private setHealth(health: EngineHealth): void {
    this.health = health;
    this.healthChanges.fire(health);
  }

  private async pollOnce(id: string): Promise<PollResult> {
    const { table, api, signal } = this.deps;
    const job = table.get(id);
    if (!job || !isTracked(job) || signal.aborted) {
      this.timelines.delete(id);
      return 'done';
    }
    let finding: PollFinding;
    try {
      finding = await readJobState(job, api, () => this.deps.instant(), signal);
    } catch {
      return 'done';
    }
    if (signal.aborted) return 'done';
    switch (finding.kind) {
      case 'auth':
        this.pauseForAuth(finding.error);
        return 'unchanged';
      case 'failed': {
        const message = userMessageOf(finding.error);
        const detail = finding.error instanceof RunComfyError ? finding.error.message : message;
        this.deps.logger.warn(`poll ${job.requestId} failed: ${detail}`);
        await table.apply(id, { type: 'pollFailed', error: message, at: this.deps.instant() });
        const after = retryAfterOf(finding.error);
        return after !== undefined ? { result: 'error', notBefore: after } : 'error';
      }
      case 'event': {
        const event = finding.event;
        const next = await table.apply(id, event, event.type === 'polled');
        const now = this.deps.clock.monotonic();
        const timeline = this.timelines.get(id) ?? this.startTimeline(job, now);
        if (!next || !isTracked(next)) {
          this.timelines.delete(id);
          if (event.type === 'finished' && event.remote === 'succeeded') this.deps.durations.learn(measured(this.deps.durations, timeline, now));
          if (next) this.deps.onFinished(next);
          return 'done';
        }
        const seen = observe(timeline, event.type === 'polled' ? event : { remote: next.state }, now);
        this.timelines.set(id, seen);
        return { result: next.state !== job.state ? 'changed' : 'unchanged', nextMs: nextPollDelay(this.deps.durations, seen, now, this.deps.policy) };
      }
    }
  }
}

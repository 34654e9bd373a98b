// Plans each job's next poll from what it has been seen doing and the learned durations: sparse while its end is far, dense around it.
import { type DurationModel, robustSpread } from './durationModel';

/** What polling has seen of one job, in monotonic ms. */
export interface Timeline {
  /** When RunComfy got the job. */
  submittedAt: number;
  /** Its queue position the first time it was seen queued. */
  position?: number;
  /** The last poll that found it queued: it started running after this. */
  lastQueuedAt?: number;
  /** The first poll that found it running: it started running before this. */
  firstRunningAt?: number;
  /** The last poll that found it unfinished: it finishes after this. */
  lastUnfinishedAt: number;
}

export interface PlanPolicy {
  /** The shortest planned interval. */
  denseMs: number;
  /** The longest interval (the user still sees the state change within it). */
  maxMs: number;
  /**
   * What one request is worth in notice latency (ms): a poll is spent where it is expected to save at least about this
   * much waiting. Smaller means denser polls around the expected end.
   */
  requestWorthMs: number;
  /**
   * The share of jobs taken to run far longer than anything measured (the service slowed down, a job got stuck): past
   * every learned end, polls thin out as such a job ages instead of staying dense.
   */
  surpriseShare: number;
}

export function newTimeline(submittedAt: number, now: number): Timeline {
  return { submittedAt, lastUnfinishedAt: now };
}

/** What a poll saw: the timeline moves on (a new object; the old one is left alone). */
export function observe(t: Timeline, seen: { remote: 'queued' | 'running' | 'unknown'; queuePosition?: number }, now: number): Timeline {
  const next: Timeline = { ...t, lastUnfinishedAt: now };
  if (seen.remote === 'queued') {
    next.lastQueuedAt = now;
    if (next.position === undefined && seen.queuePosition !== undefined) next.position = seen.queuePosition;
  } else if (seen.remote === 'running' && next.firstRunningAt === undefined) {
    next.firstRunningAt = now;
  }
  return next;
}

/** When the job may have started running, one candidate per learned queue time, kept within what polls have seen. */
export function startCandidates(model: DurationModel, t: Timeline): number[] {
  const predicted = model.queueSeconds(t.position).map((s) => t.submittedAt + s * 1000);
  const after = t.lastQueuedAt ?? t.submittedAt;
  if (t.firstRunningAt === undefined) {
    const possible = predicted.filter((s) => s > after);
    // Queued for longer than ever before: it starts (at the earliest) now.
    return possible.length > 0 ? possible : [after];
  }
  const before = t.firstRunningAt;
  const possible = predicted.filter((s) => s > after && s <= before);
  return possible.length > 0 ? possible : [after, (after + before) / 2, before];
}

/** Start candidates kept per plan: their quantiles stand for the rest, so a plan costs the same with many measurements. */
const MAX_STARTS = 9;

/** When the job may finish: every start candidate plus every run candidate, weighted alike per start (ms, weight). */
export function finishCandidates(model: DurationModel, t: Timeline): Array<[at: number, weight: number]> {
  const runs = model.runSamples();
  const all = startCandidates(model, t).sort((a, b) => a - b);
  const starts = all.length <= MAX_STARTS ? all : Array.from({ length: MAX_STARTS }, (_, i) => all[Math.round((i * (all.length - 1)) / (MAX_STARTS - 1))]);
  const out: Array<[number, number]> = [];
  for (const start of starts) for (const [s, w] of runs) out.push([start + s * 1000, w / starts.length]);
  return out.sort((a, b) => a[0] - b[0]);
}

/** How fast a late job's expected remaining time grows with its lateness: by 1 ÷ (index − 1) of it (a Lomax tail). */
const SURPRISE_TAIL_INDEX = 3;
/** Step of the integration that places the next poll. */
const STEP_MS = 100;

/**
 * When a job may finish, as a smooth distribution: every finish candidate smeared by the model's run spread (a logistic
 * kernel), mixed with a small share of jobs that take longer than anything measured. That share's remaining time starts
 * at the spread of the candidates once the expected (median) end has passed and grows with how late the job is, so past
 * every candidate a job is polled about as densely as the model's uncertainty says, thinning out only slowly.
 */
export class FinishOutlook {
  private readonly medianAt: number;
  /** Spread of the candidates (ms): the scale of the surprising share's remaining time. */
  readonly spreadMs: number;

  constructor(
    /** Finish times (ms) with weights summing to 1, in order. */
    private readonly candidates: ReadonlyArray<readonly [number, number]>,
    /** Logistic scale of each candidate's smear, ms. */
    readonly scaleMs: number,
    readonly surpriseShare: number,
  ) {
    let passed = 0;
    this.medianAt = candidates.find(([, w]) => (passed += w) >= 0.5)?.[0] ?? 0;
    this.spreadMs = Math.max(scaleMs, robustSpread(candidates.map(([at]) => at)));
  }

  static of(model: DurationModel, t: Timeline, surpriseShare: number): FinishOutlook {
    return new FinishOutlook(finishCandidates(model, t), model.runSpreadS() * 1000, surpriseShare);
  }

  /** Chance the job is unfinished at `at`, and the density of its finishing then (per ms). */
  private mass(at: number): { survival: number; density: number } {
    let survival = 0;
    let density = 0;
    for (const [c, w] of this.candidates) {
      const s = 1 / (1 + Math.exp((at - c) / this.scaleMs));
      survival += w * s;
      density += w * s * (1 - s);
    }
    survival *= 1 - this.surpriseShare;
    density *= (1 - this.surpriseShare) / this.scaleMs;
    const late = Math.max(0, at - this.medianAt);
    const tail = (1 + late / (SURPRISE_TAIL_INDEX * this.spreadMs)) ** -SURPRISE_TAIL_INDEX;
    survival += this.surpriseShare * tail;
    if (late > 0) density += (this.surpriseShare * tail) / (this.spreadMs + late / SURPRISE_TAIL_INDEX);
    return { survival, density };
  }

  /** The chance per ms that a job still unfinished at `at` finishes right then. */
  hazard(at: number): number {
    const { survival, density } = this.mass(at);
    return survival > 0 ? density / survival : 0;
  }
}

/**
 * Milliseconds until the job's next poll (before jitter and focus stretching). Polls are spread with the density that
 * minimises expected notice latency plus `requestWorthMs` per request (Keller's inspection rule): sqrt(hazard ÷ (2 ·
 * requestWorthMs)) polls per ms. So polls are sparse while the end is unlikely, densest where a still-unfinished job is
 * most likely to end, and their spacing grows with the model's uncertainty (the square root of the spread of run times)
 * rather than being fixed; past every learned end they widen only as the job ages.
 */
export function nextPollDelay(model: DurationModel, t: Timeline, now: number, policy: PlanPolicy): number {
  const outlook = FinishOutlook.of(model, t, policy.surpriseShare);
  let planned = 0;
  for (let at = 0; at < policy.maxMs; at += STEP_MS) {
    const step = Math.min(STEP_MS, policy.maxMs - at);
    const density = Math.sqrt(outlook.hazard(now + at + step / 2) / (2 * policy.requestWorthMs));
    if (planned + density * step >= 1) return clamp(at + (1 - planned) / density, policy.denseMs, policy.maxMs);
    planned += density * step;
  }
  return policy.maxMs;
}

/** What a job that succeeded teaches: its queue time (with the position it waited at) and its run time. */
export function measured(model: DurationModel, t: Timeline, finishedSeenAt: number): { queuePosition?: number; queueS?: number; runS?: number } {
  if (t.firstRunningAt === undefined) return {};
  const starts = startCandidates(model, t).sort((a, b) => a - b);
  const start = starts[starts.length >> 1];
  const finish = (t.lastUnfinishedAt + finishedSeenAt) / 2;
  return {
    queuePosition: t.position,
    queueS: t.position !== undefined ? (start - t.submittedAt) / 1000 : undefined,
    runS: (finish - start) / 1000,
  };
}

function clamp(ms: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, ms));
}

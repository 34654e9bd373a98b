// Plans each job's next poll from what it has been seen doing and the learned durations: sparse while its end is far, dense around it.
import type { DurationModel } from './durationModel';

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
  /** The shortest planned interval: how often a job is polled around its expected end. */
  denseMs: number;
  /** The longest interval (the user still sees the state change within it). */
  maxMs: number;
  /** Each poll aims where this share of the job's still-possible end times has passed. */
  aimShare: number;
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

/** When the job may finish: every start candidate plus every learned run time. */
export function finishCandidates(model: DurationModel, t: Timeline): number[] {
  const runs = model.runSeconds().map((s) => s * 1000);
  const out: number[] = [];
  for (const start of startCandidates(model, t)) for (const run of runs) out.push(start + run);
  return out.sort((a, b) => a - b);
}

/** Milliseconds until the job's next poll (before jitter and focus stretching). */
export function nextPollDelay(model: DurationModel, t: Timeline, now: number, policy: PlanPolicy): number {
  const all = finishCandidates(model, t);
  const later = all.filter((f) => f > now);
  if (later.length === 0) {
    // Longer than any job measured: back off gently, from dense towards the longest interval.
    const overrun = now - (all.at(-1) ?? now);
    return clamp(policy.denseMs + overrun / 10, policy.denseMs, policy.maxMs);
  }
  const aim = later[Math.floor(policy.aimShare * (later.length - 1))] - now;
  if (aim <= policy.maxMs) return clamp(aim, policy.denseMs, policy.maxMs);
  // Far off: even steps no longer than the longest interval, the last of them landing where the dense polls begin.
  return aim / Math.ceil(aim / policy.maxMs);
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

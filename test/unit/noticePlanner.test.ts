// Planning polls in simulated time: sparse while a job's end is far, dense around it, widening past anything measured; and the scheduler following the plan.
import * as assert from 'node:assert/strict';
import { DurationModel } from '../../src/jobs/durationModel';
import { measured, newTimeline, nextPollDelay, observe, startCandidates, type PlanPolicy, type Timeline } from '../../src/jobs/noticePlanner';
import { DEFAULT_POLL_POLICY, PollScheduler, type PollResult } from '../../src/jobs/scheduler';
import { ManualClock } from '../support/manualClock';

const policy: PlanPolicy = { denseMs: 1600, maxMs: 10_000, aimShare: 0.2 };

/** A model that has seen five jobs queue 5 s at place 1 and run 24–26 s. */
function learnedModel(): DurationModel {
  const model = new DurationModel();
  for (const runS of [24, 24.5, 25, 25.5, 26]) model.learn({ queuePosition: 1, queueS: 5, runS });
  return model;
}

/** Polls one job the way the poller does until it is seen finished; returns when each poll happened. */
function pollUntilSeen(model: DurationModel, job: { startsAt: number; finishesAt: number; position: number }): number[] {
  let t: Timeline = newTimeline(0, 0);
  let now = 2000;
  const polls: number[] = [];
  for (;;) {
    polls.push(now);
    if (now >= job.finishesAt) return polls;
    t = observe(t, now < job.startsAt ? { remote: 'queued', queuePosition: job.position } : { remote: 'running' }, now);
    now += nextPollDelay(model, t, now, policy);
  }
}

describe('noticePlanner', () => {
  it('notices a job that ends when learned within one dense interval, with few polls before', () => {
    const model = learnedModel();
    const polls = pollUntilSeen(model, { startsAt: 5000, finishesAt: 30_000, position: 1 });
    const seenAt = polls.at(-1)!;
    assert.ok(seenAt - 30_000 <= policy.denseMs, `noticed ${seenAt - 30_000} ms late`);
    const before = polls.filter((p) => p < 28_000);
    for (let i = 1; i < before.length; i++) assert.ok(before[i] - before[i - 1] <= policy.maxMs);
    // A fixed 2 s poller would need 15 polls to see it; a naive 500 ms one 60.
    assert.ok(polls.length <= 9, `polls at ${polls.join(', ')}`);
  });

  it('past every measured run, polls widen from dense towards the longest interval and never beyond it', () => {
    const model = learnedModel();
    const polls = pollUntilSeen(model, { startsAt: 5000, finishesAt: 200_000, position: 1 });
    const gaps = polls.slice(1).map((p, i) => p - polls[i]);
    const late = gaps.slice(-5);
    assert.ok(
      late.every((g) => Math.abs(g - policy.maxMs) < 1e-6),
      `late gaps ${late.join(', ')}`,
    );
    assert.ok(
      gaps.some((g) => g === policy.denseMs),
      'dense around the expected end',
    );
    assert.ok(Math.max(...gaps) <= policy.maxMs + 1e-6);
  });

  it('a job queued longer than predicted is expected to run from the last time it was seen queued', () => {
    const model = learnedModel();
    const t = observe(newTimeline(0, 0), { remote: 'queued', queuePosition: 1 }, 60_000);
    assert.deepEqual(startCandidates(model, t), [60_000]);
    const delay = nextPollDelay(model, t, 60_000, policy);
    assert.ok(delay > policy.denseMs && delay <= policy.maxMs, `delay ${delay}`);
  });

  it('a later place in line is expected later, once the queue is learned to grow with it', () => {
    const model = new DurationModel();
    for (let p = 1; p <= 6; p++) model.learn({ queuePosition: p, queueS: 0.5 * p, runS: 20 });
    const early = startCandidates(model, observe(newTimeline(0, 0), { remote: 'queued', queuePosition: 2 }, 500));
    const late = startCandidates(model, observe(newTimeline(0, 0), { remote: 'queued', queuePosition: 40 }, 500));
    assert.ok(Math.min(...late) > Math.max(...early) + 15_000);
  });

  it('measures queue and run time from what polls saw', () => {
    const model = learnedModel();
    let t = observe(newTimeline(0, 0), { remote: 'queued', queuePosition: 1 }, 4000);
    t = observe(t, { remote: 'running' }, 6000);
    t = observe(t, { remote: 'running' }, 30_000);
    const m = measured(model, t, 31_000);
    assert.equal(m.queuePosition, 1);
    assert.equal(m.queueS, 5);
    assert.equal(m.runS, 25.5);
    assert.deepEqual(measured(model, observe(newTimeline(0, 0), { remote: 'queued' }, 4000), 9000), {});
  });
});

describe('PollScheduler with planned polls', () => {
  async function pollTimes(plan: number, focused = true): Promise<number[]> {
    const clock = new ManualClock();
    const times: number[] = [];
    const scheduler = new PollScheduler(
      clock,
      async (): Promise<PollResult> => {
        times.push(clock.monotonic());
        return { result: 'unchanged', nextMs: plan };
      },
      DEFAULT_POLL_POLICY,
      () => 0.5,
    );
    scheduler.setFocused(focused);
    scheduler.track('a', 0);
    await clock.advance(60_000);
    scheduler.dispose();
    return times.slice(1).map((t, i) => t - times[i]);
  }

  it('polls when the plan asks, kept between the dense and the longest interval, stretched while unfocused', async () => {
    assert.ok((await pollTimes(5000)).every((g) => g === 5000));
    assert.ok((await pollTimes(10)).every((g) => g === DEFAULT_POLL_POLICY.denseMs));
    assert.ok((await pollTimes(60_000)).every((g) => g === DEFAULT_POLL_POLICY.maxMs));
    assert.ok((await pollTimes(5000, false)).every((g) => g === 5000 * DEFAULT_POLL_POLICY.unfocusedFactor));
  });
});

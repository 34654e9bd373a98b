// Planning polls in simulated time: sparse while a job's end is far, dense around it as the spread of run times allows, widening slowly past anything measured; and the scheduler following the plan.
import * as assert from 'node:assert/strict';
import { DurationModel } from '../../src/jobs/durationModel';
import { measured, newTimeline, nextPollDelay, observe, startCandidates, type PlanPolicy, type Timeline } from '../../src/jobs/noticePlanner';
import { DEFAULT_POLL_POLICY, PollScheduler, type PollResult } from '../../src/jobs/scheduler';
import { ManualClock } from '../support/manualClock';

const policy: PlanPolicy = {
  denseMs: DEFAULT_POLL_POLICY.denseMs,
  maxMs: DEFAULT_POLL_POLICY.maxMs,
  requestWorthMs: DEFAULT_POLL_POLICY.requestWorthMs,
  surpriseShare: DEFAULT_POLL_POLICY.surpriseShare,
};

/** A model that has seen five jobs queue 5 s at place 1 and run these seconds (24–26 s unless told). */
function learnedModel(runs = [24, 24.5, 25, 25.5, 26]): DurationModel {
  const model = new DurationModel();
  for (const runS of runs) model.learn({ queuePosition: 1, queueS: 5, runS });
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

const gapsOf = (polls: number[]) => polls.slice(1).map((p, i) => p - polls[i]);

/** The gap between the planned polls that surround `at`. */
function gapAround(polls: number[], at: number): number {
  const i = polls.findIndex((p) => p >= at);
  return polls[i] - polls[i - 1];
}

describe('noticePlanner', () => {
  it('notices a job that ends when learned within about a second, with few polls before', () => {
    const model = learnedModel();
    const polls = pollUntilSeen(model, { startsAt: 5000, finishesAt: 30_000, position: 1 });
    const seenAt = polls.at(-1)!;
    assert.ok(seenAt - 30_000 <= 1200, `noticed ${seenAt - 30_000} ms late; polls at ${polls.join(', ')}`);
    const before = polls.filter((p) => p < 26_000);
    for (let i = 1; i < before.length; i++) assert.ok(before[i] - before[i - 1] <= policy.maxMs);
    assert.ok(before.length <= 4, `polls at ${polls.join(', ')}`);
    // A fixed 2 s poller would need 15 polls to see it; a naive 500 ms one 60.
    assert.ok(polls.length <= 9, `polls at ${polls.join(', ')}`);
  });

  it('polls around the expected end as densely as the run times are certain: wider spread, wider spacing', () => {
    const narrow = learnedModel([24.8, 24.9, 25, 25.1, 25.2]);
    const wide = learnedModel([15, 20, 25, 30, 35]);
    // Both jobs run longer than anything measured, so each is polled through its whole window.
    const job = { startsAt: 5000, finishesAt: 60_000, position: 1 };
    const narrowPolls = pollUntilSeen(narrow, job);
    const widePolls = pollUntilSeen(wide, job);
    assert.ok(gapAround(narrowPolls, 30_000) < gapAround(widePolls, 30_000), `narrow ${narrowPolls.join(', ')}; wide ${widePolls.join(', ')}`);
    // The wide model spreads its polls over a longer window: more of them before the narrow one's window opens.
    const before = (polls: number[]) => polls.filter((p) => p < 29_000).length;
    assert.ok(before(widePolls) > before(narrowPolls), `narrow ${narrowPolls.join(', ')}; wide ${widePolls.join(', ')}`);
  });

  it('past every measured run, polls widen slowly from dense towards the longest interval and never beyond it', () => {
    const model = learnedModel();
    const polls = pollUntilSeen(model, { startsAt: 5000, finishesAt: 900_000, position: 1 });
    const gaps = gapsOf(polls);
    assert.ok(Math.max(...gaps) <= policy.maxMs + 1e-6);
    assert.ok(
      gaps.slice(-5).every((g) => Math.abs(g - policy.maxMs) < 1e-6),
      `late gaps ${gaps.slice(-5).join(', ')}`,
    );
    // The expected end is 31 s: just past it polls stay dense, and 20 s later they are still frequent.
    assert.ok(gapAround(polls, 33_000) <= 2000, `polls at ${polls.join(', ')}`);
    assert.ok(gapAround(polls, 52_000) <= 4000, `polls at ${polls.join(', ')}`);
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] >= gaps[i - 1] - 1e-6 || polls[i] < 31_000, `gaps ${gaps.join(', ')}`);
  });

  it('the first finished jobs move the plans of the rest at once', () => {
    const fresh = new DurationModel();
    const taught = new DurationModel();
    taught.learn({ runS: 60 });
    taught.learn({ runS: 62 });
    const job = { startsAt: 5000, finishesAt: 70_000, position: 1 };
    const freshPolls = pollUntilSeen(fresh, job);
    const taughtPolls = pollUntilSeen(taught, job);
    assert.ok(taughtPolls.length < freshPolls.length, `fresh ${freshPolls.join(', ')}; taught ${taughtPolls.join(', ')}`);
    // Around the end the taught model polls more densely than the defaults, which expected it long before.
    assert.ok(gapAround(taughtPolls, 67_000) < gapAround(freshPolls, 67_000), `fresh ${freshPolls.join(', ')}; taught ${taughtPolls.join(', ')}`);
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

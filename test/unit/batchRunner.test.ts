// The batch scheduler in simulated time: the concurrency limit at every moment, pause/resume/cancel, single failures, and a reload that never sends twice.
import * as assert from 'node:assert/strict';
import { type BatchRecord, countsOf, itemOutcome } from '../../src/batch/batch';
import { BatchRunner } from '../../src/batch/runner';
import { batchInit, FakeBatchJobs, type ItemPlan, MemoryBatchStore } from '../support/fakeBatchJobs';
import { flushMicrotasks, ManualClock } from '../support/manualClock';

const names = (n: number) => Array.from({ length: n }, (_, i) => `img${String(i + 1).padStart(2, '0')}.png`);

function setup(
  limit: number,
  plans: Record<string, ItemPlan> = {},
  store = new MemoryBatchStore(),
  clock = new ManualClock(),
  fake = new FakeBatchJobs(clock, limit, plans),
) {
  const runner = new BatchRunner<string>(fake.ports(store));
  fake.attach(runner);
  const inFlight: number[] = [];
  runner.onDidChange((b) => inFlight.push(countsOf(b).inFlight));
  return { clock, fake, runner, store, inFlight };
}

async function runUntilFinished(clock: ManualClock, runner: BatchRunner<string>, id: string, limitMs = 10 * 60_000): Promise<BatchRecord> {
  const deadline = clock.monotonic() + limitMs;
  while (runner.get(id)?.state !== 'finished') {
    if (clock.monotonic() > deadline) assert.fail(`batch not finished: ${JSON.stringify(countsOf(runner.get(id)!))}`);
    if (!(await clock.runNext())) await flushMicrotasks();
  }
  await runner.idle();
  return runner.get(id)!;
}

describe('batch runner', () => {
  it('never has more than the limit submitted and unfinished, sends every item once, and finishes', async () => {
    const plans: Record<string, ItemPlan> = {};
    names(20).forEach((n, i) => (plans[n] = { queueMs: 300 + ((i * 137) % 900), runMs: 800 + ((i * 311) % 2500) }));
    const { clock, fake, runner, inFlight } = setup(3, plans);
    const batch = await runner.start(batchInit(names(20), 3));
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.deepEqual(fake.violations, []);
    assert.equal(fake.maxActive, 3, 'the limit is used, not just respected');
    assert.ok(Math.max(...inFlight) <= 3);
    assert.deepEqual(
      fake.submits,
      names(20).map((n) => `/photos/${n}`),
      'each item once, in path order',
    );
    assert.ok(done.items.every((i) => itemOutcome(i) === 'succeeded' && i.files?.length === 1 && i.requestId));
  });

  it('lets single failures end their own item only', async () => {
    const list = names(8);
    const { clock, fake, runner } = setup(2, {
      [list[1]]: { fail: true },
      [list[2]]: { unpreparable: true },
      [list[3]]: { refuse: 'plain' },
      [list[4]]: { lose: true },
    });
    const batch = await runner.start(batchInit(list, 2));
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.deepEqual(done.items.map(itemOutcome), ['succeeded', 'failed', 'failed', 'failed', 'submissionUnknown', 'succeeded', 'succeeded', 'succeeded']);
    assert.equal(done.items[2].requestId, undefined);
    assert.match(done.items[2].error ?? '', /cannot be read/);
    assert.equal(done.items[3].state, 'notSent');
    assert.equal(fake.submits.length, 7, 'the unpreparable item is never submitted');
    assert.deepEqual(fake.violations, []);
  });

  it('stops sending after a refusal every item would meet (token, balance) and says why', async () => {
    const list = names(6);
    const { clock, fake, runner } = setup(2, { [list[2]]: { refuse: 'systemic' } });
    const batch = await runner.start(batchInit(list, 2));
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.equal(fake.submits.length, 3);
    assert.deepEqual(
      done.items.map((i) => i.state),
      ['saved', 'saved', 'notSent', 'notSent', 'notSent', 'notSent'],
    );
    assert.equal(done.notice, `refused ${list[2]}`);
  });

  it('pauses (nothing new is sent, what is in flight goes on) and resumes', async () => {
    const { clock, fake, runner } = setup(2);
    const batch = await runner.start(batchInit(names(6), 2));
    await flushMicrotasks();
    assert.equal(fake.submits.length, 2);
    await runner.pause(batch.id);
    await clock.advance(60_000);
    assert.equal(fake.submits.length, 2, 'paused: nothing more was sent');
    assert.equal(countsOf(runner.get(batch.id)!).done, 2, 'the two in flight finished');
    assert.equal(runner.get(batch.id)!.state, 'paused');
    await runner.resume(batch.id);
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.equal(fake.submits.length, 6);
    assert.equal(countsOf(done).done, 6);
    assert.deepEqual(fake.violations, []);
  });

  it('cancels honestly: unsent items stay unsent, queued jobs are cancelled, running ones finish and are saved', async () => {
    const list = names(7);
    const plans: Record<string, ItemPlan> = {
      [list[0]]: { queueMs: 100, runMs: 5000 },
      [list[1]]: { queueMs: 100, runMs: 5000 },
      [list[2]]: { queueMs: 10_000 },
    };
    const { clock, fake, runner } = setup(3, plans);
    const batch = await runner.start(batchInit(list, 3));
    await clock.advance(500);
    await runner.cancel(batch.id);
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.equal(fake.submits.length, 3);
    assert.deepEqual(done.items.map(itemOutcome), ['succeeded', 'succeeded', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.equal(done.items[2].cancelOutcome, 'cancelled');
    assert.ok(done.items[2].requestId, 'the cancelled job was sent');
    assert.equal(done.items[3].state, 'notSent');
    assert.equal(fake.cancels.length, 1, 'only the queued job was asked to cancel');
  });

  it('asks RunComfy to cancel a job whose submit was answered after Cancel', async () => {
    const list = names(3);
    const { clock, fake, runner } = setup(1, { [list[0]]: { hold: true } });
    const batch = await runner.start(batchInit(list, 1));
    await flushMicrotasks();
    await runner.cancel(batch.id);
    fake.releaseHeld();
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.deepEqual(done.items.map(itemOutcome), ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(fake.submits.length, 1);
    assert.equal(fake.cancels.length, 1);
  });

  it('asks RunComfy once to cancel a job it already knows when Cancel comes before the submit has returned', async () => {
    const list = names(3);
    const { clock, fake, runner } = setup(1, { [list[0]]: { holdAfterKnown: true, queueMs: 60_000, cancelMs: 500 } });
    const batch = await runner.start(batchInit(list, 1));
    await flushMicrotasks();
    assert.ok(runner.get(batch.id)?.items[0].requestId, 'the job is known before its submit returns');
    // The submit's answer arrives while RunComfy is still answering the cancel.
    const cancelling = runner.cancel(batch.id);
    await flushMicrotasks();
    fake.releaseHeld();
    await flushMicrotasks();
    await clock.runNext();
    await cancelling;
    const done = await runUntilFinished(clock, runner, batch.id);
    assert.deepEqual(done.items.map(itemOutcome), ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(fake.submits.length, 1);
    assert.equal(fake.cancels.length, 1, 'the queued job was asked to cancel more than once');
  });

  it('continues after a reload from stored state: the submit in flight becomes "submission unknown" and nothing is sent twice', async () => {
    const list = names(8);
    const store = new MemoryBatchStore();
    const clock = new ManualClock();
    const fake = new FakeBatchJobs(clock, 3, {
      [list[0]]: { runMs: 1000 },
      [list[1]]: { runMs: 10_000 },
      [list[2]]: { runMs: 10_000 },
      [list[3]]: { hold: true },
    });
    const first = setup(3, {}, store, clock, fake);
    const batch = await first.runner.start(batchInit(list, 3));
    // Items 1-3 go out; when the first finishes, item 4's submit goes out and is never answered before the window closes.
    await clock.advance(2500);
    assert.equal(fake.submits.length, 4);
    assert.equal(first.runner.get(batch.id)!.items[3].state, 'submitting');
    // Its submit is never answered, so the runner is never idle: the window just closes.
    first.runner.dispose();
    // The engine forgets the unanswered submit the way a reload does: the job is not found, or it is "submission unknown".
    for (const [id, job] of fake.jobs) if (job.state === 'submitting') fake.jobs.delete(id);

    const second = setup(3, {}, store, clock, fake);
    const unfinished = await second.runner.restore();
    assert.deepEqual(
      unfinished.map((b) => b.id),
      [batch.id],
    );
    const restored = second.runner.get(batch.id)!;
    assert.equal(restored.items[3].state, 'submissionUnknown');
    assert.match(restored.items[3].error ?? '', /not resent/);
    assert.equal(fake.submits.length, 4, 'restoring sends nothing');
    second.runner.continue();
    const done = await runUntilFinished(clock, second.runner, batch.id);
    const sent = fake.submits.map((s) => s.split('/').pop());
    assert.equal(new Set(sent).size, sent.length, `no item twice: ${sent.join(', ')}`);
    assert.equal(sent.length, 8);
    assert.equal(countsOf(done).done, 7);
    assert.deepEqual(fake.violations, []);
  });

  it('after a reload, an item whose job the engine stored as accepted follows that job', async () => {
    const list = names(2);
    const store = new MemoryBatchStore();
    const clock = new ManualClock();
    const fake = new FakeBatchJobs(clock, 2, { [list[0]]: { hold: true } });
    const first = setup(2, {}, store, clock, fake);
    const batch = await first.runner.start(batchInit(list, 2));
    await flushMicrotasks();
    first.runner.dispose();
    // The answer arrived and the engine stored it, but the runner was gone before it heard.
    fake.releaseHeld();
    await flushMicrotasks();

    const second = setup(2, {}, store, clock, fake);
    await second.runner.restore();
    assert.equal(second.runner.get(batch.id)!.items[0].state, 'queued');
    assert.ok(second.runner.get(batch.id)!.items[0].requestId);
    second.runner.continue();
    const done = await runUntilFinished(clock, second.runner, batch.id);
    assert.equal(fake.submits.length, 2);
    assert.deepEqual(done.items.map(itemOutcome), ['succeeded', 'succeeded']);
  });

  it('keeps a paused batch paused across a reload', async () => {
    const store = new MemoryBatchStore();
    const clock = new ManualClock();
    const fake = new FakeBatchJobs(clock, 1);
    const first = setup(1, {}, store, clock, fake);
    const batch = await first.runner.start(batchInit(names(3), 1));
    await flushMicrotasks();
    await first.runner.pause(batch.id);
    await clock.advance(10_000);
    await first.runner.idle();
    first.runner.dispose();
    const second = setup(1, {}, store, clock, fake);
    const [restored] = await second.runner.restore();
    second.runner.continue();
    await clock.advance(10_000);
    assert.equal(restored.state, 'paused');
    assert.equal(fake.submits.length, 1);
  });

  it('resolves a waiting caller once every item has an outcome', async () => {
    const { clock, runner } = setup(2, { 'img02.png': { fail: true } });
    const batch = await runner.start(batchInit(names(3), 2));
    const waiting = runner.waitForEnd(batch.id);
    await runUntilFinished(clock, runner, batch.id);
    const ended = await waiting;
    assert.deepEqual(ended.items.map(itemOutcome), ['succeeded', 'failed', 'succeeded']);
  });
});

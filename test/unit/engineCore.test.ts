// The job engine against a scripted API and saver in simulated time: poll errors, a refused token, 404s, submit answers, saves, reloads, dispose.
import * as assert from 'node:assert/strict';
import { AuthError, BalanceError, DownloadError, GatewayError, NotFoundError, RateLimitError, ServerError, SubmissionUnknownError } from '../../src/api/errors';
import { DOWNLOAD_RETRY } from '../../src/jobs/downloads';
import { JobEngine, type SubmitParams } from '../../src/jobs/engine';
import type { Job } from '../../src/jobs/job';
import { STALL_AFTER_MS } from '../../src/jobs/transitions';
import { FakeApi, FakeSaver } from '../support/fakeApi';
import { jobIn } from '../support/jobs';
import { flushMicrotasks, ManualClock } from '../support/manualClock';
import { MemoryJobStore } from '../support/memoryJobStore';

const params: SubmitParams = {
  imageValues: ['https://example.com/cat.jpg'],
  inputs: [{ label: 'cat.jpg', summary: 'https://example.com/cat.jpg', url: 'https://example.com/cat.jpg' }],
  prompt: 'a hat',
  options: { forceSingle: true },
  outputDir: '/out',
  baseName: 'cat',
};

interface Rig {
  clock: ManualClock;
  api: FakeApi;
  saver: FakeSaver;
  store: MemoryJobStore;
  engine: JobEngine;
  runFor(ms: number, step?: number): Promise<void>;
}

function rig(store = new MemoryJobStore(), historyLimit?: number): Rig {
  const clock = new ManualClock();
  const api = new FakeApi();
  const saver = new FakeSaver();
  const engine = new JobEngine({ api, saver, store, clock, random: () => 0.5, historyLimit });
  return {
    clock,
    api,
    saver,
    store,
    engine,
    async runFor(ms, step = 250) {
      const end = clock.monotonic() + ms;
      while (clock.monotonic() < end) {
        await clock.advance(Math.min(step, end - clock.monotonic()));
        await flushMicrotasks();
      }
    },
  };
}

function requestIdOf(job: Job | undefined): string {
  assert.ok(job && 'requestId' in job, `no request_id on ${job?.state}`);
  return job.requestId;
}

describe('JobEngine (scripted API, simulated time)', () => {
  let r: Rig;
  afterEach(() => r?.engine.dispose());

  it('transient poll errors: keeps polling with backoff, calls the job stalled after 5 failures and 30 s, and still saves it later', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.script(`status:${id}`, ...Array.from({ length: 50 }, () => new ServerError('HTTP 503', 503)));
    const started = r.clock.monotonic();
    let stalledAt: number | undefined;
    const waited = r.engine.waitForOutcome(id).then((o) => ((stalledAt = r.clock.monotonic()), o));
    await r.runFor(70_000);
    const outcome = await waited;
    assert.equal(outcome.status, 'stalled');
    assert.match(outcome.error ?? '', /server error \(503\)/);
    const after = stalledAt! - started;
    assert.ok(after >= STALL_AFTER_MS && after <= 60_000, `stalled ${after} ms after the submit`);
    const polls = r.api.count('status', id);
    assert.ok(polls >= 6 && polls <= 14, `${polls} polls in 70 s: backed off, not hammering`);
    assert.ok(r.api.calls.filter((c) => c.op === 'status').every((c) => c.retry === false), 'polls do not retry inside themselves');

    r.api.clearScript(`status:${id}`);
    r.api.set(id, { state: 'succeeded', outputs: ['https://x/1.png'] });
    await r.runFor(15_000);
    const job = r.engine.get(id)!;
    assert.equal(job.state, 'saved', 'tracking went on after the stall and the result was saved');
  });

  it('honours a Retry-After from a 429 on a poll', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.script(`status:${id}`, new RateLimitError('slow down', 40_000, 429));
    await r.runFor(3000);
    assert.equal(r.api.count('status', id), 1);
    await r.runFor(36_000);
    assert.equal(r.api.count('status', id), 1, 'no poll before the 40 s the service asked for');
    await r.runFor(5000);
    assert.equal(r.api.count('status', id), 2);
  });

  it('a refused token (400004) pauses polling of every job at once; setting a token resumes all of them immediately', async () => {
    r = rig();
    const a = requestIdOf(await r.engine.submit(params));
    const b = requestIdOf(await r.engine.submit(params));
    const healths: unknown[] = [];
    r.engine.onDidChangeHealth((h) => healths.push(h));
    r.api.script(`status:${a}`, new AuthError('revoked', 401, 400004));
    r.api.script(`status:${b}`, new AuthError('revoked', 401, 400004));
    await r.runFor(3000);
    assert.ok(r.engine.health.authPaused, 'paused');
    assert.match(r.engine.health.authPaused.error, /Set API Token/);
    const pollsA = r.api.count('status', a);
    const pollsB = r.api.count('status', b);
    await r.runFor(120_000);
    assert.equal(r.api.count('status', a), pollsA, 'no poll of the first job while paused');
    assert.equal(r.api.count('status', b), pollsB, 'no poll of the second job while paused');
    assert.equal(healths.filter((h) => (h as { authPaused?: unknown }).authPaused).length, 2, 'paused once, then marked stalled once');

    r.api.set(a, { state: 'succeeded', outputs: ['https://x/a.png'] });
    r.engine.tokenChanged();
    await r.clock.advance(0);
    await flushMicrotasks();
    assert.equal(r.api.count('status', a), pollsA + 1, 'the first job is polled at once');
    assert.equal(r.api.count('status', b), pollsB + 1, 'the second job is polled at once');
    assert.equal(r.engine.health.authPaused, undefined);
    await r.runFor(1000);
    assert.equal(r.engine.get(a)!.state, 'saved');
  });

  it('wait answers "stalled" with the token message once polling has been paused for 30 s', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.script(`status:${id}`, new AuthError('revoked', 401, 400004));
    const waited = r.engine.waitForOutcome(id);
    let settled = false;
    void waited.then(() => (settled = true));
    await r.runFor(20_000);
    assert.equal(settled, false, 'still waiting 20 s in');
    await r.runFor(20_000);
    const outcome = await waited;
    assert.equal(outcome.status, 'stalled');
    assert.match(outcome.error ?? '', /refused the API token/);
  });

  it('a bare 404 is transient; 404001 from /status alone is not enough; 404001 from /status and /result means gone', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.script(`status:${id}`, new GatewayError('HTTP 404', 404));
    await r.runFor(3000);
    assert.equal(r.engine.get(id)!.state, 'queued', 'a proxy 404 page does not end a paid job');
    r.api.script(`status:${id}`, new NotFoundError('gone?', 404, 404001));
    r.api.set(id, { state: 'running' });
    await r.runFor(11_000);
    assert.equal(r.engine.get(id)!.state, 'running', '/result still knew the job, so it goes on');
    assert.equal(r.api.count('result', id), 1, '/result was asked to confirm');
    r.api.script(`status:${id}`, new NotFoundError('gone', 404, 404001));
    r.api.script(`result:${id}`, new NotFoundError('gone', 404, 404001));
    await r.runFor(11_000);
    const job = r.engine.get(id)!;
    assert.equal(job.state, 'failed');
    assert.match(job.state === 'failed' ? job.error : '', /does not know this request/);
    const polls = r.api.count('status', id);
    await r.runFor(30_000);
    assert.equal(r.api.count('status', id), polls, 'a gone job is not polled any more');
  });

  it('an answer lost after sending keeps the job as "submission unknown" and never sends it again', async () => {
    r = rig();
    r.api.submitAnswers.push(new SubmissionUnknownError('HTTP 502 from a gateway', 'badAnswer'));
    await assert.rejects(r.engine.submit(params), SubmissionUnknownError);
    const [job] = r.engine.list();
    assert.equal(job.state, 'submissionUnknown');
    assert.match(job.state === 'submissionUnknown' ? job.error : '', /Resume by Request ID/);
    await r.runFor(60_000);
    assert.equal(r.api.count('submit'), 1);
    assert.equal((r.store.snapshot() as Job[])[0].state, 'submissionUnknown', 'kept in the store');
  });

  it('a clear refusal keeps nothing', async () => {
    r = rig();
    r.api.submitAnswers.push(new BalanceError('Insufficient balance', 402, 400002));
    await assert.rejects(r.engine.submit(params), /balance/i);
    assert.deepEqual(r.engine.list(), []);
    assert.deepEqual(r.store.snapshot(), []);
  });

  it('cancelling a queued job stops polling it', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    await r.runFor(3000);
    assert.equal(await r.engine.cancel(id), 'cancelled');
    const polls = r.api.count('status', id);
    assert.ok(polls >= 1);
    await r.runFor(60_000);
    assert.equal(r.api.count('status', id), polls);
    assert.equal(r.engine.get(id)!.state, 'cancelled');
  });

  it('a network failure while saving is retried with backoff up to the attempt limit, then waits for the user', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.set(id, { state: 'succeeded', outputs: ['https://x/1.png'] });
    for (let i = 0; i < 20; i++) {
      r.saver.outcomes.push((job) => ({ saved: [], failed: job.urls.map((url) => ({ url, error: new DownloadError('cut short', url, 'network') })) }));
    }
    await r.runFor(3 * 60 * 60_000, 5000);
    assert.equal(r.saver.calls.length, DOWNLOAD_RETRY.attempts);
    const job = r.engine.get(id)!;
    assert.ok(job.state === 'saveFailed' && job.retryable && job.attempts === DOWNLOAD_RETRY.attempts);
    r.saver.outcomes.length = 0;
    await r.engine.retryDownload(id);
    assert.equal(r.engine.get(id)!.state, 'saved', 'Retry Download still works past the limit');
  });

  it('an expired link refreshes the URLs from /result once, and saves with the fresh ones', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.set(id, { state: 'succeeded', outputs: ['https://x/old.png'] });
    r.saver.outcomes.push((job) => {
      r.api.set(id, { outputs: ['https://x/fresh.png'] });
      return { saved: [], failed: job.urls.map((url) => ({ url, error: new DownloadError('HTTP 403', url, 'expired') })) };
    });
    await r.runFor(5000);
    assert.deepEqual(r.saver.calls.map((c) => c.urls), [['https://x/old.png'], ['https://x/fresh.png']]);
    assert.equal(r.api.count('result', id), 2, 'the result, then one refresh');
    assert.equal(r.engine.get(id)!.state, 'saved');
  });

  it('links still expired after a refresh end in a failed save that is not retried', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    let n = 0;
    r.api.set(id, { state: 'succeeded', outputs: ['https://x/1.png'] });
    r.api.script(`result:${id}`, ...[0, 1, 2].map(() => () => ({ requestId: id, state: 'succeeded' as const, rawStatus: 'succeeded', imageUrls: [`https://x/${++n}.png`], videoUrls: [], raw: { status: 'succeeded' } })));
    for (let i = 0; i < 5; i++) r.saver.outcomes.push((job) => ({ saved: [], failed: job.urls.map((url) => ({ url, error: new DownloadError('HTTP 404', url, 'expired') })) }));
    await r.runFor(60 * 60_000, 5000);
    assert.equal(r.saver.calls.length, 2, 'tried, refreshed once, tried again; then no more');
    const job = r.engine.get(id)!;
    assert.ok(job.state === 'saveFailed');
    assert.equal(job.retryable, false);
    assert.match(job.error, /expired/);
  });

  it('a permanent failure is not retried', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.api.set(id, { state: 'succeeded', outputs: ['https://evil.example/1.png'] });
    r.saver.outcomes.push((job) => ({ saved: [], failed: job.urls.map((url) => ({ url, error: new DownloadError('not an allowed host', url, 'permanent') })) }));
    await r.runFor(60 * 60_000, 10_000);
    assert.equal(r.saver.calls.length, 1);
    const outcome = await r.engine.waitForOutcome(id);
    assert.equal(outcome.status, 'saveFailed');
    assert.deepEqual(outcome.files, []);
  });

  it('after a reload, only retryable failed saves within the attempt limit resume, two at a time', async () => {
    const stored: Job[] = [];
    for (let i = 0; i < 5; i++) stored.push(jobIn('saveFailed', { id: `retry-${i}`, requestId: `req-r${i}`, createdAt: 100 + i }));
    stored.push(jobIn('saveFailed', { id: 'permanent', requestId: 'req-p', retryable: false, createdAt: 10 }));
    stored.push(jobIn('saveFailed', { id: 'exhausted', requestId: 'req-x', attempts: DOWNLOAD_RETRY.attempts, createdAt: 11 }));
    r = rig(new MemoryJobStore(stored));
    for (const job of stored) r.api.remote.set(requestIdOf(job), { state: 'succeeded', outputs: [`https://x/${job.id}.png`] });
    let open!: () => void;
    r.saver.gate = new Promise((resolve) => (open = resolve));
    await r.engine.restore();
    await r.runFor(1000);
    assert.equal(r.saver.running, 2, 'two saves at a time');
    open();
    await r.runFor(5000);
    assert.equal(r.saver.maxRunning, 2);
    assert.deepEqual(r.saver.calls.map((c) => c.requestId).sort(), ['req-r0', 'req-r1', 'req-r2', 'req-r3', 'req-r4']);
    assert.equal(r.engine.get('permanent')!.state, 'saveFailed');
    assert.equal(r.engine.get('exhausted')!.state, 'saveFailed');
    assert.equal(r.api.count('result', 'req-p') + r.api.count('result', 'req-x'), 0, 'no /result call for saves that do not resume');
  });

  it('history trimming never evicts jobs that still need the user', async () => {
    const stored: Job[] = [
      jobIn('submissionUnknown', { id: 'unknown', createdAt: 1 }),
      jobIn('saveFailed', { id: 'retryable', requestId: 'req-keep', createdAt: 2, attempts: DOWNLOAD_RETRY.attempts }),
      jobIn('saved', { id: 'old-saved', requestId: 'req-old', createdAt: 3 }),
      jobIn('failed', { id: 'old-failed', requestId: 'req-f', createdAt: 4, seen: true }),
    ];
    r = rig(new MemoryJobStore(stored), 3);
    await r.engine.restore();
    await r.engine.submit(params);
    await r.engine.submit(params);
    const ids = r.engine.list().map((j) => j.id);
    assert.ok(ids.includes('unknown'), 'an unseen unknown submission stays');
    assert.ok(ids.includes('retryable'), 'a retryable failed save stays');
    assert.ok(!ids.includes('old-saved') && !ids.includes('old-failed'), 'settled jobs go first');
  });

  it('dispose aborts polls in flight and writes nothing after', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    let answer!: (v: unknown) => void;
    r.api.script(`status:${id}`, () => new Promise((resolve) => (answer = resolve)));
    await r.runFor(3000);
    const inFlight = r.api.calls.filter((c) => c.op === 'status').at(-1)!;
    assert.equal(inFlight.signal?.aborted, false);
    const saves = r.store.saves;
    r.engine.dispose();
    assert.equal(inFlight.signal?.aborted, true, 'the poll in flight was told to stop');
    answer({ requestId: id, state: 'running', rawStatus: 'in_progress', raw: { status: 'in_progress' } });
    await r.runFor(30_000);
    await r.engine.stopped();
    assert.equal(r.store.saves, saves, 'no store write after dispose');
    assert.equal(r.api.count('status', id), 1, 'no poll after dispose');
  });

  it('schedules on monotonic time: a wall clock set back an hour does not delay the next poll', async () => {
    r = rig();
    const id = requestIdOf(await r.engine.submit(params));
    r.clock.stepWallClock(-60 * 60_000);
    await r.runFor(3000);
    assert.equal(r.api.count('status', id), 1, 'polled about 2 s after the submit, as usual');
  });
});

// The job engine end to end against the emulator in simulated time: persistence, polling, cancel, resume, saving, faults.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SubmissionUnknownError } from '../../src/api/errors';
import { SubmitParams } from '../../src/jobs/engine';
import { MemoryJobStore } from '../../src/jobs/store';
import { createHarness, filesIn, Harness, TEST_TOKEN } from '../support/engineHarness';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

function params(h: Harness, overrides: Partial<SubmitParams> = {}): SubmitParams {
  return {
    imageValues: ['https://example.com/cat.jpg'],
    inputs: [{ label: 'https://example.com/cat.jpg', summary: 'https://example.com/cat.jpg', url: 'https://example.com/cat.jpg' }],
    prompt: 'put a hat on the cat',
    options: { size: '1024x1024(1:1)', scale: 0.6 },
    outputDir: h.outputDir,
    baseName: 'cat',
    ...overrides,
  };
}

describe('JobEngine', function () {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('persists the request_id with prompt, parameters and inputs before the first poll', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    assert.ok(job.requestId);
    assert.equal(h.emulator.stats.statusPolls(job.requestId!), 0, 'no poll yet');
    const stored = h.store.snapshot() as Array<Record<string, unknown>>;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].requestId, job.requestId);
    assert.equal(stored[0].prompt, 'put a hat on the cat');
    assert.deepEqual(stored[0].options, { size: '1024x1024(1:1)', scale: 0.6 });
    assert.equal((stored[0].inputs as unknown[]).length, 1);
    assert.equal(stored[0].state, 'queued');
  });

  it('tracks a job to success and saves every output with a sidecar, once', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    await h.runFor(5500);
    assert.equal(h.engine.get(job.id)?.state, 'running');
    await h.runFor(12_000);
    const done = h.engine.get(job.id)!;
    assert.equal(done.state, 'succeeded');
    assert.equal(done.download.state, 'saved');
    assert.equal(done.download.files.length, 2);
    assert.ok(done.cost !== undefined && done.cost > 0, 'cost recorded');
    for (const f of done.download.files) {
      assert.ok(f.path.startsWith(h.outputDir + path.sep));
      assert.deepEqual(fs.readFileSync(f.path).subarray(0, 4), PNG_MAGIC);
      const sidecar = JSON.parse(fs.readFileSync(f.sidecarPath!, 'utf8'));
      assert.equal(sidecar.requestId, job.requestId);
      assert.equal(sidecar.prompt, 'put a hat on the cat');
      assert.equal(sidecar.parameters['width\u00d7height'], '1024x1024(1:1)');
      assert.equal(sidecar.parameters.scale, 0.6);
      assert.deepEqual(sidecar.inputs, ['https://example.com/cat.jpg']);
    }
    assert.equal(h.emulator.stats.submits, 1);
    assert.equal(h.emulator.stats.downloads(job.requestId!), 2);
    assert.equal(h.emulator.stats.authHeadersOnDownloads, 0, 'downloads never carry the token');
    await h.runFor(60_000);
    assert.equal(h.emulator.stats.downloads(job.requestId!), 2, 'never saved twice');
    assert.equal(filesIn(h.outputDir).filter((f) => f.endsWith('.png')).length, 2);
  });

  it('polls with backoff: far fewer requests than a fixed 500 ms poller, and notices the end within one interval', async () => {
    h = await createHarness({ queueMs: 10_000, runMs: 50_000 });
    const job = await h.engine.submit(params(h));
    const changes: Array<{ state: string; at: number }> = [];
    h.engine.onDidChange((c) => changes.push({ state: c.job.state, at: h.clock.now() }));
    const finishAt = h.clock.now() + 60_000;
    await h.runFor(75_000, 500);
    const polls = h.emulator.stats.statusPolls(job.requestId!);
    assert.ok(polls <= 20, `polled ${polls} times for a 60 s job (a 500 ms poller would make 120)`);
    const succeeded = changes.find((c) => c.state === 'succeeded');
    assert.ok(succeeded, 'the job finished');
    assert.ok(succeeded.at - finishAt <= 11_000, `noticed ${succeeded.at - finishAt} ms after completion`);
  });

  it('reports queue positions as they go down', async () => {
    h = await createHarness({ queueMs: 6000 });
    const jobs = [];
    for (let i = 0; i < 3; i++) {
      jobs.push(await h.engine.submit(params(h, { prompt: `job ${i}` })));
      await h.runFor(1000);
    }
    await h.runFor(2500);
    const third = h.engine.get(jobs[2].id)!;
    assert.equal(third.state, 'queued');
    assert.ok(third.queuePosition !== undefined && third.queuePosition >= 1, `position ${third.queuePosition}`);
    const first = third.queuePosition!;
    await h.runFor(3000);
    const later = h.engine.get(jobs[2].id)!;
    assert.ok(later.state !== 'queued' || later.queuePosition! < first, `position went from ${first} to ${later.queuePosition}`);
  });

  it('honours force_single: one output, one file', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h, { options: { forceSingle: true } }));
    await h.runFor(15_000);
    const done = h.engine.get(job.id)!;
    assert.equal(done.download.files.length, 1);
    assert.equal(filesIn(h.outputDir).filter((f) => f.endsWith('.png')).length, 1);
    assert.equal((h.emulator.stats.submitBodies[0] as Record<string, unknown>).force_single, true);
  });

  it('cancels a queued job (cancelled) and keeps tracking and saving a running one (not cancellable)', async () => {
    h = await createHarness({ queueMs: 4000, runMs: 4000 });
    const queued = await h.engine.submit(params(h, { prompt: 'queued one' }));
    assert.equal(await h.engine.cancel(queued.id), 'cancelled');
    assert.equal(h.engine.get(queued.id)!.state, 'cancelled');
    const pollsAfterCancel = h.emulator.stats.statusPolls(queued.requestId!);

    const running = await h.engine.submit(params(h, { prompt: 'running one' }));
    await h.runFor(6000);
    assert.equal(h.engine.get(running.id)!.state, 'running');
    assert.equal(await h.engine.cancel(running.requestId!), 'not_cancellable');
    const after = h.engine.get(running.id)!;
    assert.equal(after.state, 'running');
    assert.equal(after.cancelOutcome, 'not_cancellable');
    await h.runFor(15_000);
    const final = h.engine.get(running.id)!;
    assert.equal(final.state, 'succeeded');
    assert.equal(final.download.state, 'saved');
    assert.ok(final.download.files.every((f) => fs.existsSync(f.path)));
    assert.equal(h.emulator.stats.statusPolls(queued.requestId!), pollsAfterCancel, 'a cancelled job is not polled');
  });

  it('shows the service message of a failed job', async () => {
    h = await createHarness();
    h.emulator.nextJob({ fail: 'Content policy violation' });
    const job = await h.engine.submit(params(h));
    await h.runFor(15_000);
    const failed = h.engine.get(job.id)!;
    assert.equal(failed.state, 'failed');
    assert.match(failed.error!, /Content policy violation/);
    assert.equal(filesIn(h.outputDir).length, 0);
  });

  it('keeps polling through unknown statuses, 5xx bursts, 429 and resets, and never submits twice', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    h.emulator.inject({ route: 'status', kind: 'unknownStatus', status: 'warming_up', times: 2 });
    h.emulator.inject({ route: 'status', kind: 'http', status: 503, times: 4 });
    h.emulator.inject({ route: 'status', kind: 'http', status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } });
    h.emulator.inject({ route: 'status', kind: 'reset', times: 2 });
    h.emulator.inject({ route: 'status', kind: 'errorCode200', errorCode: 500001, message: 'internal' });
    await h.runFor(60_000);
    const done = h.engine.get(job.id)!;
    assert.equal(done.state, 'succeeded');
    assert.equal(done.download.state, 'saved');
    assert.equal(h.emulator.stats.submits, 1);
    assert.match(h.log.text(), /warming_up/);
  });

  it('marks a submit whose answer was lost as "submission unknown" and never resends it', async () => {
    h = await createHarness();
    h.emulator.inject({ route: 'submit', kind: 'reset', after: 'accept' });
    const error = await h.engine.submit(params(h)).catch((e: unknown) => e);
    assert.ok(error instanceof SubmissionUnknownError);
    const jobs = h.engine.list();
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].state, 'submissionUnknown');
    assert.match(jobs[0].error!, /Resume/);
    await h.runFor(30_000);
    assert.equal(h.emulator.stats.submits, 1, 'the lost submit was not resent');
  });

  it('drops a job RunComfy refused outright, and keeps no record of it', async () => {
    h = await createHarness();
    h.emulator.inject({ route: 'submit', kind: 'http', status: 402, body: { error_code: 400002, error_message: 'Insufficient balance' } });
    await assert.rejects(h.engine.submit(params(h)), /balance/i);
    assert.equal(h.engine.list().length, 0);
    assert.deepEqual(h.store.snapshot(), []);
  });

  it('resumes an existing request_id without submitting, and saves its result', async () => {
    h = await createHarness();
    const first = await h.engine.submit(params(h));
    await h.runFor(15_000);
    const other = h.newEngine(new MemoryJobStore());
    const otherDir = fs.mkdtempSync(path.join(h.outputDir, 'resumed-'));
    const resumed = await other.resume(first.requestId!, { outputDir: otherDir, baseName: 'resumed' });
    await other.idle();
    await h.runFor(1000);
    const done = other.get(resumed.id)!;
    assert.equal(done.state, 'succeeded');
    assert.equal(done.download.state, 'saved');
    assert.equal(filesIn(otherDir).filter((f) => f.endsWith('.png')).length, 2);
    assert.equal(h.emulator.stats.submits, 1, 'resume never submits');
  });

  it('resumes a job still running through the poller', async () => {
    h = await createHarness();
    const first = await h.engine.submit(params(h));
    await h.engine.dispose();
    const other = h.newEngine(new MemoryJobStore());
    const resumed = await other.resume(first.requestId!, { outputDir: h.outputDir, baseName: 'resumed' });
    assert.equal(resumed.state, 'queued');
    await h.runFor(15_000);
    assert.equal(other.get(resumed.id)!.state, 'succeeded');
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('survives a restart: a fresh engine built from the stored state finishes the job', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    await h.runFor(2500);
    await h.engine.dispose();
    const reloaded = h.newEngine();
    await reloaded.restore();
    assert.equal(reloaded.get(job.requestId!)?.prompt, 'put a hat on the cat');
    await h.runFor(15_000);
    const done = reloaded.get(job.id)!;
    assert.equal(done.state, 'succeeded');
    assert.equal(done.download.state, 'saved');
    assert.equal(filesIn(h.outputDir).filter((f) => f.endsWith('.png')).length, 2);
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('turns a job that was mid-submit at shutdown into "submission unknown" on restore', async () => {
    h = await createHarness();
    const store = new MemoryJobStore([
      {
        id: 'local-1',
        origin: 'submit',
        state: 'submitting',
        prompt: 'p',
        options: {},
        inputs: [],
        outputDir: h.outputDir,
        baseName: 'x',
        createdAt: 1,
        updatedAt: 1,
        outputUrls: [],
        download: { state: 'none', files: [], attempts: 0 },
      },
    ]);
    const engine = h.newEngine(store);
    await engine.restore();
    assert.equal(engine.get('local-1')!.state, 'submissionUnknown');
    assert.equal(h.emulator.stats.submits, 0);
  });

  it('retries a failed download later without a new submit, leaving no partial file', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h, { options: { forceSingle: true } }));
    h.emulator.inject({ route: 'download', kind: 'truncate', afterBytes: 100, times: 3 });
    await h.runFor(12_000);
    let current = h.engine.get(job.id)!;
    assert.equal(current.state, 'succeeded');
    assert.equal(current.download.state, 'failed');
    assert.ok(current.download.error);
    assert.deepEqual(filesIn(h.outputDir).filter((f) => !f.startsWith('.runcomfy-')), [], 'nothing partial left');
    await h.runFor(40_000, 1000);
    current = h.engine.get(job.id)!;
    assert.equal(current.download.state, 'saved');
    assert.equal(filesIn(h.outputDir).filter((f) => f.endsWith('.png')).length, 1);
    assert.equal(filesIn(h.outputDir).filter((f) => f.includes('.part')).length, 0);
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('reports an expired request as not found and stops polling it', async () => {
    h = await createHarness();
    h.emulator.nextJob({ expired: true });
    const job = await h.engine.submit(params(h));
    await h.runFor(15_000);
    const done = h.engine.get(job.id)!;
    assert.ok(done.state === 'failed' || done.download.state === 'failed', `state ${done.state}/${done.download.state}`);
    assert.match(done.error ?? done.download.error ?? '', /expired|not (know|found)/i);
  });

  it('two windows tracking the same job save its result once', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    const second = h.newEngine(new MemoryJobStore());
    await second.resume(job.requestId!, { outputDir: h.outputDir, baseName: 'cat' });
    await h.runFor(20_000);
    assert.equal(h.engine.get(job.id)!.download.state, 'saved');
    assert.equal(second.get(job.requestId!)!.download.state, 'saved');
    assert.equal(filesIn(h.outputDir).filter((f) => f.endsWith('.png')).length, 2, 'each output saved once');
  });

  it('never writes the token into a log line', async () => {
    h = await createHarness({ requiredToken: TEST_TOKEN });
    const job = await h.engine.submit(params(h));
    h.emulator.inject({ route: 'status', kind: 'http', status: 401, body: { error_code: 400004, error_message: 'bad token' } });
    await h.runFor(20_000);
    assert.equal(h.engine.get(job.id)!.state, 'succeeded');
    assert.ok(h.log.lines.length > 5);
    for (const line of h.log.lines) assert.ok(!line.includes(TEST_TOKEN), `token leaked: ${line}`);
  });

  it('waitForSettled resolves with the saved files once the job is final', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    const settled = h.engine.waitForSettled(job.requestId!);
    await h.runFor(15_000);
    const done = await settled;
    assert.equal(done.state, 'succeeded');
    assert.equal(done.download.files.length, 2);
  });
});

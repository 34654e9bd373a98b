// The job engine end to end against the emulator in simulated time: persistence, polling, cancel, resume, saving, faults.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import { SubmissionUnknownError } from '../../src/api/errors';
import type { SubmitParams } from '../../src/jobs/engine';
import { filesOf, type Job } from '../../src/jobs/job';
import { createHarness, filesIn, type Harness, TEST_TOKEN } from '../support/engineHarness';
import { MemoryJobStore } from '../support/memoryJobStore';

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

function requestIdOf(job: Job | undefined): string {
  assert.ok(job && 'requestId' in job, `no request_id (state ${job?.state})`);
  return job.requestId;
}

/** Result images in the output folder (hidden temp and lock files left out). */
function images(h: Harness): string[] {
  return filesIn(h.outputDir).filter((f) => f.endsWith('.png'));
}

describe('JobEngine (emulator, simulated time)', function () {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('persists the request_id with prompt, parameters and inputs before the first poll', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    assert.equal(h.emulator.stats.statusPolls(id), 0, 'no poll yet');
    const stored = h.store.snapshot() as Array<Record<string, unknown>>;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].requestId, id);
    assert.equal(stored[0].prompt, 'put a hat on the cat');
    assert.deepEqual(stored[0].options, { size: '1024x1024(1:1)', scale: 0.6 });
    assert.equal((stored[0].inputs as unknown[]).length, 1);
    assert.equal(stored[0].state, 'queued');
  });

  it("records each saved file's own pixel size, which may differ from the size asked for, and keeps it through storage", async () => {
    h = await createHarness({ outputScale: 0.125 });
    const id = requestIdOf(await h.engine.submit(params(h, { options: { size: '2048x2048(1:1)' } })));
    await h.runFor(17_500);
    const done = h.engine.get(id)!;
    assert.ok(done.state === 'saved', `state ${done.state}`);
    assert.deepEqual(
      done.files.map((f) => [f.width, f.height]),
      [
        [256, 256],
        [256, 256],
      ],
    );
    const stored = (h.store.snapshot() as Array<{ files: Array<{ width?: number; height?: number }> }>)[0];
    assert.deepEqual(
      stored.files.map((f) => [f.width, f.height]),
      [
        [256, 256],
        [256, 256],
      ],
    );
  });

  it('tracks a job to success and saves every output with a readable sidecar, once', async () => {
    // Polls are planned around the expected end (~25 s until durations are learned): sparse while running.
    h = await createHarness({ queueMs: 3000, runMs: 20_000 });
    const id = requestIdOf(await h.engine.submit(params(h)));
    await h.runFor(13_000);
    assert.equal(h.engine.get(id)?.state, 'running');
    await h.runFor(30_000);
    const done = h.engine.get(id)!;
    assert.ok(done.state === 'saved', `state ${done.state}`);
    assert.equal(done.files.length, 2);
    assert.ok(done.cost !== undefined && done.cost > 0, 'cost recorded');
    for (const f of done.files) {
      assert.ok(f.path.startsWith(h.outputDir + path.sep));
      assert.deepEqual(fs.readFileSync(f.path).subarray(0, 4), PNG_MAGIC);
      const sidecar = JSON.parse(fs.readFileSync(f.sidecarPath!, 'utf8'));
      assert.equal(sidecar.requestId, id);
      assert.equal(sidecar.prompt, 'put a hat on the cat');
      assert.equal(sidecar.size, '1024x1024(1:1)');
      assert.equal(sidecar.scale, 0.6);
      assert.ok(!Object.keys(sidecar).some((k) => k.includes('\u00d7')), 'no U+00D7 key at the top level');
      assert.deepEqual(sidecar.apiRequest, {
        image_urls: ['https://example.com/cat.jpg'],
        prompt: 'put a hat on the cat',
        'width\u00d7height': '1024x1024(1:1)',
        scale: 0.6,
      });
      assert.deepEqual(sidecar.inputs, ['https://example.com/cat.jpg']);
    }
    assert.equal(h.emulator.stats.submits, 1);
    assert.equal(h.emulator.stats.downloads(id), 2);
    assert.equal(h.emulator.stats.authHeadersOnDownloads, 0, 'downloads never carry the token');
    await h.runFor(60_000);
    assert.equal(h.emulator.stats.downloads(id), 2, 'never saved twice');
    assert.equal(images(h).length, 2);
  });

  it('polls with backoff: far fewer requests than a fixed 500 ms poller, and notices the end within one interval', async () => {
    h = await createHarness({ queueMs: 10_000, runMs: 50_000 });
    const id = requestIdOf(await h.engine.submit(params(h)));
    let noticedAt: number | undefined;
    h.engine.onDidChange((c) => {
      if (c.job.state === 'saving' && noticedAt === undefined) noticedAt = h.clock.now();
    });
    const finishAt = h.clock.now() + 60_000;
    await h.runFor(75_000, 500);
    const polls = h.emulator.stats.statusPolls(id);
    assert.ok(polls <= 20, `polled ${polls} times for a 60 s job (a 500 ms poller would make 120)`);
    assert.ok(noticedAt !== undefined, 'the job finished');
    assert.ok(noticedAt - finishAt <= 11_000, `noticed ${noticedAt - finishAt} ms after completion`);
  });

  it('reports queue positions as they go down, while the job is still queued', async () => {
    h = await createHarness({ queueMs: 40_000, runMs: 1000 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(requestIdOf(await h.engine.submit(params(h, { prompt: `job ${i}` }))));
      if (i < 3) await h.runFor(10_000, 500);
    }
    const last = ids[3];
    const seen: number[] = [];
    h.engine.onDidChange(({ job }) => {
      if (job.state === 'queued' && job.requestId === last && job.queuePosition !== undefined && seen.at(-1) !== job.queuePosition)
        seen.push(job.queuePosition);
    });
    await h.runFor(45_000, 500);
    assert.ok(seen[0] >= 3, `the first position seen was ${seen[0]}: three jobs were ahead`);
    assert.ok(seen.length >= 3, `positions seen while queued: ${seen.join(' → ')}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] < seen[i - 1], `positions went ${seen.join(' → ')}`);
    assert.equal(seen.at(-1), 1, 'it reached the front of the queue');
  });

  it('honours force_single: one output, one file', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h, { options: { forceSingle: true } })));
    await h.runFor(15_000);
    assert.equal(filesOf(h.engine.get(id)!).length, 1);
    assert.equal(images(h).length, 1);
    assert.equal((h.emulator.stats.submitBodies[0] as Record<string, unknown>).force_single, true);
  });

  it('cancels a queued job and stops polling it; keeps tracking and saving a running one (not cancellable)', async () => {
    h = await createHarness({ queueMs: 4000, runMs: 20_000 });
    const queued = requestIdOf(await h.engine.submit(params(h, { prompt: 'queued one' })));
    assert.equal(await h.engine.cancel(queued), 'cancelled');
    assert.equal(h.engine.get(queued)!.state, 'cancelled');
    const pollsAfterCancel = h.emulator.stats.statusPolls(queued);

    const running = requestIdOf(await h.engine.submit(params(h, { prompt: 'running one' })));
    await h.runFor(13_000);
    assert.equal(h.engine.get(running)!.state, 'running');
    assert.equal(await h.engine.cancel(running), 'not_cancellable');
    const after = h.engine.get(running)!;
    assert.ok(after.state === 'running' && after.cancelOutcome === 'not_cancellable');
    const pollsBefore = h.emulator.stats.statusPolls(running);
    await h.runFor(30_000);
    assert.ok(h.emulator.stats.statusPolls(running) > pollsBefore, 'the running job is still polled');
    const final = h.engine.get(running)!;
    assert.equal(final.state, 'saved');
    assert.ok(filesOf(final).every((f) => fs.existsSync(f.path)));
    assert.equal(h.emulator.stats.statusPolls(queued), pollsAfterCancel, 'the cancelled job was not polled again in 43 s');
  });

  it('shows the service message of a failed job', async () => {
    h = await createHarness();
    h.emulator.nextJob({ fail: 'Content policy violation' });
    const id = requestIdOf(await h.engine.submit(params(h)));
    await h.runFor(15_000);
    const failed = h.engine.get(id)!;
    assert.ok(failed.state === 'failed');
    assert.match(failed.error, /Content policy violation/);
    assert.equal(filesIn(h.outputDir).length, 0);
  });

  it('keeps polling through unknown statuses, 5xx, 429, resets, a bare HTML 404 and 200-with-error_code, and never submits twice', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    h.emulator.inject({ route: 'status', kind: 'unknownStatus', status: 'warming_up', times: 2 });
    h.emulator.inject({ route: 'status', kind: 'http', status: 503 });
    h.emulator.inject({ route: 'status', kind: 'http', status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } });
    h.emulator.inject({ route: 'status', kind: 'reset' });
    h.emulator.inject({
      route: 'status',
      kind: 'http',
      status: 404,
      body: '<html><body>404 Not Found</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    h.emulator.inject({ route: 'status', kind: 'errorCode200', errorCode: 500001, message: 'internal' });
    await h.runFor(90_000);
    const done = h.engine.get(id)!;
    assert.equal(done.state, 'saved');
    assert.equal(h.emulator.stats.submits, 1);
    assert.match(h.log.text(), /warming_up/);
  });

  it('every poll answering 200 with error_code 500003 makes the job stalled within 30–60 s, tracking goes on and the result is saved', async () => {
    h = await createHarness({ queueMs: 1000, runMs: 1000 });
    h.emulator.inject({ route: 'status', kind: 'errorCode200', errorCode: 500003, message: 'Service temporarily unavailable', times: 6 });
    const submittedAt = h.clock.now();
    const id = requestIdOf(await h.engine.submit(params(h)));
    let stalledAt: number | undefined;
    const outcome = h.engine.waitForOutcome(id).then((o) => ((stalledAt = h.clock.now()), o));
    await h.runFor(65_000);
    const o = await outcome;
    assert.equal(o.status, 'stalled');
    assert.match(o.error ?? '', /server error/);
    assert.ok(stalledAt! - submittedAt >= 30_000 && stalledAt! - submittedAt <= 60_000, `stalled after ${stalledAt! - submittedAt} ms`);
    assert.equal(h.engine.get(id)!.state, 'saved', 'the engine kept tracking and saved the result once polls worked again');
  });

  it('a request RunComfy no longer knows (404001 on its result) ends failed, and polling stops', async () => {
    h = await createHarness();
    h.emulator.nextJob({ expired: true });
    const id = requestIdOf(await h.engine.submit(params(h)));
    await h.runFor(15_000);
    const done = h.engine.get(id)!;
    assert.ok(done.state === 'failed', `state ${done.state}`);
    assert.match(done.error, /does not know this request/);
    const polls = h.emulator.stats.statusPolls(id);
    const reads = h.emulator.stats.resultPolls(id);
    await h.runFor(60_000);
    assert.equal(h.emulator.stats.statusPolls(id), polls, 'no poll after it is gone');
    assert.equal(h.emulator.stats.resultPolls(id), reads, 'no result read after it is gone');
  });

  it('marks a submit whose answer was lost as "submission unknown" and never resends it', async () => {
    h = await createHarness();
    h.emulator.inject({ route: 'submit', kind: 'reset', after: 'accept' });
    const error = await h.engine.submit(params(h)).catch((e: unknown) => e);
    assert.ok(error instanceof SubmissionUnknownError);
    const jobs = h.engine.list();
    assert.equal(jobs.length, 1);
    assert.ok(jobs[0].state === 'submissionUnknown');
    assert.match(jobs[0].error, /Resume/);
    await h.runFor(30_000);
    assert.equal(h.emulator.stats.submits, 1, 'the lost submit was not resent');
  });

  for (const [what, fault] of [
    ['a gateway 502 page', { kind: 'htmlPage', status: 502 }],
    ['a gateway 504 page', { kind: 'htmlPage', status: 504 }],
    ['an unreadable 200', { kind: 'unreadable' }],
    ['an answer cut mid-body', { kind: 'truncate' }],
  ] as const) {
    it(`keeps a submit answered by ${what} after the job was created as "submission unknown", never resent`, async () => {
      h = await createHarness();
      h.emulator.inject({ route: 'submit', ...(fault.kind === 'truncate' ? {} : { after: 'accept' }), ...fault } as never);
      const error = await h.engine.submit(params(h)).catch((e: unknown) => e);
      assert.ok(error instanceof SubmissionUnknownError, `got ${String(error)}`);
      assert.equal(h.emulator.jobs().length, 1, 'the emulator did create the job');
      const [job] = h.engine.list();
      assert.ok(job.state === 'submissionUnknown');
      assert.match(job.error, /Resume by Request ID/);
      assert.equal((h.store.snapshot() as Job[]).length, 1, 'kept in the store');
      await h.runFor(30_000);
      assert.equal(h.emulator.stats.submits, 1, 'never resent');
    });
  }

  it('reads a status answer cut mid-body as a passing network failure', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    h.emulator.inject({ route: 'status', kind: 'truncate', times: 2 });
    await h.runFor(35_000);
    assert.equal(h.engine.get(id)!.state, 'saved');
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('a token revoked at RunComfy pauses polling; accepting the same token again and setting it resumes and saves', async () => {
    h = await createHarness({ requiredToken: TEST_TOKEN });
    const id = requestIdOf(await h.engine.submit(params(h)));
    h.emulator.revokeToken(TEST_TOKEN);
    await h.runFor(15_000);
    assert.ok(h.engine.health.authPaused, 'polling paused');
    const polls = h.emulator.stats.statusPolls(id);
    await h.runFor(30_000);
    assert.equal(h.emulator.stats.statusPolls(id), polls, 'no poll while the token is refused');
    h.emulator.acceptToken(TEST_TOKEN);
    h.engine.tokenChanged();
    await h.runFor(2000);
    assert.equal(h.engine.get(id)!.state, 'saved');
    assert.equal(h.engine.health.authPaused, undefined);
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
    const id = requestIdOf(await h.engine.submit(params(h)));
    await h.runFor(15_000);
    const other = h.newEngine(new MemoryJobStore());
    const otherDir = fs.mkdtempSync(path.join(h.outputDir, 'resumed-'));
    const resumed = await other.resume(id, { outputDir: otherDir, baseName: 'resumed' });
    await h.runFor(1000);
    // The save is real I/O: wait for it to end, whatever the machine's load.
    await other.idle();
    assert.equal(other.get(resumed.id)!.state, 'saved');
    assert.equal(filesIn(otherDir).filter((f) => f.endsWith('.png')).length, 2);
    assert.equal(h.emulator.stats.submits, 1, 'resume never submits');
  });

  it('resumes a job still running through the poller', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    h.engine.dispose();
    const other = h.newEngine(new MemoryJobStore());
    const resumed = await other.resume(id, { outputDir: h.outputDir, baseName: 'resumed' });
    assert.equal(resumed.state, 'queued');
    await h.runFor(15_000);
    assert.equal(other.get(resumed.id)!.state, 'saved');
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('survives a restart: a fresh engine built from the stored state finishes the job', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    await h.runFor(2500);
    h.engine.dispose();
    await h.engine.stopped();
    const reloaded = h.newEngine();
    await reloaded.restore();
    assert.equal(reloaded.get(id)?.prompt, 'put a hat on the cat');
    await h.runFor(15_000);
    assert.equal(reloaded.get(id)!.state, 'saved');
    assert.equal(images(h).length, 2);
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('turns a job that was mid-submit at shutdown into "submission unknown" on restore, without submitting', async () => {
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
      },
    ]);
    const engine = h.newEngine(store);
    await engine.restore();
    assert.equal(engine.get('local-1')!.state, 'submissionUnknown');
    assert.equal(h.emulator.stats.submits, 0);
  });

  it('a download whose connection drops mid-body is retried and the file saved complete', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h, { options: { forceSingle: true } })));
    h.emulator.inject({ route: 'download', kind: 'truncate', afterBytes: 100, times: 1 });
    // The 8 s job is noticed by the poll planned from default durations, then its download is retried.
    await h.runFor(20_000);
    const job = h.engine.get(id)!;
    assert.ok(job.state === 'saved', `state ${job.state}${job.state === 'saveFailed' ? `: ${job.error}` : ''}`);
    const url = job.outputUrls[0];
    const served = Buffer.from(await (await request(url)).body.arrayBuffer());
    assert.deepEqual(fs.readFileSync(job.files[0].path), served, 'the saved file is the whole file');
    assert.equal(h.emulator.stats.downloads(id), 3, 'the cut download, the retry, and this check');
    assert.deepEqual(
      filesIn(h.outputDir).filter((f) => f.startsWith('.')),
      [],
      'no temp file left',
    );
  });

  it('retries a download that keeps failing later, without a new submit, leaving no partial file', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h, { options: { forceSingle: true } })));
    h.emulator.inject({ route: 'download', kind: 'truncate', afterBytes: 100, times: 3 });
    await h.runFor(20_000);
    let current = h.engine.get(id)!;
    assert.ok(current.state === 'saveFailed' && current.retryable, `state ${current.state}`);
    assert.deepEqual(filesIn(h.outputDir), [], 'nothing partial left');
    await h.runFor(40_000, 1000);
    current = h.engine.get(id)!;
    assert.equal(current.state, 'saved');
    assert.equal(images(h).length, 1);
    assert.equal(h.emulator.stats.submits, 1);
  });

  it('expired output links (404 from storage, the same links from /result) end in saveFailed with no file', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h, { options: { forceSingle: true } })));
    h.emulator.inject({ route: 'download', kind: 'http', status: 404, body: '<html>gone</html>', times: 20 });
    const outcome = h.engine.waitForOutcome(id);
    await h.runFor(30_000);
    const o = await outcome;
    assert.equal(o.status, 'saveFailed');
    assert.deepEqual(o.files, []);
    assert.match(o.error ?? '', /expired/);
    assert.equal(h.emulator.stats.resultPolls(id), 2, 'the result, and one refresh of its links');
    const downloads = h.emulator.stats.downloads(id);
    await h.runFor(30 * 60_000, 10_000);
    assert.equal(h.emulator.stats.downloads(id), downloads, 'not retried on its own');
    assert.deepEqual(filesIn(h.outputDir), []);
  });

  it('two windows tracking the same job save its result once', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    const second = h.newEngine(new MemoryJobStore());
    await second.resume(id, { outputDir: h.outputDir, baseName: 'cat' });
    await h.runFor(20_000);
    assert.equal(h.engine.get(id)!.state, 'saved');
    assert.equal(second.get(id)!.state, 'saved');
    assert.equal(images(h).length, 2, 'each output saved once');
  });

  it('a refused token pauses polling until a token is set, then the result is saved; the token never reaches a log line', async () => {
    h = await createHarness({ requiredToken: TEST_TOKEN });
    const id = requestIdOf(await h.engine.submit(params(h)));
    h.emulator.inject({ route: 'status', kind: 'http', status: 401, body: { error_code: 400004, error_message: 'bad token' } });
    await h.runFor(3000);
    assert.ok(h.engine.health.authPaused, 'polling paused');
    const polls = h.emulator.stats.statusPolls(id);
    await h.runFor(20_000);
    assert.equal(h.emulator.stats.statusPolls(id), polls, 'no poll while the token is refused');
    h.engine.tokenChanged();
    await h.runFor(1000);
    assert.equal(h.emulator.stats.statusPolls(id), polls + 1, 'polled at once when a token was set');
    await h.runFor(10_000);
    assert.equal(h.engine.get(id)!.state, 'saved');
    assert.ok(h.log.lines.length > 5);
    for (const line of h.log.lines) assert.ok(!line.includes(TEST_TOKEN), `token leaked: ${line}`);
  });

  it('waitForOutcome stops waiting (and only waiting) when its signal is aborted, also one aborted before the call', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    const live = new AbortController();
    const waiting = h.engine.waitForOutcome(id, live.signal);
    live.abort(new Error('stopped by the caller'));
    await assert.rejects(waiting, /stopped by the caller/);
    await assert.rejects(h.engine.waitForOutcome(id, AbortSignal.abort(new Error('already stopped'))), /already stopped/);
    await h.runFor(15_000);
    assert.equal(h.engine.get(id)!.state, 'saved', 'the job itself went on');
  });

  it('waitForOutcome resolves "succeeded" with every saved file once the job is saved', async () => {
    h = await createHarness();
    const id = requestIdOf(await h.engine.submit(params(h)));
    const outcome = h.engine.waitForOutcome(id);
    await h.runFor(15_000);
    const done = await outcome;
    assert.equal(done.status, 'succeeded');
    assert.equal(done.files.length, 2);
    assert.ok(done.files.every((f) => fs.existsSync(f)));
  });
});

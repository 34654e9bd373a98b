// A job's life after the submit: cancelling queued and running jobs, a failed job, and resuming a request_id made elsewhere.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listFiles, rawSubmit, rejectionOf, resultsDir, resultsOf, runEdit, useEmulator, waitForEmulatorState, waitForResults } from './support';

type ResumeAnswer = { requestId: string; status: string };

function cancel(requestId: string): Promise<string | undefined> {
  return Promise.resolve(vscode.commands.executeCommand<string | undefined>('runcomfy.cancel', requestId));
}

function resume(arg: string | { requestId: string }): Promise<ResumeAnswer | undefined> {
  return Promise.resolve(vscode.commands.executeCommand<ResumeAnswer | undefined>('runcomfy.resume', arg));
}

describe('job lifecycle', () => {
  const env = useEmulator();

  it('cancels a queued job: RunComfy cancels it, tracking stops, nothing is saved', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 8000, runMs: 500 });
    const { requestId } = await runEdit({ images: ['landscape.png'], prompt: 'Queued for a while' });
    assert.equal(emulator.job(requestId)?.state, 'in_queue');

    assert.equal(await cancel(requestId), 'cancelled');
    assert.equal(emulator.stats.cancels(requestId), 1);
    assert.equal(emulator.job(requestId)?.state, 'cancelled');
    assert.equal((await resume(requestId))?.status, 'cancelled', 'the extension does not record the job as cancelled');

    // A later job polled until it is saved shows the poller has run meanwhile: a job still tracked would have been polled too.
    const pollsAfterCancel = emulator.stats.statusPolls(requestId);
    emulator.nextJob({ queueMs: 100, runMs: 300 });
    const control = await runEdit({ images: ['portrait.png'], prompt: 'Polled meanwhile', forceSingle: true, wait: true });
    assert.equal(control.status, 'succeeded');
    assert.ok(emulator.stats.statusPolls(control.requestId) >= 1);
    assert.equal(emulator.stats.statusPolls(requestId), pollsAfterCancel, 'a cancelled job is still being polled');
    assert.equal(emulator.stats.downloads(requestId), 0);
    assert.deepEqual(
      listFiles(resultsDir()).filter((f) => !f.startsWith('portrait')),
      [],
    );
    assert.equal(emulator.stats.submits, 2);
  });

  it('reports not_cancellable for a running job, keeps tracking it, and still saves its result', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 100, runMs: 1500 });
    const { requestId } = await runEdit({ images: ['portrait.png'], prompt: 'Already running' });
    await waitForEmulatorState(emulator, requestId, 'in_progress');

    assert.equal(await cancel(requestId), 'not_cancellable');
    assert.equal(emulator.stats.cancels(requestId), 1);
    assert.equal(emulator.job(requestId)?.state, 'in_progress', 'the emulator job must go on');

    const saved = await waitForResults(resultsDir(), requestId, 2);
    assert.equal(saved.length, 2);
    assert.equal(emulator.job(requestId)?.state, 'succeeded');
    assert.equal((await resume(requestId))?.status, 'succeeded');
    assert.equal(emulator.stats.submits, 1, 'a not-cancellable job must not be resubmitted');
  });

  it('a failed job answers status "failed" with the service\'s message, and saves nothing', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    emulator.nextJob({ fail: 'Content policy violation' });
    const answer = await runEdit({ images: ['landscape.png'], prompt: 'Something the service refuses', wait: true });
    assert.equal(answer.status, 'failed');
    assert.match(answer.error ?? '', /Content policy violation/);
    assert.deepEqual(answer.files, []);
    assert.equal(emulator.stats.downloads(answer.requestId), 0);
    assert.deepEqual(listFiles(resultsDir()), []);
  });

  it('resumes a request_id submitted elsewhere: saves its results without submitting again', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const requestId = await rawSubmit(emulator, { image_urls: ['https://example.com/a.png'], prompt: 'Submitted by another client' });
    assert.equal(emulator.stats.submits, 1);

    const answer = await resume(requestId);
    assert.equal(answer?.requestId, requestId);
    assert.ok(answer && ['queued', 'running'].includes(answer.status), `status: ${answer?.status}`);

    const saved = await waitForResults(resultsDir(), requestId, 2);
    for (const [i, result] of saved.entries()) {
      assert.equal(path.basename(result.image), `resumed-${requestId.slice(0, 8)}-${i + 1}.png`);
      assert.equal(result.record.requestId, requestId);
      assert.equal(result.record.output.index, i);
      assert.equal(result.record.output.count, 2);
    }
    // Asking again (argument object form) finds the tracked job: no new read of the job, no new submit.
    const again = await resume({ requestId });
    assert.deepEqual(again, { requestId, status: 'succeeded' });
    assert.equal(emulator.stats.submits, 1);
    assert.equal(emulator.stats.jobsCreated, 1);
    assert.equal(resultsOf(resultsDir(), requestId).length, 2, 'resuming twice must not save twice');
  });

  it('refuses to resume an unknown request_id, or a malformed one', async () => {
    const { emulator } = env;
    const unknown = await rejectionOf(resume('0badc0de-0000-4000-8000-000000000000'));
    assert.match(unknown, /RunComfy does not know this request/);
    const malformed = await rejectionOf(resume('not a request id!'));
    assert.match(malformed, /is not a valid RunComfy request_id/);
    assert.equal(emulator.stats.submits, 0);
    assert.ok(!fs.existsSync(resultsDir()));
  });
});

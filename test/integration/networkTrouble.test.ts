// When the network or the service misbehaves, in a real VS Code: downloads cut mid-body, expired links, polls that keep failing, a revoked token.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { delay, listFiles, resultsDir, runEdit, spyOnWindow, testToken, useEmulator, waitFor, waitForResults, type EditAnswer } from './support';

// png-chunks-extract ships no types: it returns the file's chunks in order, names and raw data.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extractChunks = require('png-chunks-extract') as (data: Uint8Array) => Array<{ name: string; data: Uint8Array }>;

/** A PNG's chunks without the text and XMP the extension writes into results: what must match the served file byte for byte. */
function imageChunks(png: Buffer): Array<{ name: string; data: string }> {
  return extractChunks(png)
    .filter((c) => c.name !== 'tEXt' && c.name !== 'iTXt')
    .map((c) => ({ name: c.name, data: Buffer.from(c.data).toString('base64') }));
}

/** The first text argument of each recorded call: the message shown. */
function messages(calls: unknown[][]): string[] {
  return calls.map((args) => String(args[0]));
}

async function served(url: string): Promise<Buffer> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

describe('network and service trouble', () => {
  const env = useEmulator();

  it('a download whose connection drops mid-body is retried, and the complete file is saved', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    emulator.inject({ route: 'download', kind: 'truncate', afterBytes: 2000, times: 1 });
    const answer = await runEdit<EditAnswer>({ images: ['landscape.png'], prompt: 'Cut short once', forceSingle: true, wait: true });
    assert.equal(answer.status, 'succeeded', `answer: ${JSON.stringify(answer)}`);
    assert.equal(answer.files?.length, 1);
    const job = emulator.job(answer.requestId);
    assert.ok(job);
    assert.equal(emulator.stats.downloads(answer.requestId), 2, 'the cut download and its retry');
    const saved = fs.readFileSync(answer.files[0]);
    const whole = await served(job.outputUrls[0]);
    assert.ok(saved.length > whole.length, 'the saved file is shorter than the served one');
    assert.deepEqual(imageChunks(saved), imageChunks(whole), 'the saved file is the whole file (apart from the prompt written into it)');
    assert.equal(emulator.stats.submits, 1, 'never a second submit');
    assert.deepEqual(
      listFiles(resultsDir()).filter((f) => f.startsWith('.')),
      [],
      'no temp or lock file left',
    );
  });

  it('expired output links end in saveFailed with the reason and no partial file', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    emulator.inject({ route: 'download', kind: 'htmlPage', status: 404, times: 'always' });
    const answer = await runEdit<EditAnswer>({ images: ['landscape.png'], prompt: 'Links expire', forceSingle: true, wait: true });
    assert.equal(answer.status, 'saveFailed', `answer: ${JSON.stringify(answer)}`);
    assert.deepEqual(answer.files, []);
    assert.match(answer.error ?? '', /expired/);
    assert.equal(emulator.stats.resultPolls(answer.requestId), 2, 'the result, and one refresh of its links');
    assert.deepEqual(listFiles(resultsDir()), [], 'nothing saved, nothing partial, no temp or lock file');
    assert.equal(emulator.stats.submits, 1);
  });

  it('polls that keep failing make the job stalled (not before 30 s) with one notification; tracking goes on and saves the result', async function () {
    this.timeout(120_000);
    const { emulator } = env;
    const warnings = spyOnWindow('showWarningMessage');
    emulator.inject({ route: 'status', kind: 'errorCode200', errorCode: 500003, times: 'always' });
    const started = Date.now();
    const answer = await runEdit<EditAnswer>({ images: ['landscape.png'], prompt: 'Nobody answers', forceSingle: true, wait: true });
    const after = Date.now() - started;
    assert.equal(answer.status, 'stalled', `answer: ${JSON.stringify(answer)}`);
    // Not before 30 s: a lower bound a slow machine cannot break. The 30–60 s window is checked in simulated time (engine.test.ts).
    assert.ok(after >= 30_000, `stalled after ${after} ms`);
    assert.match(answer.error ?? '', /server error/);
    assert.deepEqual(answer.files, []);
    const told = await waitFor('the stalled notification', () => messages(warnings.calls).filter((m) => /could not be read for a while/.test(m)));
    assert.equal(told.length, 1, `one notification: ${JSON.stringify(messages(warnings.calls))}`);
    assert.match(told[0], /Nobody answers/);
    assert.deepEqual(warnings.calls.find((args) => /could not be read/.test(String(args[0])))?.slice(1), ['Show Log', 'Retry']);

    const polls = emulator.stats.statusPolls(answer.requestId);
    emulator.clearFaults();
    const saved = await waitForResults(resultsDir(), answer.requestId, 1, 20_000);
    assert.ok(emulator.stats.statusPolls(answer.requestId) > polls, 'tracking went on after the stall');
    assert.equal(saved.length, 1);
    assert.equal(messages(warnings.calls).filter((m) => /could not be read for a while/.test(m)).length, 1, 'told once');
  });

  it('a revoked token pauses all polling with one "Set API Token" message; setting the token resumes polling and the result is saved', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 3000, runMs: 500 });
    const warnings = spyOnWindow('showWarningMessage');
    const { requestId } = await runEdit<EditAnswer>({ images: ['landscape.png'], prompt: 'Key regenerated', forceSingle: true });
    emulator.revokeToken(testToken);
    const told = await waitFor('the token message', () => warnings.calls.find((args) => /refused the API token/.test(String(args[0]))), 15_000);
    assert.deepEqual(told.slice(1), ['Set API Token']);
    const polls = emulator.stats.statusPolls(requestId);
    await delay(12_000);
    assert.equal(emulator.stats.statusPolls(requestId), polls, 'no poll while the token is refused');
    assert.deepEqual(listFiles(resultsDir()), []);
    assert.equal(warnings.calls.filter((args) => /refused the API token/.test(String(args[0]))).length, 1, 'said once');

    // The account is fixed: the same token is accepted again, and setting it (the same one) resumes polling at once.
    emulator.acceptToken(testToken);
    // Polling was paused (no poll in 12 s above), so a poll now is the one setting the token started.
    await vscode.commands.executeCommand('runcomfy.setApiToken', testToken);
    await waitFor('a poll after the token was set', () => emulator.stats.statusPolls(requestId) > polls, 20_000);
    const saved = await waitForResults(resultsDir(), requestId, 1, 20_000);
    assert.equal(saved.length, 1);
    assert.equal(emulator.stats.submits, 1);
  });
});

// The real client and result saver against the real loopback emulator's faults: what each one becomes for the user, and how often it is tried.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { RunComfyClient } from '../../src/api/client';
import {
  AuthError,
  DownloadError,
  GatewayError,
  InlineImagesRefusedError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  SubmissionUnknownError,
  ValidationError,
} from '../../src/api/errors';
import { toEditRequest } from '../../src/api/schemas';
import { BatchRunner, submitAnswerOfError } from '../../src/batch/runner';
import { ResultSaver, type SaveJob } from '../../src/jobs/resultSaver';
import { encodePng } from '../emulator/png';
import { DATA_URI_REFUSED } from '../emulator/routes/submitRoute';
import { startEmulator, type Emulator } from '../emulator/server';
import { batchInit, FakeBatchJobs, MemoryBatchStore } from '../support/fakeBatchJobs';
import { LogCapture } from '../support/logCapture';
import { ManualClock } from '../support/manualClock';
import { RecordingClock } from '../support/recordingClock';

const IMAGE = `data:image/png;base64,${encodePng(32, 32, () => [200, 40, 40]).toString('base64')}`;
const BODY = toEditRequest([IMAGE], 'make it blue', { size: '1024x1024(1:1)', scale: 0.5, forceSingle: true });
/** Polls and reads are retried this often after the first try. */
const RETRIES = 2;

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => assert.fail(`expected a failure, got ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
}

describe('client against the emulator faults', function () {
  this.timeout(15000);
  let clock: ManualClock;
  let emu: Emulator;
  let agent: Agent;
  let log: LogCapture;
  let client: RunComfyClient;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2025, 0, 1));
    emu = await startEmulator({ clock });
    agent = new Agent({ connections: 4 });
    log = new LogCapture();
    client = new RunComfyClient({
      baseUrl: emu.baseUrl,
      token: () => 'tok',
      dispatcher: agent,
      clock: new RecordingClock(),
      logger: log,
      retry: { retries: RETRIES, baseMs: 1, maxMs: 5 },
      random: () => 0.5,
    });
  });
  afterEach(async () => {
    await agent.close();
    await emu.close();
  });

  async function created(): Promise<string> {
    return (await client.submit(BODY)).request_id;
  }

  describe('submit', () => {
    for (const status of [502, 504]) {
      it(`calls a gateway's ${status} page after the job was created "submission unknown", not "nothing created", and sends it once`, async () => {
        emu.inject({ route: 'submit', kind: 'htmlPage', status, after: 'accept' });
        const error = await failureOf(client.submit(BODY));
        assert.ok(error instanceof SubmissionUnknownError, String(error));
        assert.match(error.message, new RegExp(`HTTP ${status}`));
        assert.match(error.userMessage, /not known whether RunComfy accepted \(and charged for\) the job\. It was not resent/);
        assert.equal(emu.stats.submits, 1, 'never resent');
        assert.equal(emu.jobs().length, 1, 'the job exists behind the page');
      });
    }

    it('calls an unreadable 200 after the job was created "submission unknown", HTML or JSON of another shape', async () => {
      emu.inject({ route: 'submit', kind: 'unreadable', after: 'accept' });
      emu.inject({ route: 'submit', kind: 'unreadable', body: '{"ok":true}', contentType: 'application/json', after: 'accept' });
      for (const expected of [/not JSON/, /no request_id/]) {
        const error = await failureOf(client.submit(BODY));
        assert.ok(error instanceof SubmissionUnknownError, String(error));
        assert.equal(error.why, 'badAnswer');
        assert.match(error.userMessage, expected);
      }
      assert.equal(emu.stats.submits, 2);
      assert.equal(emu.jobs().length, 2);
    });

    it('calls a submit answer cut mid-body "submission unknown" and never resends it', async () => {
      emu.inject({ route: 'submit', kind: 'truncate' });
      const error = await failureOf(client.submit(BODY));
      assert.ok(error instanceof SubmissionUnknownError, String(error));
      assert.equal(error.why, 'noAnswer');
      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.jobs().length, 1);
    });

    it('names a refusal of inline images for what it is, with the way out', async () => {
      emu.configure({ refuseDataUris: true });
      const error = await failureOf(client.submit({ ...BODY, image_urls: ['https://example.com/a.png', IMAGE] }));
      assert.ok(error instanceof InlineImagesRefusedError, String(error));
      assert.equal(error.kind, 'inlineImagesRefused');
      assert.match(
        error.userMessage,
        /^RunComfy refused the inline images \(body\.image_urls\.1: Value error, inline data: images are not accepted; each image must be a publicly reachable https URL\)\. /,
      );
      assert.match(error.userMessage, /use public https:\/\/ URLs of the images instead/);
      assert.doesNotMatch(error.userMessage, /\.\./, 'no doubled full stop where the server text ends');
      assert.ok(DATA_URI_REFUSED.endsWith('.'), 'the server text does end with a full stop');
      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.jobs().length, 0);
    });

    it('keeps a refused image rule a plain input refusal, also for an inline image', async () => {
      const tooWide = `data:image/png;base64,${encodePng(400, 100, () => [1, 2, 3]).toString('base64')}`;
      const error = await failureOf(client.submit({ ...BODY, image_urls: [tooWide] }));
      assert.ok(error instanceof ValidationError, String(error));
      assert.match(
        error.userMessage,
        /^RunComfy refused the inputs: body\.image_urls\.0: The input image aspect ratio must be within \[1\/3, 3\]\. Fix the inputs/,
      );
      assert.doesNotMatch(error.userMessage, /\.\./);
    });

    it('stops a batch after the first inline refusal: one submit reaches the service, the rest are not sent', async () => {
      emu.configure({ refuseDataUris: true });
      const batchClock = new ManualClock();
      const fake = new FakeBatchJobs(batchClock, 1);
      const runner = new BatchRunner<string>({
        ...fake.ports(new MemoryBatchStore()),
        submit: async () => {
          try {
            return { kind: 'accepted', job: { state: 'queued', requestId: (await client.submit(BODY)).request_id, files: [] } };
          } catch (e) {
            return submitAnswerOfError(e);
          }
        },
      });
      fake.attach(runner);
      const batch = await runner.start(batchInit(['a.png', 'b.png', 'c.png', 'd.png'], 1));
      const done = await runner.waitForEnd(batch.id);
      await runner.idle();
      assert.equal(emu.stats.submits, 1);
      assert.deepEqual(
        done.items.map((i) => i.state),
        ['notSent', 'notSent', 'notSent', 'notSent'],
      );
      assert.match(done.notice ?? '', /^RunComfy refused the inline images/);
      assert.match(done.items[3].error ?? '', /^Not sent: RunComfy refused the inline images/);
      runner.dispose();
    });
  });

  describe('polls', () => {
    it('reads an HTML 404 page without error_code as a gateway answer to retry, not as "not found"', async () => {
      const id = await created();
      emu.inject({ route: 'status', kind: 'htmlPage', status: 404, requestId: id });
      const once = await failureOf(client.status(id, { retry: false }));
      assert.ok(once instanceof GatewayError && !(once instanceof NotFoundError), String(once));
      assert.equal(once.retryable, true);
      emu.inject({ route: 'status', kind: 'htmlPage', status: 404, requestId: id });
      const view = await client.status(id);
      assert.equal(view.state, 'queued');
      assert.equal(emu.stats.statusPolls(id), 3, 'the page, then the page and its retry');
    });

    it('reads 200 with error_code 404001 as "not found" and does not retry it', async () => {
      const id = await created();
      emu.inject({ route: 'any', kind: 'errorCode200', errorCode: 404001, requestId: id, times: 'always' });
      const error = await failureOf(client.result(id));
      assert.ok(error instanceof NotFoundError, String(error));
      assert.match(error.userMessage, /RunComfy does not know this request/);
      assert.equal(emu.stats.resultPolls(id), 1);
    });

    it('reads 200 with error_code 400004 as a refused token and does not retry it', async () => {
      const id = await created();
      emu.inject({ route: 'any', kind: 'errorCode200', errorCode: 400004, requestId: id, times: 'always' });
      const error = await failureOf(client.status(id));
      assert.ok(error instanceof AuthError, String(error));
      assert.match(error.userMessage, /Set API Token/);
      assert.equal(emu.stats.statusPolls(id), 1);
    });

    it('reads 200 with a 5xxxxx error_code as a server error and retries it', async () => {
      const id = await created();
      emu.inject({ route: 'any', kind: 'errorCode200', errorCode: 500003, requestId: id, times: RETRIES });
      assert.equal((await client.status(id)).state, 'queued', 'the third try gets the truth');
      assert.equal(emu.stats.statusPolls(id), RETRIES + 1);
      emu.inject({ route: 'any', kind: 'errorCode200', errorCode: 500003, requestId: id, times: 'always' });
      const error = await failureOf(client.result(id));
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(error.errorCode, 500003);
      assert.equal(emu.stats.resultPolls(id), RETRIES + 1);
    });

    it('reads an unreadable 200 on a poll as an answer it does not understand', async () => {
      const id = await created();
      emu.inject({ route: 'status', kind: 'unreadable', requestId: id });
      const error = await failureOf(client.status(id));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.userMessage, /does not understand \(the answer is not JSON\)/);
    });

    for (const route of ['status', 'result'] as const) {
      it(`calls a ${route} answer cut mid-body a dropped connection, not "Could not reach", and retries it`, async () => {
        const id = await created();
        emu.inject({ route, kind: 'truncate', requestId: id });
        const error = await failureOf(route === 'status' ? client.status(id, { retry: false }) : client.result(id, { retry: false }));
        assert.ok(error instanceof NetworkError, String(error));
        assert.equal(error.retryable, true);
        assert.match(error.userMessage, /^The connection to RunComfy dropped before its answer arrived in full/);
        assert.doesNotMatch(error.userMessage, /Could not reach/);
        emu.inject({ route, kind: 'truncate', requestId: id });
        const view = route === 'status' ? await client.status(id) : await client.result(id);
        assert.equal(view.state, 'queued');
        const polls = route === 'status' ? emu.stats.statusPolls(id) : emu.stats.resultPolls(id);
        assert.equal(polls, 3, 'the cut answer, then the cut answer and its retry');
      });
    }

    it('calls a cancel answer cut mid-body a dropped connection too', async () => {
      const id = await created();
      emu.inject({ route: 'cancel', kind: 'truncate', requestId: id });
      const error = await failureOf(client.cancel(id, { retry: false }));
      assert.ok(error instanceof NetworkError, String(error));
      assert.doesNotMatch(error.userMessage, /Could not reach/);
    });

    it('still says "Could not reach" when no connection was made', async () => {
      const closed = emu.baseUrl;
      await emu.close();
      emu = await startEmulator({ clock });
      const away = new RunComfyClient({
        baseUrl: closed,
        token: () => 'tok',
        dispatcher: agent,
        clock: new RecordingClock(),
        retry: { retries: 0, baseMs: 1, maxMs: 1 },
      });
      const error = await failureOf(away.status('req-123'));
      assert.ok(error instanceof NetworkError, String(error));
      assert.match(error.userMessage, /^Could not reach RunComfy \(ECONNREFUSED\)/);
    });
  });

  describe('downloads', () => {
    let out: string;
    beforeEach(async () => {
      out = await fs.mkdtemp(path.join(os.tmpdir(), 'client-faults-'));
    });
    afterEach(() => fs.rm(out, { recursive: true, force: true }));

    async function finishedJob(): Promise<{ id: string; url: string }> {
      const id = await created();
      await clock.advance(8000);
      const result = await client.result(id);
      assert.equal(result.state, 'succeeded');
      return { id, url: result.imageUrls[0] };
    }

    function save(id: string, url: string) {
      const saver = new ResultSaver({
        dispatcher: agent,
        clock: new RecordingClock(),
        logger: log,
        allowedHosts: () => [new URL(emu.baseUrl).host],
        retry: { retries: RETRIES, baseMs: 1, maxMs: 5 },
      });
      const job: SaveJob = {
        requestId: id,
        outputDir: out,
        baseName: 'cat',
        urls: [url],
        sidecar: {
          requestId: id,
          model: 'bytedance/dreamina-4-0/edit',
          prompt: 'make it blue',
          size: '1024x1024(1:1)',
          scale: 0.5,
          apiRequest: {},
          inputs: [],
          submittedAt: '2025-01-01T00:00:00.000Z',
        },
      };
      return saver.save(job);
    }

    it('retries a download cut mid-body and saves the whole file', async () => {
      const { id, url } = await finishedJob();
      emu.inject({ route: 'download', kind: 'truncate', requestId: id });
      const outcome = await save(id, url);
      assert.equal(outcome.failed.length, 0, outcome.failed.map((f) => f.error.message).join('; '));
      assert.equal(emu.stats.downloads(id), 2);
      const whole = await fetch(url).then(async (r) => Buffer.from(await r.arrayBuffer()));
      assert.deepEqual(await fs.readFile(outcome.saved[0].path), whole);
    });

    it('calls a download that keeps being cut a dropped connection to retry, not a disk failure, and leaves nothing behind', async () => {
      const { id, url } = await finishedJob();
      emu.inject({ route: 'download', kind: 'truncate', requestId: id, times: 'always' });
      const outcome = await save(id, url);
      const error = outcome.failed[0]?.error;
      assert.ok(error instanceof DownloadError, String(error));
      assert.equal(error.failure, 'network');
      assert.match(error.message, /closed before the whole file arrived|cut short/);
      assert.doesNotMatch(error.userMessage, /Could not reach|writ|disk/i);
      assert.match(error.userMessage, /It will be retried without a new submit/);
      assert.equal(emu.stats.downloads(id), RETRIES + 1);
      assert.deepEqual(await fs.readdir(out), []);
    });
  });
});

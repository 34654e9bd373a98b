// Money and privacy at the engine's edge, against the emulator: request_ids are checked, the token never goes out in clear, signed URLs stay with RunComfy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent } from 'undici';
import { RunComfyClient } from '../../src/api/client';
import { InputError, SubmissionUnknownError } from '../../src/api/errors';
import type { SubmitParams } from '../../src/jobs/engine';
import { parseStoredJobs } from '../../src/jobs/jobSchema';
import { startEmulator, type Emulator } from '../emulator/server';
import { createHarness, filesIn, type Harness, TEST_TOKEN } from '../support/engineHarness';
import { LogCapture } from '../support/logCapture';

const SIGNED = 'https://bucket.s3.amazonaws.com/in/cat.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20250101&X-Amz-Signature=0123456789abcdef';

function params(h: Harness, overrides: Partial<SubmitParams> = {}): SubmitParams {
  return {
    imageValues: [SIGNED],
    inputs: [{ label: SIGNED, summary: SIGNED, url: SIGNED }],
    prompt: 'put a hat on the cat',
    options: { size: '1024x1024(1:1)', scale: 0.6 },
    outputDir: h.outputDir,
    baseName: 'cat',
    ...overrides,
  };
}

describe('submit answers and stored inputs (emulator, simulated time)', function () {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    h = undefined as unknown as Harness;
  });

  for (const bad of ['../../v1/models/x', '[x](command:workbench.action.quit)', 'a`b` ok', '']) {
    it(`a submit answered with the request_id ${JSON.stringify(bad)} leaves a "submission unknown" job that is never polled`, async () => {
      h = await createHarness();
      h.emulator.inject({ route: 'submit', kind: 'http', status: 200, body: { request_id: bad, status_url: 'x' }, after: 'accept' });
      await assert.rejects(h.engine.submit(params(h)), (e: unknown) => e instanceof SubmissionUnknownError);
      const [job] = h.engine.list();
      assert.equal(job?.state, 'submissionUnknown');
      assert.ok(job.state === 'submissionUnknown' && /request_id/.test(job.error), `the error does not say what was wrong: ${JSON.stringify(job)}`);
      assert.equal(h.emulator.stats.submits, 1);
      await h.runFor(30_000, 1000);
      const reads = h.emulator.stats.requests.filter((r) => r.path.startsWith('/v1/requests/'));
      assert.deepEqual(reads, [], 'a request was made with the malformed id');
      assert.equal(h.engine.list()[0]?.state, 'submissionUnknown');
    });
  }

  it('sends a signed URL input in full to RunComfy, but stores it, and writes it in sidecars and the log, without its query', async () => {
    h = await createHarness();
    const job = await h.engine.submit(params(h));
    assert.deepEqual((h.emulator.stats.submitBodies[0] as { image_urls: string[] }).image_urls, [SIGNED], 'RunComfy did not get the full URL');
    const stored = JSON.stringify(h.store.snapshot());
    assert.ok(!stored.includes('X-Amz'), `stored job state carries the query: ${stored}`);
    assert.match(stored, /https:\/\/bucket\.s3\.amazonaws\.com\/in\/cat\.png \(query removed\)/);

    await h.runFor(20_000);
    const saved = h.engine.get(job.id);
    assert.equal(saved?.state, 'saved');
    const sidecars = filesIn(h.outputDir).filter((f) => f.endsWith('.json'));
    assert.ok(sidecars.length > 0, 'no sidecar written');
    for (const name of sidecars) {
      const text = fs.readFileSync(path.join(h.outputDir, name), 'utf8');
      assert.ok(!text.includes('X-Amz') && !text.includes('?X'), `${name} carries the query: ${text}`);
      const record = JSON.parse(text) as { inputs: string[]; apiRequest: { image_urls: string[] } };
      assert.deepEqual(record.inputs, ['https://bucket.s3.amazonaws.com/in/cat.png (query removed)']);
      assert.deepEqual(record.apiRequest.image_urls, record.inputs);
    }
    assert.ok(!h.log.lines.join('\n').includes('X-Amz'), 'the log carries the query');
  });

  it('drops the query of inputs stored by an earlier version when they are read back', () => {
    const old = { id: 'j1', origin: 'submit', prompt: 'p', options: {}, inputs: [{ label: SIGNED, summary: SIGNED, url: SIGNED }], outputDir: '/ws/out', baseName: 'cat', createdAt: 1, updatedAt: 1, state: 'submissionUnknown', error: 'lost' };
    const [job] = parseStoredJobs([old]);
    assert.ok(job, 'the record was dropped');
    assert.ok(!JSON.stringify(job).includes('X-Amz'), JSON.stringify(job));
  });
});

describe('runcomfy.apiBaseUrl: the token never travels in clear text', () => {
  let emulator: Emulator;
  let agent: Agent;
  before(async () => {
    emulator = await startEmulator({ requiredToken: TEST_TOKEN });
    // Every host name resolves to the emulator: a request to any address would reach it, token and all.
    agent = new Agent({
      connect: {
        lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
          options?.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as never,
      },
    });
  });
  after(async () => {
    await agent.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  function client(baseUrl: string, log = new LogCapture()): RunComfyClient {
    return new RunComfyClient({ baseUrl, token: () => TEST_TOKEN, dispatcher: agent, logger: log, retry: { retries: 0, baseMs: 1, maxMs: 1 } });
  }

  const port = () => new URL(emulator.baseUrl).port;
  const body = { image_urls: ['https://example.com/a.png'], prompt: 'p' };

  for (const host of ['runcomfy.example.test', '127.example.com', '127.0.0.1.nip.io']) {
    it(`refuses http://${host} before any request carries the token, with a clear message`, async () => {
      const c = client(`http://${host}:${port()}`);
      await assert.rejects(c.submit(body), (e: unknown) => e instanceof InputError && /https:\/\//.test(e.userMessage) && /unencrypted/.test(e.userMessage));
      await assert.rejects(c.status('req-123'), (e: unknown) => e instanceof InputError);
      await assert.rejects(c.model(), (e: unknown) => e instanceof InputError);
      assert.deepEqual(emulator.stats.requests, [], 'a request reached the server');
    });
  }

  it('allows plain http only to loopback, and any https address', async () => {
    const loopback = client(`http://127.0.0.1:${port()}`);
    await loopback.model();
    await client(`http://localhost:${port()}`).model();
    assert.equal(emulator.stats.requests.length, 2);
    assert.ok(emulator.stats.requests.every((r) => r.authorization));
  });
});

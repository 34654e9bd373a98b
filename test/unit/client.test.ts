// The client against fixed answer sequences (undici MockAgent): auth, error mapping, retries, and the never-retried submit.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { MockAgent } from 'undici';
import { RunComfyClient, assertRequestId, normaliseToken } from '../../src/api/client';
import {
  AuthError,
  BalanceError,
  BadRequestError,
  ForbiddenRequestError,
  GatewayError,
  InputError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
  SubmissionUnknownError,
  ValidationError,
} from '../../src/api/errors';
import { SIZE_KEY, toEditRequest } from '../../src/api/schemas';
import { LogCapture } from '../support/logCapture';
import { RecordingClock } from '../support/recordingClock';

const BASE = 'https://model-api.runcomfy.net';
const TOKEN = 'rc_secret_token_123456';
const SUBMIT_PATH = '/v1/models/bytedance/dreamina-4-0/edit';

function setup(token: string | null = TOKEN) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(BASE);
  const clock = new RecordingClock();
  const log = new LogCapture();
  const client = new RunComfyClient({
    token: () => token ?? undefined,
    dispatcher: agent,
    clock,
    logger: log,
    retry: { retries: 3, baseMs: 100, maxMs: 1000 },
    random: () => 0.5,
  });
  return { agent, pool, clock, log, client };
}

const body = toEditRequest(['https://example.com/a.jpg'], 'make it blue', { size: '2048x2048(1:1)', scale: 0.7, forceSingle: true });

describe('RunComfyClient', () => {
  it('submits with the bearer token and the exact wire body, including the U+00D7 size key', async () => {
    const { pool, client, log } = setup(`Bearer ${TOKEN}`);
    let seen: { headers: Record<string, string>; body: unknown } | undefined;
    pool.intercept({ path: SUBMIT_PATH, method: 'POST' }).reply(200, (opts) => {
      seen = { headers: opts.headers as Record<string, string>, body: JSON.parse(opts.body as string) };
      return { request_id: 'req-1', status_url: 's', result_url: 'r', cancel_url: 'c', extra: 1 };
    });
    const answer = await client.submit(body);
    assert.equal(answer.request_id, 'req-1');
    assert.equal((answer as Record<string, unknown>).extra, 1, 'unknown fields are kept');
    assert.equal(seen?.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(seen?.body, {
      image_urls: ['https://example.com/a.jpg'],
      prompt: 'make it blue',
      [SIZE_KEY]: '2048x2048(1:1)',
      scale: 0.7,
      force_single: true,
    });
    assert.ok(Object.keys(seen.body).includes('width\u00d7height'));
    assert.ok(!log.text().includes(TOKEN), 'the token never reaches the log');
  });

  it('never retries a submit, whatever the failure', async () => {
    for (const status of [429, 500, 503]) {
      const { pool, client } = setup();
      let calls = 0;
      pool.intercept({ path: SUBMIT_PATH, method: 'POST' }).reply(status, () => {
        calls++;
        return { error_code: 500000, error_message: 'boom' };
      }).persist();
      await assert.rejects(client.submit(body), status === 429 ? RateLimitError : ServerError);
      assert.equal(calls, 1, `exactly one submit for HTTP ${status}`);
    }
  });

  it('turns a submit whose answer never came into SubmissionUnknownError, not a resend', async () => {
    // A real server that reads each request and drops the connection without answering, counting every attempt.
    let attempts = 0;
    const server = net.createServer((socket) => {
      let seen = '';
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString('latin1');
        if (seen.includes('\r\n\r\n') && seen.startsWith('POST ')) {
          attempts++;
          seen = '';
          socket.destroy();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { Agent } = await import('undici');
    const agent = new Agent();
    try {
      const client = new RunComfyClient({
        baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        token: () => TOKEN,
        dispatcher: agent,
        clock: new RecordingClock(),
        retry: { retries: 3, baseMs: 1, maxMs: 5 },
      });
      const error = await client.submit(body).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof SubmissionUnknownError, String(error));
      assert.match(error.userMessage, /not resent/);
      assert.match(error.userMessage, /Resume/);
      assert.equal(attempts, 1, 'the submit reached the server once and was not sent again');
    } finally {
      await agent.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reports a refused connection on submit as a plain network error: nothing was sent', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { Agent } = await import('undici');
    const client = new RunComfyClient({ baseUrl: `http://127.0.0.1:${port}`, token: () => TOKEN, dispatcher: new Agent() });
    await assert.rejects(client.submit(body), NetworkError);
  });

  it('refuses an invalid body before any request', async () => {
    const { client } = setup();
    await assert.rejects(client.submit({ ...body, prompt: 'x'.repeat(801) }), InputError);
    await assert.rejects(client.submit({ ...body, image_urls: [] }), InputError);
    await assert.rejects(client.submit({ ...body, scale: 1.5 }), InputError);
    await assert.rejects(client.submit({ ...body, widthxheight: '1' } as never), InputError);
  });

  it('retries reads on 429 honouring Retry-After, and on 5xx with backoff', async () => {
    const { pool, client, clock } = setup();
    pool.intercept({ path: '/v1/requests/req-1/status', method: 'GET' }).reply(429, { message: 'slow down' }, { headers: { 'retry-after': '3' } });
    pool.intercept({ path: '/v1/requests/req-1/status', method: 'GET' }).reply(502, 'bad gateway');
    pool.intercept({ path: '/v1/requests/req-1/status', method: 'GET' }).reply(200, { request_id: 'req-1', status: 'in_queue', queue_position: 4 });
    const view = await client.status('req-1');
    assert.equal(view.state, 'queued');
    assert.equal(view.queuePosition, 4);
    assert.equal(clock.delays.length, 2);
    assert.ok(clock.delays[0] >= 3000, `Retry-After honoured: waited ${clock.delays[0]} ms`);
    assert.ok(clock.delays[1] > 0 && clock.delays[1] < 3000);
  });

  it('gives up after the retry budget with the last error', async () => {
    const { pool, client, clock } = setup();
    pool.intercept({ path: '/v1/requests/req-1/status', method: 'GET' }).reply(503, {}).times(10);
    await assert.rejects(client.status('req-1'), ServerError);
    assert.equal(clock.delays.length, 3);
    assert.ok(clock.delays[2] > clock.delays[0], 'backoff grows');
  });

  it('treats HTTP 200 with a top-level error_code as an error', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/v1/requests/req-1/result?include_cost=true', method: 'GET' }).reply(200, { error_code: 400004, error_message: 'token expired' });
    await assert.rejects(client.result('req-1'), AuthError);
  });

  it('maps every documented error to its typed class with a sentence that says what to do', async () => {
    const setToken = /Set a valid token from your RunComfy profile page with "RunComfy: Set API Token"\.$/;
    const topUp = /Top up your account on runcomfy\.com, then submit again\.$/;
    const cases: Array<[number, unknown, new (...a: never[]) => Error, RegExp]> = [
      [401, { error_code: 400004, error_message: 'invalid token' }, AuthError, setToken],
      [403, { message: 'forbidden' }, AuthError, setToken],
      [400, { error_code: 400004 }, AuthError, setToken],
      [402, { message: 'pay' }, BalanceError, topUp],
      [400, { error_code: 400002, error_message: 'no balance' }, BalanceError, topUp],
      [403, { error_code: 403001, error_message: 'other user' }, ForbiddenRequestError, /Use the token of the account that submitted it\.$/],
      [404, { error_code: 404001, error_message: 'gone' }, NotFoundError, /Check the request_id; an expired result cannot be fetched again\.$/],
      [400, { error_code: 400001, error_message: 'invalid id' }, BadRequestError, /: invalid id \(error_code 400001\)\. Check the request and try again\.$/],
      [422, { detail: [{ loc: ['body', 'prompt'], msg: 'too long' }] }, ValidationError, /: body\.prompt: too long\. Fix the inputs and submit again\.$/],
      [500, { message: 'oops' }, ServerError, /\(500\)\. Try again in a minute\.$/],
    ];
    for (const [status, answer, type, whatToDo] of cases) {
      const { pool, client } = setup();
      pool.intercept({ path: '/v1/models/bytedance/dreamina-4-0/edit', method: 'GET' }).reply(status, answer as object).times(5);
      const error = await client.model().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof type, `HTTP ${status} ${JSON.stringify(answer)} → ${type.name}, got ${String(error)}`);
      assert.match((error as unknown as { userMessage: string }).userMessage, whatToDo, `HTTP ${status} ${JSON.stringify(answer)}`);
    }
  });

  it('puts the 422 detail into the message the user sees', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: SUBMIT_PATH, method: 'POST' }).reply(422, { detail: [{ loc: ['body', 'image_urls', 0], msg: 'The input image aspect ratio must be within [1/3, 3].' }] });
    const error = (await client.submit(body).catch((e: unknown) => e)) as ValidationError;
    assert.ok(error instanceof ValidationError);
    assert.match(error.userMessage, /aspect ratio must be within \[1\/3, 3\]/);
    assert.match(error.userMessage, /body\.image_urls\.0/);
  });

  it('normalises states: completed/succeeded, cancelled/canceled, and keeps unknown ones pollable', async () => {
    const { pool, client, log } = setup();
    const statusPath = '/v1/requests/req-2/status';
    pool.intercept({ path: statusPath, method: 'GET' }).reply(200, { status: 'completed' });
    pool.intercept({ path: statusPath, method: 'GET' }).reply(200, { status: 'canceled' });
    pool.intercept({ path: statusPath, method: 'GET' }).reply(200, { status: 'warming_up', new_field: true });
    assert.equal((await client.status('req-2')).state, 'succeeded');
    assert.equal((await client.status('req-2')).state, 'cancelled');
    const unknown = await client.status('req-2');
    assert.equal(unknown.state, 'unknown');
    assert.equal(unknown.rawStatus, 'warming_up');
    assert.equal((unknown.raw as Record<string, unknown>).new_field, true);
    pool.intercept({ path: statusPath, method: 'GET' }).reply(200, { status: 'in_queue', queue_position: '3' });
    assert.equal((await client.status('req-2')).queuePosition, 3, 'a position spelled as a string still reads');
    assert.match(log.text(), /warming_up/);
  });

  it('reads a result: outputs, error, cost', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/v1/requests/req-3/result?include_cost=true', method: 'GET' }).reply(200, {
      request_id: 'req-3',
      status: 'succeeded',
      output: { image: 'https://x.runcomfy.net/a.png', images: ['https://x.runcomfy.net/a.png', 'https://x.runcomfy.net/b.png'] },
      cost: 0.06,
      finished_at: '2026-01-01T00:00:00Z',
    });
    pool.intercept({ path: '/v1/requests/req-4/result?include_cost=true', method: 'GET' }).reply(200, { status: 'failed', error: { message: 'NSFW content' } });
    const ok = await client.result('req-3');
    assert.equal(ok.state, 'succeeded');
    assert.deepEqual(ok.imageUrls, ['https://x.runcomfy.net/a.png', 'https://x.runcomfy.net/b.png']);
    assert.equal(ok.cost, 0.06);
    const failed = await client.result('req-4');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, 'NSFW content');
  });

  it('reports the real cancel outcome from a 202', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/v1/requests/req-5/cancel', method: 'POST' }).reply(202, { request_id: 'req-5', status: 'in_progress', outcome: 'not_cancellable' });
    pool.intercept({ path: '/v1/requests/req-6/cancel', method: 'POST' }).reply(202, { request_id: 'req-6', status: 'cancelled', outcome: 'cancelled' });
    assert.equal((await client.cancel('req-5')).outcome, 'not_cancellable');
    assert.equal((await client.cancel('req-6')).outcome, 'cancelled');
  });

  it('rejects a non-JSON or misshapen read as a protocol error', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/v1/requests/req-8/status', method: 'GET' }).reply(200, '<html>proxy login</html>').times(5);
    await assert.rejects(client.status('req-8'), ProtocolError);
    pool.intercept({ path: '/v1/requests/req-8/status', method: 'GET' }).reply(200, { request_id: 'req-8' }).times(5);
    await assert.rejects(client.status('req-8'), ProtocolError);
  });

  it('calls a submit whose answer cannot be read "submission unknown": the job may exist behind it', async () => {
    const answers: Array<[number, unknown, string]> = [
      [200, '<html>proxy login</html>', 'an HTML page with 200'],
      [200, { status_url: 'x' }, 'a 200 without request_id'],
      [502, '<html><h1>502 Bad Gateway</h1></html>', 'a gateway 502 page'],
      [504, '<html><h1>504 Gateway Time-out</h1></html>', 'a gateway 504 page'],
      [503, { detail: 'upstream unavailable' }, 'a 5xx without RunComfy error_code'],
    ];
    for (const [status, answer, what] of answers) {
      const { pool, client } = setup();
      let calls = 0;
      pool.intercept({ path: SUBMIT_PATH, method: 'POST' }).reply(status, () => {
        calls++;
        return answer as string;
      }).persist();
      const error = await client.submit(body).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof SubmissionUnknownError, `${what}: got ${String(error)}`);
      assert.match(error.userMessage, /Resume by Request ID/, what);
      assert.equal(calls, 1, `${what}: sent once, never again`);
    }
  });

  it('calls a clear refusal an error: RunComfy error bodies, 401, 402, 422, 429', async () => {
    const refusals: Array<[number, unknown, new (...args: never[]) => Error]> = [
      [400, { error_code: 400001, error_message: 'Invalid model id' }, BadRequestError],
      [401, { error_code: 400004, error_message: 'Invalid token' }, AuthError],
      [402, { error_code: 400002, error_message: 'Insufficient balance' }, BalanceError],
      [422, { detail: [{ loc: ['body', 'prompt'], msg: 'too long' }] }, ValidationError],
      [429, { message: 'slow down' }, RateLimitError],
      [500, { error_code: 500001, error_message: 'internal' }, ServerError],
      [200, { error_code: 400002, error_message: 'Insufficient balance' }, BalanceError],
    ];
    for (const [status, answer, type] of refusals) {
      const { pool, client } = setup();
      pool.intercept({ path: SUBMIT_PATH, method: 'POST' }).reply(status, answer as object);
      await assert.rejects(client.submit(body), type, `HTTP ${status} ${JSON.stringify(answer)}`);
    }
  });

  it('reads a bare 404 page as a gateway answer to retry, and only 404001 as "not found"', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/v1/requests/req-9/status', method: 'GET' }).reply(404, '<html>Not Found</html>');
    pool.intercept({ path: '/v1/requests/req-9/status', method: 'GET' }).reply(200, { request_id: 'req-9', status: 'in_progress' });
    assert.equal((await client.status('req-9')).state, 'running', 'retried after the bare 404');
    pool.intercept({ path: '/v1/requests/req-9/status', method: 'GET' }).reply(404, '<html>Not Found</html>');
    await assert.rejects(client.status('req-9', { retry: false }), GatewayError);
    pool.intercept({ path: '/v1/requests/req-9/status', method: 'GET' }).reply(404, { error_code: 404001, error_message: 'Request not found' });
    await assert.rejects(client.status('req-9', { retry: false }), NotFoundError);
    pool.intercept({ path: '/v1/requests/req-9/status', method: 'GET' }).reply(200, { error_code: 500003, error_message: 'busy' });
    await assert.rejects(client.status('req-9', { retry: false }), ServerError, 'a 200 with a 5xxxxx code is a transient server error');
  });

  it('sends no Authorization header when there is no token, and strips pasted prefixes', async () => {
    assert.equal(normaliseToken('  Bearer abc.def  '), 'abc.def');
    assert.equal(normaliseToken('"abc"'), 'abc');
    assert.equal(normaliseToken('   '), undefined);
    const { pool, client } = setup(null);
    let auth: unknown = 'unset';
    pool.intercept({ path: '/v1/requests/req-7/status', method: 'GET' }).reply(401, (opts) => {
      auth = (opts.headers as Record<string, string>).authorization;
      return { error_code: 400004 };
    });
    await assert.rejects(client.status('req-7'), AuthError);
    assert.equal(auth, undefined);
  });

  it('refuses request ids that are not plain tokens before building a URL', () => {
    assert.throws(() => assertRequestId('../../v1/models'), InputError);
    assert.throws(() => assertRequestId('a b'), InputError);
    assert.equal(assertRequestId(' 3f2a9c1e-0000-4000-8000-1234567890ab '), '3f2a9c1e-0000-4000-8000-1234567890ab');
  });
});

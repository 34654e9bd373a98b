// Tests of the RunComfy API emulator: lifecycle in simulated time, validation, faults, output files and counters.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { imageSize } from 'image-size';
import * as jpeg from 'jpeg-js';
import { Agent, request } from 'undici';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server';
import { encodePng, encodeSolidPng } from '../emulator/png';
import { gradientPixels, paddedPng } from '../emulator/outputFiles';
import { INPUT_SCHEMA, SIZE_KEY } from '../emulator/modelSchema';
import { ManualClock } from '../support/manualClock';

const MODEL = '/v1/models/bytedance/dreamina-4-0/edit';
const START = Date.UTC(2025, 0, 1);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  json: any;
}

function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

const SMALL_PNG = encodePng(64, 48, gradientPixels('input', 0));
const SMALL_IMAGE = pngDataUri(SMALL_PNG);

function isPng(b: Buffer): boolean {
  return b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}
function isJpeg(b: Buffer): boolean {
  return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Walks PNG chunks, checking each CRC; returns the chunk types. */
function pngChunks(b: Buffer): string[] {
  const types: string[] = [];
  let at = 8;
  while (at < b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const crc = b.readUInt32BE(at + 8 + len);
    assert.equal(zlib.crc32(b.subarray(at + 4, at + 8 + len)) >>> 0, crc, `CRC of ${type}`);
    types.push(type);
    at += 12 + len;
  }
  assert.equal(at, b.length);
  return types;
}

describe('RunComfy emulator', function () {
  this.timeout(10000);
  let clock: ManualClock;
  let emu: Emulator;
  let agent: Agent;

  async function start(options: EmulatorOptions = {}): Promise<void> {
    if (emu) await emu.close();
    emu = await startEmulator({ clock, ...options });
  }

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null; headers?: Record<string, string>; dispatcher?: Agent } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? 'test-token' : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const url = path.startsWith('http') ? path : `${emu.baseUrl}${path}`;
    const res = await request(url, { method: method as 'GET', headers, body, dispatcher: options.dispatcher ?? agent });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, bytes, json };
  }

  async function submit(body: Record<string, unknown> = {}): Promise<string> {
    const r = await call('POST', MODEL, { body: { image_urls: [SMALL_IMAGE], prompt: 'make it blue', ...body } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.request_id as string;
  }

  const status = async (id: string) => (await call('GET', `/v1/requests/${id}/status`)).json;
  const result = async (id: string, query = '') => call('GET', `/v1/requests/${id}/result${query}`);

  beforeEach(async () => {
    clock = new ManualClock(START);
    agent = new Agent();
    emu = await startEmulator({ clock });
  });

  afterEach(async () => {
    await emu.close();
    await agent.destroy();
  });

  describe('lifecycle', () => {
    it('runs a job through queue, progress and completion on the manual clock', async () => {
      const r = await call('POST', MODEL, { body: { image_urls: [SMALL_IMAGE], prompt: 'make it blue' } });
      assert.equal(r.status, 200);
      const id = r.json.request_id;
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(r.json.status_url, `${emu.baseUrl}/v1/requests/${id}/status`);
      assert.equal(r.json.result_url, `${emu.baseUrl}/v1/requests/${id}/result`);
      assert.equal(r.json.cancel_url, `${emu.baseUrl}/v1/requests/${id}/cancel`);

      let s = await status(id);
      assert.deepEqual(
        { status: s.status, queue_position: s.queue_position, instance_id: s.instance_id },
        { status: 'in_queue', queue_position: 1, instance_id: undefined },
      );
      assert.equal(s.status_url, r.json.status_url);
      assert.equal((await result(id)).json.status, 'in_queue');

      await clock.advance(2999);
      assert.equal((await status(id)).status, 'in_queue');
      await clock.advance(1);
      s = await status(id);
      assert.equal(s.status, 'in_progress');
      assert.equal(s.queue_position, undefined);
      assert.equal(typeof s.instance_id, 'string');
      const running = (await result(id)).json;
      assert.equal(running.status, 'in_progress');
      assert.equal(running.output, undefined);
      assert.equal(running.finished_at, undefined);

      await clock.advance(5000);
      assert.equal((await status(id)).status, 'completed');
      const done = (await result(id, '?include_cost=true')).json;
      assert.equal(done.status, 'succeeded');
      assert.equal(done.created_at, new Date(START).toISOString());
      assert.equal(done.finished_at, new Date(START + 8000).toISOString());
      assert.equal(done.cost, 0.06);
      assert.equal(done.output.images.length, 2);
      assert.equal(done.output.image, undefined);
      assert.equal((await result(id)).json.cost, undefined);

      for (const [n, url] of (done.output.images as string[]).entries()) {
        assert.equal(url, `${emu.baseUrl}/files/${id}/${n}.png`);
        const file = await call('GET', url, { token: null });
        assert.equal(file.status, 200);
        assert.equal(file.headers['content-type'], 'image/png');
        assert.equal(Number(file.headers['content-length']), file.bytes.length);
        assert.ok(isPng(file.bytes));
        assert.deepEqual(pngChunks(file.bytes), ['IHDR', 'tEXt', 'tEXt', 'PLTE', 'IDAT', 'IEND']);
        const size = imageSize(file.bytes);
        assert.deepEqual([size.type, size.width, size.height], ['png', 2048, 2048], 'the schema default size');
      }
      const [a, b] = await Promise.all((done.output.images as string[]).map((u) => call('GET', u, { token: null })));
      assert.ok(!a.bytes.equals(b.bytes), 'the two outputs differ');

      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.stats.jobsCreated, 1);
      assert.equal(emu.stats.statusPolls(id), 4);
      assert.equal(emu.stats.resultPolls(id), 4);
      assert.equal(emu.stats.downloads(id), 4);
      assert.equal(emu.stats.downloads(), 4);
      assert.equal(emu.stats.authHeadersOnDownloads, 0);
      const job = emu.job(id);
      assert.ok(job);
      assert.equal(job.state, 'succeeded');
      assert.equal(job.finishedAt, START + 8000);
    });

    it('reports queue positions that go down as earlier jobs leave the queue', async () => {
      const a = await submit();
      await clock.advance(1000);
      const b = await submit();
      await clock.advance(1000);
      const c = await submit();
      assert.deepEqual([(await status(a)).queue_position, (await status(b)).queue_position, (await status(c)).queue_position], [1, 2, 3]);
      await clock.advance(1000); // a starts running
      assert.equal((await status(a)).status, 'in_progress');
      assert.equal((await status(c)).queue_position, 2);
      const cancel = await call('POST', `/v1/requests/${b}/cancel`);
      assert.equal(cancel.json.outcome, 'cancelled');
      assert.equal((await status(c)).queue_position, 1);
    });

    it('cancels queued jobs only; running and finished jobs are not cancellable and complete normally', async () => {
      const queued = await submit();
      let r = await call('POST', `/v1/requests/${queued}/cancel`);
      assert.equal(r.status, 202);
      assert.deepEqual(r.json, { request_id: queued, status: 'cancelled', outcome: 'cancelled' });
      r = await call('POST', `/v1/requests/${queued}/cancel`);
      assert.deepEqual(r.json, { request_id: queued, status: 'cancelled', outcome: 'cancelled' });

      const running = await submit();
      await clock.advance(3500);
      r = await call('POST', `/v1/requests/${running}/cancel`);
      assert.equal(r.status, 202);
      assert.deepEqual(r.json, { request_id: running, status: 'in_progress', outcome: 'not_cancellable' });

      await clock.advance(5000);
      assert.equal((await status(queued)).status, 'cancelled');
      const q = (await result(queued, '?include_cost=true')).json;
      assert.equal(q.status, 'cancelled');
      assert.equal(q.output, undefined);
      assert.equal(q.finished_at, new Date(START).toISOString());
      assert.equal(q.cost, 0);
      assert.equal((await status(running)).status, 'completed');
      assert.equal((await result(running)).json.status, 'succeeded');
      r = await call('POST', `/v1/requests/${running}/cancel`);
      assert.deepEqual(r.json, { request_id: running, status: 'completed', outcome: 'not_cancellable' });
      assert.equal(emu.stats.cancels(queued), 2);
      assert.equal(emu.stats.cancels(running), 2);
      assert.equal(emu.stats.cancels(), 4);
    });

    it('answers 404 error_code 404001 for unknown request ids', async () => {
      for (const [method, action] of [
        ['GET', 'status'],
        ['GET', 'result'],
        ['POST', 'cancel'],
      ]) {
        const r = await call(method, `/v1/requests/00000000-0000-4000-8000-000000000000/${action}`);
        assert.equal(r.status, 404);
        assert.deepEqual(r.json, { error_code: 404001, error_message: 'Request not found' });
      }
      assert.equal((await call('GET', '/files/nope/0.png', { token: null })).status, 404);
    });

    it('gives one output for force_single, as output.image alone', async () => {
      const id = await submit({ force_single: true });
      await clock.advance(8000);
      const out = (await result(id, '?include_cost=true')).json;
      assert.deepEqual(out.output, { image: `${emu.baseUrl}/files/${id}/0.png` });
      assert.equal(out.cost, 0.03);
      assert.equal((await call('GET', `/files/${id}/1.png`, { token: null })).status, 404);
    });

    it('follows job behaviours and prompt markers', async () => {
      emu.nextJob({ fail: 'boom', queueMs: 0, runMs: 10 });
      emu.nextJob({ fail: { message: 'nsfw', code: 'policy' }, queueMs: 0, runMs: 10 });
      emu.nextJob({ neverFinishes: true, queueMs: 0 });
      emu.nextJob({ outputs: 4, queueMs: 0, runMs: 10 });
      const failString = await submit();
      const failObject = await submit();
      const never = await submit();
      const four = await submit();
      const marked = await submit({ prompt: 'please [emulator:fail]' });
      const slow = await submit({ prompt: 'please [emulator:slow]' });
      await clock.advance(10_000);
      assert.equal((await status(failString)).status, 'failed');
      assert.deepEqual((({ status: st, error, output }) => ({ st, error, output }))((await result(failString)).json), {
        st: 'failed',
        error: 'boom',
        output: undefined,
      });
      assert.deepEqual((await result(failObject)).json.error, { message: 'nsfw', code: 'policy' });
      assert.equal((await status(never)).status, 'in_progress');
      assert.equal((await result(four)).json.output.images.length, 4);
      const m = (await result(marked)).json;
      assert.equal(m.status, 'failed');
      assert.equal(typeof m.error.message, 'string');
      assert.equal((await status(slow)).status, 'in_queue');
      await clock.advance(30_000);
      assert.equal((await status(slow)).status, 'in_progress');
      await clock.advance(50_000);
      assert.equal((await status(slow)).status, 'completed');
      assert.equal((await status(never)).status, 'in_progress');
    });

    it('expired jobs answer 404 404001 for result and files once finished', async () => {
      emu.nextJob({ expired: true });
      const id = await submit();
      await clock.advance(3000);
      assert.equal((await result(id)).json.status, 'in_progress');
      await clock.advance(5000);
      assert.equal((await status(id)).status, 'completed');
      const r = await result(id);
      assert.equal(r.status, 404);
      assert.equal(r.json.error_code, 404001);
      const f = await call('GET', `/files/${id}/0.png`, { token: null });
      assert.equal(f.status, 404);
      assert.equal(f.json.error_code, 404001);

      const later = await submit();
      await clock.advance(8000);
      assert.equal((await call('GET', `/files/${later}/0.png`, { token: null })).status, 200);
      emu.job(later)!.expire();
      assert.equal((await call('GET', `/files/${later}/0.png`, { token: null })).status, 404);
    });
  });

  describe('auth and metadata', () => {
    it('refuses a missing Authorization header, and a wrong token when one is required', async () => {
      let r = await call('GET', MODEL, { token: null });
      assert.equal(r.status, 401);
      assert.equal(r.json.error_code, 400004);
      r = await call('POST', MODEL, { token: null, body: { image_urls: [SMALL_IMAGE], prompt: 'x' } });
      assert.equal(r.status, 401);
      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.stats.jobsCreated, 0);
      assert.equal((await call('GET', MODEL, { token: 'anything' })).status, 200);

      await start({ requiredToken: 'right' });
      r = await call('GET', MODEL, { token: 'wrong' });
      assert.equal(r.status, 401);
      assert.equal(r.json.error_code, 400004);
      assert.equal((await call('GET', MODEL, { token: 'right' })).status, 200);
    });

    it('serves the model metadata with the input schema and price; a wrong model path is 400001', async () => {
      await start({ clock, pricePerImageUsd: 0.05 });
      const r = await call('GET', MODEL);
      assert.equal(r.status, 200);
      assert.equal(r.json.model_id, 'bytedance/dreamina-4-0/edit');
      assert.equal(r.json.base_price_usd, 0.05);
      assert.equal(r.json.price_unit, 'per image');
      assert.deepEqual(r.json.input_schema, INPUT_SCHEMA);
      assert.equal(r.json.input_schema.properties[SIZE_KEY].enum.length, 11);
      assert.equal(SIZE_KEY.charCodeAt(5), 0xd7);
      assert.equal(emu.stats.modelReads, 1);
      const wrong = await call('POST', '/v1/models/bytedance/dreamina-4-0/edi', { body: {} });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.json.error_code, 400001);
      assert.equal(emu.stats.submits, 0);
    });
  });

  describe('validation', () => {
    async function refused(body: unknown): Promise<Array<{ loc: unknown[]; msg: string; type: string }>> {
      const r = await call('POST', MODEL, { body });
      assert.equal(r.status, 422, JSON.stringify(r.json));
      assert.ok(Array.isArray(r.json.detail));
      return r.json.detail;
    }

    it('refuses bodies that break the schema, FastAPI style', async () => {
      let d = await refused({ image_urls: [SMALL_IMAGE], prompt: 'x', widthxheight: '2048x2048(1:1)' });
      assert.deepEqual([d[0].loc, d[0].type], [['body', 'widthxheight'], 'extra_forbidden']);
      d = await refused({ image_urls: [SMALL_IMAGE], prompt: 'x', [SIZE_KEY]: '2048×2048(1:1)' });
      assert.deepEqual([d[0].loc, d[0].type], [['body', SIZE_KEY], 'enum']);
      d = await refused({ image_urls: Array(11).fill(SMALL_IMAGE), prompt: 'x' });
      assert.deepEqual([d[0].loc, d[0].type], [['body', 'image_urls'], 'too_long']);
      d = await refused({ image_urls: [], prompt: 'x' });
      assert.equal(d[0].type, 'too_short');
      d = await refused({ image_urls: [SMALL_IMAGE], prompt: 'p'.repeat(801) });
      assert.deepEqual([d[0].loc, d[0].type], [['body', 'prompt'], 'string_too_long']);
      d = await refused({ image_urls: [SMALL_IMAGE] });
      assert.deepEqual([d[0].loc, d[0].type, d[0].msg], [['body', 'prompt'], 'missing', 'Field required']);
      d = await refused({ image_urls: [SMALL_IMAGE], prompt: 'x', scale: 1.5, force_single: 'yes' });
      assert.deepEqual(
        d.map((x) => x.type),
        ['less_than_equal', 'bool_type'],
      );
      d = await refused('{not json');
      assert.equal(d[0].type, 'json_invalid');
      assert.equal(emu.stats.submits, 8);
      assert.equal(emu.stats.jobsCreated, 0);

      // The limits themselves are allowed; prompt length counts characters, not UTF-16 units.
      const ok = await call('POST', MODEL, {
        body: { image_urls: Array(10).fill(SMALL_IMAGE), prompt: '🙂'.repeat(800), [SIZE_KEY]: '6198x2656(21:9)', scale: 0, force_single: false },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
    });

    it('checks data-URI images with the service’s own messages', async () => {
      const check = async (uri: string) => (await refused({ image_urls: [SMALL_IMAGE, uri], prompt: 'x' }))[0];
      let d = await check(pngDataUri(encodeSolidPng(400, 100, [1, 2, 3])));
      assert.deepEqual([d.loc, d.msg], [['body', 'image_urls', 1], 'The input image aspect ratio must be within [1/3, 3].']);
      d = await check(pngDataUri(encodeSolidPng(100, 301, [1, 2, 3])));
      assert.equal(d.msg, 'The input image aspect ratio must be within [1/3, 3].');
      d = await check(pngDataUri(encodeSolidPng(4100, 1400, [1, 2, 3], { level: 1 })));
      assert.equal(d.msg, 'Maximum resolution is 4096x4096.');
      d = await check(pngDataUri(paddedPng(SMALL_PNG, 15 * 1024 * 1024 + 1).toBuffer()));
      assert.equal(d.msg, 'Each image file must be ≤ 15 MB.');
      d = await check('data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
      assert.match(d.msg, /JPEG and PNG/);
      d = await check('data:image/png;base64,not*base64');
      assert.match(d.msg, /data URI/);
      d = await check('ftp://example.com/a.png');
      assert.match(d.msg, /http\(s\) URL or a data URI/);

      // The edges pass: exactly 3:1, 1:3, 4096 wide, and a JPEG.
      const jpg = jpeg.encode({ data: Buffer.alloc(30 * 10 * 4, 128), width: 30, height: 10 }, 80).data;
      const edges = [
        pngDataUri(encodeSolidPng(300, 100, [1, 2, 3])),
        pngDataUri(encodeSolidPng(100, 300, [1, 2, 3])),
        pngDataUri(encodeSolidPng(4096, 1366, [1, 2, 3], { level: 1 })),
        `data:image/jpeg;base64,${jpg.toString('base64')}`,
      ];
      const ok = await call('POST', MODEL, { body: { image_urls: edges, prompt: 'x' } });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
    });

    it('fetches loopback image URLs and checks them; other hosts are accepted unchecked', async () => {
      const images: Record<string, Buffer> = { '/ok.png': SMALL_PNG, '/wide.png': encodeSolidPng(400, 100, [1, 2, 3]) };
      const host = http.createServer((req, res) => {
        const body = images[req.url ?? ''];
        if (!body) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'image/png' }).end(body);
      });
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      const base = `http://localhost:${(host.address() as AddressInfo).port}`;
      try {
        assert.equal((await call('POST', MODEL, { body: { image_urls: [`${base}/ok.png`], prompt: 'x' } })).status, 200);
        let d = await refused({ image_urls: [`${base}/wide.png`], prompt: 'x' });
        assert.equal(d[0].msg, 'The input image aspect ratio must be within [1/3, 3].');
        d = await refused({ image_urls: [`${base}/missing.png`], prompt: 'x' });
        assert.match(d[0].msg, /HTTP 404/);
        const ok = await call('POST', MODEL, { body: { image_urls: ['https://example.invalid/a.jpg'], prompt: 'x' } });
        assert.equal(ok.status, 200);
      } finally {
        host.closeAllConnections();
        await new Promise((resolve) => host.close(resolve));
      }
    });
  });

  describe('faults', () => {
    it('answers 429 with Retry-After, then recovers', async () => {
      const id = await submit();
      emu.inject({ route: 'status', kind: 'http', status: 429, headers: { 'Retry-After': '2' } });
      const r = await call('GET', `/v1/requests/${id}/status`);
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '2');
      assert.equal((await call('GET', `/v1/requests/${id}/status`)).status, 200);
      assert.equal(emu.stats.statusPolls(id), 2);
    });

    it('repeats a fault `times` and can target one job', async () => {
      const a = await submit();
      const b = await submit();
      emu.inject({ route: 'result', kind: 'http', status: 502, times: 2, requestId: b });
      assert.equal((await result(a)).status, 200);
      assert.equal((await result(b)).status, 502);
      assert.equal((await result(b)).status, 502);
      assert.equal((await result(b)).status, 200);
    });

    it('drops the submit socket before or after creating the job', async () => {
      emu.inject({ route: 'submit', kind: 'reset' });
      await assert.rejects(call('POST', MODEL, { body: { image_urls: [SMALL_IMAGE], prompt: 'x' } }));
      assert.equal(emu.stats.submits, 1);
      assert.equal(emu.stats.jobsCreated, 0);
      emu.inject({ route: 'submit', kind: 'reset', after: 'accept' });
      await assert.rejects(call('POST', MODEL, { body: { image_urls: [SMALL_IMAGE], prompt: 'x' } }));
      assert.equal(emu.stats.submits, 2);
      assert.equal(emu.stats.jobsCreated, 1);
      assert.equal(emu.stats.submitsByBody({ prompt: 'x', image_urls: [SMALL_IMAGE] }), 2);
    });

    it('answers HTTP 200 with an error_code body', async () => {
      emu.inject({ route: 'submit', kind: 'errorCode200', errorCode: 400002, message: 'Insufficient balance' });
      const r = await call('POST', MODEL, { body: { image_urls: [SMALL_IMAGE], prompt: 'x' } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { error_code: 400002, error_message: 'Insufficient balance' });
      assert.equal(emu.stats.jobsCreated, 0);
    });

    it('reports an unknown status string, delays answers, and faults the next request on `any` route it fits', async () => {
      const id = await submit();
      emu.inject({ route: 'any', kind: 'unknownStatus', status: 'warming_up' });
      assert.equal((await call('GET', MODEL)).status, 200); // not a status/result route: untouched
      assert.equal((await status(id)).status, 'warming_up');
      assert.equal((await status(id)).status, 'in_queue');
      emu.inject({ route: 'model', kind: 'delay', ms: 60 });
      const t = Date.now();
      assert.equal((await call('GET', MODEL)).status, 200);
      assert.ok(Date.now() - t >= 50);
      assert.throws(() => emu.inject({ route: 'submit', kind: 'wrongContent' }), /download/);
    });

    it('truncates, slows and garbles downloads', async () => {
      const id = await submit();
      await clock.advance(8000);
      const url = `/files/${id}/0.png`;
      const full = await call('GET', url, { token: null });
      emu.inject({ route: 'download', kind: 'truncate', afterBytes: 1000 });
      await assert.rejects(call('GET', url, { token: null }));
      emu.inject({ route: 'download', kind: 'wrongContent', requestId: id });
      const wrong = await call('GET', url, { token: null });
      assert.equal(wrong.status, 200);
      assert.equal(wrong.headers['content-type'], 'image/png');
      assert.match(wrong.bytes.toString('utf8'), /<html/);
      emu.inject({ route: 'download', kind: 'slow', bytesPerSecond: full.bytes.length * 10 });
      const t = Date.now();
      const slow = await call('GET', url, { token: null });
      assert.ok(Date.now() - t >= 90, `slow download took ${Date.now() - t} ms`);
      assert.ok(slow.bytes.equals(full.bytes));
      assert.equal(emu.stats.downloads(id), 4);
    });

    it('takes faults, job behaviours and resets through the admin endpoints', async () => {
      const post = (path: string, body: unknown) => call('POST', path, { body, token: null });
      assert.equal((await post('/__emulator/faults', { route: 'status', kind: 'http', status: 503 })).status, 200);
      assert.equal((await post('/__emulator/faults', { route: 'status', kind: 'nonsense' })).status, 400);
      assert.equal((await post('/__emulator/next-job', { fail: 'admin', queueMs: 0, runMs: 0 })).status, 200);
      const id = await submit();
      assert.equal((await call('GET', `/v1/requests/${id}/status`)).status, 503);
      assert.equal((await result(id)).json.error, 'admin');
      const stats = (await call('GET', '/__emulator/stats', { token: null })).json;
      assert.equal(stats.submits, 1);
      assert.equal(stats.statusPolls[id], 1);
      assert.match(stats.submitBodies[0].image_urls[0], /…\(\d+ chars\)$/);
      assert.ok(stats.requests.every((r: { path: string }) => !r.path.startsWith('/__emulator')));
      assert.equal((await call('GET', `/__emulator/jobs/${id}`, { token: null })).json.state, 'failed');
      assert.equal((await post('/__emulator/reset', {})).status, 200);
      assert.equal(emu.stats.submits, 0);
      assert.equal(emu.job(id), undefined);
    });
  });

  describe('output files', () => {
    it('serves valid JPEGs, padded to size, with ranges', async () => {
      await start({ clock, outputFormat: 'jpeg', outputPadBytes: 300_000 });
      const id = await submit({ [SIZE_KEY]: '1024x1024(1:1)' });
      await clock.advance(8000);
      const url = (await result(id)).json.output.images[1] as string;
      assert.ok(url.endsWith('/1.jpg'));
      const f = await call('GET', url, { token: null });
      assert.equal(f.headers['content-type'], 'image/jpeg');
      assert.ok(f.bytes.length >= 300_000 && f.bytes.length < 300_000 + 65_537, String(f.bytes.length));
      assert.ok(isJpeg(f.bytes));
      const size = imageSize(f.bytes);
      assert.deepEqual([size.type, size.width, size.height], ['jpg', 1024, 1024]);
      const decoded = jpeg.decode(f.bytes, { useTArray: true });
      assert.deepEqual([decoded.width, decoded.height], [1024, 1024]);
      const again = await call('GET', url, { token: null });
      assert.ok(again.bytes.equals(f.bytes), 'same bytes every time');
      const part = await call('GET', url, { token: null, headers: { range: 'bytes=2-9' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes 2-9/${f.bytes.length}`);
      assert.ok(part.bytes.equals(f.bytes.subarray(2, 10)));
    });

    it('pads PNGs with a private chunk and keeps every CRC right', async () => {
      await start({ clock, outputPadBytes: 3 * 1024 * 1024 + 5 });
      const id = await submit({ force_single: true });
      await clock.advance(8000);
      const f = await call('GET', `/files/${id}/0.png`, { token: null });
      assert.equal(f.bytes.length, 3 * 1024 * 1024 + 5);
      assert.deepEqual(pngChunks(f.bytes), ['IHDR', 'tEXt', 'tEXt', 'PLTE', 'IDAT', 'paDd', 'IEND']);
      assert.deepEqual([imageSize(f.bytes).width, imageSize(f.bytes).height], [2048, 2048]);
      assert.equal(emu.stats.authHeadersOnDownloads, 0);
      await call('GET', `/files/${id}/0.png`, { token: 'leaked' });
      assert.equal(emu.stats.authHeadersOnDownloads, 1);
    });
  });

  describe('stats', () => {
    it('counts TCP connections, requests and identical bodies', async () => {
      const fresh = new Agent({ connections: 1 });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await call('GET', MODEL, { dispatcher: fresh })).status, 200);
        assert.equal(emu.stats.connections, 1);
        const other = new Agent();
        await call('GET', MODEL, { dispatcher: other });
        await other.destroy();
        assert.equal(emu.stats.connections, 2);
      } finally {
        await fresh.destroy();
      }
      await clock.advance(1234);
      await call('POST', MODEL, { body: { prompt: 'same', image_urls: [SMALL_IMAGE], scale: 0.5 } });
      await call('POST', MODEL, { body: { scale: 0.5, image_urls: [SMALL_IMAGE], prompt: 'same' } });
      await call('POST', MODEL, { body: { scale: 0.6, image_urls: [SMALL_IMAGE], prompt: 'same' } });
      assert.equal(emu.stats.submitsByBody({ image_urls: [SMALL_IMAGE], prompt: 'same', scale: 0.5 }), 2);
      assert.equal(emu.stats.submitBodies.length, 3);
      const last = emu.stats.requests[emu.stats.requests.length - 1];
      assert.deepEqual(
        { method: last.method, path: last.path, authorization: last.authorization, at: last.at },
        { method: 'POST', path: MODEL, authorization: true, at: START + 1234 },
      );
      emu.reset();
      assert.equal(emu.stats.submits, 0);
      assert.equal(emu.stats.requests.length, 0);
    });
  });
});

// Saving results against a real local HTTP server: allowed hosts, no token, size caps, no overwrite, no leftovers, at most once.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { AbortedError, DownloadError } from '../../src/api/errors';
import { systemClock } from '../../src/common/clock';
import type { Logger } from '../../src/common/logger';
import { isAllowedDownloadUrl, ResultSaver, type SaveJob, type SaverDeps, type SaveOutcome } from '../../src/jobs/resultSaver';
import { makeJpeg, makePng } from '../support/images';

const REQUEST_ID = '3f9c2a1b-7e6d-4c5b-9a8f-0e1d2c3b4a59';
const SHORT = '3f9c2a1b';

class Lines implements Logger {
  readonly lines: string[] = [];
  trace(m: string) {
    this.lines.push(m);
  }
  debug(m: string) {
    this.lines.push(m);
  }
  info(m: string) {
    this.lines.push(m);
  }
  warn(m: string) {
    this.lines.push(m);
  }
  error(m: string) {
    this.lines.push(m);
  }
}

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
}

describe('isAllowedDownloadUrl', () => {
  const defaults = ['*.runcomfy.net', '*.runcomfy.com'];

  it('allows https to the RunComfy hosts and their apex', () => {
    assert.ok(isAllowedDownloadUrl('https://playgrounds-storage-public.runcomfy.net/a/b.png', defaults));
    assert.ok(isAllowedDownloadUrl('https://runcomfy.net/x.png', defaults));
    assert.ok(isAllowedDownloadUrl('https://cdn.runcomfy.com/x.png', defaults));
    assert.ok(isAllowedDownloadUrl('https://CDN.RunComfy.NET./x.png', defaults));
  });

  it('refuses look-alike hosts, plain http, other schemes and credentials', () => {
    for (const url of [
      'https://runcomfy.net.evil.com/x.png',
      'https://evilruncomfy.net/x.png',
      'https://example.com/x.png',
      'http://playgrounds-storage-public.runcomfy.net/x.png',
      'ftp://runcomfy.net/x.png',
      'file:///etc/passwd',
      'https://user:pw@cdn.runcomfy.net/x.png',
      'not a url',
    ]) {
      assert.ok(!isAllowedDownloadUrl(url, defaults), url);
    }
  });

  it('treats exact names and ports exactly', () => {
    assert.ok(isAllowedDownloadUrl('https://runcomfy.net/x', ['runcomfy.net']));
    assert.ok(!isAllowedDownloadUrl('https://a.runcomfy.net/x', ['runcomfy.net']));
    assert.ok(isAllowedDownloadUrl('https://files.example.org:8443/x', ['files.example.org:8443']));
    assert.ok(!isAllowedDownloadUrl('https://files.example.org/x', ['files.example.org:8443']));
    assert.ok(isAllowedDownloadUrl('https://files.example.org/x', ['https://files.example.org/']));
  });

  it('allows loopback only when a pattern names it explicitly', () => {
    assert.ok(!isAllowedDownloadUrl('http://127.0.0.1:8080/x.png', defaults));
    assert.ok(!isAllowedDownloadUrl('http://localhost:8080/x.png', defaults));
    assert.ok(isAllowedDownloadUrl('http://127.0.0.1:8080/x.png', ['127.0.0.1']));
    assert.ok(isAllowedDownloadUrl('http://127.0.0.1:8080/x.png', ['127.0.0.1:8080']));
    assert.ok(!isAllowedDownloadUrl('http://127.0.0.1:9090/x.png', ['127.0.0.1:8080']));
    assert.ok(!isAllowedDownloadUrl('http://localhost:8080/x.png', ['127.0.0.1:8080']));
    assert.ok(isAllowedDownloadUrl('http://localhost:8080/x.png', ['localhost']));
    assert.ok(isAllowedDownloadUrl('http://[::1]:8080/x.png', ['[::1]:8080']));
    assert.ok(isAllowedDownloadUrl('http://[::1]:8080/x.png', ['::1']));
    assert.ok(!isAllowedDownloadUrl('http://127.0.0.1/x.png', ['*.0.0.1', '*']));
    assert.ok(!isAllowedDownloadUrl('http://10.0.0.5/x.png', ['10.0.0.5']), 'plain http stays loopback-only');
  });
});

describe('ResultSaver', function () {
  this.timeout(10_000);

  const pngA = makePng(32, 24, { shade: 10 });
  const pngC = makePng(16, 16, { shade: 200 });
  const jpegB = makeJpeg(20, 20);
  const bigChunk = Buffer.alloc(8 * 1024, 1);

  const agent = new Agent();
  let server: http.Server;
  let other: http.Server;
  let base = '';
  let otherBase = '';
  let port = 0;
  let hits: Hit[] = [];
  let otherHits = 0;
  let counters = new Map<string, number>();
  let onSlow: (() => void) | undefined;
  let out = '';
  let root = '';
  let log: Lines;

  function count(key: string): number {
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  }

  function sendImage(res: http.ServerResponse, bytes: Buffer, type = 'image/png') {
    res.writeHead(200, { 'content-type': type, 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-saver-'));
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      hits.push({ path: url.pathname, headers: req.headers });
      switch (url.pathname) {
        case '/a.png':
          return sendImage(res, pngA);
        case '/c.png':
          return sendImage(res, pngC);
        case '/b.jpg':
          return sendImage(res, jpegB, 'image/jpeg');
        case '/png-named.jpg':
          return sendImage(res, pngA, 'image/jpeg');
        case '/html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<!doctype html><html><body>Please sign in</body></html>');
        case '/gone':
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end('{"error":"not found"}');
        case '/truncated':
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(pngA.length) });
          res.write(pngA.subarray(0, 40));
          setTimeout(() => res.socket?.destroy(), 5);
          return;
        case '/truncated-chunked':
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(pngA.subarray(0, pngA.length - 20));
        case '/big': {
          res.writeHead(200, { 'content-type': 'image/png' });
          res.write(pngA.subarray(0, 16));
          for (let i = 0; i < 8; i++) res.write(bigChunk);
          return res.end();
        }
        case '/big-declared':
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(1024 * 1024) });
          return res.end(Buffer.alloc(1024 * 1024));
        case '/flaky':
          if (count('flaky') === 1) {
            res.writeHead(500);
            return res.end('boom');
          }
          return sendImage(res, pngC);
        case '/ratelimited':
          if (count('ratelimited') === 1) {
            res.writeHead(429, { 'retry-after': '1' });
            return res.end();
          }
          return sendImage(res, pngA);
        case '/always-500':
          res.writeHead(503);
          return res.end();
        case '/slow':
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(pngA.length) });
          res.write(pngA.subarray(0, 30));
          onSlow?.();
          return;
        case '/redirect-same':
          res.writeHead(302, { location: '/a.png' });
          return res.end();
        case '/redirect-away':
          res.writeHead(302, { location: `${otherBase}/a.png` });
          return res.end();
        default:
          res.writeHead(404);
          return res.end();
      }
    });
    other = http.createServer((_req, res) => {
      otherHits++;
      sendImage(res, pngA);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    other.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => other.close(resolve));
    await agent.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    hits = [];
    otherHits = 0;
    counters = new Map();
    onSlow = undefined;
    log = new Lines();
    out = await fs.mkdtemp(path.join(root, 'out-'));
  });

  function saver(overrides: Partial<SaverDeps> = {}): ResultSaver {
    return new ResultSaver({
      dispatcher: agent,
      clock: systemClock,
      logger: log,
      allowedHosts: () => [`127.0.0.1:${port}`],
      retry: { retries: 2, baseMs: 1, maxMs: 5 },
      ...overrides,
    });
  }

  function job(urls: string[], extra: Partial<SaveJob> = {}): SaveJob {
    return {
      requestId: REQUEST_ID,
      outputDir: out,
      baseName: 'cat',
      urls,
      sidecar: {
        requestId: REQUEST_ID,
        model: 'bytedance/dreamina-4-0/edit',
        prompt: 'make it blue',
        size: '2048x2048(1:1)',
        scale: 0.5,
        apiRequest: { scale: 0.5, 'width×height': '2048x2048(1:1)' },
        inputs: ['cat.png (sha256:0123456789ab, 1234 bytes)'],
        submittedAt: '2025-01-01T00:00:00.000Z',
        finishedAt: '2025-01-01T00:00:30.000Z',
        cost: 0.03,
      },
      ...extra,
    };
  }

  async function listing(): Promise<string[]> {
    return (await fs.readdir(out)).sort();
  }

  async function hidden(): Promise<string[]> {
    return (await listing()).filter((n) => n.startsWith('.'));
  }

  function only(outcome: SaveOutcome) {
    assert.equal(outcome.failed.length, 0, outcome.failed.map((f) => f.error.message).join('; '));
    assert.equal(outcome.saved.length, 1);
    return outcome.saved[0];
  }

  function failure(outcome: SaveOutcome, index = 0): DownloadError {
    const error = outcome.failed[index]?.error;
    assert.ok(error instanceof DownloadError, `expected a DownloadError, got ${String(error)}`);
    return error;
  }

  it('writes the prompt into the PNG and the JPEG it saves when asked, and reports the bytes on disk', async () => {
    const embedding = saver({ embedPrompt: () => true });
    const png = only(await embedding.save(job([`${base}/a.png`])));
    const pngBytes = await fs.readFile(png.path);
    assert.equal(png.bytes, pngBytes.length);
    assert.ok(pngBytes.length > pngA.length);
    assert.ok(pngBytes.includes(Buffer.from('parameters\0make it blue\nModel: bytedance/dreamina-4-0/edit', 'latin1')));
    assert.ok(pngBytes.subarray(pngBytes.length - 12).equals(pngA.subarray(pngA.length - 12)), 'the file still ends with IEND');
    const jpg = only(await embedding.save(job([`${base}/b.jpg`], { requestId: 'aa11bb22-0000-4000-8000-000000000000' })));
    const jpgBytes = await fs.readFile(jpg.path);
    assert.equal(jpg.bytes, jpgBytes.length);
    assert.ok(jpgBytes.includes(Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1')));
    assert.ok(jpgBytes.includes(Buffer.from('<rdf:li xml:lang="x-default">make it blue</rdf:li>')));
    assert.deepEqual(await hidden(), [], 'no temp file left behind');
  });

  it('saves the served bytes and a sidecar, without an Authorization header', async () => {
    const url = `${base}/a.png`;
    const file = only(await saver().save(job([url])));
    assert.equal(file.path, path.join(out, `cat-${SHORT}.png`));
    assert.equal(file.sidecarPath, path.join(out, `cat-${SHORT}.json`));
    assert.equal(file.format, 'png');
    assert.equal(file.bytes, pngA.length);
    assert.deepEqual(await fs.readFile(file.path), pngA);
    assert.deepEqual(await listing(), [`cat-${SHORT}.json`, `cat-${SHORT}.png`]);

    const sidecar = JSON.parse(await fs.readFile(file.sidecarPath, 'utf8'));
    assert.equal(sidecar.requestId, REQUEST_ID);
    assert.equal(sidecar.model, 'bytedance/dreamina-4-0/edit');
    assert.equal(sidecar.prompt, 'make it blue');
    assert.equal(sidecar.size, '2048x2048(1:1)');
    assert.equal(sidecar.scale, 0.5);
    assert.ok(!Object.keys(sidecar).some((k) => k.includes('\u00d7')), 'no U+00D7 key at the top level');
    assert.deepEqual(sidecar.apiRequest, { scale: 0.5, 'width×height': '2048x2048(1:1)' }, 'the API body as sent, under its own key');
    assert.deepEqual(sidecar.inputs, ['cat.png (sha256:0123456789ab, 1234 bytes)']);
    assert.equal(sidecar.cost, 0.03);
    assert.equal(sidecar.submittedAt, '2025-01-01T00:00:00.000Z');
    assert.deepEqual(sidecar.output, { url, index: 0, count: 1 });
    assert.equal(sidecar.file, `cat-${SHORT}.png`);
    assert.ok(!Number.isNaN(Date.parse(sidecar.savedAt)));

    assert.equal(hits.length, 1);
    assert.equal(hits[0].headers.authorization, undefined);
    assert.ok(log.lines.some((l) => l.includes(`downloaded 127.0.0.1:${port}: ${pngA.length} bytes in`)), log.lines.join('\n'));
  });

  it('numbers several outputs and names each by its real format', async () => {
    const outcome = await saver().save(job([`${base}/a.png`, `${base}/b.jpg`, `${base}/png-named.jpg`]));
    assert.equal(outcome.failed.length, 0);
    assert.deepEqual(
      outcome.saved.map((s) => path.basename(s.path)),
      [`cat-${SHORT}-1.png`, `cat-${SHORT}-2.jpg`, `cat-${SHORT}-3.png`],
    );
    assert.deepEqual(await fs.readFile(outcome.saved[1].path), jpegB);
    assert.equal(outcome.saved[1].format, 'jpeg');
    const third = JSON.parse(await fs.readFile(outcome.saved[2].sidecarPath, 'utf8'));
    assert.deepEqual(third.output, { url: `${base}/png-named.jpg`, index: 2, count: 3 });
  });

  it('never overwrites: an existing image or sidecar name moves the result to the next suffix', async () => {
    const taken = path.join(out, `cat-${SHORT}.png`);
    await fs.writeFile(taken, 'keep me');
    await fs.writeFile(path.join(out, `cat-${SHORT}-2.json`), '{"mine":true}');
    const file = only(await saver().save(job([`${base}/a.png`])));
    assert.equal(file.path, path.join(out, `cat-${SHORT}-3.png`));
    assert.equal(await fs.readFile(taken, 'utf8'), 'keep me');
    assert.equal(await fs.readFile(path.join(out, `cat-${SHORT}-2.json`), 'utf8'), '{"mine":true}');
    assert.deepEqual(await fs.readFile(file.path), pngA);
    assert.deepEqual(await hidden(), []);
  });

  it('keeps a path-traversal stem inside the output folder', async () => {
    const file = only(await saver().save(job([`${base}/a.png`], { baseName: '../../etc/x' })));
    assert.equal(path.dirname(file.path), out);
    assert.equal(path.basename(file.path), `etc-x-${SHORT}.png`);
    assert.deepEqual(await fs.readdir(root).then((names) => names.filter((n) => !n.startsWith('out-'))), []);
  });

  it('refuses a host that is not allowed without sending it any request', async () => {
    const outcome = await saver({ allowedHosts: () => [] }).save(job([`${base}/a.png`]));
    const error = failure(outcome);
    assert.equal(error.retryable, false);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} is not an allowed download host.*runcomfy\\.allowedDownloadHosts`));
    assert.equal(hits.length, 0);
    assert.deepEqual(await listing(), []);

    const elsewhere = await saver().save(job([`${otherBase}/a.png`]));
    assert.equal(failure(elsewhere).retryable, false);
    assert.equal(otherHits, 0);
  });

  it('allows loopback when a pattern names it without a port', async () => {
    only(await saver({ allowedHosts: () => ['*.runcomfy.net', '127.0.0.1'] }).save(job([`${base}/a.png`])));
  });

  it('follows a redirect on an allowed host but never one that leaves the allowed hosts', async () => {
    const followed = only(await saver().save(job([`${base}/redirect-same`])));
    assert.deepEqual(await fs.readFile(followed.path), pngA);

    const away = await saver().save(job([`${base}/redirect-away`], { requestId: 'other-request' }));
    const error = failure(away);
    assert.equal(error.retryable, false);
    assert.match(error.message, /not an allowed download host/);
    assert.equal(otherHits, 0);
  });

  it('refuses an HTML page and still saves the other outputs', async () => {
    const outcome = await saver().save(job([`${base}/html`, `${base}/c.png`]));
    const error = failure(outcome);
    assert.equal(outcome.failed[0].url, `${base}/html`);
    assert.equal(error.retryable, false);
    assert.match(error.message, /web page or text instead of an image/);
    assert.equal(outcome.saved.length, 1);
    assert.equal(path.basename(outcome.saved[0].path), `cat-${SHORT}-2.png`);
    assert.deepEqual(await fs.readFile(outcome.saved[0].path), pngC);
    assert.deepEqual(await hidden(), []);
  });

  it('treats a body shorter than its Content-Length as a retryable failure and leaves nothing behind', async () => {
    const outcome = await saver().save(job([`${base}/truncated`]));
    const error = failure(outcome);
    assert.equal(error.retryable, true);
    assert.equal(hits.length, 3, 'first try and two retries');
    assert.deepEqual(await listing(), []);
  });

  it('spots a PNG cut short without a Content-Length', async () => {
    const outcome = await saver().save(job([`${base}/truncated-chunked`]));
    const error = failure(outcome);
    assert.equal(error.retryable, true);
    assert.match(error.message, /cut short/);
    assert.deepEqual(await listing(), []);
  });

  it('stops a download over the size cap, streamed or declared, and leaves nothing behind', async () => {
    const streamed = await saver({ maxBytes: 16 * 1024 }).save(job([`${base}/big`]));
    assert.equal(failure(streamed).retryable, false);
    assert.match(failure(streamed).message, /larger than the 16 KB limit/);
    const declared = await saver({ maxBytes: 16 * 1024 }).save(job([`${base}/big-declared`]));
    assert.match(failure(declared).message, /is 1\.0 MB, over the/);
    assert.deepEqual(await listing(), []);
  });

  it('retries a 500 and a 429 with Retry-After, then saves', async () => {
    const outcome = await saver().save(job([`${base}/flaky`, `${base}/ratelimited`]));
    assert.equal(outcome.failed.length, 0);
    assert.deepEqual(await fs.readFile(outcome.saved[0].path), pngC);
    assert.deepEqual(await fs.readFile(outcome.saved[1].path), pngA);
    assert.equal(hits.filter((h) => h.path === '/flaky').length, 2);
    assert.equal(hits.filter((h) => h.path === '/ratelimited').length, 2);
    assert.ok(log.lines.some((l) => l.includes('retrying download 1/2')));
  });

  it('gives up on a persistent 5xx with a retryable error, and on a 404 at once', async () => {
    const outcome = await saver().save(job([`${base}/always-500`, `${base}/gone`]));
    assert.equal(failure(outcome, 0).retryable, true);
    assert.match(failure(outcome, 0).message, /HTTP 503/);
    assert.equal(failure(outcome, 1).retryable, false);
    assert.equal(hits.filter((h) => h.path === '/gone').length, 1);
  });

  it('cleans up the temp file and the lock when aborted mid-download', async () => {
    const controller = new AbortController();
    let during: string[] = [];
    onSlow = () =>
      setTimeout(() => {
        void hidden().then((names) => {
          during = names;
          controller.abort();
        });
      }, 20);
    await assert.rejects(saver().save(job([`${base}/slow`]), controller.signal), AbortedError);
    assert.ok(during.some((n) => /^\.cat-3f9c2a1b\.[0-9a-f]+\.part$/.test(n)), `temp file while downloading: ${during.join(', ')}`);
    assert.ok(during.includes(`.runcomfy-${REQUEST_ID}.lock`));
    assert.deepEqual(await listing(), []);
  });

  it('saves once when the same job is saved twice, by the same or another saver', async () => {
    const first = only(await saver().save(job([`${base}/a.png`])));
    const again = only(await saver().save(job([`${base}/a.png`])));
    const elsewhere = only(await saver().save(job([`${base}/a.png`])));
    assert.equal(again.path, first.path);
    assert.equal(elsewhere.path, first.path);
    assert.equal(again.sidecarPath, first.sidecarPath);
    assert.equal(hits.length, 1);
    assert.deepEqual(await listing(), [`cat-${SHORT}.json`, `cat-${SHORT}.png`]);
  });

  it('recognises an output saved earlier under a differently signed URL', async () => {
    const first = only(await saver().save(job([`${base}/a.png?sig=one`])));
    const again = only(await saver().save(job([`${base}/a.png?sig=two`])));
    assert.equal(again.path, first.path);
    assert.equal(again.url, `${base}/a.png?sig=two`);
    assert.equal(hits.length, 1);
  });

  it('saves once when two savers race on the same folder', async () => {
    const one = saver({ lockPollMs: 10 });
    const two = saver({ lockPollMs: 10 });
    const urls = [`${base}/a.png`, `${base}/c.png`];
    const [a, b] = await Promise.all([one.save(job(urls)), two.save(job(urls))]);
    assert.deepEqual(
      a.saved.map((s) => s.path),
      b.saved.map((s) => s.path),
    );
    assert.equal(a.saved.length, 2);
    assert.equal(hits.length, 2);
    assert.ok(log.lines.some((l) => l.includes('another window is saving')), 'the second saver waited for the first');
    assert.deepEqual(await listing(), [`cat-${SHORT}-1.json`, `cat-${SHORT}-1.png`, `cat-${SHORT}-2.json`, `cat-${SHORT}-2.png`]);
  });

  it('skips outputs the caller already saved', async () => {
    const first = only(await saver().save(job([`${base}/a.png`])));
    hits = [];
    const outcome = await saver().save(job([`${base}/a.png`], { alreadySaved: { [`${base}/a.png`]: first.path }, baseName: 'other' }));
    assert.equal(only(outcome).path, first.path);
    assert.equal(hits.length, 0);
  });

  it('waits for a live lock, then reports a retryable failure without downloading', async () => {
    const lock = path.join(out, `.runcomfy-${REQUEST_ID}.lock`);
    await fs.writeFile(lock, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'theirs' }));
    const outcome = await saver({ lockWaitMs: 100, lockPollMs: 10 }).save(job([`${base}/a.png`]));
    const error = failure(outcome);
    assert.equal(error.retryable, true);
    assert.match(error.message, /another window/);
    assert.equal(hits.length, 0);
    assert.equal(JSON.parse(await fs.readFile(lock, 'utf8')).token, 'theirs', 'a lock that is not ours is left alone');
  });

  it('takes over a stale lock or one whose process has ended', async () => {
    const lock = path.join(out, `.runcomfy-${REQUEST_ID}.lock`);
    await fs.writeFile(lock, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'old' }));
    const threeMinutesAgo = new Date(Date.now() - 3 * 60_000);
    await fs.utimes(lock, threeMinutesAgo, threeMinutesAgo);
    only(await saver({ lockWaitMs: 100, lockPollMs: 10 }).save(job([`${base}/a.png`])));

    await fs.writeFile(lock, JSON.stringify({ pid: 2 ** 30, hostname: os.hostname(), token: 'dead' }));
    only(await saver({ lockWaitMs: 100, lockPollMs: 10 }).save(job([`${base}/c.png`], { requestId: REQUEST_ID })));
    assert.deepEqual(await hidden(), []);
  });

  it('never writes a data URI into a sidecar or a query token into the log', async () => {
    const dataUri = `data:image/png;base64,${pngC.toString('base64')}`;
    const url = `${base}/a.png?token=sekret123`;
    const file = only(
      await saver().save(
        job([url], {
          sidecar: { ...job([]).sidecar, inputs: [dataUri], apiRequest: { image_urls: [dataUri] } },
        }),
      ),
    );
    const text = await fs.readFile(file.sidecarPath, 'utf8');
    assert.ok(!text.includes('base64,'));
    assert.match(JSON.parse(text).inputs[0], /^data:image\/png;base64 \(\d+ bytes, sha256:[0-9a-f]{12}…\)$/);
    assert.ok(!log.lines.join('\n').includes('sekret123'));
  });
});

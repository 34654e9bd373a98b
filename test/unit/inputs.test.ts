// Input preparation: every local rule is enforced on real image files before anything could be sent; the header checks behind the panel's badges.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AbortedError, InputError } from '../../src/api/errors';
import { DEFAULT_FIT } from '../../src/imaging/fitTypes';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { INPUT_LIMITS, InputProblemsError, inspect } from '../../src/jobs/inputChecks';
import { prepareInputs } from '../../src/jobs/inputs';
import { checkUrl, shortenDataUri } from '../../src/jobs/inputUrls';
import { makeJpeg, makePng } from '../support/images';

describe('inputs', function () {
  // The image worker starts only if a test's image needs pixel work; its first start loads WebAssembly.
  this.timeout(60_000);
  let dir: string;
  let transformer: WorkerTransformer;
  const prepare = (refs: Parameters<typeof prepareInputs>[0], signal?: AbortSignal) => prepareInputs(refs, { settings: DEFAULT_FIT, transformer }, signal);

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-inputs-'));
    transformer = new WorkerTransformer({ script: path.resolve(__dirname, '../../..', 'dist', 'imageWorker.js'), idleMs: 5_000 });
  });

  after(async () => {
    transformer.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, bytes: Uint8Array): Promise<string> {
    const file = path.join(dir, name);
    await fs.writeFile(file, bytes);
    return file;
  }

  async function rejection(promise: Promise<unknown>): Promise<InputProblemsError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
      assert.ok(error instanceof InputProblemsError);
      return error;
    }
    assert.fail('expected prepareInputs to reject');
  }

  describe('inspect', () => {
    it('recognises PNG and JPEG by magic bytes and reads their dimensions', () => {
      const png = inspect('a.png', makePng(40, 30));
      assert.deepEqual(png.problems, []);
      assert.equal(png.facts.format, 'png');
      assert.equal(png.facts.width, 40);
      assert.equal(png.facts.height, 30);

      const jpeg = inspect('b.jpg', makeJpeg(24, 16));
      assert.deepEqual(jpeg.problems, []);
      assert.equal(jpeg.facts.format, 'jpeg');
      assert.equal(jpeg.facts.width, 24);
      assert.equal(jpeg.facts.height, 16);
    });

    it('refuses text, GIF and empty files by content', () => {
      const text = inspect('notes.png', Buffer.from('hello, this is not an image'));
      assert.equal(text.facts.format, 'other');
      assert.deepEqual(
        text.problems.map((p) => p.rule),
        ['type'],
      );
      assert.match(text.problems[0].message, /^notes\.png is not a PNG or JPEG image/);

      const gif = inspect('anim.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
      assert.match(gif.problems[0].message, /anim\.gif is a GIF image; only PNG and JPEG/);

      assert.equal(inspect('empty.png', new Uint8Array()).problems[0].rule, 'type');
    });

    it('reports a damaged PNG as unreadable', () => {
      const broken = makePng(10, 10).subarray(0, 14);
      const r = inspect('broken.png', broken);
      assert.deepEqual(
        r.problems.map((p) => p.rule),
        ['unreadable'],
      );
    });

    it('enforces 4096 px per side', () => {
      assert.deepEqual(inspect('ok.png', makePng(4096, 1366)).problems, []);
      const r = inspect('wide.png', makePng(4097, 2000));
      assert.deepEqual(
        r.problems.map((p) => p.rule),
        ['resolution'],
      );
      assert.equal(r.problems[0].message, 'wide.png is 4097×2000 pixels; the maximum resolution is 4096×4096.');
    });

    it('accepts exactly 1/3 and 3, and 0.33 as the service writes it, and nothing beyond', () => {
      const ok = (w: number, h: number) => inspect('x.png', makePng(w, h)).problems.length === 0;
      assert.ok(ok(100, 300), '1/3 exactly');
      assert.ok(ok(300, 100), '3 exactly');
      assert.ok(ok(1365, 4095), '1/3 at full size');
      assert.ok(ok(33, 100), '0.33');
      assert.ok(!ok(32, 100), '0.32');
      assert.ok(!ok(301, 100), '3.01');
      const r = inspect('tall.png', makePng(10, 100));
      assert.equal(r.problems[0].rule, 'aspectRatio');
      assert.match(r.problems[0].message, /^tall\.png has an aspect ratio of 1:10 \(10×100\); .*\[1\/3, 3\]\.$/);
    });

    it('says how big a file is when it exceeds 15 MB', () => {
      const big = makePng(10, 10, { padBytes: 17 * 1024 * 1024 });
      const r = inspect('photo.png', big);
      assert.deepEqual(
        r.problems.map((p) => p.rule),
        ['fileSize'],
      );
      assert.equal(r.problems[0].message, 'photo.png is 17.0 MB; each image must be at most 15 MB.');
      const barely = inspect('edge.png', makePng(10, 10, { padBytes: INPUT_LIMITS.maxFileBytes - makePng(10, 10).length + 1 - 12 }));
      assert.equal(barely.facts.bytes, INPUT_LIMITS.maxFileBytes + 1);
      assert.match(barely.problems[0].message, /^edge\.png is 15\.0 MB \(15,728,641 bytes\); each image must be at most 15 MB\.$/);
    });
  });

  describe('checkUrl', () => {
    it('accepts https anywhere and http only on loopback', () => {
      for (const url of [
        'https://example.com/a.png',
        'https://cdn.example.com/a.jpg?X-Amz-Signature=abc',
        'http://127.0.0.1:8080/a.png',
        'http://127.1.2.3/a.png',
        'http://localhost:3000/a.png',
        'http://[::1]:8080/a.png',
      ]) {
        assert.deepEqual(checkUrl(url), [], url);
      }
    });

    it('refuses everything else with a sentence naming the URL', () => {
      const cases: Array<[string, RegExp]> = [
        ['http://example.com/a.png', /^http:\/\/example\.com\/a\.png uses plain http; /],
        ['file:///etc/passwd', /^file:\/\/\/etc\/passwd is a file: URL; .*Add local images as files/],
        ['ftp://example.com/a.png', /is a ftp: URL/],
        ['data:image/png;base64,iVBORw0KGgo=', /^data:image\/png;base64 \(8 bytes, sha256:[0-9a-f]{12}…\) is a data: URL/],
        ['not a url', /^"not a url" is not a valid URL; /],
        ['https://user:secret@example.com/a.png', /contains a user name or password/],
      ];
      for (const [url, pattern] of cases) {
        const problems = checkUrl(url);
        assert.equal(problems.length, 1, url);
        assert.equal(problems[0].rule, 'url');
        assert.match(problems[0].message, pattern);
        assert.ok(!problems[0].message.includes('secret'), 'credentials are not repeated');
      }
    });

    it('does not repeat a signed query string in the sentence', () => {
      const [problem] = checkUrl('http://example.com/a.png?sig=topsecret');
      assert.ok(!problem.message.includes('topsecret'));
    });
  });

  describe('shortenDataUri', () => {
    it('replaces data URIs, alone or inside text, with size and digest', () => {
      const bytes = makePng(2, 2);
      const uri = `data:image/png;base64,${bytes.toString('base64')}`;
      const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
      assert.equal(shortenDataUri(uri), `data:image/png;base64 (${bytes.length} bytes, sha256:${digest}…)`);
      assert.equal(
        shortenDataUri(`body: ["${uri}", "https://x/y.png"]`),
        `body: ["data:image/png;base64 (${bytes.length} bytes, sha256:${digest}…)", "https://x/y.png"]`,
      );
      assert.equal(shortenDataUri('https://example.com/a.png'), 'https://example.com/a.png');
    });
  });

  describe('prepareInputs', () => {
    it('sends clean PNG and JPEG files byte-for-byte as data URIs (type by content) and keeps URLs as they are', async () => {
      const png = makePng(64, 48);
      const jpeg = makeJpeg(32, 32);
      const pngPath = await write('photo.png', png);
      const jpegPath = await write('disguised.png', jpeg);
      const url = 'https://example.com/ref.jpg?token=abc';
      const prepared = await prepare([
        { kind: 'file', path: pngPath },
        { kind: 'url', url },
        { kind: 'file', path: jpegPath },
      ]);
      assert.equal(prepared.length, 3);

      assert.equal(prepared[0].label, 'photo.png');
      assert.equal(prepared[0].value, `data:image/png;base64,${png.toString('base64')}`);
      const digest = createHash('sha256').update(png).digest('hex').slice(0, 12);
      assert.equal(prepared[0].summary, `photo.png (sha256:${digest}, ${png.length} bytes)`);
      assert.deepEqual(prepared[0].facts, { format: 'png', bytes: png.length, width: 64, height: 48 });

      assert.deepEqual(prepared[1], { ref: { kind: 'url', url }, value: url, label: url, summary: url });

      assert.ok(prepared[2].value.startsWith('data:image/jpeg;base64,'));
      assert.deepEqual(Buffer.from(prepared[2].value.split(',')[1], 'base64'), jpeg);
      assert.equal(prepared[2].facts?.format, 'jpeg');
      for (const p of prepared) assert.ok(!p.summary.includes('base64,'));
    });

    it('refuses no images and more than 10', async () => {
      const none = await rejection(prepare([]));
      assert.equal(none.rule, 'count');
      const file = await write('one.png', makePng(8, 8));
      const eleven = await rejection(prepare(Array.from({ length: 11 }, () => ({ kind: 'file' as const, path: file }))));
      assert.equal(eleven.rule, 'count');
      assert.match(eleven.message, /^11 images were given; at most 10/);
    });

    it('lists every problem in one InputError whose subject is the first offending file', async () => {
      const good = await write('good.png', makePng(20, 20));
      const tall = await write('tall.png', makePng(10, 100));
      const text = await write('readme.jpg', Buffer.from('just text'));
      const missing = path.join(dir, 'gone.png');
      const error = await rejection(
        prepare([
          { kind: 'file', path: good },
          { kind: 'file', path: tall },
          { kind: 'url', url: 'ftp://example.com/x.png' },
          { kind: 'file', path: text },
          { kind: 'file', path: missing },
        ]),
      );
      assert.deepEqual(
        error.problems.map((p) => [p.subject, p.rule]),
        [
          ['tall.png', 'aspectRatio'],
          ['ftp://example.com/x.png', 'url'],
          ['readme.jpg', 'type'],
          ['gone.png', 'missing'],
        ],
      );
      assert.equal(error.subject, 'tall.png');
      assert.equal(error.rule, 'aspectRatio');
      for (const p of error.problems) assert.ok(error.userMessage.includes(p.message));
      assert.match(error.userMessage, /gone\.png was not found at .*gone\.png/);
    });

    it('refuses a file too large to be a photo by its size alone, without reading it', async () => {
      const huge = await write('huge.png', makePng(4097, 2000));
      // Sparse: 300 MB long on disk without taking the space or the time to write it.
      await fs.truncate(huge, 300 * 1024 * 1024);
      const error = await rejection(prepare([{ kind: 'file', path: huge }]));
      assert.deepEqual(
        error.problems.map((p) => p.rule),
        ['fileSize'],
      );
      assert.match(error.message, /^huge\.png is 300\.0 MB; files over 256\.0 MB are not read\.$/);
    });

    it('refuses a folder given as a file', async () => {
      const error = await rejection(prepare([{ kind: 'file', path: dir }]));
      assert.equal(error.rule, 'type');
    });

    it('stops at once when aborted', async () => {
      const file = await write('a.png', makePng(8, 8));
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(prepare([{ kind: 'file', path: file }], controller.signal), AbortedError);
    });
  });
});

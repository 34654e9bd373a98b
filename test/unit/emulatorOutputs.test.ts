// The emulator's outputs and service modes: requested sizes, realistic weight, `output.image` alone, refused inline data and plain http.
import * as assert from 'node:assert/strict';
import { imageSize } from 'image-size';
import { IMAGE_MESSAGES } from '../emulator/imageChecks';
import { SIZE_KEY } from '../emulator/modelSchema';
import { encodePng } from '../emulator/png';
import { DATA_URI_REFUSED } from '../emulator/routes/submitRoute';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server';
import { rawRequest, type RawAnswer } from '../support/rawHttp';
import { ManualClock } from '../support/manualClock';

const MODEL = '/v1/models/bytedance/dreamina-4-0/edit';
const PNG = encodePng(32, 32, () => [30, 160, 90]);
const IMAGE = `data:image/png;base64,${PNG.toString('base64')}`;

function json(answer: RawAnswer): any {
  return JSON.parse(answer.bytes.toString('utf8'));
}

describe('emulator outputs and modes', function () {
  this.timeout(20000);
  let clock: ManualClock;
  let emu: Emulator;

  async function start(options: EmulatorOptions = {}): Promise<void> {
    await emu?.close();
    emu = await startEmulator({ clock, ...options });
  }
  const headers = { authorization: 'Bearer tok', 'content-type': 'application/json' };
  const submit = (body: Record<string, unknown> = {}) =>
    rawRequest(`${emu.baseUrl}${MODEL}`, { method: 'POST', headers, body: JSON.stringify({ image_urls: [IMAGE], prompt: 'p', ...body }) });
  const get = (path: string, extra: Record<string, string> = {}, method = 'GET') =>
    rawRequest(path.startsWith('http') ? path : `${emu.baseUrl}${path}`, { method, headers: { authorization: 'Bearer tok', ...extra } });
  /** Submits, lets the job finish, and returns its result's `output`. */
  async function finished(body: Record<string, unknown> = {}): Promise<{ id: string; output: { image?: string; images?: string[] } }> {
    const a = await submit(body);
    assert.equal(a.status, 200, a.bytes.toString());
    const id = json(a).request_id as string;
    await clock.advance(8000);
    return { id, output: json(await get(`/v1/requests/${id}/result`)).output };
  }
  const dimensions = (bytes: Buffer) => [imageSize(bytes).width, imageSize(bytes).height];

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2025, 0, 1));
    emu = await startEmulator({ clock });
  });
  afterEach(() => emu.close());

  it('makes outputs at the requested size, labelled as emulator output', async () => {
    const { output } = await finished({ [SIZE_KEY]: '2560x1440(16:9)' });
    for (const url of output.images!) {
      const file = await get(url);
      assert.deepEqual(dimensions(file.bytes), [2560, 1440]);
      assert.match(file.bytes.toString('latin1'), /RunComfy API emulator output \(not a real edit\)/);
    }
  });

  it('scales outputs down when told to, and says so in the file', async () => {
    await start({ outputScale: 0.125 });
    const { output } = await finished({ force_single: true });
    const file = await get(output.image!);
    assert.deepEqual(dimensions(file.bytes), [256, 256]);
    assert.match(file.bytes.toString('latin1'), /256x256, scaled down from the requested 2048x2048/);
  });

  it('gives outputs a realistic weight: megabytes, still valid images', async () => {
    await start({ outputWeight: 'realistic' });
    const { output } = await finished({ [SIZE_KEY]: '1024x1024(1:1)', force_single: true });
    const file = await get(output.image!);
    assert.ok(file.bytes.length >= 1.6 * 1024 * 1024, `${file.bytes.length} bytes`);
    assert.equal(Number(file.headers['content-length']), file.bytes.length);
    assert.deepEqual(dimensions(file.bytes), [1024, 1024]);
    assert.ok(file.bytes.subarray(-8, -4).equals(Buffer.from('IEND')));
  });

  it('serves an output bigger than any download cap without holding it in memory', async () => {
    const huge = 300 * 1024 * 1024;
    emu.nextJob({ padBytes: huge, outputs: 1 });
    const { id, output } = await finished();
    const head = await get(output.image!, {}, 'HEAD');
    assert.equal(Number(head.headers['content-length']), huge);
    const tail = await get(`/files/${id}/0.png`, { range: 'bytes=-12' });
    assert.equal(tail.status, 206);
    assert.equal(tail.bytes.toString('latin1', 4, 8), 'IEND');
  });

  describe('a single output', () => {
    it('is sent as output.image alone by default', async () => {
      const { id, output } = await finished({ force_single: true });
      assert.deepEqual(output, { image: `${emu.baseUrl}/files/${id}/0.png` });
    });

    it('comes as images, or both, when the emulator or the job says so; several outputs always as images', async () => {
      emu.configure({ singleOutput: 'images' });
      const a = await finished({ force_single: true });
      assert.deepEqual(a.output, { images: [`${emu.baseUrl}/files/${a.id}/0.png`] });
      emu.nextJob({ singleOutput: 'both' });
      const b = await finished({ force_single: true });
      assert.deepEqual(b.output, { image: `${emu.baseUrl}/files/${b.id}/0.png`, images: [`${emu.baseUrl}/files/${b.id}/0.png`] });
      emu.configure({ singleOutput: 'image' });
      const c = await finished();
      assert.deepEqual(Object.keys(c.output), ['images']);
      assert.equal(c.output.images!.length, 2);
    });
  });

  it('refuses inline data: images with a FastAPI 422 when in that mode, and creates no job', async () => {
    emu.configure({ refuseDataUris: true });
    const refused = await submit({ image_urls: ['https://example.com/a.png', IMAGE] });
    assert.equal(refused.status, 422);
    const [detail] = json(refused).detail;
    assert.deepEqual([detail.type, detail.loc, detail.msg], ['value_error', ['body', 'image_urls', 1], DATA_URI_REFUSED]);
    assert.equal(emu.stats.jobsCreated, 0);
    assert.equal((await submit({ image_urls: ['https://example.com/a.png'] })).status, 200);
    emu.configure({ refuseDataUris: false });
    assert.equal((await submit()).status, 200);
  });

  it('refuses plain http:// image URLs except on loopback', async () => {
    const refused = await submit({ image_urls: ['http://example.com/a.png'] });
    assert.equal(refused.status, 422);
    assert.deepEqual(json(refused).detail[0].loc, ['body', 'image_urls', 0]);
    assert.equal(json(refused).detail[0].msg, IMAGE_MESSAGES.insecure);
    assert.equal((await submit({ image_urls: ['https://example.com/a.png'] })).status, 200);
    const server = await startEmulator({ clock });
    try {
      // A loopback http URL is fetched and checked: here, a file the other emulator serves.
      const other = json(
        await rawRequest(`${server.baseUrl}${MODEL}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ image_urls: [IMAGE], prompt: 'p', force_single: true, [SIZE_KEY]: '1024x1024(1:1)' }),
        }),
      );
      await clock.advance(8000);
      assert.equal((await submit({ image_urls: [`${server.baseUrl}/files/${other.request_id}/0.png`] })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('changes modes for later jobs only, from another process too, and reset restores them', async () => {
    const before = json(await submit()).request_id as string;
    const set = await rawRequest(`${emu.baseUrl}/__emulator/modes`, {
      method: 'POST',
      body: JSON.stringify({ outputFormat: 'jpeg', outputScale: 0.25, refuseDataUris: true }),
    });
    assert.equal(set.status, 200);
    assert.equal((await submit()).status, 422);
    const after = json(await submit({ image_urls: ['https://example.com/a.png'] })).request_id as string;
    await clock.advance(8000);
    assert.ok(emu.job(before)!.outputUrls[0].endsWith('.png'));
    const jpeg = await get(emu.job(after)!.outputUrls[0]);
    assert.deepEqual([imageSize(jpeg.bytes).type, ...dimensions(jpeg.bytes)], ['jpg', 512, 512]);
    const described = json(await rawRequest(`${emu.baseUrl}/__emulator/jobs/${after}`));
    assert.deepEqual(described.plan, {
      format: 'jpeg',
      width: 512,
      height: 512,
      requestedWidth: 2048,
      requestedHeight: 2048,
      padBytes: 0,
      singleOutput: 'image',
    });
    for (const bad of [{ outputScale: 2 }, { singleOutput: 'many' }, { colour: 'red' }]) {
      assert.equal((await rawRequest(`${emu.baseUrl}/__emulator/modes`, { method: 'POST', body: JSON.stringify(bad) })).status, 400);
    }
    emu.reset();
    assert.equal((await submit()).status, 200, 'reset restores the starting modes');
  });
});

// Fitting local images through the real worker bundle (dist/imageWorker.js): sizes, orientation, metadata, formats, aspect, caps.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as exifr from 'exifr';
import sharp = require('sharp');
import { type FileFitOutcome, fitLocalFile } from '../../src/imaging/fitLocalFile';
import { FIT_LIMITS, type FitMode, MAX_INLINE_BYTES } from '../../src/imaging/fitTypes';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { bmp24, bmp8, cameraJpeg, noise, photo, pixels, withJpegComment } from '../support/photoFixtures';

const root = path.resolve(__dirname, '../../..');
const workerScript = path.join(root, 'dist', 'imageWorker.js');

type Fitted = Extract<FileFitOutcome, { ok: true }>;

describe('fitting local images', function () {
  this.timeout(120_000);
  let dir: string;
  let transformer: WorkerTransformer;
  const snapshots = new Map<string, { hash: string; mtimeMs: number }>();

  before(() => {
    assert.ok(fs.existsSync(workerScript), `${workerScript} is missing: run npm run build first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-'));
    transformer = new WorkerTransformer({ script: workerScript, idleMs: 5_000 });
  });

  after(() => {
    transformer.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    snapshots.set(file, { hash: createHash('sha256').update(bytes).digest('hex'), mtimeMs: fs.statSync(file).mtimeMs });
    return file;
  }

  async function fit(file: string, mode: FitMode = 'auto', stripMetadata = true): Promise<FileFitOutcome> {
    const outcome = await fitLocalFile(file, path.basename(file), { settings: { mode, stripMetadata }, transformer });
    const before = snapshots.get(file);
    if (before) {
      assert.equal(createHash('sha256').update(fs.readFileSync(file)).digest('hex'), before.hash, `${file} was modified`);
      assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs, `${file} was touched`);
    }
    return outcome;
  }

  async function fitted(file: string, mode: FitMode = 'auto'): Promise<Fitted> {
    const outcome = await fit(file, mode);
    assert.ok(outcome.ok, `refused: ${JSON.stringify(!outcome.ok && outcome.problems)}`);
    const meta = await sharp(outcome.bytes).metadata();
    assert.equal(meta.format, outcome.format, 'the bytes are what the report says');
    assert.deepEqual([meta.width, meta.height], [outcome.report.sent.width, outcome.report.sent.height]);
    assert.ok(outcome.bytes.length <= MAX_INLINE_BYTES);
    return outcome;
  }

  function assertAspectKept(out: Fitted, width: number, height: number): void {
    const { sent } = out.report;
    assert.equal(Math.max(sent.width, sent.height), FIT_LIMITS.maxSide);
    assert.ok(Math.abs(sent.height - (sent.width * height) / width) <= 1, `${sent.width}×${sent.height} from ${width}×${height}`);
  }

  it('shrinks a huge PNG to 4096 px on the long side, aspect kept within one pixel', async () => {
    const out = await fitted(write('huge.png', await photo(6000, 4000).png({ compressionLevel: 1 }).toBuffer()));
    assertAspectKept(out, 6000, 4000);
    assert.equal(out.format, 'jpeg', 'an opaque picture is sent as JPEG');
    assert.deepEqual(out.report.changes, ['shrunk', 'converted']);
    assert.deepEqual(out.report.original, { width: 6000, height: 4000, format: 'png', bytes: fs.statSync(path.join(dir, 'huge.png')).size });
  });

  it('shrinks a huge JPEG the same way, and never enlarges a small one', async () => {
    const out = await fitted(write('tall.jpg', await photo(3000, 7000).jpeg({ quality: 85 }).toBuffer()));
    assertAspectKept(out, 3000, 7000);
    assert.ok(out.report.changes.includes('shrunk'));
    const small = await fitted(write('small.webp', await photo(300, 200).webp().toBuffer()));
    assert.deepEqual([small.report.sent.width, small.report.sent.height], [300, 200]);
  });

  it('turns an orientation-6 JPEG upright and drops the tag', async () => {
    // Stored 600×400 with a red left half; orientation 6 (rotate 90° clockwise) shows it 400×600 with red on top.
    const stored = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#0000ff' } })
      .composite([{ input: { create: { width: 300, height: 400, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
      .png()
      .toBuffer();
    const out = await fitted(write('sideways.jpg', await cameraJpeg(sharp(stored), 6)));
    assert.deepEqual([out.report.sent.width, out.report.sent.height], [400, 600]);
    assert.deepEqual(out.report.original, { width: 400, height: 600, format: 'jpeg', bytes: out.report.original.bytes });
    assert.ok(out.report.changes.includes('rotated'));
    const { data, width } = await pixels(out.bytes);
    const at = (x: number, y: number) => [...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
    assert.ok(at(200, 100)[0] > 200 && at(200, 100)[2] < 60, `top is red: ${at(200, 100).join(',')}`);
    assert.ok(at(200, 500)[2] > 200 && at(200, 500)[0] < 60, `bottom is blue: ${at(200, 500).join(',')}`);
    assert.equal((await exifr.parse(Buffer.from(out.bytes), { tiff: true }))?.Orientation, undefined);
  });

  it('removes GPS, XMP and comments from a JPEG losslessly: the coded pixels are byte-identical', async () => {
    const original = withJpegComment(await cameraJpeg(photo(800, 600)), 'taken at home');
    assert.ok((await exifr.gps(original))?.latitude, 'the fixture carries a location');
    assert.ok(await exifr.parse(original, { xmp: true, tiff: false }), 'the fixture carries XMP');
    const out = await fitted(write('camera.jpg', original));
    assert.deepEqual(out.report.changes, ['locationRemoved', 'metadataRemoved']);
    const sent = Buffer.from(out.bytes);
    assert.equal(await exifr.parse(sent, { tiff: true, xmp: true, iptc: true, gps: true }), undefined, 'an independent reader finds no metadata');
    assert.equal(sent.indexOf('taken at home'), -1);
    assert.equal(sent.indexOf('PhoneMaker'), -1);
    // Everything from the first frame header on is the original's bytes; only segments before it went away.
    const sof = (b: Buffer) => b.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(sof(sent) > 0);
    assert.ok(sent.subarray(sof(sent)).equals(original.subarray(sof(original))));
    assert.ok(sent.length < original.length);
    assert.ok((await pixels(sent)).data.equals((await pixels(original)).data));
  });

  it('sends a PNG or JPEG that needs no change byte-for-byte', async () => {
    for (const [name, bytes] of [
      ['clean.png', await photo(500, 400).png().toBuffer()],
      ['clean.jpg', await photo(500, 400).jpeg().toBuffer()],
    ] as const) {
      const out = await fitted(write(name, bytes));
      assert.ok(Buffer.from(out.bytes).equals(bytes), name);
      assert.deepEqual(out.report.changes, []);
    }
  });

  it('removes text and EXIF chunks from a PNG without touching its image data', async () => {
    const original = await photo(400, 300).withExif({ IFD0: { Artist: 'Jane Doe' } }).withMetadata({}).png().toBuffer();
    const withText = Buffer.concat([original.subarray(0, 33), pngChunk('tEXt', Buffer.from('Comment\0secret place', 'latin1')), original.subarray(33)]);
    const out = await fitted(write('notes.png', withText));
    const sent = Buffer.from(out.bytes);
    assert.equal(sent.indexOf('secret place'), -1);
    assert.equal(sent.indexOf('Jane Doe'), -1);
    assert.equal(await exifr.parse(sent, { tiff: true, xmp: true, ihdr: false }), undefined);
    const idat = (b: Buffer) => b.subarray(b.indexOf('IDAT') - 4, b.lastIndexOf('IEND') - 4);
    assert.ok(idat(sent).equals(idat(withText)));
    assert.ok(out.report.changes.includes('metadataRemoved'));
  });

  it('converts WebP, GIF (first frame), BMP and TIFF to PNG or JPEG', async () => {
    const cases: Array<[string, Buffer, 'png' | 'jpeg']> = [
      ['shot.webp', await photo(640, 480).webp({ quality: 90 }).toBuffer(), 'jpeg'],
      ['logo.webp', await photo(320, 240).ensureAlpha(0.5).webp({ lossless: true }).toBuffer(), 'png'],
      ['anim.gif', await photo(320, 240).gif().toBuffer(), 'jpeg'],
      ['scan.tiff', await photo(640, 480).tiff().toBuffer(), 'jpeg'],
      ['paint.bmp', bmp24(64, 48, (x) => (x < 32 ? [255, 0, 0] : [0, 0, 255])), 'jpeg'],
      ['icon.bmp', bmp8(64, 48, (_x, y) => (y < 24 ? 0 : 1), [[0, 200, 0], [250, 250, 0]]), 'jpeg'],
    ];
    for (const [name, bytes, format] of cases) {
      const out = await fitted(write(name, bytes));
      assert.equal(out.format, format, name);
      assert.ok(out.report.changes.includes('converted'), name);
    }
    const paint = await pixels((await fitted(path.join(dir, 'paint.bmp'))).bytes);
    assert.ok(paint.data[0] > 200 && paint.data[2] < 60, 'BMP rows and channel order come out right (red on the left)');
    const icon = await pixels((await fitted(path.join(dir, 'icon.bmp'))).bytes);
    const bottom = (47 * icon.width + 5) * 3;
    assert.ok(icon.data[1] > 150 && icon.data[0] < 80, 'top-down palette BMP: green on top');
    assert.ok(icon.data[bottom] > 200 && icon.data[bottom + 1] > 200, 'yellow at the bottom');
  });

  it('decodes HEIC (made by ImageMagick) and applies nothing else', async () => {
    const convert = '/usr/bin/convert';
    assert.ok(fs.existsSync(convert), 'ImageMagick is needed to make a HEIC fixture: run scripts/installTestTools.sh');
    const source = write('source.png', await photo(320, 200).png().toBuffer());
    const heic = path.join(dir, 'phone.heic');
    execFileSync(convert, [source, heic]);
    const out = await fitted(heic);
    assert.equal(out.report.original.format, 'heic');
    assert.deepEqual([out.report.sent.width, out.report.sent.height, out.format], [320, 200, 'jpeg']);
  });

  it('refuses a 5:1 image by default, pads it to 3:1 or crops it into range on request', async () => {
    const wide = write('banner.png', await photo(5000, 1000).png().toBuffer());
    const refused = await fit(wide);
    assert.ok(!refused.ok);
    assert.deepEqual(refused.aspect, { width: 5000, height: 1000 });
    assert.equal(refused.problems[0].rule, 'aspectRatio');
    assert.match(refused.problems[0].message, /^banner\.png has an aspect ratio of 5:1 \(5000×1000\).*Pad or Crop/);

    const padded = await fitted(wide, 'pad');
    const p = padded.report.sent;
    assert.ok(p.width <= 3 * p.height && p.width >= 3 * p.height - 3, `padded to 3:1: ${p.width}×${p.height}`);
    assert.equal(p.width, 4096);
    assert.ok(padded.report.changes.includes('padded') && padded.report.changes.includes('shrunk'));
    const { data, width } = await pixels(padded.bytes);
    const top = [...data.subarray((2 * width + 2000) * 3, (2 * width + 2000) * 3 + 3)];
    assert.ok(top.every((c) => Math.abs(c - 128) <= 6), `neutral fill at the top: ${top.join(',')}`);

    const cropped = await fitted(wide, 'crop');
    const c = cropped.report.sent;
    assert.ok(c.width <= 3 * c.height && c.height <= 3 * c.width, `cropped into range: ${c.width}×${c.height}`);
    assert.deepEqual([c.width, c.height], [3000, 1000]);
    assert.ok(cropped.report.changes.includes('cropped'));
    const tall = await fitted(write('tall.png', await photo(200, 1000).png().toBuffer()), 'crop');
    assert.deepEqual([tall.report.sent.width, tall.report.sent.height], [200, 600]);
  });

  it('keeps every image within 6 MiB as a data URI, even pure noise, with or without transparency', async () => {
    for (const [name, image] of [
      ['noise.png', noise(2600, 2000)],
      ['noise-alpha.png', noise(1800, 1600, 4)],
    ] as const) {
      const bytes = await image.png({ compressionLevel: 1 }).toBuffer();
      assert.ok(bytes.length > 2 * MAX_INLINE_BYTES, `${name} starts over the budget`);
      const out = await fitted(write(name, bytes));
      assert.ok(out.bytes.length <= MAX_INLINE_BYTES, `${name}: ${out.bytes.length}`);
      assert.ok(`data:image/${out.format};base64,`.length + Buffer.from(out.bytes).toString('base64').length <= FIT_LIMITS.maxInlineChars);
      if (name === 'noise-alpha.png') assert.equal(out.format, 'png', 'transparency is kept');
    }
  });

  it('with fit off: sends PNG and JPEG as they are (metadata stripped, orientation kept) and refuses the rest clearly', async () => {
    const camera = write('off.jpg', await cameraJpeg(photo(640, 480), 6));
    const stripped = await fit(camera, 'off');
    assert.ok(stripped.ok);
    const tags = await exifr.parse(Buffer.from(stripped.bytes), { tiff: true, gps: true, xmp: true });
    assert.equal(tags?.Orientation, 'Rotate 90 CW', 'the picture still displays upright');
    assert.equal(tags?.latitude, undefined);
    assert.equal(tags?.Make, undefined);
    const untouched = await fit(camera, 'off', false);
    assert.ok(untouched.ok && Buffer.from(untouched.bytes).equals(fs.readFileSync(camera)));

    const webp = await fit(write('off.webp', await photo(64, 64).webp().toBuffer()), 'off');
    assert.ok(!webp.ok);
    assert.match(webp.problems[0].message, /^off\.webp is a WebP image; only PNG and JPEG images are sent as they are/);
    const big = await fit(write('off-big.png', await photo(6000, 4000, 3, 0).png().toBuffer()), 'off');
    assert.ok(!big.ok);
    assert.equal(big.problems[0].rule, 'resolution');
    assert.match(big.problems[0].message, /^off-big\.png is 6000×4000 pixels; the maximum resolution is 4096×4096 \(runcomfy\.fitInputs is "off"/);
    const heavy = await fit(write('off-heavy.jpg', await noise(2500, 2500).jpeg({ quality: 95 }).toBuffer()), 'off');
    assert.ok(!heavy.ok);
    assert.equal(heavy.problems[0].rule, 'fileSize');
    assert.match(heavy.problems[0].message, /^off-heavy\.jpg is \d+\.\d MB; sent as it is, an image can be at most 4\.5 MB \(6 MiB as inline data\)/);
  });

  it('names the file and the accepted formats when it is not an image', async () => {
    const outcome = await fit(write('notes.png', Buffer.from('just some text, not a picture')));
    assert.ok(!outcome.ok);
    assert.equal(outcome.problems[0].rule, 'type');
    assert.equal(outcome.problems[0].message, 'notes.png is not an image that can be read; accepted formats: PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC.');
    const broken = await fit(write('broken.webp', Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(40, 7)])));
    assert.ok(!broken.ok);
    assert.match(broken.problems[0].message, /^broken\.webp could not be read as a WebP image \(.+\); the file may be damaged\. Accepted formats: PNG, JPEG/);
  });
});

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

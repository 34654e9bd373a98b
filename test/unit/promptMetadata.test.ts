// The prompt inside saved results: PNG and JPEG written through the embedding stream are read back by independent readers, pixels unchanged.
import * as assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as exifr from 'exifr';
import * as jpeg from 'jpeg-js';
import sharp = require('sharp');
import { embedPromptStream, type PromptPayload } from '../../src/imaging/embedStream';
import { escapeXml, jpegXmpSegment } from '../../src/imaging/promptMetadata';
import { parametersText, promptPayload } from '../../src/jobs/embeddedPrompt';
import { makeJpeg, makePng } from '../support/images';

// png-chunks-extract ships no types: it returns the file's chunks in order, names and raw data.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extractChunks = require('png-chunks-extract') as (data: Uint8Array) => Array<{ name: string; data: Uint8Array }>;

const TRICKY = 'Сделай небо закатным 🌅 & <b>"bold"</b> it\'s --> <!-- ]]> ?> 50% «ёлка»';

/** Streams `bytes` through the embedder in pieces of `piece` bytes, as a download arrives. */
async function embed(bytes: Buffer, payload: PromptPayload, piece: number): Promise<{ out: Buffer; inserted: number }> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) parts.push(bytes.subarray(i, i + piece));
  const collected: Buffer[] = [];
  const embedder = embedPromptStream(payload);
  await pipeline(
    Readable.from(parts),
    embedder.stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        collected.push(chunk);
        done();
      },
    }),
  );
  return { out: Buffer.concat(collected), inserted: embedder.inserted() };
}

/** The `parameters` text as a PNG reader finds it: tEXt is Latin-1; iTXt is keyword, flags, language, UTF-8 text. */
function pngParameters(file: Buffer): string | undefined {
  for (const chunk of extractChunks(file)) {
    const data = Buffer.from(chunk.data);
    if (chunk.name === 'tEXt' && data.toString('latin1').startsWith('parameters\0')) return data.subarray(11).toString('latin1');
    if (chunk.name === 'iTXt' && data.toString('latin1').startsWith('parameters\0')) {
      let at = 11 + 2;
      at = data.indexOf(0, at) + 1; // language tag
      at = data.indexOf(0, at) + 1; // translated keyword
      return data.subarray(at).toString('utf8');
    }
  }
  return undefined;
}

async function description(file: Buffer): Promise<unknown> {
  const xmp = (await exifr.parse(file, { xmp: true, tiff: false, ihdr: false })) as Record<string, unknown> | undefined;
  const value = xmp?.description;
  // exifr gives a language alternative as { lang, value } or the bare value, and leaves XML's entities as written.
  const text = value && typeof value === 'object' && 'value' in value ? (value).value : value;
  return typeof text === 'string' ? text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!) : text;
}

const sidecar = {
  requestId: '3f9c2a1b-7e6d-4c5b-9a8f-0e1d2c3b4a59',
  model: 'bytedance/dreamina-4-0/edit',
  prompt: TRICKY,
  size: '2048x2048(1:1)',
  scale: 0.5,
  forceSingle: false,
  inputs: ['/home/me/secret/cat.png'],
};

describe('prompt inside saved results', () => {
  it('writes the parameters text: prompt line, then the options with colons quoted, and no inputs', () => {
    const text = parametersText({ ...sidecar, prompt: 'make it blue' });
    assert.equal(
      text,
      'make it blue\nModel: bytedance/dreamina-4-0/edit, Size: "2048x2048(1:1)", Scale: 0.5, Force single: false, Request ID: 3f9c2a1b-7e6d-4c5b-9a8f-0e1d2c3b4a59',
    );
    assert.doesNotMatch(parametersText(sidecar), /secret|cat\.png/);
  });

  for (const [label, piece] of [
    ['in one piece', 1 << 20],
    ['one byte at a time', 1],
  ] as const) {
    it(`puts an ASCII prompt into a PNG as tEXt "parameters" plus XMP dc:description, pixels unchanged (${label})`, async () => {
      const png = makePng(32, 24, { shade: 90 });
      const payload = promptPayload({ ...sidecar, prompt: 'make it blue' });
      const { out, inserted } = await embed(png, payload, piece);
      assert.equal(out.length, png.length + inserted);
      assert.ok(inserted > 0);
      const chunks = extractChunks(out).map((c) => c.name);
      assert.deepEqual(chunks, ['IHDR', 'tEXt', 'iTXt', 'IDAT', 'IEND']);
      assert.equal(pngParameters(out), payload.parameters);
      assert.equal(await description(out), 'make it blue');
      assert.ok((await sharp(out).raw().toBuffer()).equals(await sharp(png).raw().toBuffer()));
    });
  }

  it('carries a non-ASCII prompt with XML specials and "-->" intact in a PNG (iTXt "parameters")', async () => {
    const png = makePng(16, 16, { shade: 30 });
    const payload = promptPayload(sidecar);
    const { out } = await embed(png, payload, 7);
    assert.deepEqual(extractChunks(out).map((c) => c.name), ['IHDR', 'iTXt', 'iTXt', 'IDAT', 'IEND']);
    assert.equal(pngParameters(out), payload.parameters);
    assert.ok(pngParameters(out)!.startsWith(`${TRICKY}\n`));
    assert.equal(await description(out), TRICKY);
    assert.ok((await sharp(out).raw().toBuffer()).equals(await sharp(png).raw().toBuffer()));
  });

  it('puts the prompt into a JPEG as an XMP APP1 segment after JFIF, pixels unchanged', async () => {
    const original = makeJpeg(20, 20);
    const { out, inserted } = await embed(original, promptPayload(sidecar), 5);
    assert.equal(out.length, original.length + inserted);
    assert.equal(await description(out), TRICKY);
    // Still SOI first, and the decoder sees exactly the same samples.
    assert.deepEqual([...out.subarray(0, 2)], [0xff, 0xd8]);
    const before = jpeg.decode(original, { useTArray: true });
    const after = jpeg.decode(out, { useTArray: true });
    assert.equal(after.width, before.width);
    assert.ok(Buffer.from(after.data).equals(Buffer.from(before.data)));
  });

  it('keeps a JPEG EXIF block where readers look for it, and puts XMP after it', async () => {
    const withExif = await sharp({ create: { width: 12, height: 12, channels: 3, background: '#884422' } })
      .withExif({ IFD0: { Artist: 'Ada' } })
      .jpeg()
      .toBuffer();
    const { out } = await embed(withExif, promptPayload(sidecar), 3);
    const parsed = (await exifr.parse(out, { xmp: true, tiff: true })) as Record<string, unknown>;
    assert.equal(parsed.Artist, 'Ada');
    assert.equal(await description(out), TRICKY);
  });

  it('leaves WEBP, GIF and files that are not images exactly as they came', async () => {
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).webp().toBuffer();
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    for (const bytes of [webp, gif, Buffer.from('<!doctype html>'), Buffer.from([0x89, 0x50])]) {
      const { out, inserted } = await embed(bytes, promptPayload(sidecar), 4);
      assert.equal(inserted, 0);
      assert.ok(out.equals(bytes));
    }
  });

  it('escapes every XML special and drops characters XML cannot hold', () => {
    assert.equal(escapeXml('a & b < c > d "e" \'f\' \u0001g'), 'a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos; g');
  });

  it('gives up on JPEG XMP rather than write a segment longer than the format allows', () => {
    assert.equal(jpegXmpSegment('&'.repeat(20_000)), undefined);
    assert.ok(jpegXmpSegment('short'));
  });
});

// The pure parts of fitting: BMP decoding, metadata found in and removed from JPEG and PNG files, colour profiles, geometry.
import * as assert from 'node:assert/strict';
import sharp = require('sharp');
import { decodeBmp } from '../../src/imaging/bmp';
import { scanContainer, stripContainer } from '../../src/imaging/containerMetadata';
import { sniffSourceFormat } from '../../src/imaging/formats';
import { plan } from '../../src/imaging/worker/transform';
import { cameraJpeg, photo } from '../support/photoFixtures';

function bmpHeader(width: number, height: number, bpp: number, compression: number, headerSize: number, extra: Buffer, pixels: Buffer): Buffer {
  const offset = 14 + headerSize + extra.length;
  const file = Buffer.alloc(offset + pixels.length);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(offset, 10);
  file.writeUInt32LE(headerSize, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bpp, 28);
  file.writeUInt32LE(compression, 30);
  extra.copy(file, 14 + headerSize);
  pixels.copy(file, offset);
  return file;
}

const rgbaAt = (data: Uint8Array, width: number, x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];

describe('BMP decoding', () => {
  it('decodes RLE8, bottom row first, with its palette', () => {
    const palette = Buffer.from([0, 0, 255, 0, 0, 255, 0, 0]); // index 0 red, 1 green (BGR0)
    const rle = Buffer.from([4, 1, 0, 0, 2, 0, 2, 1, 0, 1]);
    const header = bmpHeader(4, 2, 8, 1, 40, palette, rle);
    header.writeUInt32LE(2, 46);
    const image = decodeBmp(header);
    assert.deepEqual(rgbaAt(image.data, 4, 0, 1), [0, 255, 0, 255], 'the first row in the stream is the bottom one');
    assert.deepEqual(rgbaAt(image.data, 4, 0, 0), [255, 0, 0, 255]);
    assert.deepEqual(rgbaAt(image.data, 4, 3, 0), [0, 255, 0, 255]);
    assert.equal(image.transparent, false);
  });

  it('decodes 32-bit pixels with an alpha bit field (BITMAPV4HEADER)', () => {
    const v4 = Buffer.alloc(108 - 40);
    v4.writeUInt32LE(0x00ff0000, 0);
    v4.writeUInt32LE(0x0000ff00, 4);
    v4.writeUInt32LE(0x000000ff, 8);
    v4.writeUInt32LE(0xff000000, 12);
    const pixels = Buffer.alloc(8);
    pixels.writeUInt32LE(0x80ff0000, 0); // half-transparent red
    pixels.writeUInt32LE(0xff0000ff, 4); // opaque blue
    const file = bmpHeader(2, -1, 32, 3, 40, Buffer.alloc(0), Buffer.alloc(0));
    const withV4 = Buffer.concat([file.subarray(0, 14 + 40), v4, pixels]);
    withV4.writeUInt32LE(108, 14);
    withV4.writeUInt32LE(14 + 108, 10);
    const image = decodeBmp(withV4);
    assert.deepEqual(rgbaAt(image.data, 2, 0, 0), [255, 0, 0, 128]);
    assert.deepEqual(rgbaAt(image.data, 2, 1, 0), [0, 0, 255, 255]);
    assert.equal(image.transparent, true);
  });

  it('refuses what it cannot read with a reason', () => {
    assert.throws(() => decodeBmp(Buffer.from('BM not really')), /not a BMP file/);
    assert.throws(() => decodeBmp(bmpHeader(2, 2, 24, 4, 40, Buffer.alloc(0), Buffer.alloc(16))), /unsupported compression 4/);
  });
});

describe('metadata in JPEG and PNG containers', () => {
  it('finds EXIF, GPS, XMP and the orientation, and drops data after the end marker', async () => {
    const camera = await cameraJpeg(photo(64, 48), 8);
    const withTrailer = Buffer.concat([camera, Buffer.from('MPF second image would be here')]);
    const scan = scanContainer(withTrailer, 'jpeg');
    assert.deepEqual([...scan.found].sort(), ['exif', 'gps', 'icc', 'other', 'xmp']);
    assert.equal(scan.orientation, 8);
    assert.equal(scan.iccIsSrgb, true);
    const stripped = Buffer.from(stripContainer(withTrailer, scan, { keepIcc: false, keepOrientation: false }));
    assert.equal(stripped.indexOf('MPF second'), -1);
    assert.deepEqual([...scanContainer(stripped, 'jpeg').found], []);
  });

  it('finds the end of a progressive JPEG past its tables between scans, and drops what follows', async () => {
    const progressive = await cameraJpeg(photo(200, 150), 1);
    const rewritten = await sharp(progressive).keepMetadata().jpeg({ progressive: true }).toBuffer();
    const withTrailer = Buffer.concat([rewritten, Buffer.from([0xff, 0xd8, 0xff, 0xd9])]);
    const scan = scanContainer(withTrailer, 'jpeg');
    assert.equal(scan.end, rewritten.length);
    assert.ok(scan.found.has('gps'));
    const stripped = stripContainer(withTrailer, scan, { keepIcc: false, keepOrientation: false });
    assert.ok((await sharp(stripped).raw().toBuffer()).equals(await sharp(rewritten).raw().toBuffer()));
  });

  it('tells a Display P3 profile from sRGB, and keeps it only when the pixels are sent as they are', async () => {
    const p3 = await photo(32, 32).withIccProfile('p3').jpeg().toBuffer();
    const scan = scanContainer(p3, 'jpeg');
    assert.equal(scan.iccIsSrgb, false);
    const kept = stripContainer(p3, scan, { keepIcc: true, keepOrientation: true });
    assert.equal(scanContainer(kept, 'jpeg').iccIsSrgb, false);
    const png = await photo(32, 32).withIccProfile('p3').png().toBuffer();
    assert.equal(scanContainer(png, 'png').iccIsSrgb, false);
    const srgbPng = await photo(32, 32).withIccProfile('srgb').png().toBuffer();
    assert.equal(scanContainer(srgbPng, 'png').iccIsSrgb, true);
  });

  it('marks a CMYK JPEG for conversion', async () => {
    const cmyk = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    assert.equal(scanContainer(cmyk, 'jpeg').cmyk, true);
  });

  it('recognises every accepted format by its first bytes', async () => {
    assert.equal(sniffSourceFormat(await photo(8, 8).webp().toBuffer()), 'webp');
    assert.equal(sniffSourceFormat(await photo(8, 8).gif().toBuffer()), 'gif');
    assert.equal(sniffSourceFormat(await photo(8, 8).tiff().toBuffer()), 'tiff');
    assert.equal(sniffSourceFormat(await photo(8, 8).avif().toBuffer()), 'avif');
    assert.equal(sniffSourceFormat(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1')), 'heic');
    assert.equal(sniffSourceFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  });
});

describe('fit geometry', () => {
  it('shrinks to 4096 on the long side, pads to exactly 3:1, and crops around the centre into range', () => {
    assert.deepEqual(plan(6000, 4000, { aspect: 'keep', maxSide: 4096 }), { width: 4096, height: 2731, crop: false });
    assert.deepEqual(plan(300, 200, { aspect: 'keep', maxSide: 4096 }), { width: 300, height: 200, crop: false });
    const padded = plan(5000, 1000, { aspect: 'pad', maxSide: 4096 });
    assert.deepEqual([padded.width, padded.height], [4096, 819]);
    assert.deepEqual(padded.pad, { top: 273, bottom: 274, left: 0, right: 0 });
    assert.ok(4096 <= 3 * (819 + 273 + 274));
    assert.deepEqual(plan(30000, 2000, { aspect: 'crop', maxSide: 4096 }), { width: 4096, height: 1366, crop: true });
    assert.deepEqual(plan(1000, 9000, { aspect: 'crop', maxSide: 4096 }), { width: 1000, height: 3000, crop: true });
  });
});

// Tiny real images built in memory for tests: a minimal PNG encoder over node:zlib, and JPEGs through jpeg-js.
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

export interface PngOptions {
  /** Adds a private ancillary chunk of this many bytes, to make a file large without a large picture. */
  padBytes?: number;
  /** A grey level for every pixel, so different images have different bytes. */
  shade?: number;
}

/** A valid 8-bit greyscale PNG of the given size. */
export function makePng(width: number, height: number, options: PngOptions = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const row = Buffer.alloc(width + 1, options.shade ?? 0x80);
  row[0] = 0; // filter: none
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (options.padBytes) parts.push(chunk('ruNp', Buffer.alloc(options.padBytes, 0x5a)));
  parts.push(chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A real baseline JPEG of the given size. */
export function makeJpeg(width: number, height: number, quality = 80): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = (i * 7) & 0xff;
    data[i * 4 + 1] = (i * 13) & 0xff;
    data[i * 4 + 2] = 0x40;
    data[i * 4 + 3] = 0xff;
  }
  return jpeg.encode({ width, height, data }, quality).data;
}

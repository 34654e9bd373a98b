// A minimal PNG writer (8-bit RGB, zlib from node) and chunk helpers for the emulator's images.
import * as zlib from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG CRC of a chunk's type and data (zlib's CRC-32 is the one PNG uses). */
export function chunkCrc(type: string, data: Uint8Array, previous?: number): number {
  const first = previous ?? zlib.crc32(Buffer.from(type, 'latin1'));
  return zlib.crc32(data, first) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`bad PNG chunk type ${type}`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(chunkCrc(type, data), 0);
  return Buffer.concat([head, data, crc]);
}

/** Gives the RGB colour of a pixel, each channel 0..255. */
export type PixelFn = (x: number, y: number) => readonly [number, number, number];

export interface PngOptions {
  /** zlib level, 0..9 (default 6). */
  level?: number;
}

/** Encodes an RGB image whose pixels come from `pixel`. */
export function encodePng(width: number, height: number, pixel: PixelFn, options: PngOptions = {}): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`bad PNG size ${width}x${height}`);
  }
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const o = row + 1 + x * 3;
      raw[o] = r & 0xff;
      raw[o + 1] = g & 0xff;
      raw[o + 2] = b & 0xff;
    }
  }
  return encodePngRaw(width, height, raw, options);
}

/** Encodes an RGB image of one colour; fast even for large sizes. */
export function encodeSolidPng(width: number, height: number, rgb: readonly [number, number, number], options: PngOptions = {}): Buffer {
  const stride = width * 3 + 1;
  const row = Buffer.alloc(stride);
  for (let x = 0; x < width; x++) {
    row[1 + x * 3] = rgb[0];
    row[2 + x * 3] = rgb[1];
    row[3 + x * 3] = rgb[2];
  }
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * stride);
  return encodePngRaw(width, height, raw, options);
}

function encodePngRaw(width: number, height: number, filteredRows: Buffer, options: PngOptions): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const idat = zlib.deflateSync(filteredRows, { level: options.level ?? 6 });
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The byte offset of the IEND chunk of a PNG written by this module (it is always the last 12 bytes). */
export function iendOffset(png: Buffer): number {
  const at = png.length - 12;
  if (at < PNG_SIGNATURE.length || png.toString('latin1', at + 4, at + 8) !== 'IEND') throw new Error('PNG does not end with IEND');
  return at;
}

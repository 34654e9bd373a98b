// Output file bodies served in slices, grown to any size with padding that decoders skip (PNG chunk, JPEG comments).
import { createHash } from 'node:crypto';
import * as jpeg from 'jpeg-js';
import { chunkCrc, iendOffset } from './png';

export type OutputFormat = 'png' | 'jpeg';

/** A file made of parts, each a buffer repeated some times; big padding is one shared buffer repeated, never copied. */
export class FileBody {
  readonly size: number;
  constructor(
    readonly contentType: string,
    private readonly parts: ReadonlyArray<{ readonly buf: Buffer; readonly repeat: number }>,
  ) {
    this.size = parts.reduce((n, p) => n + p.buf.length * p.repeat, 0);
  }

  /** The bytes in [start, end) as a sequence of slices (no copies of the repeated parts). */
  *slices(start = 0, end = this.size): Generator<Buffer> {
    let offset = 0;
    for (const part of this.parts) {
      const len = part.buf.length;
      if (len === 0) continue;
      const partEnd = offset + len * part.repeat;
      if (partEnd <= start) {
        offset = partEnd;
        continue;
      }
      const first = Math.max(0, Math.floor((start - offset) / len));
      for (let i = first; i < part.repeat; i++) {
        const s = offset + i * len;
        if (s >= end) return;
        const from = Math.max(0, start - s);
        const to = Math.min(len, end - s);
        if (to > from) yield from === 0 && to === len ? part.buf : part.buf.subarray(from, to);
      }
      offset = partEnd;
      if (offset >= end) return;
    }
  }

  /** The whole file as one buffer (for tests and small files). */
  toBuffer(): Buffer {
    return Buffer.concat([...this.slices()]);
  }
}

const ZERO_BLOCK = Buffer.alloc(1 << 20);

function zeroParts(n: number): Array<{ buf: Buffer; repeat: number }> {
  const whole = Math.floor(n / ZERO_BLOCK.length);
  const rest = n - whole * ZERO_BLOCK.length;
  const parts = [];
  if (whole > 0) parts.push({ buf: ZERO_BLOCK, repeat: whole });
  if (rest > 0) parts.push({ buf: ZERO_BLOCK.subarray(0, rest), repeat: 1 });
  return parts;
}

/** Private, ancillary, safe-to-copy chunk type that decoders skip. */
export const PNG_PAD_CHUNK = 'paDd';
const padCrcCache = new Map<number, number>();

function zeroChunkCrc(length: number): number {
  let crc = padCrcCache.get(length);
  if (crc === undefined) {
    crc = chunkCrc(PNG_PAD_CHUNK, Buffer.alloc(0));
    for (const p of zeroParts(length)) for (let i = 0; i < p.repeat; i++) crc = chunkCrc(PNG_PAD_CHUNK, p.buf, crc);
    padCrcCache.set(length, crc);
  }
  return crc;
}

/** A PNG grown to at least `minBytes` with a private chunk of zeros just before IEND. */
export function paddedPng(png: Buffer, minBytes: number): FileBody {
  if (png.length >= minBytes) return new FileBody('image/png', [{ buf: png, repeat: 1 }]);
  const at = iendOffset(png);
  const dataLength = Math.max(0, minBytes - png.length - 12);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(dataLength, 0);
  head.write(PNG_PAD_CHUNK, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zeroChunkCrc(dataLength), 0);
  return new FileBody('image/png', [
    { buf: png.subarray(0, at), repeat: 1 },
    { buf: head, repeat: 1 },
    ...zeroParts(dataLength),
    { buf: crc, repeat: 1 },
    { buf: png.subarray(at), repeat: 1 },
  ]);
}

const COM_MAX_PAYLOAD = 65533;
/** One full COM segment (marker, length 0xFFFF, zeros), shared by every padded JPEG. */
const FULL_COM_SEGMENT = (() => {
  const b = Buffer.alloc(4 + COM_MAX_PAYLOAD);
  b[0] = 0xff;
  b[1] = 0xfe;
  b.writeUInt16BE(COM_MAX_PAYLOAD + 2, 2);
  return b;
})();

/** Where padding segments may go: after SOI and after a leading APP0 (JFIF) segment. */
function jpegInsertOffset(jpg: Buffer): number {
  if (jpg[0] !== 0xff || jpg[1] !== 0xd8) throw new Error('not a JPEG');
  if (jpg[2] === 0xff && jpg[3] === 0xe0) return 4 + jpg.readUInt16BE(4);
  return 2;
}

/** A JPEG grown to at least `minBytes` with COM segments of zeros after the JFIF header. */
export function paddedJpeg(jpg: Buffer, minBytes: number): FileBody {
  if (jpg.length >= minBytes) return new FileBody('image/jpeg', [{ buf: jpg, repeat: 1 }]);
  const at = jpegInsertOffset(jpg);
  const need = minBytes - jpg.length;
  const full = Math.floor(need / FULL_COM_SEGMENT.length);
  const rest = need - full * FULL_COM_SEGMENT.length;
  const parts: Array<{ buf: Buffer; repeat: number }> = [{ buf: jpg.subarray(0, at), repeat: 1 }];
  if (full > 0) parts.push({ buf: FULL_COM_SEGMENT, repeat: full });
  if (rest > 0) {
    const payload = Math.max(0, rest - 4);
    const segment = Buffer.alloc(4 + payload);
    segment[0] = 0xff;
    segment[1] = 0xfe;
    segment.writeUInt16BE(payload + 2, 2);
    parts.push({ buf: segment, repeat: 1 });
  }
  parts.push({ buf: jpg.subarray(at), repeat: 1 });
  return new FileBody('image/jpeg', parts);
}

/** A deterministic gradient for (seed, index): same request id and index give the same picture. */
export function gradientPixels(seed: string, index: number): (x: number, y: number) => readonly [number, number, number] {
  const h = createHash('sha256').update(`${seed}:${index}`).digest();
  const [a, b, c, d] = [h[0], h[1], h[2], h[3] % 4];
  return (x, y) => {
    const r = (x + a) & 0xff;
    const g = (y + b) & 0xff;
    const bl = (((x + y) >> 1) + c + (((x >> 5) + (y >> 5)) % 2) * 32 * d) & 0xff;
    return [r, g, bl];
  };
}

export function encodeJpeg(width: number, height: number, pixel: (x: number, y: number) => readonly [number, number, number], quality = 85): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const o = (y * width + x) * 4;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 0xff;
    }
  }
  return jpeg.encode({ data, width, height }, quality).data;
}

export function outputExtension(format: OutputFormat): 'png' | 'jpg' {
  return format === 'jpeg' ? 'jpg' : 'png';
}

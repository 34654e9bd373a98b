// The emulator's output pictures at any requested size, labelled as emulator output; encodings are cached by size.
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { encodeJpeg, paddedJpeg, paddedPng, type FileBody, type OutputFormat } from './outputFiles';
import { PNG_SIGNATURE, pngChunk } from './png';

/** What one output file is: its request, its place, its format and its size (and the size the client asked for). */
export interface OutputSpec {
  requestId: string;
  index: number;
  format: OutputFormat;
  width: number;
  height: number;
  requestedWidth: number;
  requestedHeight: number;
  /** The file is padded to at least this many bytes, still a valid image. */
  padBytes: number;
}

/** A few encodings are kept: the same sizes come back in every test, and each costs up to a second to encode. */
class SmallCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    } else {
      this.map.delete(key);
    }
    this.map.set(key, v);
    return v;
  }
}

const idatCache = new SmallCache<Buffer>(16);
const jpegCache = new SmallCache<Buffer>(16);

/** The text every output carries, so nobody mistakes it for a real edit (and a scaled one says so). */
export function outputLabel(spec: OutputSpec): string {
  const scaled =
    spec.width !== spec.requestedWidth || spec.height !== spec.requestedHeight
      ? `, scaled down from the requested ${spec.requestedWidth}x${spec.requestedHeight}`
      : '';
  return `RunComfy API emulator output (not a real edit): request ${spec.requestId}, image ${spec.index + 1}, ${spec.width}x${spec.height}${scaled}`;
}

/** Palette indices of a diagonal ramp: one byte per pixel, each row led by PNG filter byte 0. */
function rampIdat(width: number, height: number): Buffer {
  return idatCache.get(`${width}x${height}`, () => {
    const stride = width + 1;
    const raw = Buffer.alloc(stride * height);
    const xs = new Uint16Array(width);
    for (let x = 0; x < width; x++) xs[x] = Math.floor((x * 160) / width);
    for (let y = 0; y < height; y++) {
      const gy = Math.floor((y * 95) / height);
      const row = y * stride + 1;
      for (let x = 0; x < width; x++) raw[row + x] = xs[x] + gy;
    }
    return zlib.deflateSync(raw, { level: 6 });
  });
}

/** 256 colours from one colour to another, in bands, chosen by the request id and index so each output differs. */
function palette(requestId: string, index: number): Buffer {
  const h = createHash('sha256').update(`${requestId}:${index}`).digest();
  const from = [h[0], h[1], h[2]];
  const to = [255 - h[0], 255 - (h[1] >> 1), h[3]];
  const plte = Buffer.alloc(256 * 3);
  for (let i = 0; i < 256; i++) {
    const band = (i >> 4) & 1 ? 0.9 : 1;
    for (let c = 0; c < 3; c++) plte[i * 3 + c] = Math.round((from[c] + ((to[c] - from[c]) * i) / 255) * band);
  }
  return plte;
}

function textChunk(keyword: string, text: string): Buffer {
  return pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

function labelledPng(spec: OutputSpec): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    textChunk('Software', 'RunComfy API emulator'),
    textChunk('Comment', outputLabel(spec)),
    pngChunk('PLTE', palette(spec.requestId, spec.index)),
    pngChunk('IDAT', rampIdat(spec.width, spec.height)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG smooth gradient for (size, index); the request's label goes into a comment segment after the JFIF header. */
function labelledJpeg(spec: OutputSpec): Buffer {
  const { width, height, index } = spec;
  const plain = jpegCache.get(`${width}x${height}:${index}`, () => {
    const tint = (index * 67) & 0xff;
    return encodeJpeg(width, height, (x, y) => {
      const u = Math.floor((x * 255) / width);
      const v = Math.floor((y * 255) / height);
      return [u, v, ((u + v) >> 1) ^ tint];
    });
  });
  const text = Buffer.from(outputLabel(spec), 'latin1');
  const com = Buffer.alloc(4 + text.length);
  com[0] = 0xff;
  com[1] = 0xfe;
  com.writeUInt16BE(text.length + 2, 2);
  text.copy(com, 4);
  const at = plain[2] === 0xff && plain[3] === 0xe0 ? 4 + plain.readUInt16BE(4) : 2;
  return Buffer.concat([plain.subarray(0, at), com, plain.subarray(at)]);
}

/** The output file for a spec; padding is shared zeros, never copied, so even a 300 MB output costs little memory. */
export function makeSizedOutput(spec: OutputSpec): FileBody {
  if (spec.format === 'jpeg') return paddedJpeg(labelledJpeg(spec), spec.padBytes);
  return paddedPng(labelledPng(spec), spec.padBytes);
}

/** What a photo of that size weighs in that format, roughly: the "realistic" output weight. */
export function realisticBytes(format: OutputFormat, width: number, height: number): number {
  return Math.round(width * height * (format === 'jpeg' ? 0.4 : 1.6));
}

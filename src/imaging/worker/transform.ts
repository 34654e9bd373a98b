// The pixel work of fitting, run inside the image worker: decode, orient, crop or shrink, pad, convert to sRGB, encode within a byte budget.
import sharp = require('sharp');
import { decodeBmp, type RgbaImage } from '../bmp';
import { iccDescribesSrgb } from '../containerMetadata';
import { FIT_LIMITS, type TransformJob, type TransformOutput } from '../fitTypes';
import { decodeHeic } from './heic';

/** Raised for input the decoders cannot read, so the host can word it as a problem with the file. */
export class DecodeError extends Error {}

const JPEG_QUALITIES = [90, 84, 78, 70, 62, 54, 46, 38];
const NEUTRAL = { r: 128, g: 128, b: 128, alpha: 1 };

sharp.cache(false);

interface Geometry {
  width: number;
  height: number;
  crop: boolean;
  pad?: { top: number; bottom: number; left: number; right: number };
}

/** Target size for an oriented `w`×`h` image; exported for tests of the arithmetic. */
export function plan(w: number, h: number, job: Pick<TransformJob, 'aspect' | 'maxSide'>): Geometry {
  const ratio = FIT_LIMITS.maxAspect;
  let cw = w;
  let ch = h;
  const crop = job.aspect === 'crop' && (w > ratio * h || h > ratio * w);
  if (crop) {
    if (w > ratio * h) cw = ratio * h;
    else ch = ratio * w;
  }
  const scale = Math.min(1, job.maxSide / Math.max(cw, ch));
  let width = Math.max(1, Math.round(cw * scale));
  let height = Math.max(1, Math.round(ch * scale));
  if (crop) {
    // Rounding may leave a hair outside the range; the short side gains the pixel.
    if (width > ratio * height) height = Math.ceil(width / ratio);
    if (height > ratio * width) width = Math.ceil(height / ratio);
  }
  const geometry: Geometry = { width, height, crop };
  if (job.aspect === 'pad' && (width > ratio * height || height > ratio * width)) {
    const padH = width > ratio * height ? Math.ceil(width / ratio) - height : 0;
    const padW = height > ratio * width ? Math.ceil(height / ratio) - width : 0;
    geometry.pad = { top: Math.floor(padH / 2), bottom: padH - Math.floor(padH / 2), left: Math.floor(padW / 2), right: padW - Math.floor(padW / 2) };
  }
  return geometry;
}

function fromRgba(image: RgbaImage): sharp.Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
}

async function open(input: Uint8Array, job: TransformJob, wasmDir: string) {
  try {
    if (job.format === 'heic' || job.format === 'bmp') {
      const image = job.format === 'heic' ? await decodeHeic(input, wasmDir) : decodeBmp(input);
      return { pipeline: fromRgba(image), width: image.width, height: image.height, rotated: false, colourConverted: false };
    }
    const meta = await sharp(input, { failOn: 'error' }).metadata();
    const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const colourConverted = meta.space === 'cmyk' || (meta.icc !== undefined && !iccDescribesSrgb(meta.icc));
    return {
      pipeline: sharp(input, { failOn: 'error' }).autoOrient(),
      width: oriented.width,
      height: oriented.height,
      rotated: (meta.orientation ?? 1) > 1,
      colourConverted,
    };
  } catch (e) {
    throw new DecodeError(e instanceof Error ? e.message : String(e));
  }
}

function anyTransparent(data: Uint8Array, channels: number): boolean {
  if (channels !== 2 && channels !== 4) return false;
  for (let i = channels - 1; i < data.length; i += channels) if (data[i] !== 255) return true;
  return false;
}

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** `retry` is set once the picture has been made smaller: the settings that failed before are not tried again. */
async function encode(
  raw: Raw,
  transparent: boolean,
  maxBytes: number,
  retry: boolean,
): Promise<{ bytes: Buffer; format: 'png' | 'jpeg'; quality?: number } | undefined> {
  const image = () => sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  if (transparent) {
    if (!retry) {
      const lossless = await image().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
      if (lossless.length <= maxBytes) return { bytes: lossless, format: 'png' };
    }
    const quantised = await image().png({ palette: true, quality: 90, effort: 3, compressionLevel: 6 }).toBuffer();
    return quantised.length <= maxBytes ? { bytes: quantised, format: 'png' } : undefined;
  }
  const opaque = () => (raw.channels === 4 || raw.channels === 2 ? image().removeAlpha() : image());
  for (const quality of retry ? JPEG_QUALITIES.slice(-3) : JPEG_QUALITIES) {
    const bytes = await opaque().jpeg({ quality }).toBuffer();
    if (bytes.length <= maxBytes) return { bytes, format: 'jpeg', quality };
  }
  return undefined;
}

export async function transform(input: Uint8Array, job: TransformJob, wasmDir: string): Promise<TransformOutput> {
  const source = await open(input, job, wasmDir);
  const geometry = plan(source.width, source.height, job);
  let pipeline = source.pipeline;
  if (geometry.crop || geometry.width !== source.width || geometry.height !== source.height) {
    pipeline = pipeline.resize(geometry.width, geometry.height, { fit: geometry.crop ? 'cover' : 'fill', position: 'centre', kernel: 'lanczos3' });
  }
  if (geometry.pad) {
    pipeline = pipeline.extend(job.padFill === 'edge' ? { ...geometry.pad, extendWith: 'copy' } : { ...geometry.pad, background: NEUTRAL });
  }
  let decoded;
  try {
    decoded = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new DecodeError(e instanceof Error ? e.message : String(e));
  }
  let raw: Raw = { data: decoded.data, width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels };
  const transparent = anyTransparent(raw.data, raw.channels);
  // A picture that cannot meet the budget at any quality is made smaller until it does.
  for (let attempt = 0; attempt < 6; attempt++) {
    const encoded = await encode(raw, transparent, job.maxBytes, attempt > 0);
    if (encoded) {
      const bytes = new Uint8Array(encoded.bytes.length);
      bytes.set(encoded.bytes);
      return {
        bytes,
        format: encoded.format,
        width: raw.width,
        height: raw.height,
        sourceWidth: source.width,
        sourceHeight: source.height,
        rotated: source.rotated,
        colourConverted: source.colourConverted,
        quality: encoded.quality,
      };
    }
    const width = Math.max(1, Math.floor(raw.width * 0.8));
    let height = Math.max(1, Math.round((width * raw.height) / raw.width));
    // A 3:1 picture must not drift past 3:1 through rounding.
    if (width > FIT_LIMITS.maxAspect * height) height = Math.ceil(width / FIT_LIMITS.maxAspect);
    const smaller = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    raw = { data: smaller.data, width: smaller.info.width, height: smaller.info.height, channels: smaller.info.channels };
  }
  throw new Error('the image could not be encoded within the size limit');
}

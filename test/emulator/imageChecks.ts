// The service's per-image rules (type, file size, resolution, aspect ratio) applied to data URIs and loopback URLs.
import * as http from 'node:http';
import * as https from 'node:https';
import { imageSize } from 'image-size';

/** "file_size_mb<= 15", read as mebibytes. */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 4096;
/** Aspect ratio width/height must lie within [MIN_ASPECT, MAX_ASPECT]; compared exactly (3·w ≥ h), not with 0.33. */
export const MIN_ASPECT = 1 / 3;
export const MAX_ASPECT = 3;

export const IMAGE_MESSAGES = {
  fileSize: 'Each image file must be ≤ 15 MB.',
  resolution: 'Maximum resolution is 4096x4096.',
  aspectRatio: 'The input image aspect ratio must be within [1/3, 3].',
  format: 'Only JPEG and PNG images are supported.',
  unreadable: 'The image could not be read: the file is damaged or not a JPEG/PNG image.',
  dataUri: 'The image data URI is malformed: expected data:image/png;base64,... or data:image/jpeg;base64,...',
  scheme: 'Each image must be an http(s) URL or a data URI.',
  insecure: 'Image URLs must use https: RunComfy does not fetch plain http:// addresses.',
} as const;

export type ImageFormat = 'png' | 'jpeg';

/** The format by magic bytes, or undefined for anything that is neither PNG nor JPEG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x4e &&
    bytes[3] === 0x47 &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x0a &&
    bytes[6] === 0x1a &&
    bytes[7] === 0x0a
  ) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The first rule the image breaks, as the service words it, or undefined when it passes. */
export function checkImageBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_IMAGE_BYTES) return IMAGE_MESSAGES.fileSize;
  const format = sniffImageFormat(bytes);
  if (!format) return IMAGE_MESSAGES.format;
  let width: number | undefined;
  let height: number | undefined;
  try {
    const size = imageSize(bytes);
    width = size.width;
    height = size.height;
  } catch {
    return IMAGE_MESSAGES.unreadable;
  }
  if (!width || !height) return IMAGE_MESSAGES.unreadable;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) return IMAGE_MESSAGES.resolution;
  if (3 * width < height || width > 3 * height) return IMAGE_MESSAGES.aspectRatio;
  return undefined;
}

/** Decodes a base64 data URI; returns an error message for a malformed one. */
export function decodeDataUri(uri: string): { bytes: Buffer } | { error: string } {
  const comma = uri.indexOf(',');
  if (comma < 0) return { error: IMAGE_MESSAGES.dataUri };
  const meta = uri.slice(5, comma).toLowerCase();
  const params = meta.split(';').map((s) => s.trim());
  const mime = params[0];
  if (!params.includes('base64')) return { error: IMAGE_MESSAGES.dataUri };
  if (mime !== '' && !mime.startsWith('image/')) return { error: IMAGE_MESSAGES.format };
  const payload = uri.slice(comma + 1).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(payload) || payload.length % 4 === 1) return { error: IMAGE_MESSAGES.dataUri };
  return { bytes: Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64') };
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Downloads a loopback URL (at most MAX_IMAGE_BYTES + 1 bytes); redirects are followed while they stay on loopback. */
function fetchLoopback(url: URL, timeoutMs: number, redirectsLeft = 3): Promise<{ bytes: Buffer } | { error: string } | { unchecked: true }> {
  return new Promise((resolve) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.get(url, { agent: false, timeout: timeoutMs, headers: { 'user-agent': 'runcomfy-emulator-fetcher' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirectsLeft > 0) {
        res.resume();
        const next = new URL(res.headers.location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          resolve({ error: `Could not download the image from ${url.href} (redirect to ${next.protocol}).` });
        } else if (!isLoopbackHost(next.hostname)) {
          resolve({ unchecked: true });
        } else {
          void fetchLoopback(next, timeoutMs, redirectsLeft - 1).then(resolve);
        }
        return;
      }
      if (status !== 200) {
        res.resume();
        resolve({ error: `Could not download the image from ${url.href} (HTTP ${status}).` });
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_IMAGE_BYTES) {
          req.destroy();
          resolve({ error: IMAGE_MESSAGES.fileSize });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
      res.on('error', (e) => resolve({ error: `Could not download the image from ${url.href} (${e.message}).` }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: `Could not download the image from ${url.href} (${e.code ?? e.message}).` }));
  });
}

export interface ImageRefCheckOptions {
  /** Real-time limit for fetching a loopback URL (default 5000 ms). */
  fetchTimeoutMs?: number;
}

/**
 * Checks one `image_urls` item. Data URIs are decoded and checked; loopback http(s) URLs are fetched and checked;
 * plain http on other hosts is refused (the contract wants https); https on other hosts is accepted unchecked.
 */
export async function checkImageRef(ref: string, options: ImageRefCheckOptions = {}): Promise<string | undefined> {
  if (/^data:/i.test(ref)) {
    const decoded = decodeDataUri(ref);
    if ('error' in decoded) return decoded.error;
    return checkImageBytes(decoded.bytes);
  }
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return IMAGE_MESSAGES.scheme;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return IMAGE_MESSAGES.scheme;
  if (!isLoopbackHost(url.hostname)) return url.protocol === 'http:' ? IMAGE_MESSAGES.insecure : undefined;
  const fetched = await fetchLoopback(url, options.fetchTimeoutMs ?? 5000);
  if ('unchecked' in fetched) return undefined;
  if ('error' in fetched) return fetched.error;
  return checkImageBytes(fetched.bytes);
}

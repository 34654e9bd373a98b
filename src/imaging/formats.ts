// Recognises every image format fitting can read by its first bytes (never by the file name), and names them for messages.
import type { SourceFormat } from './fitTypes';

/** How the formats read are listed in messages. */
export const ACCEPTED_FORMATS_TEXT = 'PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC';

/** File name extensions of the formats fitting reads: what a folder of images is expanded to, and what the Explorer offers to edit. */
export const IMAGE_FILE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'avif', 'heic', 'heif'] as const;

/** By the last path segment's extension; a hidden file such as `.png` has none. */
export function isImageFileName(name: string): boolean {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && (IMAGE_FILE_EXTENSIONS as readonly string[]).includes(base.slice(dot + 1).toLowerCase());
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(length, bytes.length - start))).toString('latin1');
}

/** The brands of an ISO media file (HEIF family), or undefined when the bytes do not start with an `ftyp` box. */
function isoBrands(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const size = Math.min(bytes.length, ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0);
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(bytes, at, 4));
  return brands;
}

export function sniffSourceFormat(bytes: Uint8Array): SourceFormat | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM') return 'bmp';
  if (b.length >= 8 && ((ascii(b, 0, 2) === 'II' && b[2] === 42 && b[3] === 0) || (ascii(b, 0, 2) === 'MM' && b[2] === 0 && b[3] === 42))) return 'tiff';
  const brands = isoBrands(b);
  if (brands) {
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
    if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
    if (brands.includes('mif1') || brands.includes('msf1')) return 'heic';
  }
  return undefined;
}

export function formatLabel(format: SourceFormat): string {
  switch (format) {
    case 'jpeg':
      return 'JPEG';
    case 'webp':
      return 'WebP';
    case 'png':
    case 'gif':
    case 'bmp':
    case 'tiff':
    case 'avif':
    case 'heic':
      return format.toUpperCase();
  }
}

export function mimeOfSent(format: 'png' | 'jpeg'): string {
  return format === 'png' ? 'image/png' : 'image/jpeg';
}

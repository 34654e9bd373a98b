// Finds the metadata inside PNG and JPEG files (EXIF, GPS, XMP, IPTC, comments, text, ICC) and removes it losslessly.
import { inflateSync } from 'node:zlib';

/** A kind of metadata found, as the fit report words it. */
export type MetadataKind = 'exif' | 'gps' | 'xmp' | 'iptc' | 'comment' | 'text' | 'icc' | 'thumbnail' | 'other';

interface Range {
  start: number;
  end: number;
}

export interface ContainerScan {
  format: 'png' | 'jpeg';
  /** What removable metadata the file carries. */
  found: Set<MetadataKind>;
  /** The EXIF orientation (1–8) when one is recorded. */
  orientation?: number;
  /** Whether an embedded ICC profile describes sRGB; undefined without a profile. */
  iccIsSrgb?: boolean;
  /** JPEG only: four components (CMYK or YCCK) need converting before the model sees them as colour. */
  cmyk: boolean;
  /** Byte ranges holding removable metadata (ICC ranges listed separately, kept when the profile is not sRGB). */
  removable: Range[];
  icc: Range[];
  /** Where the data to keep ends (bytes after the JPEG end marker or the PNG IEND chunk are dropped). */
  end: number;
}

function u16(b: Uint8Array, at: number, le = false): number {
  return le ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number, le = false): number {
  return le ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0 : ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function text(b: Uint8Array, start: number, length: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, Math.min(length, b.length - start))).toString('latin1');
}

/** Reads the orientation and whether a non-empty GPS directory exists from a TIFF-structured EXIF block. */
export function readExifBlock(tiff: Uint8Array): { orientation?: number; gps: boolean } {
  if (tiff.length < 8) return { gps: false };
  const le = text(tiff, 0, 2) === 'II';
  if (!le && text(tiff, 0, 2) !== 'MM') return { gps: false };
  const ifd0 = u32(tiff, 4, le);
  if (ifd0 + 2 > tiff.length) return { gps: false };
  const count = u16(tiff, ifd0, le);
  let orientation: number | undefined;
  let gps = false;
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    const tag = u16(tiff, entry, le);
    if (tag === 0x0112) {
      const value = u16(tiff, entry + 8, le);
      if (value >= 1 && value <= 8) orientation = value;
    } else if (tag === 0x8825) {
      const gpsIfd = u32(tiff, entry + 8, le);
      gps = gpsIfd + 2 <= tiff.length && u16(tiff, gpsIfd, le) > 0;
    }
  }
  return { orientation, gps };
}

/** Whether an ICC profile's description names sRGB (v2 `desc` and v4 `mluc` descriptions are both read). */
export function iccDescribesSrgb(profile: Uint8Array): boolean {
  if (profile.length < 132 || text(profile, 16, 4) !== 'RGB ') return false;
  const tags = u32(profile, 128);
  for (let i = 0; i < tags && 132 + i * 12 + 12 <= profile.length; i++) {
    const at = 132 + i * 12;
    if (text(profile, at, 4) !== 'desc') continue;
    const offset = u32(profile, at + 4);
    const type = text(profile, offset, 4);
    let description = '';
    if (type === 'desc') description = text(profile, offset + 12, u32(profile, offset + 8));
    if (type === 'mluc' && offset + 28 <= profile.length) {
      const length = u32(profile, offset + 20);
      const start = offset + u32(profile, offset + 24);
      description = Buffer.from(profile.subarray(start, start + length)).swap16().toString('utf16le');
    }
    return /\bsRGB\b/i.test(description);
  }
  return false;
}

const EOI = Buffer.from([0xff, 0xd9]);

function scanJpeg(b: Uint8Array): ContainerScan {
  const scan: ContainerScan = { format: 'jpeg', found: new Set(), cmyk: false, removable: [], icc: [], end: b.length };
  const iccParts: Uint8Array[] = [];
  let multiScan = true;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) break;
    let marker = b[at + 1];
    while (marker === 0xff && at + 2 < b.length) {
      at++;
      marker = b[at + 1];
    }
    const start = at;
    if (marker === 0xd9) {
      scan.end = at + 2;
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = u16(b, at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > b.length) break;
    const body = b.subarray(at + 4, end);
    if (marker === 0xe1 && text(body, 0, 6) === 'Exif\0\0') {
      const exif = readExifBlock(body.subarray(6));
      scan.orientation = exif.orientation ?? scan.orientation;
      scan.found.add('exif');
      if (exif.gps) scan.found.add('gps');
      scan.removable.push({ start, end });
    } else if (marker === 0xe2 && text(body, 0, 12) === 'ICC_PROFILE\0') {
      iccParts.push(body.subarray(14));
      scan.icc.push({ start, end });
    } else if (marker === 0xe0 && text(body, 0, 5) === 'JFIF\0') {
      // The JFIF header says how to read the samples; it carries nothing about the picture's origin.
    } else if (marker === 0xee && text(body, 0, 5) === 'Adobe') {
      // Adobe's segment tells RGB from YCbCr samples; without it some files decode with wrong colours.
    } else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      scan.found.add(kindOfJpegSegment(marker, body));
      scan.removable.push({ start, end });
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      scan.cmyk = body[5] === 4;
      multiScan = marker !== 0xc0 && marker !== 0xc1 && marker !== 0xc3;
    }
    at = end;
    if (marker === 0xda && !multiScan) {
      // A sequential JPEG has one scan, and coded data stuffs every 0xFF with 0x00: the first FF D9 from here on is
      // the end of the image. One native search instead of a walk over megabytes of coded data.
      const eoi = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(EOI, at);
      scan.end = eoi < 0 ? b.length : eoi + 2;
      break;
    }
    if (marker === 0xda) {
      // Progressive scans have tables between them: coded data runs until a marker that is neither a stuffed 0xFF00
      // nor a restart marker.
      const buffer = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      for (at = buffer.indexOf(0xff, at); at >= 0 && at + 1 < b.length; at = buffer.indexOf(0xff, at + 1)) {
        const next = b[at + 1];
        if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
      }
      if (at < 0) at = b.length;
    }
  }
  if (scan.end < b.length) scan.found.add('other');
  if (iccParts.length > 0) {
    scan.iccIsSrgb = iccDescribesSrgb(Buffer.concat(iccParts));
    scan.found.add('icc');
  }
  return scan;
}

function kindOfJpegSegment(marker: number, body: Uint8Array): MetadataKind {
  if (marker === 0xfe) return 'comment';
  if (marker === 0xe1 && text(body, 0, 29).startsWith('http://ns.adobe.com/')) return 'xmp';
  if (marker === 0xed) return 'iptc';
  if (marker === 0xe0) return 'thumbnail';
  return 'other';
}

/** Chunks that say how to show the pixels (pHYs is the pixel density), not where or by whom they were taken. */
/** iCCP holds a keyword, a compression byte and the zlib-compressed profile. */
function pngProfileIsSrgb(data: Uint8Array): boolean {
  const nul = data.indexOf(0);
  if (nul < 0) return false;
  try {
    return iccDescribesSrgb(inflateSync(data.subarray(nul + 2), { maxOutputLength: 16 * 1024 * 1024 }));
  } catch {
    return false;
  }
}

const PNG_KEPT = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'sRGB', 'gAMA', 'cHRM', 'sBIT', 'bKGD', 'pHYs']);

const IDAT = 0x49444154;

function scanPng(b: Uint8Array): ContainerScan {
  const scan: ContainerScan = { format: 'png', found: new Set(), cmyk: false, removable: [], icc: [], end: b.length };
  let at = 8;
  while (at + 12 <= b.length) {
    const length = u32(b, at);
    const end = at + 12 + length;
    if (end > b.length) break;
    // Image data is most of a large PNG's chunks; it is skipped without building strings, to keep the walk short.
    if (u32(b, at + 4) === IDAT) {
      at = end;
      continue;
    }
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    const data = b.subarray(at + 8, at + 8 + length);
    if (type === 'IEND') {
      scan.end = end;
      break;
    }
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if (type === 'iCCP') {
      scan.icc.push({ start: at, end });
      scan.found.add('icc');
      scan.iccIsSrgb = pngProfileIsSrgb(data);
    } else if (!PNG_KEPT.has(type) && !critical) {
      scan.removable.push({ start: at, end });
      if (type === 'eXIf') {
        const exif = readExifBlock(data);
        scan.orientation = exif.orientation ?? scan.orientation;
        scan.found.add('exif');
        if (exif.gps) scan.found.add('gps');
      } else if (type === 'iTXt' && text(data, 0, 17) === 'XML:com.adobe.xmp') {
        scan.found.add('xmp');
      } else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
        scan.found.add('text');
      } else {
        scan.found.add('other');
      }
    }
    at = end;
  }
  if (scan.end < b.length) scan.found.add('other');
  return scan;
}

export function scanContainer(bytes: Uint8Array, format: 'png' | 'jpeg'): ContainerScan {
  return format === 'png' ? scanPng(bytes) : scanJpeg(bytes);
}

/** A minimal EXIF segment that records only the orientation, so a file sent as it is still displays upright. */
function orientationOnlyExif(orientation: number): Uint8Array {
  const segment = Buffer.alloc(2 + 2 + 6 + 8 + 2 + 12 + 4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(segment.length - 2, 2);
  segment.write('Exif\0\0', 4, 'latin1');
  segment.write('MM', 10, 'latin1');
  segment.writeUInt16BE(42, 12);
  segment.writeUInt32BE(8, 14);
  segment.writeUInt16BE(1, 18);
  segment.writeUInt16BE(0x0112, 20);
  segment.writeUInt16BE(3, 22);
  segment.writeUInt32BE(1, 24);
  segment.writeUInt16BE(orientation, 28);
  return segment;
}

export interface StripOptions {
  /** Keep a non-sRGB ICC profile (when the pixels are not converted, the colours depend on it). */
  keepIcc: boolean;
  /** Keep the EXIF orientation as a minimal tag (JPEG only), when the pixels are not rotated. */
  keepOrientation: boolean;
}

/**
 * The file without its metadata, every other byte unchanged; the same array when there is nothing to remove.
 * Dropping an sRGB profile changes nothing: sRGB is what a reader assumes without one.
 */
export function stripContainer(bytes: Uint8Array, scan: ContainerScan, options: StripOptions): Uint8Array {
  const drop = [...scan.removable, ...(options.keepIcc && scan.iccIsSrgb === false ? [] : scan.icc)].sort((a, c) => a.start - c.start);
  if (drop.length === 0 && scan.end === bytes.length) return bytes;
  const parts: Uint8Array[] = [];
  let at = 0;
  let orientationWritten = false;
  for (const range of drop) {
    parts.push(bytes.subarray(at, range.start));
    if (scan.format === 'jpeg' && options.keepOrientation && !orientationWritten && scan.orientation && scan.orientation !== 1) {
      parts.push(orientationOnlyExif(scan.orientation));
      orientationWritten = true;
    }
    at = range.end;
  }
  parts.push(bytes.subarray(at, scan.end));
  return Buffer.concat(parts);
}

// Recognises image formats by their first bytes, and spots bodies that were cut short, so neither a file name nor a Content-Type is trusted.

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false;
  return true;
}

/** The format the leading bytes announce; 12 bytes are enough for every format known here. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(head, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61])) {
    return 'gif';
  }
  return undefined;
}

export const MAGIC_BYTES_NEEDED = 12;

export function extensionOf(format: ImageFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

/** Bytes kept from the end of a download: enough for every trailer check below. */
export const TAIL_BYTES_NEEDED = 64;

/**
 * Whether a body that starts like `format` also ends like one. A server that closes early without a
 * Content-Length sends a perfectly valid-looking start; its missing trailer is the only clue.
 */
export function looksComplete(format: ImageFormat, head: Uint8Array, tail: Uint8Array, totalBytes: number): boolean {
  switch (format) {
    case 'png': {
      // The IEND chunk: length 0, type "IEND", fixed CRC.
      const iend = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
      return tail.length >= iend.length && startsWith(tail, iend, tail.length - iend.length);
    }
    case 'jpeg': {
      // Some encoders pad after the EOI marker, so it is looked for near the end rather than at it.
      for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
      return false;
    }
    case 'gif':
      return tail.length > 0 && tail[tail.length - 1] === 0x3b;
    case 'webp': {
      if (head.length < 8) return false;
      const riffSize = head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] * 0x1000000);
      return totalBytes >= riffSize + 8;
    }
  }
}

/** A cheap guess used only to word an error: a login page or error page served with status 200. */
export function looksLikeText(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 64)).toString('latin1').trimStart().toLowerCase();
  return text.startsWith('<') || text.startsWith('{') || text.startsWith('[');
}

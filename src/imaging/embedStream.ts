// A stream step that puts the prompt into a PNG or JPEG as it passes on its way to disk, so no saved file is ever rewritten.
import { Transform } from 'node:stream';
import { jpegXmpSegment, pngPromptChunks } from './promptMetadata';

export interface PromptPayload {
  /** The `parameters` text: the prompt on its own line, then the options. */
  parameters: string;
  /** The XMP dc:description: the prompt itself. */
  description: string;
}

export interface EmbedStream {
  readonly stream: Transform;
  /** Bytes added to the file (0 when the format has no place for them here: WEBP, GIF, or an unusual file). */
  inserted(): number;
}

/** The most held back while looking for the place to insert; past it the file goes through unchanged. */
const MAX_HEAD_BYTES = 256 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Decision = { at: number; bytes: Buffer } | 'none' | 'more';

/** PNG: right after IHDR, which the format requires to be the first chunk. */
function decidePng(head: Buffer, payload: PromptPayload): Decision {
  if (head.length < 16) return 'more';
  if (head.toString('latin1', 12, 16) !== 'IHDR') return 'none';
  const end = 8 + 12 + head.readUInt32BE(8);
  if (head.length < end) return 'more';
  return { at: end, bytes: pngPromptChunks(payload.parameters, payload.description) };
}

/** JPEG: after SOI and the JFIF (APP0) and EXIF (APP1) segments that readers expect first. */
function decideJpeg(head: Buffer, payload: PromptPayload): Decision {
  let at = 2;
  for (;;) {
    if (head.length < at + 4) return 'more';
    if (head[at] !== 0xff) return 'none';
    const marker = head[at + 1];
    const length = head.readUInt16BE(at + 2);
    if (marker === 0xe1 && head.length < at + 10) return 'more';
    const skip = marker === 0xe0 || (marker === 0xe1 && head.toString('latin1', at + 4, at + 10) === 'Exif\0\0');
    if (!skip) break;
    at += 2 + length;
  }
  const segment = jpegXmpSegment(payload.description);
  return segment ? { at, bytes: segment } : 'none';
}

function decide(head: Buffer, payload: PromptPayload): Decision {
  try {
    return where(head, payload);
  } catch {
    // A file whose structure cannot be followed is saved as it came: the prompt is a courtesy, the result is not.
    return 'none';
  }
}

function where(head: Buffer, payload: PromptPayload): Decision {
  if (head.length < 3) return 'more';
  if (head.subarray(0, Math.min(8, head.length)).equals(PNG_SIGNATURE.subarray(0, Math.min(8, head.length)))) {
    return head.length < 8 ? 'more' : decidePng(head, payload);
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return decideJpeg(head, payload);
  return 'none';
}

/** Holds back the file's first bytes until the insertion point is known, then lets everything else stream through. */
export function embedPromptStream(payload: PromptPayload): EmbedStream {
  let head: Buffer | undefined = Buffer.alloc(0);
  let inserted = 0;
  const release = (stream: Transform, decision: Decision) => {
    const held = head!;
    head = undefined;
    if (typeof decision === 'object') {
      inserted = decision.bytes.length;
      stream.push(held.subarray(0, decision.at));
      stream.push(decision.bytes);
      stream.push(held.subarray(decision.at));
    } else {
      stream.push(held);
    }
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === undefined) {
        done(null, chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const decision = decide(head, payload);
      if (decision === 'more' && head.length < MAX_HEAD_BYTES) {
        done();
        return;
      }
      release(this, decision === 'more' ? 'none' : decision);
      done();
    },
    flush(done) {
      // A file too short to decide about is left as it came; the download's own checks judge it.
      if (head !== undefined) release(this, 'none');
      done();
    },
  });
  return { stream, inserted: () => inserted };
}

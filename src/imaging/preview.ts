// A small copy of a saved result for a language model to look at: the result itself when it is small, else downscaled in the image worker.
import { imageSize } from 'image-size';
import { sniffSourceFormat } from './formats';
import type { Transformer } from './workerClient';

/** A model judges an edit as well at 1024 px, and chat requests have a size cap. */
export const PREVIEW_LIMITS = { maxSide: 1024, maxBytes: 1024 * 1024 } as const;

export interface Preview {
  bytes: Uint8Array;
  mimeType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** Made smaller than the file on disk. */
  downscaled: boolean;
}

/** `bytes` (a saved result) as a preview within PREVIEW_LIMITS; undefined when it is not an image the worker can read. */
export async function previewOf(bytes: Uint8Array, transformer: Transformer, signal?: AbortSignal): Promise<Preview | undefined> {
  const format = sniffSourceFormat(bytes);
  if (!format) return undefined;
  if ((format === 'png' || format === 'jpeg') && bytes.length <= PREVIEW_LIMITS.maxBytes) {
    const size = sizeOf(bytes);
    if (size && Math.max(size.width, size.height) <= PREVIEW_LIMITS.maxSide) {
      return { bytes, mimeType: format === 'png' ? 'image/png' : 'image/jpeg', ...size, downscaled: false };
    }
  }
  try {
    // The worker may take the memory it is given; the caller's bytes stay intact.
    const out = await transformer.transform(new Uint8Array(bytes), { format, aspect: 'keep', padFill: 'neutral', ...PREVIEW_LIMITS }, signal);
    return { bytes: out.bytes, mimeType: out.format === 'png' ? 'image/png' : 'image/jpeg', width: out.width, height: out.height, downscaled: true };
  } catch {
    return undefined;
  }
}

function sizeOf(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

// The pixel size of a saved image file, read from its first bytes, so what is shown is what is on disk, not what was asked for.
import * as fs from 'node:fs/promises';
import { imageSize } from 'image-size';

/** Enough of a file for its dimensions: a JPEG's size may follow large EXIF and ICC segments. */
const PROBE_BYTES = 256 * 1024;

export interface PixelSize {
  width: number;
  height: number;
}

/** The image's width and height as stored (before any EXIF rotation); undefined when they cannot be read. */
export async function pixelSizeOf(file: string): Promise<PixelSize | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    const { width, height } = imageSize(buffer.subarray(0, bytesRead));
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

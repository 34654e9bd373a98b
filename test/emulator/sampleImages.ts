// Writes a few real input images (valid and invalid) for demos of the emulator.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { encodeJpeg, gradientPixels } from './outputFiles';
import { encodePng } from './png';

export interface SampleImage {
  file: string;
  width: number;
  height: number;
  valid: boolean;
}

/** Writes the samples into `dir` (created if needed) and returns their paths. */
export async function writeSampleImages(dir: string): Promise<SampleImage[]> {
  await mkdir(dir, { recursive: true });
  const out: SampleImage[] = [];
  const items: Array<{ name: string; width: number; height: number; valid: boolean; bytes: () => Buffer }> = [
    { name: 'valid-512x512.png', width: 512, height: 512, valid: true, bytes: () => encodePng(512, 512, gradientPixels('sample-png', 0)) },
    { name: 'valid-640x480.jpg', width: 640, height: 480, valid: true, bytes: () => encodeJpeg(640, 480, gradientPixels('sample-jpeg', 0)) },
    {
      name: 'invalid-aspect-too-wide-3100x1000.png',
      width: 3100,
      height: 1000,
      valid: false,
      bytes: () => encodePng(3100, 1000, gradientPixels('sample-wide', 0), { level: 1 }),
    },
    {
      // A PNG cut off inside its header, as a broken copy leaves one: no fitting can save it.
      name: 'damaged-photo.png',
      width: 640,
      height: 480,
      valid: false,
      bytes: () => encodePng(640, 480, gradientPixels('sample-damaged', 0)).subarray(0, 20),
    },
  ];
  for (const item of items) {
    const file = path.join(dir, item.name);
    await writeFile(file, item.bytes());
    out.push({ file, width: item.width, height: item.height, valid: item.valid });
  }
  return out;
}

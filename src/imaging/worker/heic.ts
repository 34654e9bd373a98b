// Decodes HEIC (HEVC-coded HEIF) with libheif's WebAssembly build, which, unlike libvips here, carries an HEVC decoder.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RgbaImage } from '../bmp';

interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
  free?(): void;
}

interface HeifModule {
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[] };
}

let heif: HeifModule | undefined;

function load(wasmDir: string): HeifModule {
  if (!heif) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require('libheif-js/libheif-wasm/libheif.js') as (options: { wasmBinary: Uint8Array }) => HeifModule;
    heif = factory({ wasmBinary: readFileSync(path.join(wasmDir, 'libheif.wasm')) });
  }
  return heif;
}

/** The primary image, with its rotation and mirroring (irot/imir) applied, as libheif does by default. */
export async function decodeHeic(bytes: Uint8Array, wasmDir: string): Promise<RgbaImage> {
  const Decoder = load(wasmDir).HeifDecoder;
  const images = new Decoder().decode(bytes);
  const image = images[0];
  if (!image) throw new Error('no image inside the HEIF container');
  try {
    const width = image.get_width();
    const height = image.get_height();
    const data = new Uint8ClampedArray(width * height * 4);
    await new Promise<void>((resolve, reject) =>
      image.display({ data, width, height }, (result) => (result ? resolve() : reject(new Error('HEIC decoding failed')))),
    );
    let transparent = false;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] !== 255) {
        transparent = true;
        break;
      }
    }
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), transparent };
  } finally {
    for (const each of images) each.free?.();
  }
}

// Decodes Windows BMP files (1/4/8-bit palette, RLE4/RLE8, 16/24/32-bit, bit fields) to RGBA, since libvips reads no BMP.

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, top row first. */
  data: Uint8Array;
  /** Whether any pixel is less than opaque. */
  transparent: boolean;
}

export class BmpError extends Error {}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

export function decodeBmp(file: Uint8Array): RgbaImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 26 || file[0] !== 0x42 || file[1] !== 0x4d) throw new BmpError('not a BMP file');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bpp = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0 || width * height > 200_000_000) throw new BmpError(`unsupported size ${width}×${height}`);
  if (![0, 1, 2, 3, 6].includes(compression)) throw new BmpError(`unsupported compression ${compression}`);

  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0xff00, 0xff, 0];
  if (compression === 3 || compression === 6) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize;
    masks = [
      view.getUint32(at, true),
      view.getUint32(at + 4, true),
      view.getUint32(at + 8, true),
      compression === 6 || headerSize >= 56 ? view.getUint32(at + 12, true) : 0,
    ];
  } else if (bpp === 32 && headerSize >= 56) {
    masks = [0xff0000, 0xff00, 0xff, view.getUint32(14 + 52, true)];
  }
  const fields = masks.map(maskShift);

  const paletteAt = 14 + headerSize + (compression === 3 && headerSize === 40 ? 12 : compression === 6 && headerSize === 40 ? 16 : 0);
  const entry = core ? 3 : 4;
  const colours = bpp <= 8 ? (core ? 1 << bpp : view.getUint32(46, true) || 1 << bpp) : 0;
  const palette: number[][] = [];
  for (let i = 0; i < colours && paletteAt + i * entry + 3 <= file.length; i++) {
    const at = paletteAt + i * entry;
    palette.push([file[at + 2], file[at + 1], file[at]]);
  }

  const data = new Uint8Array(width * height * 4);
  const put = (x: number, row: number, r: number, g: number, b: number, a = 255) => {
    if (x >= width || row >= height) return;
    const y = topDown ? row : height - 1 - row;
    const i = (y * width + x) * 4;
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = a;
  };
  const putIndex = (x: number, row: number, index: number) => {
    const c = palette[index] ?? [0, 0, 0];
    put(x, row, c[0], c[1], c[2]);
  };

  if (compression === 1 || compression === 2) {
    decodeRle(file, pixelOffset, compression === 2, putIndex);
    // Pixels an RLE stream skips stay transparent, as the format intends.
  } else {
    const stride = Math.floor((bpp * width + 31) / 32) * 4;
    if (pixelOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8) > file.length) throw new BmpError('the pixel data is cut short');
    for (let row = 0; row < height; row++) {
      const line = pixelOffset + row * stride;
      for (let x = 0; x < width; x++) {
        if (bpp <= 8) {
          const bit = x * bpp;
          const index = (file[line + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
          putIndex(x, row, index);
        } else if (bpp === 24) {
          const at = line + x * 3;
          put(x, row, file[at + 2], file[at + 1], file[at]);
        } else if (bpp === 16 || bpp === 32) {
          const value = bpp === 16 ? view.getUint16(line + x * 2, true) : view.getUint32(line + x * 4, true);
          const channel = (k: number) => (fields[k].max === 0 ? 0 : Math.round((((value & masks[k]) >>> fields[k].shift) * 255) / fields[k].max));
          put(x, row, channel(0), channel(1), channel(2), fields[3].max === 0 ? 255 : channel(3));
        } else {
          throw new BmpError(`unsupported bit depth ${bpp}`);
        }
      }
    }
  }
  let transparent = false;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      transparent = true;
      break;
    }
  }
  // Some writers leave a 32-bit alpha channel all zero: such a file means opaque, not invisible.
  if (transparent && bpp === 32 && compression !== 1 && compression !== 2) {
    let anyVisible = false;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) anyVisible = true;
    if (!anyVisible) {
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      transparent = false;
    }
  }
  return { width, height, data, transparent };
}

function decodeRle(file: Uint8Array, start: number, four: boolean, putIndex: (x: number, row: number, index: number) => void): void {
  let x = 0;
  let row = 0;
  let at = start;
  while (at + 1 < file.length) {
    const count = file[at];
    const value = file[at + 1];
    at += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) putIndex(x++, row, four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
    } else if (value === 0) {
      x = 0;
      row++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      x += file[at];
      row += file[at + 1];
      at += 2;
    } else {
      for (let i = 0; i < value; i++) {
        const byte = file[at + (four ? i >> 1 : i)];
        putIndex(x++, row, four ? (i % 2 === 0 ? byte >> 4 : byte & 15) : byte);
      }
      const used = four ? Math.ceil(value / 2) : value;
      at += used + (used % 2);
    }
  }
}

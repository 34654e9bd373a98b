// Photo-like test images made on the spot with sharp's native build (independent of the WebAssembly build the product ships).
import sharp = require('sharp');

/** Smooth gradients with light noise: compresses like a photograph, unlike flat colour or pure noise. */
export function photoPixels(width: number, height: number, channels: 3 | 4 = 3, noise = 24, seed = 7): Buffer {
  const data = Buffer.alloc(width * height * channels);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const n = noise ? (s >>> 16) % noise : 0;
      const i = (y * width + x) * channels;
      data[i] = ((x * 255) / width + 40 * Math.sin(y / 37) + n) & 255;
      data[i + 1] = ((y * 255) / height + 30 * Math.cos(x / 53) + n) & 255;
      data[i + 2] = (((x + y) * 128) / (width + height) + 60 * Math.sin((x - y) / 91) + n) & 255;
      if (channels === 4) data[i + 3] = 255;
    }
  }
  return data;
}

export function photo(width: number, height: number, channels: 3 | 4 = 3, noise = 24): sharp.Sharp {
  return sharp(photoPixels(width, height, channels, noise), { raw: { width, height, channels } });
}

/** Pure noise: the worst case for every encoder, to push files over the size budget. */
export function noise(width: number, height: number, channels: 3 | 4 = 3): sharp.Sharp {
  const data = Buffer.alloc(width * height * channels);
  let s = 99;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return sharp(data, { raw: { width, height, channels } });
}

export const GPS_EXIF = {
  IFD0: { Make: 'PhoneMaker', Model: 'Phone 15', Software: 'Camera 1.0' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 300/100' },
};

export const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Jane Doe"/></rdf:RDF></x:xmpmeta>';

/** A JPEG from a camera: EXIF with GPS, XMP and the given orientation tag. */
export function cameraJpeg(image: sharp.Sharp, orientation = 1, quality = 90): Promise<Buffer> {
  return image.withExif(GPS_EXIF).withXmp(XMP).withMetadata({ orientation }).jpeg({ quality }).toBuffer();
}

/** Inserts a JPEG comment (COM) segment right after SOI: sharp writes none itself. */
export function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const body = Buffer.from(comment, 'latin1');
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xfffe, 0);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

/** The decoded pixels of an image, upright as a viewer would show it. */
export async function pixels(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(bytes).autoOrient().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** An uncompressed 24-bit BMP (bottom-up rows), written by hand: neither sharp nor libvips writes BMP. */
export function bmp24(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const at = 54 + (height - 1 - y) * stride + x * 3;
      file[at] = b;
      file[at + 1] = g;
      file[at + 2] = r;
    }
  }
  return file;
}

/** An 8-bit palette BMP, top-down rows (negative height), two colours. */
export function bmp8(width: number, height: number, index: (x: number, y: number) => number, palette: Array<[number, number, number]>): Buffer {
  const stride = Math.ceil(width / 4) * 4;
  const offset = 54 + 4 * palette.length;
  const file = Buffer.alloc(offset + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(offset, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(-height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(8, 28);
  file.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => {
    file[54 + i * 4] = b;
    file[54 + i * 4 + 1] = g;
    file[54 + i * 4 + 2] = r;
  });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) file[offset + y * stride + x] = index(x, y);
  return file;
}

// Builds the bytes that carry a result's prompt inside the image: PNG text chunks, an XMP packet, and a JPEG XMP segment.

/** The PNG keyword image viewers and generation UIs read the prompt and its parameters from. */
export const PARAMETERS_KEYWORD = 'parameters';
export const XMP_PNG_KEYWORD = 'XML:com.adobe.xmp';
const XMP_JPEG_NAMESPACE = 'http://ns.adobe.com/xap/1.0/\0';
/** A JPEG segment's length field counts itself and is 16 bits wide. */
const MAX_JPEG_SEGMENT_PAYLOAD = 0xffff - 2;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 PNG uses (computed here: the extension host's Node may predate zlib.crc32). */
export function crc32(bytes: Uint8Array, start = 0xffffffff): number {
  let c = start;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typeAndData.length + 8);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE((crc32(typeAndData) ^ 0xffffffff) >>> 0, out.length - 4);
  return out;
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped. */
function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** An XMP packet whose dc:description is `description` (as an x-default language alternative, as Adobe writes it). */
export function xmpPacket(description: string): string {
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(description)}</rdf:li></rdf:Alt></dc:description>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

function isLatin1(text: string): boolean {
  // Latin-1 without NUL (a tEXt chunk's NUL separates keyword and text).
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0 || code > 0xff) return false;
  }
  return true;
}

/**
 * The `parameters` chunk: tEXt when the text is Latin-1 (the PNG rule for tEXt), otherwise an uncompressed iTXt with
 * the same keyword and UTF-8 text, as image libraries write it (Pillow, and so the generation UIs built on it).
 */
export function pngParametersChunk(text: string): Buffer {
  const clean = text.replace(/\0/g, '');
  if (isLatin1(clean)) return pngChunk('tEXt', Buffer.concat([Buffer.from(`${PARAMETERS_KEYWORD}\0`, 'latin1'), Buffer.from(clean, 'latin1')]));
  return pngITxtChunk(PARAMETERS_KEYWORD, clean);
}

/** An uncompressed iTXt chunk: keyword, NUL, compression flag and method 0, empty language and translated keyword. */
export function pngITxtChunk(keyword: string, text: string): Buffer {
  return pngChunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text.replace(/\0/g, ''), 'utf8')]));
}

/** What goes into a PNG right after IHDR: the parameters text, then the XMP packet. */
export function pngPromptChunks(parameters: string, description: string): Buffer {
  return Buffer.concat([pngParametersChunk(parameters), pngITxtChunk(XMP_PNG_KEYWORD, xmpPacket(description))]);
}

/** The APP1 XMP segment (marker included); undefined when the packet would not fit in one segment. */
export function jpegXmpSegment(description: string): Buffer | undefined {
  const payload = Buffer.concat([Buffer.from(XMP_JPEG_NAMESPACE, 'latin1'), Buffer.from(xmpPacket(description), 'utf8')]);
  if (payload.length > MAX_JPEG_SEGMENT_PAYLOAD) return undefined;
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = 0xe1;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

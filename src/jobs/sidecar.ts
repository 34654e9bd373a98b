// The JSON record written beside each saved result, and the lookup that finds results a previous run or another window already saved.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FitChange, ImageSide } from '../imaging/fitTypes';
import { extensionOf, type ImageFormat, MAGIC_BYTES_NEEDED, sniffImageFormat } from './imageMagic';
import { withoutQuery } from '../common/privateUrl';
import { shortenDataUri } from './inputUrls';
import { shortRequestId } from './naming';

export interface SidecarData {
  requestId: string;
  model: string;
  prompt: string;
  /** The options in readable words: `2048x2048(1:1)`, 0.5, false. */
  size?: string;
  scale?: number;
  forceSingle?: boolean;
  /** Input summaries; data URIs are shortened again here in case a caller forgot. */
  inputs: readonly string[];
  submittedAt?: string;
  finishedAt?: string;
  cost?: number;
  /** The API body as it was sent, in the API's own spelling (image data replaced by its summary). */
  apiRequest?: Record<string, unknown>;
  /** Per local input: what the file was and what was sent instead (never pixels, metadata or URLs). */
  fittedInputs?: readonly FittedInputRecord[];
}

export interface FittedInputRecord {
  /** The file's base name. */
  source: string;
  original: ImageSide;
  sent: ImageSide;
  /** The kinds of data removed: `location`, `metadata`. */
  removed: string[];
  changes: FitChange[];
}

export interface SidecarRecord extends SidecarData {
  output: { url: string; index: number; count: number };
  /** The image's base name, in the same folder. */
  file: string;
  savedAt: string;
}

/** Sidecars are small; anything bigger is not one of ours and is not parsed. */
const MAX_SIDECAR_BYTES = 1024 * 1024;

/** An input as a sidecar may record it: a data URI summarised, a URL without its query (which may be a signature). */
function scrubInput(value: string): string {
  return withoutQuery(shortenDataUri(value));
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return shortenDataUri(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v);
    return out;
  }
  return value;
}

function scrubRequest(request: Record<string, unknown>): Record<string, unknown> {
  const out = scrub(request) as Record<string, unknown>;
  if (Array.isArray(out.image_urls)) out.image_urls = (out.image_urls as unknown[]).map((u) => (typeof u === 'string' ? scrubInput(u) : u));
  return out;
}

export function buildSidecar(
  data: SidecarData,
  output: SidecarRecord['output'],
  file: string,
  savedAt: string,
): SidecarRecord {
  // Readable keys first, for people; the API's spelling (with its U+00D7 key) only inside apiRequest.
  return {
    requestId: data.requestId,
    model: data.model,
    prompt: data.prompt,
    ...(data.size !== undefined ? { size: data.size } : {}),
    ...(data.scale !== undefined ? { scale: data.scale } : {}),
    ...(data.forceSingle !== undefined ? { forceSingle: data.forceSingle } : {}),
    inputs: data.inputs.map(scrubInput),
    output,
    file,
    savedAt,
    ...(data.submittedAt !== undefined ? { submittedAt: data.submittedAt } : {}),
    ...(data.finishedAt !== undefined ? { finishedAt: data.finishedAt } : {}),
    ...(data.cost !== undefined ? { cost: data.cost } : {}),
    ...(data.apiRequest !== undefined ? { apiRequest: scrubRequest(data.apiRequest) } : {}),
    ...(data.fittedInputs?.length ? { fittedInputs: data.fittedInputs.map(fittedRecord) } : {}),
  };
}

/** Only the listed fields are copied, so nothing a caller added by mistake reaches the file. */
function fittedRecord(input: FittedInputRecord): FittedInputRecord {
  const side = ({ width, height, format, bytes }: ImageSide): ImageSide => ({ width, height, format, bytes });
  return { source: withoutQuery(shortenDataUri(input.source)), original: side(input.original), sent: side(input.sent), removed: [...input.removed], changes: [...input.changes] };
}

/** Creates the sidecar, failing with EEXIST rather than replacing a file that is already there. */
export async function writeSidecarExclusive(filePath: string, record: SidecarRecord): Promise<void> {
  await fs.writeFile(filePath, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx', encoding: 'utf8' });
}

export interface FoundOutput {
  url: string;
  path: string;
  sidecarPath: string;
  bytes: number;
  format: ImageFormat;
}

async function readHead(filePath: string): Promise<Uint8Array> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(MAGIC_BYTES_NEEDED);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What an existing image file is, or undefined when it is missing, empty or not an image. */
export async function describeSavedImage(filePath: string): Promise<{ bytes: number; format: ImageFormat } | undefined> {
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile() || stat.size === 0) return undefined;
    const format = sniffImageFormat(await readHead(filePath));
    return format ? { bytes: stat.size, format } : undefined;
  } catch {
    return undefined;
  }
}

/** A URL without its query and fragment: a storage link re-signed between two result reads is still the same file. */
export function urlIdentity(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

/** The saved output for `url`: the exact URL first, else the same file under a differently signed URL. */
export function lookupSaved(found: ReadonlyMap<string, FoundOutput>, url: string): FoundOutput | undefined {
  const exact = found.get(url);
  if (exact) return exact;
  const identity = urlIdentity(url);
  for (const output of found.values()) if (urlIdentity(output.url) === identity) return output;
  return undefined;
}

/**
 * Outputs of `requestId` already saved in `dir`: a sidecar with the same requestId and output URL whose image
 * still exists beside it. Only names carrying the request's short id are read, so a large folder stays cheap.
 */
export async function findSavedOutputs(dir: string, requestId: string): Promise<Map<string, FoundOutput>> {
  const found = new Map<string, FoundOutput>();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return found;
  }
  const marker = `-${shortRequestId(requestId)}`;
  for (const name of names) {
    if (!name.endsWith('.json') || !name.includes(marker) || name.startsWith('.')) continue;
    const sidecarPath = path.join(dir, name);
    let record: Partial<SidecarRecord>;
    try {
      const stat = await fs.stat(sidecarPath);
      if (!stat.isFile() || stat.size > MAX_SIDECAR_BYTES) continue;
      record = JSON.parse(await fs.readFile(sidecarPath, 'utf8')) as Partial<SidecarRecord>;
    } catch {
      continue;
    }
    if (!record || record.requestId !== requestId || typeof record.output?.url !== 'string' || typeof record.file !== 'string') continue;
    if (found.has(record.output.url)) continue;
    // A sidecar names its image by base name only; anything else is not trusted as a path.
    if (record.file !== path.basename(record.file) || record.file.startsWith('.')) continue;
    const imagePath = path.join(dir, record.file);
    const image = await describeSavedImage(imagePath);
    if (!image) continue;
    if (!record.file.toLowerCase().endsWith(`.${extensionOf(image.format)}`)) continue;
    found.set(record.output.url, { url: record.output.url, path: imagePath, sidecarPath, bytes: image.bytes, format: image.format });
  }
  return found;
}

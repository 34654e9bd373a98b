// What fitting a local image means: the modes, the model's limits, the report of what changed, and the worker's job shape.

export const FIT_MODES = ['auto', 'pad', 'crop', 'off'] as const;
export type FitMode = (typeof FIT_MODES)[number];

export function isFitMode(value: unknown): value is FitMode {
  return typeof value === 'string' && (FIT_MODES as readonly string[]).includes(value);
}

export interface FitSettings {
  mode: FitMode;
  /** Only consulted for mode 'off': every other mode always strips metadata. */
  stripMetadata: boolean;
}

export const DEFAULT_FIT: FitSettings = { mode: 'auto', stripMetadata: true };

export const FIT_LIMITS = {
  maxSide: 4096,
  /** Width/height bounds, compared exactly by cross-multiplication. */
  maxAspect: 3,
  /** The longest `data:image/…;base64,…` URI one image may become. */
  maxInlineChars: 6 * 1024 * 1024,
  /** Files larger than this are not even read: no photo is, and decoding one would exhaust memory. */
  maxSourceBytes: 256 * 1024 * 1024,
} as const;

/** The most file bytes that fit in one inline data URI (the JPEG prefix is the longer one). */
export const MAX_INLINE_BYTES = Math.floor((FIT_LIMITS.maxInlineChars - 'data:image/jpeg;base64,'.length) / 4) * 3;

export type SourceFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'avif' | 'heic';
export type SentFormat = 'png' | 'jpeg';

/** What was done to an image on its way out, in the order a reader cares about. */
export type FitChange = 'metadataRemoved' | 'locationRemoved' | 'rotated' | 'shrunk' | 'padded' | 'cropped' | 'converted' | 'reencoded' | 'colourConverted';

export interface ImageSide {
  width: number;
  height: number;
  format: SourceFormat;
  bytes: number;
}

/** One local input before and after fitting; `changes` is empty when the file is sent byte-for-byte. */
export interface FitReport {
  name: string;
  original: ImageSide;
  sent: ImageSide & { format: SentFormat };
  changes: FitChange[];
}

export function isInRange(width: number, height: number): boolean {
  return width <= FIT_LIMITS.maxAspect * height && height <= FIT_LIMITS.maxAspect * width;
}

/** What the worker is asked to do with one image: everything is decided beforehand, so the worker only executes. */
export interface TransformJob {
  format: SourceFormat;
  aspect: 'keep' | 'pad' | 'crop';
  padFill: 'neutral' | 'edge';
  maxSide: number;
  /** The largest encoded size allowed. */
  maxBytes: number;
}

export interface TransformOutput {
  bytes: Uint8Array;
  format: SentFormat;
  width: number;
  height: number;
  /** Oriented source size, as decoded. */
  sourceWidth: number;
  sourceHeight: number;
  rotated: boolean;
  colourConverted: boolean;
  quality?: number;
}

export type WorkerRequest = { id: number; input: Uint8Array; job: TransformJob };
export type WorkerReply =
  { id: number; ok: true; output: TransformOutput } | { id: number; ok: false; reason: 'decode' | 'tooLarge' | 'internal'; detail: string };

// The service behaviours a test can change while the emulator runs, and their checks (also for modes sent over HTTP).
import type { OutputFormat } from './outputFiles';

/** How a result with one output names it: `image` alone (what RunComfy may send), `images` alone, or both. */
export type SingleOutputShape = 'image' | 'images' | 'both';
/** `light`: outputs only as big as their pixels need; `realistic`: each as heavy as a photo of its size. */
export type OutputWeight = 'light' | 'realistic';

export interface EmulatorModes {
  /** How long a job stays in_queue once submitted (default 3000). */
  queueMs?: number;
  /** How long it then stays in_progress (default 5000). */
  runMs?: number;
  /** Images produced when force_single is not true (default 2). */
  outputCount?: number;
  /** Default 'png'. */
  outputFormat?: OutputFormat;
  /** Pads each output file to at least this many bytes, still a valid image (default 0). */
  outputPadBytes?: number;
  /** Outputs have the requested size times this (0 < scale ≤ 1, default 1); a scaled output's label says so. */
  outputScale?: number;
  /** Default 'light'. */
  outputWeight?: OutputWeight;
  /** Default 'image'. */
  singleOutput?: SingleOutputShape;
  /** Submits with an inline `data:` image are refused with a 422, as a service that only fetches URLs would. */
  refuseDataUris?: boolean;
  /** Default 0.03; in the model metadata and as `cost` with ?include_cost=true. */
  pricePerImageUsd?: number;
}

const WHOLE = ['queueMs', 'runMs', 'outputCount', 'outputPadBytes'] as const;

/** Throws a readable error for modes that make no sense. */
export function assertValidModes(value: unknown): asserts value is EmulatorModes {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('modes must be an object');
  const m = value as Record<string, unknown>;
  const known = [...WHOLE, 'outputFormat', 'outputScale', 'outputWeight', 'singleOutput', 'refuseDataUris', 'pricePerImageUsd'];
  for (const key of Object.keys(m)) if (!known.includes(key)) throw new Error(`unknown mode ${key} (known: ${known.join(', ')})`);
  for (const key of WHOLE) {
    if (m[key] !== undefined && !(Number.isInteger(m[key]) && (m[key] as number) >= 0)) throw new Error(`${key} must be a whole number ≥ 0`);
  }
  if (m.outputFormat !== undefined && m.outputFormat !== 'png' && m.outputFormat !== 'jpeg') throw new Error('outputFormat is png or jpeg');
  const scale = m.outputScale;
  if (scale !== undefined && !(typeof scale === 'number' && scale > 0 && scale <= 1)) throw new Error('outputScale must be a number in (0, 1]');
  if (m.outputWeight !== undefined && m.outputWeight !== 'light' && m.outputWeight !== 'realistic') throw new Error('outputWeight is light or realistic');
  if (m.singleOutput !== undefined && !['image', 'images', 'both'].includes(m.singleOutput as string)) throw new Error('singleOutput is image, images or both');
  if (m.refuseDataUris !== undefined && typeof m.refuseDataUris !== 'boolean') throw new Error('refuseDataUris must be true or false');
  const price = m.pricePerImageUsd;
  if (price !== undefined && !(typeof price === 'number' && price >= 0)) throw new Error('pricePerImageUsd must be a number ≥ 0');
}

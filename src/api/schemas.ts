// zod schemas for the dreamina edit request (exactly as the contract gives it) and tolerant parsers for every answer.
import * as z from 'zod';

import {
  type EditOptions,
  MAX_IMAGES,
  MAX_PROMPT_LENGTH,
  SIZE_KEY,
  promptLength,
  SIZE_OPTIONS,
} from './model';

export * from './model';

export const EditRequestSchema = z
  .object({
    image_urls: z.array(z.string().min(1)).min(1).max(MAX_IMAGES),
    prompt: z.string().refine((p) => promptLength(p) <= MAX_PROMPT_LENGTH, { message: `at most ${MAX_PROMPT_LENGTH} characters` }),
    [SIZE_KEY]: z.enum(SIZE_OPTIONS).optional(),
    scale: z.number().min(0).max(1).optional(),
    force_single: z.boolean().optional(),
  })
  .strict();
export type EditRequest = z.infer<typeof EditRequestSchema>;

export function toEditRequest(imageUrls: readonly string[], prompt: string, options: EditOptions): EditRequest {
  const body: EditRequest = { image_urls: [...imageUrls], prompt };
  if (options.size !== undefined) body[SIZE_KEY] = options.size;
  if (options.scale !== undefined) body.scale = options.scale;
  if (options.forceSingle !== undefined) body.force_single = options.forceSingle;
  return body;
}

// ---- answers: parsed tolerantly, unknown fields kept ----

const optionalString = z.string().nullish();

export const SubmitResponseSchema = z.looseObject({
  request_id: z.string().min(1),
  status_url: optionalString,
  result_url: optionalString,
  cancel_url: optionalString,
});
export type SubmitResponse = z.infer<typeof SubmitResponseSchema>;

export const StatusResponseSchema = z.looseObject({
  request_id: optionalString,
  status: z.string(),
  // Some answers spell numbers as strings; a position is shown, never trusted for control flow.
  queue_position: z.union([z.number(), z.string()]).nullish(),
  instance_id: z.unknown().optional(),
  status_url: optionalString,
  result_url: optionalString,
});
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

const urlOrList = z.union([z.string(), z.array(z.string())]).nullish();

export const OutputSchema = z.looseObject({
  image: urlOrList,
  images: urlOrList,
  video: urlOrList,
  videos: urlOrList,
});
export type Output = z.infer<typeof OutputSchema>;

export const ResultResponseSchema = z.looseObject({
  request_id: optionalString,
  status: z.string(),
  output: OutputSchema.nullish(),
  created_at: z.unknown().optional(),
  finished_at: z.unknown().optional(),
  error: z.unknown().optional(),
  cost: z.union([z.number(), z.string()]).nullish(),
});
export type ResultResponse = z.infer<typeof ResultResponseSchema>;

export const CancelResponseSchema = z.looseObject({
  request_id: optionalString,
  status: optionalString,
  outcome: optionalString,
});
export type CancelResponse = z.infer<typeof CancelResponseSchema>;

export const ModelMetadataSchema = z.looseObject({
  model_id: optionalString,
  input_schema: z.unknown().optional(),
  base_price_usd: z.union([z.number(), z.string()]).nullish(),
  price_unit: optionalString,
});
export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

// ---- normalisation ----

/** The states this project knows; `unknown` means "a status string we have not seen: keep polling". */
export type RemoteState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

export function normaliseState(raw: string | null | undefined): RemoteState {
  switch ((raw ?? '').trim().toLowerCase()) {
    case 'in_queue':
    case 'queued':
    case 'pending':
      return 'queued';
    case 'in_progress':
    case 'running':
    case 'processing':
      return 'running';
    case 'completed':
    case 'succeeded':
    case 'success':
      return 'succeeded';
    case 'failed':
    case 'error':
      return 'failed';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

export function isFinalState(state: RemoteState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

export type CancelOutcome = 'cancelled' | 'not_cancellable' | 'unknown';

export function normaliseCancelOutcome(answer: CancelResponse): CancelOutcome {
  const raw = (answer.outcome ?? answer.status ?? '').toLowerCase();
  if (raw === 'cancelled' || raw === 'canceled') return 'cancelled';
  if (raw === 'not_cancellable' || raw === 'not_cancelable') return 'not_cancellable';
  return 'unknown';
}

/** All image URLs an output holds, in order, without duplicates. */
export function outputImageUrls(output: Output | null | undefined): string[] {
  if (!output) return [];
  const urls: string[] = [];
  for (const v of [output.image, output.images]) {
    if (typeof v === 'string') urls.push(v);
    else if (Array.isArray(v)) urls.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return [...new Set(urls)];
}

/** Video URLs are kept too, so a result is never silently dropped even if this model starts returning them. */
export function outputVideoUrls(output: Output | null | undefined): string[] {
  if (!output) return [];
  const urls: string[] = [];
  for (const v of [output.video, output.videos]) {
    if (typeof v === 'string') urls.push(v);
    else if (Array.isArray(v)) urls.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return [...new Set(urls)];
}

/** The error a failed result carries, as a readable sentence (its shape is undocumented). */
export function describeRemoteError(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const o = error as Record<string, unknown>;
    for (const key of ['message', 'error_message', 'detail', 'error']) {
      if (typeof o[key] === 'string') return o[key];
    }
  }
  try {
    return JSON.stringify(error);
  } catch {
    // Only a circular object or a BigInt gets here.
    return typeof error === 'bigint' ? error.toString() : Object.prototype.toString.call(error);
  }
}

export function parseCost(cost: number | string | null | undefined): number | undefined {
  if (cost === null || cost === undefined) return undefined;
  const n = typeof cost === 'number' ? cost : Number(cost);
  return Number.isFinite(n) ? n : undefined;
}

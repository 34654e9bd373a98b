// The zod schema stored batches are validated against when read back after a reload.
import * as z from 'zod';
import { SIZE_OPTIONS } from '../api/schemas';
import { FIT_MODES } from '../imaging/fitTypes';
import { JOB_STATES } from '../jobs/rules';
import type { BatchRecord } from './batch';

const Item = z.object({
  source: z.string().min(1),
  relative: z.string().min(1),
  state: z.enum(['pending', 'notSent', ...JOB_STATES]),
  jobId: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  files: z.array(z.string()).optional(),
  cost: z.number().optional(),
  error: z.string().optional(),
  notSent: z.enum(['cancelled', 'refused']).optional(),
  stalled: z.boolean().optional(),
  cancelOutcome: z.string().optional(),
});

const Ref = z.discriminatedUnion('kind', [z.object({ kind: z.literal('url'), url: z.string() }), z.object({ kind: z.literal('file'), path: z.string() })]);

export const BatchSchema = z.object({
  id: z.string().min(1),
  origin: z.enum(['interactive', 'scripted']),
  state: z.enum(['running', 'paused', 'cancelled', 'finished']),
  createdAt: z.number(),
  updatedAt: z.number(),
  prompt: z.string(),
  options: z.object({ size: z.enum(SIZE_OPTIONS), scale: z.number().min(0).max(1), forceSingle: z.boolean() }),
  fit: z.object({ mode: z.enum(FIT_MODES), stripMetadata: z.boolean() }),
  references: z.array(Ref),
  root: z.string(),
  folder: z.string(),
  outputRoot: z.string().optional(),
  label: z.string(),
  concurrency: z.number().int().min(1),
  unitPrice: z.number().optional(),
  notice: z.string().optional(),
  items: z.array(Item).min(1),
});

// A compile-time check that the schema and the hand-written record agree both ways.
type Parsed = z.infer<typeof BatchSchema>;
const _toRecord = (p: Parsed): BatchRecord => p;
const _toSchema = (b: BatchRecord): Parsed => b;
void _toRecord;
void _toSchema;

/** Parses stored batches, dropping (not throwing on) any record that no longer matches. */
export function parseStoredBatches(raw: unknown, onInvalid?: (reason: string) => void): BatchRecord[] {
  if (!Array.isArray(raw)) return [];
  const batches: BatchRecord[] = [];
  for (const item of raw) {
    const parsed = BatchSchema.safeParse(item);
    if (parsed.success) batches.push(parsed.data);
    else onInvalid?.(parsed.error.issues[0]?.message ?? 'invalid batch record');
  }
  return batches;
}

// The zod schema stored jobs are validated against when read back, and the upgrade of records from the first version.
import * as z from 'zod';
import { SIZE_OPTIONS } from '../api/schemas';
import { type Job, storableInput } from './job';

const SavedFile = z.object({
  url: z.string(),
  path: z.string(),
  sidecarPath: z.string().optional(),
  bytes: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

const FORMATS = ['png', 'jpeg', 'webp', 'gif', 'bmp', 'tiff', 'avif', 'heic'] as const;
const CHANGES = ['metadataRemoved', 'locationRemoved', 'rotated', 'shrunk', 'padded', 'cropped', 'converted', 'reencoded', 'colourConverted'] as const;
const ImageSide = z.object({ width: z.number(), height: z.number(), format: z.enum(FORMATS), bytes: z.number() });

const InputSummary = z.object({
  label: z.string(),
  summary: z.string(),
  path: z.string().optional(),
  url: z.string().optional(),
  fit: z.enum(['pad', 'crop']).optional(),
  fitted: z.object({ original: ImageSide, sent: ImageSide, changes: z.array(z.enum(CHANGES)) }).optional(),
});

const Trouble = z.object({ failures: z.number(), sinceMono: z.number(), error: z.string(), stalled: z.boolean() });

const common = {
  id: z.string().min(1),
  origin: z.enum(['submit', 'resume']),
  prompt: z.string(),
  options: z.object({
    size: z.enum(SIZE_OPTIONS).optional(),
    scale: z.number().min(0).max(1).optional(),
    forceSingle: z.boolean().optional(),
  }),
  inputs: z.array(InputSummary),
  outputDir: z.string(),
  outputRoot: z.string().optional(),
  baseName: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  seen: z.boolean().optional(),
  batch: z.object({ id: z.string().min(1), item: z.number().int().min(0), label: z.string() }).optional(),
};

const tracked = {
  ...common,
  requestId: z.string().min(1),
  submittedAt: z.number(),
  startedAt: z.number().optional(),
  remoteStatus: z.string().optional(),
  cost: z.number().optional(),
  cancelOutcome: z.enum(['cancelled', 'not_cancellable', 'unknown']).optional(),
};

const finished = { ...tracked, finishedAt: z.number() };
const outputs = { ...finished, outputUrls: z.array(z.string()), files: z.array(SavedFile), attempts: z.number() };

export const JobSchema = z.discriminatedUnion('state', [
  z.object({ ...common, state: z.literal('submitting') }),
  z.object({ ...common, state: z.literal('submissionUnknown'), error: z.string() }),
  z.object({ ...tracked, state: z.literal('queued'), queuePosition: z.number().optional(), trouble: Trouble.optional() }),
  z.object({ ...tracked, state: z.literal('running'), trouble: Trouble.optional() }),
  z.object({ ...outputs, state: z.literal('saving') }),
  z.object({ ...outputs, state: z.literal('saved') }),
  z.object({ ...outputs, state: z.literal('saveFailed'), error: z.string(), retryable: z.boolean() }),
  z.object({ ...finished, state: z.literal('failed'), error: z.string() }),
  z.object({ ...finished, state: z.literal('cancelled') }),
]);

// A compile-time check that the schema and the hand-written union agree both ways.
type Parsed = z.infer<typeof JobSchema>;
const _toUnion = (p: Parsed): Job => p;
const _toSchema = (j: Job): Parsed => j;
void _toUnion;
void _toSchema;

/** Parses stored jobs, dropping (not throwing on) any record that no longer matches; first-version records are upgraded. */
export function parseStoredJobs(raw: unknown, onInvalid?: (reason: string) => void): Job[] {
  if (!Array.isArray(raw)) return [];
  const jobs: Job[] = [];
  for (const item of raw) {
    const parsed = JobSchema.safeParse(upgradeLegacy(item));
    // Records written before URLs were shortened lose their queries here, and in storage at the next save.
    if (parsed.success) jobs.push({ ...parsed.data, inputs: parsed.data.inputs.map(storableInput) });
    else onInvalid?.(parsed.error.issues[0]?.message ?? 'invalid job record');
  }
  return jobs;
}

interface LegacyRecord {
  state?: unknown;
  requestId?: unknown;
  download?: { state?: unknown; files?: unknown; error?: unknown; attempts?: unknown };
  outputUrls?: unknown;
  [key: string]: unknown;
}

/** Records of the first version kept one flat shape with a separate download state; they map onto the union's states. */
function upgradeLegacy(item: unknown): unknown {
  if (!item || typeof item !== 'object') return item;
  const old = item as LegacyRecord;
  const download = old.download;
  if (!download || typeof download !== 'object') return item;
  const { download: _download, pollError: _pollError, queuePosition, error, nextAttemptAt: _next, ...rest } = old as LegacyRecord & Record<string, unknown>;
  const files = Array.isArray(download.files) ? download.files : [];
  const attempts = typeof download.attempts === 'number' ? download.attempts : 0;
  const submittedAt = typeof rest.submittedAt === 'number' ? rest.submittedAt : rest.createdAt;
  const finishedAt = typeof rest.finishedAt === 'number' ? rest.finishedAt : rest.updatedAt;
  const at = { ...rest, submittedAt };
  switch (old.state) {
    case 'submitting':
    case 'submissionUnknown':
      return { ...rest, state: old.state, ...(old.state === 'submissionUnknown' ? { error: error ?? '' } : {}) };
    case 'queued':
      return { ...at, state: 'queued', ...(typeof queuePosition === 'number' ? { queuePosition } : {}) };
    case 'running':
      return { ...at, state: 'running' };
    case 'failed':
      return { ...at, finishedAt, state: 'failed', error: typeof error === 'string' ? error : '' };
    case 'cancelled':
      return { ...at, finishedAt, state: 'cancelled' };
    case 'succeeded': {
      const base = { ...at, finishedAt, outputUrls: Array.isArray(old.outputUrls) ? old.outputUrls : [], files, attempts };
      if (download.state === 'saved') return { ...base, state: 'saved' };
      if (download.state === 'failed') {
        return { ...base, state: 'saveFailed', error: typeof download.error === 'string' ? download.error : '', retryable: attempts < 8 };
      }
      return { ...base, state: 'saving' };
    }
    default:
      return item;
  }
}

// The job model: explicit remote states, a separate download state, and the zod schema that validates stored jobs.
import * as z from 'zod';
import { SIZE_OPTIONS } from '../api/schemas';

export const JOB_STATES = ['submitting', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'submissionUnknown'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const DOWNLOAD_STATES = ['none', 'pending', 'downloading', 'saved', 'failed'] as const;
export type DownloadState = (typeof DOWNLOAD_STATES)[number];

const SavedFileSchema = z.object({
  url: z.string(),
  path: z.string(),
  sidecarPath: z.string().optional(),
  bytes: z.number().optional(),
});
export type SavedFileRef = z.infer<typeof SavedFileSchema>;

const InputSummarySchema = z.object({
  /** A URL, or a file's base name. */
  label: z.string(),
  /** What a sidecar records: the URL, or `name (sha256:…, N bytes)`; never a data URI. */
  summary: z.string(),
  /** Absolute path of a workspace file input, so it can be shown and re-used. */
  path: z.string().optional(),
  url: z.string().optional(),
});
export type InputSummary = z.infer<typeof InputSummarySchema>;

export const JobRecordSchema = z.looseObject({
  id: z.string().min(1),
  requestId: z.string().optional(),
  origin: z.enum(['submit', 'resume']),
  state: z.enum(JOB_STATES),
  remoteStatus: z.string().optional(),
  queuePosition: z.number().optional(),
  prompt: z.string(),
  options: z.object({
    size: z.enum(SIZE_OPTIONS).optional(),
    scale: z.number().min(0).max(1).optional(),
    forceSingle: z.boolean().optional(),
  }),
  inputs: z.array(InputSummarySchema),
  outputDir: z.string(),
  baseName: z.string(),
  createdAt: z.number(),
  submittedAt: z.number().optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  updatedAt: z.number(),
  error: z.string().optional(),
  pollError: z.string().optional(),
  cost: z.number().optional(),
  outputUrls: z.array(z.string()),
  cancelOutcome: z.enum(['cancelled', 'not_cancellable', 'unknown']).optional(),
  seen: z.boolean().optional(),
  download: z.object({
    state: z.enum(DOWNLOAD_STATES),
    files: z.array(SavedFileSchema),
    error: z.string().optional(),
    attempts: z.number(),
    nextAttemptAt: z.number().optional(),
  }),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

export const FINAL_STATES: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'cancelled', 'submissionUnknown']);

export function isFinal(job: Pick<JobRecord, 'state'>): boolean {
  return FINAL_STATES.has(job.state);
}

/** Still worth polling: it has a request_id and RunComfy has not said the last word. */
export function needsPolling(job: JobRecord): boolean {
  return !!job.requestId && (job.state === 'queued' || job.state === 'running');
}

export function needsDownload(job: JobRecord): boolean {
  return job.state === 'succeeded' && (job.download.state === 'pending' || job.download.state === 'failed') && job.outputUrls.length > 0;
}

/** Final, and nothing more will happen to its files on its own. */
export function isSettled(job: JobRecord): boolean {
  return isFinal(job) && job.download.state !== 'pending' && job.download.state !== 'downloading';
}

/** Parses stored jobs, dropping (not throwing on) any record that no longer matches the schema. */
export function parseStoredJobs(raw: unknown, onInvalid?: (reason: string) => void): JobRecord[] {
  if (!Array.isArray(raw)) return [];
  const jobs: JobRecord[] = [];
  for (const item of raw) {
    const parsed = JobRecordSchema.safeParse(item);
    if (parsed.success) jobs.push(parsed.data);
    else onInvalid?.(parsed.error.issues[0]?.message ?? 'invalid job record');
  }
  return jobs;
}

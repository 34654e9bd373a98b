// A representative job in any state, for tests of the state machine, the rule book and the views.
import type { Job } from '../../src/jobs/job';
import type { JobState } from '../../src/jobs/rules';

const common = {
  id: 'job-1',
  origin: 'submit' as const,
  prompt: 'put a hat on the cat',
  options: { size: '1024x1024(1:1)' as const, scale: 0.6 },
  inputs: [{ label: 'cat.png', summary: 'cat.png (sha256:abc, 10 bytes)', path: '/ws/cat.png' }],
  outputDir: '/ws/runcomfy-results',
  baseName: 'cat',
  createdAt: 1000,
  updatedAt: 1000,
};
const tracked = { ...common, requestId: 'req-1', submittedAt: 2000 };
const outputs = { ...tracked, finishedAt: 20_000, outputUrls: ['https://x/1.png'], files: [], attempts: 0 };

/** A job in `state` with typical fields, overridden by `extra`. */
export function jobIn(state: JobState, extra: Record<string, unknown> = {}): Job {
  const jobs: Record<JobState, Job> = {
    submitting: { ...common, state: 'submitting' },
    submissionUnknown: { ...common, state: 'submissionUnknown', error: 'lost' },
    queued: { ...tracked, state: 'queued', queuePosition: 1 },
    running: { ...tracked, state: 'running', startedAt: 5000 },
    saving: { ...outputs, state: 'saving' },
    saved: { ...outputs, state: 'saved', files: [{ url: 'https://x/1.png', path: '/ws/runcomfy-results/cat-1.png' }], attempts: 1 },
    saveFailed: { ...outputs, state: 'saveFailed', error: 'cut short', retryable: true, attempts: 1 },
    failed: { ...tracked, finishedAt: 20_000, state: 'failed', error: 'policy' },
    cancelled: { ...tracked, finishedAt: 20_000, state: 'cancelled' },
  };
  return { ...jobs[state], ...extra };
}

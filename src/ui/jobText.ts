// How a job is described to people: state words, icons, elapsed time and a short prompt, shared by every view.
import { t } from '../common/l10n';
import type { JobRecord } from '../jobs/job';

export function stateIcon(job: JobRecord): string {
  switch (job.state) {
    case 'submitting':
      return '$(cloud-upload)';
    case 'queued':
      return '$(clock)';
    case 'running':
      return '$(sync~spin)';
    case 'succeeded':
      return job.download.state === 'failed' ? '$(warning)' : job.download.state === 'saved' ? '$(pass-filled)' : '$(cloud-download)';
    case 'failed':
      return '$(error)';
    case 'cancelled':
      return '$(circle-slash)';
    case 'submissionUnknown':
      return '$(question)';
  }
}

export function stateText(job: JobRecord): string {
  switch (job.state) {
    case 'submitting':
      return t('submitting');
    case 'queued':
      return job.queuePosition !== undefined ? t('queued (position {0})', job.queuePosition) : t('queued');
    case 'running':
      return job.cancelOutcome === 'not_cancellable' ? t('running (could not be cancelled)') : t('running');
    case 'succeeded':
      if (job.download.state === 'saved') return t('done, {0} saved', job.download.files.length);
      if (job.download.state === 'failed') return t('done, saving failed');
      return t('done, saving…');
    case 'failed':
      return t('failed');
    case 'cancelled':
      return t('cancelled');
    case 'submissionUnknown':
      return t('submission unknown');
  }
}

export function isActive(job: JobRecord): boolean {
  return job.state === 'submitting' || job.state === 'queued' || job.state === 'running';
}

/** A failure the user has not looked at yet, or results that could not be saved. */
export function needsAttention(job: JobRecord): boolean {
  if (job.seen) return false;
  return job.state === 'failed' || job.state === 'submissionUnknown' || (job.state === 'succeeded' && job.download.state === 'failed');
}

export function elapsed(job: JobRecord, now: number): string {
  const start = job.submittedAt ?? job.createdAt;
  const end = job.finishedAt ?? now;
  const s = Math.max(0, Math.round((end - start) / 1000));
  if (s < 60) return t('{0}s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return t('{0}m {1}s', m, String(s % 60).padStart(2, '0'));
  return t('{0}h {1}m', Math.floor(m / 60), String(m % 60).padStart(2, '0'));
}

export function shortPrompt(job: JobRecord, max = 48): string {
  const p = job.prompt.replace(/\s+/g, ' ').trim() || (job.origin === 'resume' ? t('(resumed request)') : t('(no prompt)'));
  return p.length > max ? `${p.slice(0, max - 1)}…` : p;
}

export function shortId(job: JobRecord): string {
  return job.requestId ? job.requestId.slice(0, 8) : t('pending');
}

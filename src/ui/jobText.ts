// How a job reads in VS Code's own widgets (status bar, quick picks, notifications): the rule book's words with codicons.
import { t } from '../common/l10n';
import { costText } from '../common/wording';
import { factsOf, hasOutputs, hasRequestId, type Job, timesOf } from '../jobs/job';
import { durationOf, lookOf, stateWords } from '../jobs/rules';

/** `$(sync~spin)`, `$(clock)`…: the rule book's icon in codicon syntax. */
export function stateIcon(job: Job): string {
  const look = lookOf(factsOf(job));
  return `$(${look.icon}${look.spin ? '~spin' : ''})`;
}

export function stateText(job: Job): string {
  return stateWords(factsOf(job));
}

/** "Done · 2 files saved · 0:16 · $0.06 — 2 images × $0.03": state, duration and cost, as every list shows them. */
export function jobSummary(job: Job, now: number): string {
  const parts = [stateText(job)];
  if (job.state !== 'submitting' && job.state !== 'submissionUnknown') parts.push(durationOf(timesOf(job), now));
  const cost = hasRequestId(job) ? job.cost : undefined;
  if (cost !== undefined) parts.push(costText(cost, hasOutputs(job) ? job.outputUrls.length : undefined));
  return parts.join(' · ');
}

export function shortPrompt(job: Job, max = 48): string {
  const p = job.prompt.replace(/\s+/g, ' ').trim() || (job.origin === 'resume' ? t('(resumed request)') : t('(no prompt)'));
  return p.length > max ? `${p.slice(0, max - 1)}…` : p;
}

/** The request_id, or a short local reference for a job that has none. */
export function jobReference(job: Job): string {
  return hasRequestId(job) ? job.requestId : t('local {0}', job.id.slice(0, 8));
}

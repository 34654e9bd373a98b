// Tells the user what they must know, once each: results saved, saves and jobs that failed, jobs out of reach, a refused token.
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { showError, showInfo, showWarning } from './messages';
import type { EngineHealth, JobChange } from '../jobs/engine';
import { filesOf, hasRequestId, isTracked, type Job } from '../jobs/job';
import { openResultsWhenDone } from '../platform/config';
import type { OpenResultOptions } from '../commands/resultActions';
import type { JobsService } from '../platform/jobsService';
import type { Services } from '../platform/services';
import { shortPrompt } from './jobText';

export function registerNotifications(services: Services): vscode.Disposable {
  const { jobs } = services;
  /** What was already announced per job (its state, or "stalled"), so each is announced once. */
  const announced = new Map<string, string>();
  let pausedBefore = false;
  const onHealth = (health: EngineHealth) => {
    const paused = !!health.authPaused;
    if (paused && !pausedBefore) void tokenRefused(health.authPaused!.error);
    pausedBefore = paused;
  };
  return vscode.Disposable.from(
    jobs.onDidChangeJob((change) => void onChange(change, announced, jobs)),
    jobs.onDidChange(() => onHealth(jobs.health())),
  );
}

async function tokenRefused(error: string): Promise<void> {
  const set = vscode.l10n.t('Set API Token');
  const choice = await showWarning(`RunComfy: ${error} ${vscode.l10n.t('Tracking of every job is paused until a token is set.')}`, set);
  if (choice === set) await vscode.commands.executeCommand('runcomfy.setApiToken');
}

async function onChange({ job, previous, removed }: JobChange, announced: Map<string, string>, jobs: JobsService): Promise<void> {
  if (removed) return;
  if (isTracked(job)) {
    if (job.trouble?.stalled && announced.get(job.id) !== 'stalled') {
      announced.set(job.id, 'stalled');
      await stalled(job, job.trouble.error, jobs);
    }
    return;
  }
  // Only a change of state is news: being marked seen, say, is not.
  if (announced.get(job.id) === job.state || previous?.state === job.state) return;
  // A batch's jobs end in its own summary, not in one notification (and one opened editor) each.
  if (job.batch) return;
  switch (job.state) {
    case 'saved':
      announced.set(job.id, job.state);
      await saved(job);
      return;
    case 'saveFailed': {
      announced.set(job.id, job.state);
      const retry = vscode.l10n.t('Retry Download');
      const copy = vscode.l10n.t('Copy Request ID');
      const choice = await showWarning(`RunComfy: ${job.error}`, retry, copy);
      if (choice === retry) await vscode.commands.executeCommand('runcomfy.retryDownload', job.id);
      if (choice === copy) await vscode.commands.executeCommand('runcomfy.copyRequestId', job.id);
      return;
    }
    case 'failed':
    case 'submissionUnknown': {
      announced.set(job.id, job.state);
      const showJobs = vscode.l10n.t('Show Jobs');
      const resume = vscode.l10n.t('Resume by Request ID');
      const copy = vscode.l10n.t('Copy Request ID');
      const second = job.state === 'submissionUnknown' ? resume : copy;
      const choice = await showError(`RunComfy: ${job.error}`, showJobs, second);
      if (choice === showJobs) await vscode.commands.executeCommand('runcomfy.showJobs');
      if (choice === resume) await vscode.commands.executeCommand('runcomfy.resume');
      if (choice === copy && hasRequestId(job)) await vscode.env.clipboard.writeText(job.requestId);
      return;
    }
    case 'submitting':
    case 'saving':
    case 'cancelled':
      return;
  }
}

async function stalled(job: Job, error: string, jobs: JobsService): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  const retry = vscode.l10n.t('Retry');
  const choice = await showWarning(
    vscode.l10n.t(
      'RunComfy: the state of "{0}" could not be read for a while: {1} It is still being tracked, and its result will be saved when it can be read.',
      shortPrompt(job, 40),
      error,
    ),
    showLog,
    retry,
  );
  if (choice === showLog) await vscode.commands.executeCommand('runcomfy.showLog');
  if (choice === retry) jobs.pollNow(job.id);
}

async function saved(job: Job): Promise<void> {
  const files = filesOf(job);
  if (files.length === 0) return;
  if (openResultsWhenDone()) await vscode.commands.executeCommand('runcomfy.openResult', job.id, { preserveFocus: true } satisfies OpenResultOptions);
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal');
  const prompt = shortPrompt(job, 40);
  const choice = await showInfo(tn(files.length, 'RunComfy: {0} result saved for "{1}".|RunComfy: {0} results saved for "{1}".', prompt), open, reveal);
  if (choice === open) await vscode.commands.executeCommand('runcomfy.openResult', job.id);
  if (choice === reveal) await vscode.commands.executeCommand('runcomfy.revealResult', job.id);
}

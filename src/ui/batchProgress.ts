// One progress notification per batch (done / failed / left) with Pause, Resume and Cancel; the word after a reload; the summary at the end.
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { type BatchRecord, type BatchState, countsOf, itemOutcome } from '../batch/batch';
import { SUMMARY_FILE } from '../batch/summary';
import { Disposable } from '../common/lifecycle';
import { formatUsd } from '../common/wording';
import type { Outcome } from '../jobs/rules';
import type { Services } from '../platform/services';
import { plainText } from '../common/plainText';
import { showInfo, showWarning } from './messages';

export function registerBatchProgress(services: Services): vscode.Disposable {
  return new BatchProgressUi(services);
}

/** "3 done · 1 failed · 5 left". */
export function countsText(batch: BatchRecord): string {
  const c = countsOf(batch);
  const text = [tn(c.done, '{0} done|{0} done'), tn(c.failed, '{0} failed|{0} failed'), tn(c.left, '{0} left|{0} left')].join(' · ');
  if (batch.state === 'cancelled') return vscode.l10n.t('{0} · cancelling: jobs already running finish and are saved', text);
  return batch.notice ? `${text} · ${plainText(batch.notice)}` : text;
}

/** What became of the items, in words, the ones that went well first. */
export function outcomeWords(batch: BatchRecord): string {
  const tally = new Map<Outcome | 'notSent', number>();
  for (const item of batch.items) {
    const key = item.state === 'notSent' ? 'notSent' : itemOutcome(item);
    if (key) tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const words: Array<[Outcome | 'notSent', (n: number) => string]> = [
    ['succeeded', (n) => tn(n, '{0} saved|{0} saved')],
    ['saveFailed', (n) => tn(n, '{0} not saved (retry from the job list)|{0} not saved (retry from the job list)')],
    ['failed', (n) => tn(n, '{0} failed|{0} failed')],
    ['cancelled', (n) => tn(n, '{0} cancelled|{0} cancelled')],
    ['notSent', (n) => tn(n, '{0} not sent|{0} not sent')],
    ['submissionUnknown', (n) => tn(n, '{0} with unknown submission (not resent)|{0} with unknown submission (not resent)')],
    ['stalled', (n) => tn(n, '{0} not reachable|{0} not reachable')],
  ];
  return words.filter(([key]) => tally.get(key)).map(([key, say]) => say(tally.get(key)!)).join(', ');
}

class BatchProgressUi extends Disposable {
  /** Batches this window follows (interactive ones and those restored after a reload), with the state last seen. */
  private readonly followed = new Map<string, BatchState>();
  private readonly open = new Set<string>();

  constructor(private readonly services: Services) {
    super();
    const { jobs } = services;
    this._register(jobs.onDidChangeBatch((batch) => this.onChange(batch)));
    this._register(jobs.onDidRestoreBatches((batches) => batches.forEach((b) => this.onRestored(b))));
  }

  private onChange(batch: BatchRecord): void {
    const before = this.followed.get(batch.id);
    if (before === undefined) {
      // A script's batch shows nothing (the caller decided); the user's own gets its progress at once.
      if (batch.origin !== 'interactive' || batch.state !== 'running') return;
      this.followed.set(batch.id, batch.state);
      this.showProgress(batch.id);
      return;
    }
    if (before === batch.state) return;
    this.followed.set(batch.id, batch.state);
    if (batch.state === 'paused') void this.paused(batch);
    if (batch.state === 'running') this.showProgress(batch.id);
    if (batch.state === 'finished') {
      this.followed.delete(batch.id);
      void this.finished(batch);
    }
  }

  private onRestored(batch: BatchRecord): void {
    this.followed.set(batch.id, batch.state);
    const c = countsOf(batch);
    const label = plainText(batch.label);
    if (batch.state === 'paused') {
      void this.offer(vscode.l10n.t('RunComfy: the batch "{0}" is paused: {1} of {2} left.', label, c.left, c.total), batch.id, ['resume', 'cancel']);
      return;
    }
    void this.offer(vscode.l10n.t('RunComfy: the batch "{0}" continues after the reload: {1} of {2} left. Nothing is sent twice.', label, c.left, c.total), batch.id, ['pause', 'cancel']);
    this.showProgress(batch.id);
  }

  private showProgress(id: string): void {
    const batch = this.services.jobs.batch(id);
    if (!batch || this.open.has(id) || this.isDisposed) return;
    this.open.add(id);
    const title = vscode.l10n.t('RunComfy batch "{0}"', plainText(batch.label));
    void vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
        new Promise<'ask' | 'ended'>((resolve) => {
          let reported = 0;
          const end = (why: 'ask' | 'ended') => {
            sub.dispose();
            cancel.dispose();
            resolve(why);
          };
          const report = (b: BatchRecord) => {
            const c = countsOf(b);
            const percent = ((c.done + c.failed) / Math.max(1, c.total)) * 100;
            progress.report({ message: countsText(b), increment: percent - reported });
            reported = percent;
            if (b.state === 'paused' || b.state === 'finished') end('ended');
          };
          const sub = this.services.jobs.onDidChangeBatch((b) => b.id === id && report(b));
          const cancel = token.onCancellationRequested(() => end('ask'));
          report(this.services.jobs.batch(id) ?? batch);
        }),
      )
      .then((why) => {
        this.open.delete(id);
        if (why === 'ask') void this.askToStop(id);
      });
  }

  /** The notification's Cancel button: pause, or cancel for good; anything else keeps the batch going. */
  private async askToStop(id: string): Promise<void> {
    const batch = this.services.jobs.batch(id);
    if (!batch || (batch.state !== 'running' && batch.state !== 'cancelled')) return;
    if (batch.state === 'cancelled') return this.showProgress(id);
    const pause = vscode.l10n.t('Pause');
    const cancel = vscode.l10n.t('Cancel Batch');
    const choice = await showWarning(
      vscode.l10n.t('Pause or cancel the batch "{0}"?', plainText(batch.label)),
      {
        modal: true,
        detail: vscode.l10n.t('Pause sends nothing more until you resume. Cancel never sends the remaining images and asks RunComfy to cancel queued jobs. Jobs already running finish either way, are billed, and their results are saved.'),
      },
      pause,
      cancel,
    );
    if (choice === pause) await this.services.jobs.pauseBatch(id);
    else if (choice === cancel) await this.services.jobs.cancelBatch(id);
    if (this.services.jobs.batch(id)?.state !== 'paused') this.showProgress(id);
  }

  private paused(batch: BatchRecord): Promise<void> {
    const c = countsOf(batch);
    return this.offer(vscode.l10n.t('RunComfy: the batch "{0}" is paused: {1} of {2} left. Jobs already sent go on.', plainText(batch.label), c.left, c.total), batch.id, ['resume', 'cancel']);
  }

  private async offer(message: string, id: string, actions: Array<'pause' | 'resume' | 'cancel'>): Promise<void> {
    const words = { pause: vscode.l10n.t('Pause'), resume: vscode.l10n.t('Resume'), cancel: vscode.l10n.t('Cancel Batch') };
    const choice = await showInfo(message, ...actions.map((a) => words[a]));
    const { jobs } = this.services;
    if (choice === words.pause) await jobs.pauseBatch(id);
    if (choice === words.resume) await jobs.resumeBatch(id);
    if (choice === words.cancel) await jobs.cancelBatch(id);
  }

  private async finished(batch: BatchRecord): Promise<void> {
    const spent = batch.items.reduce((sum, item) => sum + (item.cost ?? 0), 0);
    const reveal = vscode.l10n.t('Reveal Folder');
    const summary = vscode.l10n.t('Open Summary');
    const showJobs = vscode.l10n.t('Show Jobs');
    const text = vscode.l10n.t('RunComfy: the batch "{0}" is finished: {1}.', plainText(batch.label), outcomeWords(batch));
    const choice = await showInfo(spent > 0 ? `${text} ${vscode.l10n.t('Cost: {0}.', formatUsd(spent))}` : text, reveal, summary, showJobs);
    const folder = vscode.Uri.file(batch.folder);
    if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', folder);
    if (choice === summary) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, SUMMARY_FILE));
    if (choice === showJobs) await vscode.commands.executeCommand('runcomfy.showJobs');
  }
}

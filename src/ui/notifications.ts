// Tells the user when a job finishes: results opened or offered (Open / Reveal), failures with the service's message.
import * as vscode from 'vscode';
import type { JobChange } from '../jobs/engine';
import { openResultsWhenDone } from '../platform/config';
import type { Services } from '../platform/services';
import { shortPrompt } from './jobText';

export function registerNotifications(services: Services): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  /** Outcomes already announced per job, so each is announced once. */
  const announced = new Map<string, string>();
  const attach = (runtime: NonNullable<Services['current']>) => disposables.push(runtime.engine.onDidChange((c) => void onChange(c, announced)));
  if (services.current) attach(services.current);
  disposables.push(services.onDidLoadRuntime(attach));
  return new vscode.Disposable(() => disposables.forEach((d) => d.dispose()));
}

async function onChange({ job, previousState, removed }: JobChange, announced: Map<string, string>): Promise<void> {
  if (removed) return;
  const key = `${job.state}/${job.download.state}`;
  if (announced.get(job.id) === key) return;

  if (job.state === 'succeeded' && job.download.state === 'saved' && job.download.files.length > 0) {
    announced.set(job.id, key);
    const files = job.download.files;
    if (openResultsWhenDone()) await vscode.commands.executeCommand('runcomfy.openResult', job.id);
    const open = vscode.l10n.t('Open');
    const reveal = vscode.l10n.t('Reveal');
    const choice = await vscode.window.showInformationMessage(
      files.length === 1
        ? vscode.l10n.t('RunComfy: 1 result saved for "{0}".', shortPrompt(job, 40))
        : vscode.l10n.t('RunComfy: {0} results saved for "{1}".', files.length, shortPrompt(job, 40)),
      open,
      reveal,
    );
    if (choice === open) await vscode.commands.executeCommand('runcomfy.openResult', job.id);
    if (choice === reveal) await vscode.commands.executeCommand('runcomfy.revealResult', job.id);
    return;
  }
  if (job.state === 'succeeded' && job.download.state === 'failed' && job.download.error) {
    announced.set(job.id, key);
    const retry = vscode.l10n.t('Retry Download');
    const copy = vscode.l10n.t('Copy Request ID');
    const choice = await vscode.window.showWarningMessage(`RunComfy: ${job.download.error}`, retry, copy);
    if (choice === retry) await vscode.commands.executeCommand('runcomfy.retryDownload', job.id);
    if (choice === copy) await vscode.commands.executeCommand('runcomfy.copyRequestId', job.id);
    return;
  }
  if ((job.state === 'failed' || job.state === 'submissionUnknown') && previousState !== job.state) {
    announced.set(job.id, key);
    const showJobs = vscode.l10n.t('Show Jobs');
    const copy = vscode.l10n.t('Copy Request ID');
    const choice = await vscode.window.showErrorMessage(`RunComfy: ${job.error ?? vscode.l10n.t('the job failed.')}`, showJobs, copy);
    if (choice === showJobs) await vscode.commands.executeCommand('runcomfy.showJobs');
    if (choice === copy && job.requestId) await vscode.env.clipboard.writeText(job.requestId);
  }
}

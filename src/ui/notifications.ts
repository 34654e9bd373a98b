// Tells the user when a job finishes: results opened or offered (Open / Reveal), failures with the service's message.
import * as vscode from 'vscode';
import type { JobChange } from '../jobs/engine';
import { openResultsWhenDone } from '../platform/config';
import type { Services } from '../platform/services';
import { shortPrompt } from './jobText';

export function registerNotifications(services: Services): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  const attach = (runtime: NonNullable<Services['current']>) => disposables.push(runtime.engine.onDidChange((c) => void onChange(c)));
  if (services.current) attach(services.current);
  disposables.push(services.onDidLoadRuntime(attach));
  return new vscode.Disposable(() => disposables.forEach((d) => d.dispose()));
}

/** Download states already announced, so a job is announced once per outcome. */
const announced = new Map<string, string>();

async function onChange({ job, previousState, removed }: JobChange): Promise<void> {
  if (removed) return;
  const key = `${job.state}/${job.download.state}`;
  if (announced.get(job.id) === key) return;

  if (job.state === 'succeeded' && job.download.state === 'saved' && job.download.files.length > 0) {
    announced.set(job.id, key);
    const files = job.download.files;
    if (openResultsWhenDone()) await vscode.commands.executeCommand('runcomfy.openResult', job.id);
    const choice = await vscode.window.showInformationMessage(
      `RunComfy: ${files.length} result${files.length === 1 ? '' : 's'} saved for "${shortPrompt(job, 40)}".`,
      'Open',
      'Reveal',
    );
    if (choice === 'Open') await vscode.commands.executeCommand('runcomfy.openResult', job.id);
    if (choice === 'Reveal') await vscode.commands.executeCommand('runcomfy.revealResult', job.id);
    return;
  }
  if (job.state === 'succeeded' && job.download.state === 'failed' && job.download.error) {
    announced.set(job.id, key);
    const choice = await vscode.window.showWarningMessage(`RunComfy: ${job.download.error}`, 'Retry Download', 'Copy Request ID');
    if (choice === 'Retry Download') await vscode.commands.executeCommand('runcomfy.retryDownload', job.id);
    if (choice === 'Copy Request ID') await vscode.commands.executeCommand('runcomfy.copyRequestId', job.id);
    return;
  }
  if ((job.state === 'failed' || job.state === 'submissionUnknown') && previousState !== job.state) {
    announced.set(job.id, key);
    const choice = await vscode.window.showErrorMessage(`RunComfy: ${job.error ?? 'the job failed.'}`, 'Show Jobs', 'Copy Request ID');
    if (choice === 'Show Jobs') await vscode.commands.executeCommand('runcomfy.showJobs');
    if (choice === 'Copy Request ID' && job.requestId) await vscode.env.clipboard.writeText(job.requestId);
  }
}

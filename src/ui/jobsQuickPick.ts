// The job list (status bar click, "RunComfy: Show Jobs"): live rows with cancel, open, reveal, copy and retry buttons.
import * as vscode from 'vscode';
import { plainLabel } from '../common/plainText';
import { spendingText } from '../common/wording';
import { factsOf, filesOf, hasRequestId, problemOf, type Job } from '../jobs/job';
import { canRetrySave, isCancellable, needsUser } from '../jobs/rules';
import type { JobsService } from '../platform/jobsService';
import type { SpendingService } from '../platform/spending';
import { jobSummary, shortPrompt, stateIcon, stateText } from './jobText';

type Action = 'cancel' | 'open' | 'reveal' | 'copy' | 'retry';

type ActionButton = vscode.QuickInputButton & { action: Action };

/** Built on use, so the tooltips speak the user's language. */
function buttons(): Record<Action, ActionButton> {
  return {
    cancel: { iconPath: new vscode.ThemeIcon('stop-circle'), tooltip: vscode.l10n.t('Cancel (only queued jobs can be cancelled)'), action: 'cancel' },
    open: { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: vscode.l10n.t('Open results'), action: 'open' },
    reveal: { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: vscode.l10n.t('Reveal in Explorer'), action: 'reveal' },
    copy: { iconPath: new vscode.ThemeIcon('copy'), tooltip: vscode.l10n.t('Copy request_id'), action: 'copy' },
    retry: { iconPath: new vscode.ThemeIcon('refresh'), tooltip: vscode.l10n.t('Retry download'), action: 'retry' },
  };
}

type JobItem = vscode.QuickPickItem & { jobId: string };

export function actionsFor(job: Job): Action[] {
  const facts = factsOf(job);
  const actions: Action[] = [];
  if (isCancellable(facts)) actions.push('cancel');
  if (filesOf(job).length > 0) actions.push('open', 'reveal');
  if (canRetrySave(facts)) actions.push('retry');
  if (hasRequestId(job)) actions.push('copy');
  return actions;
}

function toItem(job: Job, now: number, all: Record<Action, ActionButton>): JobItem {
  const problem = problemOf(job);
  return {
    label: `${stateIcon(job)} ${plainLabel(shortPrompt(job))}`,
    description: plainLabel(jobSummary(job, now)),
    detail: plainLabel(`${hasRequestId(job) ? job.requestId : vscode.l10n.t('no request_id yet')}${problem ? ` — ${problem}` : ''}`),
    buttons: actionsFor(job).map((a) => all[a]),
    jobId: job.id,
  };
}

export async function showJobsQuickPick(jobs: JobsService, spending: Pick<SpendingService, 'totals'>): Promise<void> {
  await jobs.ready();
  const qp = vscode.window.createQuickPick<JobItem>();
  const all = buttons();
  const hint = vscode.l10n.t('Pick a job for its actions; buttons cancel, open, reveal, copy the request_id or retry a download');
  qp.placeholder = hint;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const render = () => {
    const list = jobs.list();
    qp.items = list.map((j) => toItem(j, Date.now(), all));
    qp.title = `${vscode.l10n.t('RunComfy Jobs')} — ${plainLabel(spendingText(spending.totals()))}`;
    qp.placeholder = list.length === 0 ? vscode.l10n.t('No jobs yet. Run "RunComfy: Edit Image with Dreamina…" to start one.') : hint;
  };
  render();
  const ticker = setInterval(render, 1000);
  const subs = [
    jobs.onDidChange(render),
    qp.onDidTriggerItemButton((e) => void runAction((e.button as ActionButton).action, e.item.jobId, jobs)),
    qp.onDidAccept(async () => {
      const item = qp.selectedItems[0];
      if (!item) return;
      qp.hide();
      await pickAction(item.jobId, jobs);
    }),
  ];
  qp.onDidHide(() => {
    clearInterval(ticker);
    for (const s of subs) s.dispose();
    // The list was seen: failures stop asking for attention in the status bar.
    for (const job of jobs.list()) if (needsUser(factsOf(job))) void jobs.markSeen(job.id);
    qp.dispose();
  });
  qp.show();
}

async function pickAction(jobId: string, jobs: JobsService): Promise<void> {
  const job = jobs.get(jobId);
  if (!job) return;
  const labels: Record<Action, string> = {
    cancel: `$(stop-circle) ${vscode.l10n.t('Cancel job')}`,
    open: `$(go-to-file) ${vscode.l10n.t('Open results')}`,
    reveal: `$(folder-opened) ${vscode.l10n.t('Reveal in Explorer')}`,
    copy: `$(copy) ${vscode.l10n.t('Copy request_id')}`,
    retry: `$(refresh) ${vscode.l10n.t('Retry download')}`,
  };
  const choice = await vscode.window.showQuickPick(
    actionsFor(job).map((a) => ({ label: labels[a], action: a })),
    { title: `${shortPrompt(job)} — ${stateText(job)}`, placeHolder: hasRequestId(job) ? job.requestId : undefined },
  );
  if (choice) await runAction(choice.action, jobId, jobs);
}

const ACTION_COMMANDS: Record<Action, string> = {
  cancel: 'runcomfy.cancel',
  open: 'runcomfy.openResult',
  reveal: 'runcomfy.revealResult',
  copy: 'runcomfy.copyRequestId',
  retry: 'runcomfy.retryDownload',
};

export async function runAction(action: Action, jobId: string, jobs: JobsService): Promise<void> {
  const job = jobs.get(jobId);
  if (!job) return;
  // Cancel speaks RunComfy's language (a request_id); the other commands take the job's own id.
  await vscode.commands.executeCommand(ACTION_COMMANDS[action], action === 'cancel' && hasRequestId(job) ? job.requestId : job.id);
}

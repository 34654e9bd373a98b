// One status bar item driven by the jobs: quiet when idle, queued and running counted apart, coloured when the user must act.
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { markdownCode, markdownText } from '../common/plainText';
import { costText, spendingText } from '../common/wording';
import { nextLocalMidnight, type SpendingTotals } from '../jobs/spending';
import type { EngineHealth } from '../jobs/engine';
import { factsOf, hasOutputs, hasRequestId, type Job } from '../jobs/job';
import { isCancellable, needsUser } from '../jobs/rules';
import type { Services } from '../platform/services';
import { jobReference, shortPrompt, stateText } from './jobText';

export function registerStatusBar(services: Services): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('runcomfy.jobs', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('RunComfy Jobs');
  item.command = 'runcomfy.showJobs';
  let hasToken = true;
  // Setting the same tooltip again closes an open hover: only what changed is handed to VS Code.
  let shownTooltip: string | undefined;

  const render = () => {
    const view = describe(services.jobs.list(), services.jobs.health(), hasToken, services.spending.totals());
    if (!view) {
      item.hide();
      return;
    }
    item.text = view.text;
    if (view.tooltip.value !== shownTooltip) {
      item.tooltip = view.tooltip;
      shownTooltip = view.tooltip.value;
    }
    item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    item.accessibilityInformation = { label: view.label };
    item.show();
  };

  const refreshToken = async () => {
    hasToken = !!(await services.tokens.get());
    render();
  };

  // Today's total starts over at local midnight, whether or not a job changes then.
  let midnight: ReturnType<typeof setTimeout> | undefined;
  const renderAtMidnight = () => {
    const now = Date.now();
    midnight = setTimeout(
      () => {
        render();
        renderAtMidnight();
      },
      nextLocalMidnight(now) - now + 1000,
    );
  };

  void refreshToken();
  renderAtMidnight();
  return vscode.Disposable.from(
    item,
    services.jobs.onDidChange(render),
    services.tokens.onDidChange(() => void refreshToken()),
    new vscode.Disposable(() => clearTimeout(midnight)),
  );
}

interface StatusView {
  text: string;
  label: string;
  tooltip: vscode.MarkdownString;
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

/** Jobs grouped the way the status bar counts them. */
interface JobCounts {
  submitting: Job[];
  queued: Job[];
  running: Job[];
  saving: Job[];
  attention: Job[];
  /** The latest ended jobs that do not need the user, newest first: what they cost. */
  finished: Job[];
}

/** How many ended jobs the tooltip lists with their cost. */
const FINISHED_SHOWN = 3;

function countJobs(jobs: readonly Job[]): JobCounts {
  const pick = (state: Job['state']) => jobs.filter((j) => j.state === state);
  const attention = jobs.filter((j) => needsUser(factsOf(j)));
  const finished = jobs
    .filter((j) => (j.state === 'saved' || j.state === 'saveFailed' || j.state === 'failed' || j.state === 'cancelled') && !attention.includes(j))
    .sort((a, b) => endOf(b) - endOf(a))
    .slice(0, FINISHED_SHOWN);
  return {
    submitting: pick('submitting'),
    queued: pick('queued'),
    running: pick('running'),
    saving: pick('saving'),
    attention,
    finished,
  };
}

function endOf(job: Job): number {
  return 'finishedAt' in job ? job.finishedAt : job.createdAt;
}

/** "$(sync~spin) 1 running  $(clock) 2 queued": each kind of work with its own icon and count. */
function statusText(counts: JobCounts): string {
  const parts: string[] = [];
  if (counts.running.length) parts.push(`$(sync~spin) ${tn(counts.running.length, '{0} running|{0} running')}`);
  if (counts.queued.length) parts.push(`$(clock) ${tn(counts.queued.length, '{0} queued|{0} queued')}`);
  if (counts.submitting.length) parts.push(`$(cloud-upload) ${tn(counts.submitting.length, '{0} submitting|{0} submitting')}`);
  if (counts.saving.length) parts.push(`$(cloud-download) ${tn(counts.saving.length, '{0} saving|{0} saving')}`);
  return parts.join('  ');
}

function describe(jobs: Job[], health: EngineHealth, hasToken: boolean, spent: SpendingTotals): StatusView | undefined {
  const counts = countJobs(jobs);
  const busy = counts.running.length + counts.queued.length + counts.submitting.length + counts.saving.length;
  const paused = health.authPaused;
  if (busy === 0 && counts.attention.length === 0 && !paused && (hasToken || jobs.length === 0)) {
    // Idle: stay out of the way entirely until there is something to show.
    return jobs.length === 0 ? undefined : quiet(jobs, spent);
  }
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['runcomfy.showJobs', 'runcomfy.cancel', 'runcomfy.setApiToken', 'runcomfy.openPanel', 'runcomfy.showLog'] };
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${vscode.l10n.t('RunComfy — Dreamina edit')}**\n\n`);
  if (paused)
    md.appendMarkdown(`$(key) ${vscode.l10n.t('Polling is paused: RunComfy refused the API token. [Set API token](command:runcomfy.setApiToken)')}\n\n`);
  else if (!hasToken) md.appendMarkdown(`$(key) ${vscode.l10n.t('No API token is set. [Set API token](command:runcomfy.setApiToken)')}\n\n`);
  section(md, vscode.l10n.t('Running ({0})', counts.running.length), counts.running);
  section(md, vscode.l10n.t('Queued ({0})', counts.queued.length), counts.queued);
  section(md, vscode.l10n.t('Submitting ({0})', counts.submitting.length), counts.submitting);
  section(md, vscode.l10n.t('Saving ({0})', counts.saving.length), counts.saving);
  section(md, vscode.l10n.t('Needs you ({0})', counts.attention.length), counts.attention, '$(warning) ');
  finishedSection(md, counts.finished);
  md.appendMarkdown(`$(credit-card) ${markdownText(spendingText(spent))}\n\n`);
  md.appendMarkdown(
    `\n${vscode.l10n.t('[Show jobs](command:runcomfy.showJobs) · [Open panel](command:runcomfy.openPanel) · [Show log](command:runcomfy.showLog)')}`,
  );

  const background = paused || !hasToken ? 'statusBarItem.warningBackground' : counts.attention.length > 0 ? 'statusBarItem.errorBackground' : undefined;
  const label = [
    counts.running.length ? tn(counts.running.length, '{0} running|{0} running') : '',
    counts.queued.length ? tn(counts.queued.length, '{0} queued|{0} queued') : '',
    counts.submitting.length ? tn(counts.submitting.length, '{0} submitting|{0} submitting') : '',
    counts.saving.length ? tn(counts.saving.length, '{0} saving|{0} saving') : '',
    counts.attention.length ? tn(counts.attention.length, '{0} needs attention|{0} need attention') : '',
    paused ? vscode.l10n.t('polling paused, token refused') : !hasToken ? vscode.l10n.t('no API token') : '',
  ].filter(Boolean);
  const prefix = paused || !hasToken ? '$(key) ' : counts.attention.length > 0 ? '$(warning) ' : '';
  const text = busy > 0 ? `${prefix}${statusText(counts)}` : `${prefix || '$(warning) '}RunComfy`;
  return { text, label: `RunComfy: ${label.join(', ')}`, tooltip: md, background };
}

function section(md: vscode.MarkdownString, title: string, jobs: Job[], icon = ''): void {
  if (jobs.length === 0) return;
  md.appendMarkdown(`**${title}**\n\n`);
  for (const job of jobs) {
    md.appendMarkdown(`- ${icon}${markdownCode(jobReference(job))} — ${markdownText(stateText(job))} — ${markdownText(shortPrompt(job, 40))}`);
    if (hasRequestId(job) && isCancellable(factsOf(job)))
      md.appendMarkdown(` · ${vscode.l10n.t('[Cancel]({0})', `command:runcomfy.cancel?${arg(job.requestId)}`)}`);
    md.appendMarkdown('\n');
  }
  md.appendMarkdown('\n');
}

/** The latest ended jobs, each with what RunComfy charged for it. */
function finishedSection(md: vscode.MarkdownString, jobs: Job[]): void {
  if (jobs.length === 0) return;
  md.appendMarkdown(`**${vscode.l10n.t('Last finished')}**\n\n`);
  for (const job of jobs) {
    const cost = hasRequestId(job) ? job.cost : undefined;
    // "$0.06 — 2 images × $0.03" says more than "$0.03 — 1 image × $0.03" does.
    const images = hasOutputs(job) && job.outputUrls.length > 1 ? job.outputUrls.length : undefined;
    const charged = cost === undefined ? '' : ` — ${markdownText(costText(cost, images))}`;
    md.appendMarkdown(`- ${markdownText(shortPrompt(job, 40))} — ${markdownText(stateText(job))}${charged}\n`);
  }
  md.appendMarkdown('\n');
}

function quiet(jobs: Job[], spent: SpendingTotals): StatusView {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['runcomfy.showJobs', 'runcomfy.openPanel'] };
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${vscode.l10n.t('RunComfy — Dreamina edit')}**\n\n`);
  md.appendMarkdown(`${tn(jobs.length, 'No job running ({0} job in history).|No job running ({0} jobs in history).')}\n\n`);
  finishedSection(md, countJobs(jobs).finished);
  md.appendMarkdown(`$(credit-card) ${markdownText(spendingText(spent))}\n\n`);
  md.appendMarkdown(vscode.l10n.t('[Show jobs](command:runcomfy.showJobs) · [Open panel](command:runcomfy.openPanel)'));
  return { text: '$(sparkle)', label: vscode.l10n.t('RunComfy: no job running'), tooltip: md };
}

function arg(value: string): string {
  return encodeURIComponent(JSON.stringify([value]));
}

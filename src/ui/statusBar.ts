// One status bar item driven by the jobs: quiet when idle, a spinner and count while jobs run, coloured when the user must act.
import * as vscode from 'vscode';
import type { JobRecord } from '../jobs/job';
import type { Services } from '../platform/services';
import { isActive, needsAttention, shortId, shortPrompt, stateText } from './jobText';

export function registerStatusBar(services: Services): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('runcomfy.jobs', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('RunComfy Jobs');
  item.command = 'runcomfy.showJobs';
  let hasToken = true;
  const disposables: vscode.Disposable[] = [item];

  const render = () => {
    const jobs = services.current?.engine.list() ?? [];
    const view = describe(jobs, hasToken);
    if (!view) {
      item.hide();
      return;
    }
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    item.accessibilityInformation = { label: view.label };
    item.show();
  };

  const refreshToken = async () => {
    hasToken = !!(await services.tokens.get());
    render();
  };

  const watch = (runtime: NonNullable<Services['current']>) => disposables.push(runtime.engine.onDidChange(() => render()));
  if (services.current) watch(services.current);
  disposables.push(
    services.onDidLoadRuntime((runtime) => {
      watch(runtime);
      render();
    }),
    services.tokens.onDidChange(() => void refreshToken()),
  );
  void refreshToken();
  return vscode.Disposable.from(...disposables);
}

interface StatusView {
  text: string;
  label: string;
  tooltip: vscode.MarkdownString;
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

function describe(jobs: JobRecord[], hasToken: boolean): StatusView | undefined {
  const active = jobs.filter(isActive);
  const attention = jobs.filter(needsAttention);
  if (active.length === 0 && attention.length === 0 && (hasToken || jobs.length === 0)) {
    // Idle: stay out of the way entirely until there is something to show.
    return jobs.length === 0 ? undefined : quiet(jobs);
  }
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['runcomfy.showJobs', 'runcomfy.cancel', 'runcomfy.setApiToken', 'runcomfy.openPanel', 'runcomfy.showLog', 'runcomfy.copyRequestId'] };
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${vscode.l10n.t('RunComfy — Dreamina edit')}**\n\n`);
  if (!hasToken) md.appendMarkdown(`$(key) ${vscode.l10n.t('No API token is set. [Set API token](command:runcomfy.setApiToken)')}\n\n`);
  for (const job of active) {
    md.appendMarkdown(`- \`${job.requestId ?? vscode.l10n.t('submitting…')}\` — ${stateText(job)} — ${escape(shortPrompt(job, 40))}`);
    if (job.requestId && job.state === 'queued') md.appendMarkdown(` · ${vscode.l10n.t('[Cancel]({0})', `command:runcomfy.cancel?${arg(job.requestId)}`)}`);
    md.appendMarkdown('\n');
  }
  for (const job of attention) {
    md.appendMarkdown(`- $(warning) \`${job.requestId ?? shortId(job)}\` — ${stateText(job)} — ${escape(shortPrompt(job, 40))}\n`);
  }
  md.appendMarkdown(`\n${vscode.l10n.t('[Show jobs](command:runcomfy.showJobs) · [Open panel](command:runcomfy.openPanel) · [Show log](command:runcomfy.showLog)')}`);

  const background = !hasToken ? 'statusBarItem.warningBackground' : attention.length > 0 ? 'statusBarItem.errorBackground' : undefined;
  if (active.length > 0) {
    return {
      text: `$(sync~spin) ${active.length}`,
      label: active.length === 1 ? vscode.l10n.t('RunComfy: 1 job running') : vscode.l10n.t('RunComfy: {0} jobs running', active.length),
      tooltip: md,
      background,
    };
  }
  return {
    text: !hasToken ? '$(key) RunComfy' : `$(warning) RunComfy`,
    label: !hasToken
      ? vscode.l10n.t('RunComfy: no API token')
      : attention.length === 1
        ? vscode.l10n.t('RunComfy: 1 job needs attention')
        : vscode.l10n.t('RunComfy: {0} jobs need attention', attention.length),
    tooltip: md,
    background,
  };
}

function quiet(jobs: JobRecord[]): StatusView {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['runcomfy.showJobs', 'runcomfy.openPanel'] };
  md.appendMarkdown(
    vscode.l10n.t('RunComfy: no job running ({0} in history).\n\n[Show jobs](command:runcomfy.showJobs) · [Open panel](command:runcomfy.openPanel)', jobs.length),
  );
  return { text: '$(sparkle)', label: vscode.l10n.t('RunComfy: no job running'), tooltip: md };
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function arg(value: string): string {
  return encodeURIComponent(JSON.stringify([value]));
}

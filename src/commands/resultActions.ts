// Internal commands behind buttons and links: open or reveal a job's results, copy its request_id, retry its download.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { showError, showWarning } from '../ui/messages';
import { filesOf, hasRequestId, type Job } from '../jobs/job';
import type { CommandContext } from './context';

async function jobFrom(ctx: CommandContext, arg: unknown): Promise<Job | undefined> {
  if (typeof arg !== 'string') return undefined;
  await ctx.services.jobs.ready();
  return ctx.services.jobs.get(arg);
}

function existingFiles(job: Job): vscode.Uri[] {
  return filesOf(job)
    .filter((f) => fs.existsSync(f.path))
    .map((f) => vscode.Uri.file(f.path));
}

/** How a result is opened: `preserveFocus` when nobody asked for it just now (a job that finished on its own). */
export interface OpenResultOptions {
  preserveFocus?: boolean;
}

/**
 * Opens a saved file (a path) or every result of a job (its id or request_id) in VS Code's own image preview. Opened
 * because a job finished, a result never takes the focus: the user may be typing in an editor or the palette.
 */
export function openResultCommand(ctx: CommandContext) {
  return async (arg?: unknown, how?: unknown): Promise<void> => {
    const file = typeof arg === 'string' && fs.existsSync(arg) ? vscode.Uri.file(arg) : undefined;
    const job = file ? undefined : await jobFrom(ctx, arg);
    const files = file ? [file] : job ? existingFiles(job) : [];
    if (files.length === 0) {
      void showWarning(vscode.l10n.t('RunComfy: this job has no saved result on disk.'));
      return;
    }
    const options = openOptions(files.length, (how as OpenResultOptions | undefined)?.preserveFocus === true);
    for (const uri of files) await vscode.commands.executeCommand('vscode.open', uri, options);
  };
}

/**
 * Where results open. While the edit panel shows, never in a new group (that would squeeze the panel to half its
 * width): in a group the user already has, else in the panel's own group, keeping the focus where it is; a single
 * result as a preview tab, so a series of results does not pile up tabs.
 */
function openOptions(count: number, preserveFocus: boolean): vscode.TextDocumentShowOptions {
  const groups = vscode.window.tabGroups.all;
  const panelGroup = groups.find((group) => isPanelTab(group.activeTab));
  if (!panelGroup) return { preview: false, preserveFocus };
  const target = groups.find((group) => group !== panelGroup) ?? panelGroup;
  return { viewColumn: target.viewColumn, preserveFocus: true, preview: count === 1 };
}

function isPanelTab(tab: vscode.Tab | undefined): boolean {
  return tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('runcomfy.panel');
}

export function revealResultCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<void> => {
    const job = typeof arg === 'string' && fs.existsSync(arg) ? undefined : await jobFrom(ctx, arg);
    const uri = job ? existingFiles(job)[0] : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
    if (!uri) {
      void showWarning(vscode.l10n.t('RunComfy: this job has no saved result on disk.'));
      return;
    }
    await revealUri(uri);
  };
}

/** In the Explorer when the file is inside the workspace, otherwise in the operating system's file manager. */
export async function revealUri(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

export function copyRequestIdCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const job = await jobFrom(ctx, arg);
    const id = (job && hasRequestId(job) ? job.requestId : undefined) ?? (typeof arg === 'string' && !job ? arg : undefined);
    if (!id) return undefined;
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`$(copy) ${vscode.l10n.t('Copied request_id {0}', id)}`, 3000);
    return id;
  };
}

export function retryDownloadCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<void> => {
    const job = await jobFrom(ctx, arg);
    if (!job) return;
    const { jobs } = ctx.services;
    try {
      const after = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RunComfy: downloading results again…') },
        () => jobs.retryDownload(job.id),
      );
      if (after.state === 'saveFailed') void showError(after.error);
    } catch (e) {
      void showError(jobs.userMessageOf(e));
    }
  };
}

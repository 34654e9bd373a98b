// runcomfy.resume: fetches and saves an existing request_id's result without submitting anything.
import * as vscode from 'vscode';
import { plainText } from '../common/plainText';
import { showError, showInfo } from '../ui/messages';
import type { Job } from '../jobs/job';
import { outputFolderFor } from '../platform/config';
import { stateText } from '../ui/jobText';
import type { CommandContext } from './context';

export function resumeCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<{ requestId: string; status: string } | undefined> => {
    const { jobs } = ctx.services;
    const given = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { requestId?: unknown }).requestId === 'string' ? (arg as { requestId: string }).requestId : undefined;
    const scripted = given !== undefined;
    const raw =
      given ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('RunComfy: resume by request_id'),
        prompt: vscode.l10n.t('The request_id of an existing job (from a notification, the log, or your RunComfy dashboard). Nothing is submitted.'),
        placeHolder: vscode.l10n.t('e.g. {0}', '3f2a9c1e-7b6d-4e0f-9a51-2c8d7e6b1a90'),
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            jobs.assertRequestId(v);
            return undefined;
          } catch (e) {
            return plainText(jobs.userMessageOf(e));
          }
        },
      }));
    if (!raw) return undefined;
    const fail = (e: unknown) => {
      if (scripted) throw new Error(jobs.userMessageOf(e));
      void showError(jobs.userMessageOf(e));
      return undefined;
    };
    let requestId: string;
    try {
      requestId = jobs.assertRequestId(raw);
    } catch (e) {
      return fail(e);
    }
    if (!(scripted ? await ctx.services.tokens.get() : await ctx.services.requireToken())) {
      return fail(new Error(vscode.l10n.t('No RunComfy API token is set. Run "RunComfy: Set API Token" or set RUNCOMFY_API_TOKEN.')));
    }
    try {
      const job = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RunComfy: looking up {0}…', requestId) },
        () => jobs.resume(requestId, { ...outputFolderFor(undefined), baseName: 'resumed' }),
      );
      if (!scripted) {
        void showInfo(
          job.state === 'saving' || job.state === 'saved'
            ? vscode.l10n.t('RunComfy: request {0} is done; saving its results.', requestId)
            : vscode.l10n.t('RunComfy: tracking request {0} ({1}).', requestId, stateText(job)),
        );
      }
      return { requestId, status: resumeStatus(job) };
    } catch (e) {
      return fail(e);
    }
  };
}

/** RunComfy's side of the answer: a job it finished is `succeeded` whether its files are still being saved or already are. */
function resumeStatus(job: Job): string {
  return job.state === 'saving' || job.state === 'saved' ? 'succeeded' : job.state;
}

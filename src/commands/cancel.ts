// runcomfy.cancel: asks RunComfy to cancel a job and reports its real answer.
import * as vscode from 'vscode';
import { plainLabel } from '../common/plainText';
import { showError, showInfo, showWarning } from '../ui/messages';
import { factsOf, hasRequestId } from '../jobs/job';
import { isCancellable } from '../jobs/rules';
import { shortPrompt, stateText } from '../ui/jobText';
import type { CommandContext } from './context';

export function cancelCommand(ctx: CommandContext) {
  return async (requestId?: unknown): Promise<string | undefined> => {
    const { jobs } = ctx.services;
    await jobs.ready();
    let id = typeof requestId === 'string' && requestId.trim() ? requestId.trim() : undefined;
    if (!id) {
      const cancellable = jobs.list().filter((j) => hasRequestId(j) && isCancellable(factsOf(j)));
      if (cancellable.length === 0) {
        void showInfo(vscode.l10n.t('RunComfy: no queued job to cancel (a running job cannot be cancelled).'));
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        cancellable.map((j) => ({ label: plainLabel(shortPrompt(j)), description: stateText(j), detail: hasRequestId(j) ? plainLabel(j.requestId) : '', id: hasRequestId(j) ? j.requestId : j.id })),
        { title: vscode.l10n.t('Cancel a RunComfy job'), placeHolder: vscode.l10n.t('Only queued jobs can be cancelled; a running job goes on and is billed') },
      );
      if (!pick) return undefined;
      id = pick.id;
    }
    let outcome: string;
    try {
      outcome = await jobs.cancel(id);
    } catch (e) {
      void showError(jobs.userMessageOf(e));
      return undefined;
    }
    if (outcome === 'cancelled') {
      void showInfo(vscode.l10n.t('RunComfy cancelled request {0}.', id));
    } else if (outcome === 'not_cancellable') {
      void showWarning(
        vscode.l10n.t('RunComfy could not cancel request {0}: it is already running, so it will finish and be billed. Its result will still be saved.', id),
      );
    } else {
      void showWarning(vscode.l10n.t('RunComfy did not say whether request {0} was cancelled; it is still being tracked.', id));
    }
    return outcome;
  };
}

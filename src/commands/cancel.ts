// runcomfy.cancel: asks RunComfy to cancel a job and reports its real answer.
import * as vscode from 'vscode';
import { shortPrompt, stateText } from '../ui/jobText';
import { CommandContext } from './context';

export function cancelCommand(ctx: CommandContext) {
  return async (requestId?: unknown): Promise<string | undefined> => {
    const runtime = await ctx.services.runtime();
    const helpers = ctx.services.helpers();
    let id = typeof requestId === 'string' && requestId.trim() ? requestId.trim() : undefined;
    if (!id) {
      const active = runtime.engine.list().filter((j) => j.requestId && (j.state === 'queued' || j.state === 'running'));
      if (active.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RunComfy: no queued or running job to cancel.'));
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        active.map((j) => ({ label: shortPrompt(j), description: stateText(j), detail: j.requestId, id: j.requestId! })),
        { title: vscode.l10n.t('Cancel a RunComfy job'), placeHolder: vscode.l10n.t('Only queued jobs can be cancelled; a running job goes on and is billed') },
      );
      if (!pick) return undefined;
      id = pick.id;
    }
    let outcome: string;
    try {
      outcome = await runtime.engine.cancel(id);
    } catch (e) {
      void vscode.window.showErrorMessage(helpers.userMessageOf(e));
      return undefined;
    }
    if (outcome === 'cancelled') {
      void vscode.window.showInformationMessage(vscode.l10n.t('RunComfy cancelled request {0}.', id));
    } else if (outcome === 'not_cancellable') {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('RunComfy could not cancel request {0}: it is already running, so it will finish and be billed. Its result will still be saved.', id),
      );
    } else {
      void vscode.window.showWarningMessage(vscode.l10n.t('RunComfy did not say whether request {0} was cancelled; it is still being tracked.', id));
    }
    return outcome;
  };
}

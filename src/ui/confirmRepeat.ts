// The question every interactive entry point asks before paying for the same edit a second time within seconds.
import * as vscode from 'vscode';
import { showWarning } from './messages';

/** True when the person chose to submit again; a dismissed dialog is a no. */
export async function confirmRepeat(): Promise<boolean> {
  const again = vscode.l10n.t('Submit Again');
  const choice = await showWarning(
    vscode.l10n.t('Submit the same edit again?'),
    {
      modal: true,
      detail: vscode.l10n.t(
        'The same images, prompt and options were submitted moments ago. Submitting again starts a second job, and RunComfy charges for it too.',
      ),
    },
    again,
  );
  return choice === again;
}

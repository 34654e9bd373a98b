// The question asked before a preset is deleted: it holds a prompt, options and images that may have taken a while to get right.
import * as vscode from 'vscode';
import { showWarning } from './messages';

/** True when the person chose to delete the preset named `name`; a dismissed dialog is a no. */
export async function confirmDeletePreset(name: string): Promise<boolean> {
  const remove = vscode.l10n.t('Delete Preset');
  const choice = await showWarning(
    vscode.l10n.t('Delete the preset “{0}”?', name),
    { modal: true, detail: vscode.l10n.t('Its prompt, options and images cannot be brought back.') },
    remove,
  );
  return choice === remove;
}

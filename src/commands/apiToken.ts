// runcomfy.setApiToken / runcomfy.clearApiToken: the token lives only in SecretStorage.
import * as vscode from 'vscode';
import { showError, showInfo } from '../ui/messages';
import { TOKEN_HELP_URL } from '../platform/services';
import type { CommandContext } from './context';

export function setApiTokenCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const value =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('RunComfy API token'),
            prompt: vscode.l10n.t('Paste your API token from your RunComfy profile page ({0}). It is stored in VS Code\'s secret storage, never in settings.', TOKEN_HELP_URL),
            password: true,
            ignoreFocusOut: true,
            placeHolder: vscode.l10n.t('Your RunComfy API token'),
            validateInput: (v) => (v.trim().replace(/^bearer\s+/i, '') ? undefined : vscode.l10n.t('The token is empty.')),
          });
    if (value === undefined) return false;
    try {
      await ctx.services.tokens.set(value);
    } catch (e) {
      void showError(e instanceof Error ? e.message : String(e));
      return false;
    }
    ctx.services.logger.info('API token set (stored in secret storage)');
    if (typeof arg !== 'string') void showInfo(vscode.l10n.t('RunComfy API token saved in secret storage.'));
    return true;
  };
}

export function clearApiTokenCommand(ctx: CommandContext) {
  return async (): Promise<void> => {
    await ctx.services.tokens.clear();
    ctx.services.logger.info('API token cleared from secret storage');
    const fromEnv = (await ctx.services.tokens.source()) === 'environment';
    void showInfo(
      fromEnv
        ? vscode.l10n.t('RunComfy API token removed from secret storage. RUNCOMFY_API_TOKEN from the environment is still used.')
        : vscode.l10n.t('RunComfy API token removed from secret storage.'),
    );
  };
}

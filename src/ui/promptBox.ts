// The wizard's prompt box: an input box that checks the prompt as it is typed and, once prompts were sent, offers them
// again from a "Recent prompts" button in its title bar.
import * as vscode from 'vscode';
import { searchPrompts } from '../common/promptHistory';
import { plainLabel } from '../common/plainText';

export interface PromptBoxOptions {
  title: string;
  prompt: string;
  placeHolder: string;
  value?: string;
  /** The message under the box for `value`: an error keeps Enter from leaving the step. */
  validate(value: string): vscode.InputBoxValidationMessage;
  /** Recent prompts, newest first; with none, the box has no history button. */
  recent: readonly string[];
}

/**
 * Resolves to the accepted text, or undefined on Escape. Enter on a prompt with a problem shows the problem and stays.
 * Escape in the recent prompts list comes back to the box, with the text it had.
 */
export function showPromptBox(options: PromptBoxOptions): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  const historyButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('history'), tooltip: vscode.l10n.t('Recent prompts') };
  box.title = options.title;
  box.prompt = options.prompt;
  box.placeholder = options.placeHolder;
  box.ignoreFocusOut = true;
  box.value = options.value ?? '';
  box.buttons = options.recent.length > 0 ? [historyButton] : [];
  // An empty box does not open in red: its message appears once the user types or presses Enter.
  const describe = (value: string) => {
    box.validationMessage = value === '' ? undefined : options.validate(value);
  };
  // It opens with its description (what to write, for which images); a prompt carried over shows a message only if it cannot be sent.
  const opening = box.value === '' ? undefined : options.validate(box.value);
  if (opening?.severity === vscode.InputBoxValidationSeverity.Error) box.validationMessage = opening;

  return new Promise<string | undefined>((resolve) => {
    let picking = false;
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      for (const s of subscriptions) s.dispose();
      box.hide();
      box.dispose();
      resolve(value);
    };
    const subscriptions = [
      box.onDidChangeValue(describe),
      box.onDidAccept(() => {
        const message = options.validate(box.value);
        if (message.severity === vscode.InputBoxValidationSeverity.Error) {
          box.validationMessage = message;
          return;
        }
        finish(box.value);
      }),
      box.onDidTriggerButton((button) => {
        if (button !== historyButton || picking) return;
        picking = true;
        void pickRecentPrompt(options.recent).then((chosen) => {
          picking = false;
          if (done) return;
          if (chosen !== undefined) {
            box.value = chosen;
            describe(chosen);
          }
          box.show();
        });
      }),
      // Showing the recent prompts hides the box for a moment; only a hide outside that is the user leaving.
      box.onDidHide(() => {
        if (!picking) finish(undefined);
      }),
    ];
    box.show();
  });
}

interface RecentItem extends vscode.QuickPickItem {
  /** Absent on the row saying that nothing matches. */
  prompt?: string;
}

/** The recent prompts, newest first, searched by words in any order; resolves to the chosen one, undefined on Escape. */
export function pickRecentPrompt(history: readonly string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<RecentItem>();
  pick.title = vscode.l10n.t('Recent prompts');
  pick.placeholder = vscode.l10n.t('Search recent prompts');
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = false;
  // The search is the panel's (every word, any order), so the list shows what it finds rather than its own fuzzy match.
  const show = (query: string) => {
    const found = searchPrompts(history, query);
    pick.items =
      found.length > 0
        ? found.map((prompt) => ({ label: plainLabel(prompt.replace(/\s+/g, ' ')), prompt, alwaysShow: true }))
        : [{ label: plainLabel(vscode.l10n.t('No recent prompt contains “{0}”.', query.trim())), alwaysShow: true }];
  };
  show('');
  return new Promise<string | undefined>((resolve) => {
    let chosen: string | undefined;
    const subscriptions = [
      pick.onDidChangeValue(show),
      pick.onDidAccept(() => {
        chosen = pick.activeItems[0]?.prompt;
        if (chosen !== undefined) pick.hide();
      }),
      pick.onDidHide(() => {
        for (const s of subscriptions) s.dispose();
        pick.dispose();
        resolve(chosen);
      }),
    ];
    pick.show();
  });
}

// The prompt box (with its 800-character limit) and an options menu for size, scale and single output.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { type EditOptions, MAX_PROMPT_LENGTH, SIZE_OPTIONS, promptLength, promptProblem, sizeLabel } from '../api/model';
import { plainLabel } from '../common/plainText';
import type { InputRef } from '../jobs/inputChecks';

/**
 * The prompt step. With several images, the message under the box names them in the order they are sent
 * ("image 1 (cat.png), image 2 (hat.png)"), the way a prompt refers to them, and keeps naming them while the user types.
 * `labels` are the images' names in that order (see inputLabel).
 */
export async function askPrompt(initial: string | undefined, labels: readonly string[], title?: string): Promise<string | undefined> {
  const order = labels.length > 1 ? labels.map((label, i) => vscode.l10n.t('image {0} ({1})', i + 1, label)).join(', ') : '';
  const prompt = await vscode.window.showInputBox({
    title: title ?? vscode.l10n.t('RunComfy Edit (2/3): prompt'),
    prompt:
      labels.length === 1
        ? vscode.l10n.t('Describe the edit for 1 image (up to {0} characters)', MAX_PROMPT_LENGTH)
        : tn(labels.length, 'Describe the edit for {0} image (up to {1} characters): {2}|Describe the edit for {0} images (up to {1} characters): {2}', MAX_PROMPT_LENGTH, order),
    placeHolder: vscode.l10n.t('e.g. Turn the sky into a warm sunset and add a small boat on the lake'),
    value: initial,
    ignoreFocusOut: true,
    // An error (an empty or too long prompt) keeps Enter from leaving the step; VS Code shows the message once the
    // user types or presses Enter, so an empty box does not open in red.
    validateInput: (v) => {
      const problem = promptProblem(v);
      if (problem) return { message: problem, severity: vscode.InputBoxValidationSeverity.Error };
      const count = `${promptLength(v)}/${MAX_PROMPT_LENGTH}`;
      return { message: order ? `${count} · ${order}` : count, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  // Only Escape gets here without a prompt that can be sent.
  return prompt === undefined || promptProblem(prompt) ? undefined : prompt;
}

/** A file's name, or the last part of a URL's path (its host when the path is empty). */
export function inputLabel(ref: InputRef): string {
  if (ref.kind === 'file') return path.basename(ref.path);
  try {
    const url = new URL(ref.url);
    return url.pathname.split('/').filter(Boolean).pop() ?? url.host;
  } catch {
    return ref.url;
  }
}

type MenuItem = vscode.QuickPickItem & { action: 'submit' | 'size' | 'scale' | 'single' | 'info' };

/** One input as it will be sent: its name and the one-line fitting summary (see fitSummaryText). */
export interface SentInput {
  label: string;
  summary: string;
}

/** Words a caller other than the single edit puts on the menu (the batch: its own title, "Continue"). */
export interface OptionsMenuText {
  title: string;
  accept: string;
  acceptDetail: string;
}

/**
 * A small menu: Enter on "Submit" accepts, any other row changes that option and comes back. `sent` lists what each
 * local image is sent as (after fitting), so the last step before paying says it.
 */
export async function pickOptions(defaults: Required<EditOptions>, price?: string, text?: OptionsMenuText, sent: readonly SentInput[] = []): Promise<Required<EditOptions> | undefined> {
  const options = { ...defaults };
  for (;;) {
    const items: MenuItem[] = [
      {
        label: `$(sparkle) ${plainLabel(text?.accept ?? vscode.l10n.t('Submit edit'))}`,
        detail: text?.acceptDetail !== undefined ? plainLabel(text.acceptDetail) : price ? vscode.l10n.t('Price: {0}', plainLabel(price)) : vscode.l10n.t('Sends one paid job to RunComfy'),
        action: 'submit',
      },
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'submit' },
      { label: `$(screen-full) ${vscode.l10n.t('Size: {0}', sizeLabel(options.size))}`, action: 'size' },
      { label: `$(settings) ${vscode.l10n.t('Scale: {0}', options.scale)}`, description: vscode.l10n.t('prompt weight against the images (0–1)'), action: 'scale' },
      {
        label: options.forceSingle ? `$(check) ${vscode.l10n.t('Single output: on')}` : `$(circle-large-outline) ${vscode.l10n.t('Single output: off')}`,
        description: vscode.l10n.t('several outputs take longer'),
        action: 'single',
      },
      ...(sent.length > 0 ? [{ label: vscode.l10n.t('What is sent'), kind: vscode.QuickPickItemKind.Separator, action: 'info' as const }] : []),
      ...sent.map((input): MenuItem => ({ label: `$(file-media) ${plainLabel(input.label)}`, detail: plainLabel(input.summary), action: 'info' })),
    ];
    const choice = await vscode.window.showQuickPick(items, {
      title: text?.title ?? vscode.l10n.t('RunComfy Edit (3/3): options'),
      placeHolder: vscode.l10n.t('Press Enter to submit, or pick an option to change it'),
      ignoreFocusOut: true,
    });
    if (!choice) return undefined;
    if (choice.action === 'submit') return options;
    if (choice.action === 'info') continue;
    if (choice.action === 'single') options.forceSingle = !options.forceSingle;
    if (choice.action === 'size') {
      const size = await vscode.window.showQuickPick(
        SIZE_OPTIONS.map((o) => ({ label: sizeLabel(o), description: o === defaults.size ? vscode.l10n.t('default') : undefined, picked: o === options.size, value: o })),
        { title: vscode.l10n.t('Output size'), ignoreFocusOut: true },
      );
      if (size) options.size = size.value;
    }
    if (choice.action === 'scale') {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Scale (0–1)'),
        prompt: vscode.l10n.t('How strongly the prompt weighs against the input images: 0 keeps close to the images, 1 follows the prompt'),
        value: String(options.scale),
        ignoreFocusOut: true,
        validateInput: (v) => (/^\s*(0(\.\d+)?|1(\.0+)?|\.\d+)\s*$/.test(v) ? undefined : vscode.l10n.t('Enter a number from 0 to 1, e.g. 0.5')),
      });
      if (text !== undefined) options.scale = Number(text);
    }
  }
}

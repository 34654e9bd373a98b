// Reads the modal dialogs VS Code draws over the workbench (showWarningMessage with modal: true) and answers them.
import type { Locator, Page } from 'playwright-core';

export interface Dialog {
  message: string;
  detail: string;
  /** The labels of its buttons, in the order shown. */
  buttons: string[];
  box: Locator;
}

/** Waits until a modal dialog whose message contains `text` is shown. */
export async function waitForDialog(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<Dialog> {
  const box = page
    .locator('.monaco-dialog-box')
    .filter({ has: page.locator('.dialog-message-text', { hasText: text }) })
    .first();
  try {
    await box.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const shown = await page
      .locator('.monaco-dialog-box .dialog-message-text')
      .allTextContents()
      .catch(() => []);
    throw new Error(`no dialog saying ${String(text)} within ${timeoutMs} ms; dialogs shown: ${JSON.stringify(shown)}`, { cause: error });
  }
  const clean = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();
  return {
    message: clean(await box.locator('.dialog-message-text').textContent()),
    detail: clean(
      await box
        .locator('.dialog-message-detail')
        .textContent()
        .catch(() => ''),
    ),
    buttons: (await box.locator('.dialog-buttons .monaco-button').allTextContents()).map((label) => label.trim()).filter((label) => label !== ''),
    box,
  };
}

/** Clicks the dialog's button labelled `label` and waits for the dialog to close. */
export async function answerDialog(dialog: Dialog, label: string): Promise<void> {
  await dialog.box.locator('.dialog-buttons .monaco-button', { hasText: label }).first().click();
  await dialog.box.waitFor({ state: 'hidden', timeout: 10_000 });
}

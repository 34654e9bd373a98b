// Goes through the palette wizard's steps like a user: the prompt box, then the options menu's "Submit edit".
import type { Page } from 'playwright-core';
import { quickPickItems, typeInQuickInput, waitForQuickInput, waitUntil } from './workbench';

export const promptStepTitle = 'RunComfy Edit (2/3): prompt';
export const optionsStepTitle = 'RunComfy Edit (3/3): options';

/** From the prompt step: types `prompt`, Enter, then Enter on "Submit edit"; resolves when the wizard has closed. */
export async function submitFromPromptStep(page: Page, prompt: string): Promise<void> {
  await waitForQuickInput(page, promptStepTitle);
  await typeInQuickInput(page, prompt);
  await waitUntil(
    `the prompt box to hold "${prompt}"`,
    async () => (await page.locator('.quick-input-widget .quick-input-box input').first().inputValue()) === prompt,
    5000,
  );
  await page.keyboard.press('Enter');
  await waitForQuickInput(page, optionsStepTitle);
  const rows = await quickPickItems(page);
  if (!/Submit edit/.test(rows[0] ?? '')) {
    throw new Error(`the options menu starts with ${JSON.stringify(rows)}, not "Submit edit"`);
  }
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

// UI tests of the image picker: images are sent in the order they were selected, and its title says where it opened.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { promptStepTitle, submitFromPromptStep } from '../editWizard';
import { uiSession } from '../session';
import { waitForToast } from '../toasts';
import {
  quickInputMessage,
  quickInputPlaceholder,
  quickInputTitle,
  quickPickRow,
  runCommand,
  screenshot,
  typeInQuickInput,
  waitForQuickInput,
  waitUntil,
  webviewFrame,
} from '../workbench';
import { editCommandTitle, extensionId, openPanelTitle, resetWorkbench } from './support';

/** Whether the placeholder of the open quick input fits its box (measured in the box's own font). */
async function placeholderFits(page: Page): Promise<{ fits: boolean; text: string; textWidth: number; boxWidth: number }> {
  return page
    .locator('.quick-input-widget .quick-input-box input')
    .first()
    .evaluate((input) => {
      const element = input as HTMLInputElement;
      const style = getComputedStyle(element);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const textWidth = context.measureText(element.placeholder).width;
      const boxWidth = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { fits: textWidth <= boxWidth, text: element.placeholder, textWidth, boxWidth };
    });
}

describe('the image picker', function () {
  this.timeout(120_000);

  it('sends the images in the order they were checked, and names them so in the prompt step', async () => {
    const { page, emulator } = uiSession();
    await resetWorkbench(page);
    await runCommand(page, editCommandTitle);
    await waitForQuickInput(page, 'RunComfy Edit (1/3): input images');
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);
    await quickPickRow(page, 'Workspace images…').click();
    await waitForQuickInput(page, 'RunComfy Edit (1/3): workspace images');
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);

    // The list shows valid-512x512.png above valid-640x480.jpg; the user checks the JPEG first. The too-wide image is
    // checked in between and unchecked again.
    for (const name of ['valid-640x480.jpg', 'invalid-aspect-too-wide-3100x1000.png', 'valid-512x512.png', 'invalid-aspect-too-wide-3100x1000.png']) {
      await quickPickRow(page, name).click();
    }
    await waitUntil(
      'the placeholder to count 2 images, sent in the order checked',
      async () => /^2 selected, sent in the order checked/.test(await quickInputPlaceholder(page)),
      5000,
    );
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);
    await screenshot(page, 'installed-picker-order');
    await page.keyboard.press('Enter');

    // The prompt step names the images as a prompt refers to them, in the order they are sent.
    const order = 'image 1 (valid-640x480.jpg), image 2 (valid-512x512.png)';
    await waitForQuickInput(page, promptStepTitle);
    await waitUntil('the prompt step to name the images in order', async () => (await quickInputMessage(page)).includes(`: ${order}`), 5000);
    const prompt = 'Put image 2 into the sky of image 1';
    await typeInQuickInput(page, prompt);
    await waitUntil('the count to keep naming them', async () => (await quickInputMessage(page)) === `${prompt.length}/800 · ${order}`, 5000);
    await screenshot(page, 'installed-picker-order-prompt');

    const index = emulator.stats.submits;
    await submitFromPromptStep(page, prompt);
    await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > index, 15_000);
    const urls = (emulator.stats.submitBodies[index] as { image_urls?: string[] }).image_urls ?? [];
    assert.equal(urls.length, 2);
    // The two images differ in type, so the type of each inline image tells which file it is.
    assert.ok(urls[0].startsWith('data:image/jpeg;base64,'), `image 1 is not the JPEG selected first: ${urls[0].slice(0, 30)}`);
    assert.ok(urls[1].startsWith('data:image/png;base64,'), `image 2 is not the PNG selected second: ${urls[1].slice(0, 30)}`);
    // The job ends here, so its results do not open in the middle of another test.
    await waitForToast(page, new RegExp(`saved for "${prompt}"`), 45_000);
  });

  it("from the panel, is titled for adding images, not as the wizard's first step", async () => {
    const { page } = uiSession();
    await resetWorkbench(page);
    await runCommand(page, openPanelTitle);
    const panel = webviewFrame(page, extensionId);
    await panel.locator('button[data-key="add-images"]').click({ timeout: 20_000 });
    await waitUntil('the picker to open', async () => (await quickInputTitle(page)) !== undefined, 10_000);
    const title = await quickInputTitle(page);
    const placeholder = await placeholderFits(page);
    await screenshot(page, 'installed-picker-from-panel');
    assert.equal(title, 'RunComfy: add images to the edit');
    assert.doesNotMatch(title ?? '', /\(1\/3\)/);
    assert.ok(placeholder.fits, `the placeholder is cut off: ${JSON.stringify(placeholder)}`);
    await quickPickRow(page, 'Workspace images…').click();
    await waitForQuickInput(page, 'RunComfy: add workspace images');
  });
});

// UI tests of the image picker: images are sent in the order they were selected, and its title says where it opened.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { submitFromPromptStep } from '../editWizard';
import { uiSession } from '../session';
import { waitForToast } from '../toasts';
import {
  quickInputPlaceholder,
  quickInputTitle,
  quickPickRow,
  runCommand,
  screenshot,
  waitForQuickInput,
  waitUntil,
  webviewFrame,
} from '../workbench';
import { editCommandTitle, extensionId, openPanelTitle, resetWorkbench } from './support';

/** The description each row of the open quick pick shows, by label ("image 2", "image 1 · photos"...). */
async function rowDescriptions(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((elements) =>
    elements.map((row) => [
      (row.querySelector('.label-name')?.textContent ?? '').trim(),
      (row.querySelector('.label-description')?.textContent ?? '').trim(),
    ]),
  );
  return Object.fromEntries(rows);
}

/** Whether the placeholder of the open quick input fits its box (measured in the box's own font). */
async function placeholderFits(page: Page): Promise<{ fits: boolean; text: string; textWidth: number; boxWidth: number }> {
  return page.locator('.quick-input-widget .quick-input-box input').first().evaluate((input) => {
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

  it('sends the images in the order they were selected, and numbers them so', async () => {
    const { page, emulator } = uiSession();
    await resetWorkbench(page);
    await runCommand(page, editCommandTitle);
    await waitForQuickInput(page, 'RunComfy Edit (1/3): input images');
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);
    await quickPickRow(page, 'Workspace images…').click();
    await waitForQuickInput(page, 'RunComfy Edit (1/3): workspace images');
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);

    // The list shows valid-512x512.png above valid-640x480.jpg; the user picks the JPEG first. The too-wide image is
    // picked in between and dropped again, so the numbers close up.
    for (const name of ['valid-640x480.jpg', 'invalid-aspect-too-wide-3100x1000.png', 'valid-512x512.png']) {
      await quickPickRow(page, name).click();
    }
    await waitUntil(
      'the rows to be numbered in the order of selection',
      async () => {
        const rows = await rowDescriptions(page);
        return rows['valid-640x480.jpg'] === 'image 1' && rows['invalid-aspect-too-wide-3100x1000.png'] === 'image 2' && rows['valid-512x512.png'] === 'image 3';
      },
      5000,
    );
    await quickPickRow(page, 'invalid-aspect-too-wide-3100x1000.png').click();
    const numbered = await waitUntil(
      'the numbers to close up',
      async () => {
        const rows = await rowDescriptions(page);
        const counted = /^2 selected, numbered in sending order/.test(await quickInputPlaceholder(page));
        return counted && rows['valid-640x480.jpg'] === 'image 1' && rows['valid-512x512.png'] === 'image 2' && rows['invalid-aspect-too-wide-3100x1000.png'] === ''
          ? rows
          : undefined;
      },
      5000,
    );
    assert.ok((await placeholderFits(page)).fits, `the placeholder is cut off: ${JSON.stringify(await placeholderFits(page))}`);
    await screenshot(page, 'installed-picker-order');

    const index = emulator.stats.submits;
    await page.keyboard.press('Enter');
    await submitFromPromptStep(page, 'Put the two pictures side by side');
    await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > index, 15_000);
    const urls = (emulator.stats.submitBodies[index] as { image_urls?: string[] }).image_urls ?? [];
    assert.equal(urls.length, 2, `rows were ${JSON.stringify(numbered)}`);
    // The two images differ in type, so the type of each inline image tells which file it is.
    assert.ok(urls[0].startsWith('data:image/jpeg;base64,'), `image 1 is not the JPEG selected first: ${urls[0].slice(0, 30)}`);
    assert.ok(urls[1].startsWith('data:image/png;base64,'), `image 2 is not the PNG selected second: ${urls[1].slice(0, 30)}`);
    // The job ends here, so its results do not open in the middle of another test.
    await waitForToast(page, /saved for "Put the two pictures side by side"/, 45_000);
  });

  it('from the panel, is titled for adding images, not as the wizard\'s first step', async () => {
    const { page } = uiSession();
    await resetWorkbench(page);
    await runCommand(page, openPanelTitle);
    const panel = webviewFrame(page, extensionId);
    await panel.locator('vscode-button[data-key="add-images"]').click({ timeout: 20_000 });
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

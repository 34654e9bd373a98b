// UI test of the panel's address field: a refused http:// address shows red until the user starts correcting it.
import * as assert from 'node:assert/strict';
import { uiSession } from '../session';
import { runCommand, screenshot, waitUntil, webviewArea, webviewFrame } from '../workbench';
import { extensionId, openPanelTitle, resetWorkbench } from './support';

describe("the panel's address field", function () {
  this.timeout(120_000);

  it('stops showing an http:// address as an error as soon as it is edited', async () => {
    const { page } = uiSession();
    await resetWorkbench(page);
    await runCommand(page, openPanelTitle);
    const panel = webviewFrame(page, extensionId);
    const input = panel.locator('input#url-field');
    const message = panel.locator('.url-block .field-message');
    await input.click({ timeout: 20_000 });
    await page.keyboard.type('http://example.com/photo.png');
    await panel.locator('button[data-key="add-url"]').click();
    const shown = async (): Promise<{ invalid: boolean; message: string }> => ({
      invalid: (await input.getAttribute('aria-invalid')) === 'true',
      message: (await message.isVisible()) ? ((await message.textContent()) ?? '').trim() : '',
    });
    const refused = await waitUntil(
      'the address to be refused',
      async () => {
        const state = await shown();
        return state.invalid && /https/.test(state.message) ? state : undefined;
      },
      5000,
    );
    await screenshot(page, 'installed-panel-url-refused', await webviewArea(page, extensionId));

    // The user starts correcting: the caret after "http", then "s".
    await input.press('Home');
    for (let i = 0; i < 4; i++) await input.press('ArrowRight');
    await page.keyboard.type('s');
    const editing = await waitUntil(
      'the error to go away',
      async () => {
        const state = await shown();
        return !state.invalid && state.message === '' ? state : undefined;
      },
      5000,
    ).catch(async () => shown());
    await screenshot(page, 'installed-panel-url-editing', await webviewArea(page, extensionId));
    assert.equal(await input.inputValue(), 'https://example.com/photo.png');
    assert.deepEqual(editing, { invalid: false, message: '' }, `refused: ${JSON.stringify(refused)}`);
  });
});

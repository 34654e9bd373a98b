// UI test of the palette wizard's prompt step: an empty prompt is refused in the box, and the user stays in the step.
import * as assert from 'node:assert/strict';
import { optionsStepTitle, promptStepTitle } from '../editWizard';
import { uiSession } from '../session';
import { quickInputMessage, quickInputTitle, quickPickRow, runCommand, screenshot, typeInQuickInput, waitForQuickInput, waitUntil } from '../workbench';
import { editCommandTitle, resetWorkbench } from './support';

/** Whether the open input box is drawn as invalid (VS Code marks its box with the error severity). */
async function boxShowsError(): Promise<boolean> {
  const { page } = uiSession();
  return page.locator('.quick-input-widget .quick-input-box .monaco-inputbox.error').isVisible();
}

describe('the palette wizard', function () {
  this.timeout(60_000);

  it('keeps the user in the prompt step with a message when the prompt is empty', async () => {
    const { page, emulator } = uiSession();
    await resetWorkbench(page);
    const submitsBefore = emulator.stats.submits;

    await runCommand(page, editCommandTitle);
    await waitForQuickInput(page, 'RunComfy Edit (1/3): input images');
    await quickPickRow(page, 'Workspace images…').click();
    await waitForQuickInput(page, 'RunComfy Edit (1/3): workspace images');
    await quickPickRow(page, 'valid-512x512.png').click();
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, promptStepTitle);

    // Whatever an earlier edit left in the box is cleared, as a user would, then Enter on the empty box.
    await typeInQuickInput(page, '');
    await page.keyboard.press('Enter');
    await waitUntil('the box to say what is missing', async () => /Write a prompt/.test(await quickInputMessage(page)), 5000);
    // Anything that would close the step shows by now.
    await page.waitForTimeout(1000);
    await screenshot(page, 'installed-wizard-empty-prompt');
    assert.equal(await quickInputTitle(page), promptStepTitle, 'the wizard left the prompt step');
    assert.match(await quickInputMessage(page), /Write a prompt that describes the edit/);
    assert.ok(await boxShowsError(), 'the box is not marked as invalid');

    // Spaces are no prompt either, and the box says so as they are typed.
    await typeInQuickInput(page, '   ');
    await waitUntil('the message for spaces', async () => /Write a prompt/.test(await quickInputMessage(page)), 5000);
    assert.ok(await boxShowsError());

    // A real prompt clears the error as it is typed, and Enter goes on to the options.
    const prompt = 'Add a red kite in the sky';
    await typeInQuickInput(page, prompt);
    await waitUntil('the count to replace the error', async () => (await quickInputMessage(page)) === `${prompt.length}/800`, 5000);
    assert.ok(!(await boxShowsError()), 'the box still shows an error');
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, optionsStepTitle);
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    assert.equal(emulator.stats.submits, submitsBefore, 'something was submitted');
  });
});

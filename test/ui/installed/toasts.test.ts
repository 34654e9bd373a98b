// UI tests in VS Code as users run it: what the extension tells them pops up as a toast, not only as a dot on the bell.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiSession } from '../session';
import { answerDialog, waitForDialog } from '../dialogs';
import { waitForToast } from '../toasts';
import { clickContextMenuItem, rightClickExplorerItem, screenshot, waitUntil } from '../workbench';
import { editFromExplorer, editMenuLabel, resetWorkbench } from './support';

describe('toasts in VS Code as installed', function () {
  this.timeout(90_000);

  it('shows a toast when an edit is submitted and another when its results are saved', async () => {
    const { page, emulator, workspace } = uiSession();
    await resetWorkbench(page);
    const prompt = 'Paint the square in warm autumn colours';
    const index = await editFromExplorer(page, 'valid-512x512.png', prompt);

    const submitted = await waitForToast(page, 'edit submitted');
    await screenshot(page, 'installed-toast-submitted');
    const requestId = /\(request ([^)\s]+)\)/.exec(submitted.message)?.[1] ?? '';
    assert.ok(emulator.job(requestId), `the toast names request "${requestId}", which the emulator never created`);
    assert.equal((emulator.stats.submitBodies[index] as { prompt?: string }).prompt, prompt);
    assert.equal(submitted.severity, 'info');
    assert.deepEqual(submitted.buttons, ['Show Jobs', 'Open Panel', 'Copy Request ID']);

    const saved = await waitForToast(page, /results? saved for/, 45_000);
    await screenshot(page, 'installed-toast-saved');
    assert.match(saved.message, new RegExp(`saved for "${prompt}"`));
    assert.deepEqual(saved.buttons, ['Open', 'Reveal']);
    const job = emulator.job(requestId)!;
    const resultsDir = path.join(workspace, 'runcomfy-results');
    const files = await waitUntil(`${job.outputs} results of ${requestId} on disk`, () => {
      const found = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((name) => name.includes(requestId.slice(0, 8)) && /\.png$/.test(name)) : [];
      return found.length === job.outputs ? found : undefined;
    });
    for (const file of files) {
      assert.ok(fs.statSync(path.join(resultsDir, file)).size > 0, `${file} is empty`);
    }
    assert.equal(emulator.stats.submits, index + 1, 'exactly one submit');
  });

  it('shows why an image is refused in an error toast, before anything is sent', async () => {
    const { page, emulator } = uiSession();
    await resetWorkbench(page);
    const submitsBefore = emulator.stats.submits;
    await rightClickExplorerItem(page, 'damaged-photo.png');
    await clickContextMenuItem(page, editMenuLabel);

    const refused = await waitForToast(page, 'damaged-photo.png');
    await screenshot(page, 'installed-toast-refused');
    assert.equal(refused.severity, 'error');
    assert.match(refused.message, /damaged-photo\.png .*may be damaged/);
    assert.equal(emulator.stats.submits, submitsBefore, 'a submit was sent for a refused image');
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'the wizard went on to the prompt');
  });

  it('asks Pad or Crop for a too-wide image, and sends nothing when the user cancels', async () => {
    const { page, emulator } = uiSession();
    await resetWorkbench(page);
    const submitsBefore = emulator.stats.submits;
    await rightClickExplorerItem(page, 'invalid-aspect-too-wide-3100x1000.png');
    await clickContextMenuItem(page, editMenuLabel);

    const dialog = await waitForDialog(page, 'invalid-aspect-too-wide-3100x1000.png');
    await screenshot(page, 'installed-dialog-pad-or-crop');
    assert.match(dialog.message, /aspect ratio of 3\.1:1 \(3100×1000\)/);
    // The order of the buttons follows the platform's convention; what matters is that all three are offered.
    assert.deepEqual([...dialog.buttons].sort(), ['Cancel', 'Crop', 'Pad']);
    await answerDialog(dialog, 'Cancel');
    assert.equal(emulator.stats.submits, submitsBefore, 'a submit was sent for a cancelled choice');
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'the wizard went on to the prompt');
  });
});

// The Get Started walkthrough's pictures, taken from the real UI: the Explorer menu, the edit panel, and a saved result.
// Every run checks that they can be taken; `npm run walkthrough-images` (WALKTHROUGH_IMAGES=1) also writes them to media/walkthrough/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { repoRoot } from '../vscode/codeServer';
import { uiSession } from './session';
import {
  closeContextMenu,
  contextMenuItems,
  moveMouseAway,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarItem,
  typeInQuickInput,
  waitForQuickInput,
  waitUntil,
  webviewArea,
  webviewFrame,
  type ScreenshotArea,
} from './workbench';

const extensionId = 'runcomfy-edit.runcomfy-dreamina-edit';
const mediaDir = path.join(repoRoot, 'media', 'walkthrough');
/** What a walkthrough image may weigh: the .vsix ships them, and the Welcome page loads them. */
const MAX_BYTES = 150 * 1024;
const WIDTH = 720;

/** Screenshots `area`, scales it to the walkthrough's width as a palette PNG, and (when asked) writes it to media/. */
async function capture(name: string, area?: ScreenshotArea): Promise<Buffer> {
  const { page } = uiSession();
  await page.waitForTimeout(300);
  const raw = await screenshot(page, `walkthrough-${name}`, area);
  const small = await sharp(raw)
    .resize({ width: WIDTH, withoutEnlargement: true })
    .png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 })
    .toBuffer();
  fs.writeFileSync(raw.replace(/\.png$/, '-small.png'), small);
  assert.ok(small.length < MAX_BYTES, `${name} is ${small.length} bytes, over ${MAX_BYTES}`);
  if (process.env.WALKTHROUGH_IMAGES) {
    fs.mkdirSync(mediaDir, { recursive: true });
    fs.writeFileSync(path.join(mediaDir, `${name}.png`), small);
  }
  return small;
}

/** The left part of the window: the Explorer and what opens beside it. */
function leftArea(width = 900, height = 620): ScreenshotArea {
  const viewport = uiSession().page.viewportSize() ?? { width: 1400, height: 900 };
  return { x: 0, y: 0, width: Math.min(width, viewport.width), height: Math.min(height, viewport.height) };
}

describe('walkthrough images', function () {
  this.timeout(120_000);

  it('takes the Explorer menu, the edit panel and a saved result for the Get Started steps', async () => {
    const { page, emulator, token } = uiSession();

    await runCommand(page, 'View: Close All Editors');
    // Step "Edit your first image": the Explorer menu of an image.
    await rightClickExplorerItem(page, 'landscape.png');
    assert.ok((await contextMenuItems(page)).includes('Edit Image with Dreamina…'));
    await capture('explorer-menu', leftArea());
    await closeContextMenu(page);

    // Step "Set your token": the panel, where the token, the images and the prompt come together.
    await runCommand(page, 'RunComfy: Open Edit Panel');
    const panel = webviewFrame(page, extensionId);
    await panel.locator('vscode-tab-header[data-view="compose"]').waitFor({ state: 'visible', timeout: 30_000 });
    await panel.locator('vscode-textarea#prompt-field').click();
    await page.keyboard.type('Turn the sky into a warm sunset; keep the hills unchanged');
    await moveMouseAway(page);
    await capture('panel', await webviewArea(page, extensionId));
    await runCommand(page, 'View: Close All Editors');

    // Step "Find your results": a finished edit, saved beside the images and opened in the image preview.
    emulator.nextJob({ queueMs: 0, runMs: 0 });
    const response = await fetch(`${emulator.baseUrl}/v1/models/bytedance/dreamina-4-0/edit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ image_urls: ['https://example.com/landscape.png'], prompt: 'Turn the sky into a warm sunset', force_single: true }),
    });
    const { request_id: requestId } = (await response.json()) as { request_id: string };
    await runCommand(page, 'RunComfy: Resume by Request ID…');
    await waitForQuickInput(page, 'RunComfy: resume by request_id');
    await typeInQuickInput(page, requestId);
    await page.keyboard.press('Enter');
    await waitUntil('the result to open in the image preview', () => statusBarItem(page, 'imagePreview.size').isVisible(), 30_000);
    await moveMouseAway(page);
    await capture('result');
    await runCommand(page, 'View: Close All Editors');
  });
});

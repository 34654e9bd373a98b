// The Get Started walkthrough's pictures, taken from the real UI as a user's window looks: the Explorer menu, the edit panel,
// and a saved result, in a workspace holding only its sample files, without the window's title bar (which names the
// test's development host). Every run checks that they can be taken; `npm run walkthrough-images` (WALKTHROUGH_IMAGES=1)
// also writes them to media/walkthrough/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import sharp = require('sharp');
import { repoRoot } from '../vscode/codeServer';
import { submitFromPromptStep } from './editWizard';
import { waitForNoBusyJobs } from './serviceJobs';
import { uiSession } from './session';
import {
  clickContextMenuItem,
  closeContextMenu,
  contextMenuItems,
  explorerItemNames,
  moveMouseAway,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarItem,
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

/** The fixture workspace's own files: what a user's folder of images would hold before the first edit. */
const sampleFiles = fs.readdirSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'));

/** Where the window's title bar ends: the pictures start below it. */
async function belowTitleBar(): Promise<number> {
  const box = await uiSession().page.locator('#workbench\\.parts\\.titlebar').boundingBox();
  return box ? Math.ceil(box.y + box.height) : 0;
}

/** The window below its title bar, `width` wide and `height` high at most (all of it by default). */
async function windowArea(width = Infinity, height = Infinity): Promise<ScreenshotArea> {
  const viewport = uiSession().page.viewportSize() ?? { width: 1400, height: 900 };
  const top = await belowTitleBar();
  return { x: 0, y: top, width: Math.min(width, viewport.width), height: Math.min(height, viewport.height - top) };
}

/**
 * Leaves the workspace as a user's looks before the first edit: earlier tests' results removed (the tests before this
 * one have checked them), the Explorer's folders collapsed and nothing open.
 */
async function cleanWorkspace(): Promise<void> {
  const { page, workspace } = uiSession();
  await waitForNoBusyJobs();
  await runCommand(page, 'View: Close All Editors');
  for (const name of fs.readdirSync(workspace)) {
    if (!sampleFiles.includes(name)) fs.rmSync(path.join(workspace, name), { recursive: true, force: true });
  }
  await runCommand(page, 'Collapse Folders in Explorer');
  await waitUntil(
    'the Explorer to list only the sample files',
    async () => {
      const names = await explorerItemNames(page);
      return names.length === sampleFiles.length && sampleFiles.every((name) => names.includes(name)) ? names : undefined;
    },
    20_000,
    250,
  );
}

/** The model's defaults, as a first draft shows them. */
const defaultSize = { value: '2048x2048(1:1)', label: '2048 × 2048 — square' };

/**
 * Makes the panel's draft a first one: no image, `prompt`, the default options. The panel keeps its draft per
 * workspace, so earlier tests' images, prompt and options would show otherwise.
 */
async function freshDraft(panel: FrameLocator, prompt: string): Promise<void> {
  const { page } = uiSession();
  const cards = panel.locator('.image-grid > li.image-card');
  await waitUntil(
    'the draft to hold no image',
    async () => {
      if ((await cards.count()) === 0) return true;
      await cards
        .first()
        .getByRole('button', { name: /^Remove / })
        .click();
      return false;
    },
    20_000,
    300,
  );
  const field = panel.locator('textarea#prompt-field');
  await waitUntil(
    'the prompt box to hold the prompt',
    async () => {
      if ((await field.evaluate((element) => (element as HTMLTextAreaElement).value)) === prompt) return true;
      // A short wait per click: something in the way is reported, and the next round tries again.
      await panel.locator('#prompt-field').click({ timeout: 3000 });
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(prompt);
      return false;
    },
    20_000,
    500,
  );
  const select = panel.locator('select#size-select');
  if ((await select.evaluate((element) => (element as HTMLInputElement).value)) !== defaultSize.value) {
    await select.selectOption({ label: defaultSize.label });
    await waitUntil('the default size', async () => (await select.evaluate((element) => (element as HTMLInputElement).value)) === defaultSize.value, 5000);
  }
  const range = panel.locator('#scale-range');
  await range.focus();
  await waitUntil(
    'the prompt strength to be 0.5',
    async () => {
      const value = Number(await range.inputValue());
      if (Math.abs(value - 0.5) < 0.001) return true;
      await page.keyboard.press(value < 0.5 ? 'ArrowRight' : 'ArrowLeft');
      return false;
    },
    5000,
    50,
  );
  const single = panel.locator('input[data-key="single"]');
  if (await single.evaluate((element) => (element as HTMLInputElement).checked)) {
    await single.click();
    await waitUntil('several outputs to be allowed', async () => !(await single.evaluate((element) => (element as HTMLInputElement).checked)), 5000);
  }
  await panel.locator('#prompt-field').click();
  // Back to the top, where the picture starts: every scrolled box of the panel scrolled up.
  await panel.locator('body').evaluate((body) => {
    for (const element of [body.ownerDocument.documentElement, ...Array.from(body.querySelectorAll('*'))]) {
      if (element.scrollTop > 0) element.scrollTop = 0;
    }
  });
  await waitUntil(
    'the panel to show its top',
    () =>
      panel.locator('body').evaluate((body) => [body.ownerDocument.documentElement, ...Array.from(body.querySelectorAll('*'))].every((e) => e.scrollTop === 0)),
    5000,
  );
}

describe('walkthrough images', function () {
  this.timeout(120_000);

  it('takes the Explorer menu, the edit panel and a saved result for the Get Started steps', async () => {
    const { page, emulator, workspace } = uiSession();
    await cleanWorkspace();

    // Step "Edit your first image": the Explorer menu of an image.
    await rightClickExplorerItem(page, 'landscape.png');
    assert.ok((await contextMenuItems(page)).includes('Edit Image with Dreamina…'));
    // The Explorer and the menu, not the empty editor beside them.
    const menu = await page.locator('.context-view .monaco-menu').first().boundingBox();
    assert.ok(menu, 'the context menu has no box');
    await capture('explorer-menu', await windowArea(Math.ceil(menu.x + menu.width + 24), Math.ceil(menu.y + menu.height + 16) - (await belowTitleBar())));
    await closeContextMenu(page);

    // Step "Set your token": the panel, where the token, the images and the prompt come together.
    await runCommand(page, 'RunComfy: Open Edit Panel');
    const panel = webviewFrame(page, extensionId);
    await panel.locator('[role="tab"][data-view="compose"]').waitFor({ state: 'visible', timeout: 30_000 });
    await freshDraft(panel, 'Turn the sky into a warm sunset; keep the hills unchanged');
    await moveMouseAway(page);
    await capture('panel', await webviewArea(page, extensionId));
    await runCommand(page, 'View: Close All Editors');

    // Step "Find your results": an edit made from the Explorer menu, saved beside the images and opened in the image preview.
    const prompt = 'Turn the sky into a warm sunset';
    emulator.nextJob({ queueMs: 0, runMs: 0, outputs: 1 });
    await rightClickExplorerItem(page, 'landscape.png');
    await clickContextMenuItem(page, 'Edit Image with Dreamina…');
    await submitFromPromptStep(page, prompt);
    const results = path.join(workspace, 'runcomfy-results');
    const result = await waitUntil(
      'the result to be saved',
      () => (fs.existsSync(results) ? fs.readdirSync(results).find((name) => /^landscape-.*\.png$/.test(name)) : undefined),
      60_000,
      250,
    );
    await waitUntil('the result to open in the image preview', () => statusBarItem(page, 'imagePreview.size').isVisible(), 30_000);
    const activeTab = (await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label')) ?? '';
    assert.ok(activeTab.includes(result), `the active tab is ${activeTab}, not ${result}`);
    await waitUntil(
      'the Explorer to show the result and its sidecar',
      async () => {
        const names = await explorerItemNames(page);
        return names.includes(result) && names.includes(result.replace(/\.png$/, '.json')) ? names : undefined;
      },
      20_000,
      250,
    );
    await moveMouseAway(page);
    await capture('result', await windowArea());
    await runCommand(page, 'View: Close All Editors');
  });
});

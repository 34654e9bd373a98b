// UI tests of the panel's everyday inputs: "Edit with Dreamina…" on an image preview, a pasted screenshot, files dropped from outside VS Code, recent prompts and presets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { makePng } from '../support/images';
import { uiSession } from './session';
import { revealExplorerItem, runCommand, screenshot, waitUntil, webviewArea, webviewFrame } from './workbench';

const extensionId = 'runcomfy-edit.runcomfy-dreamina-edit';
const panelTabLabel = 'RunComfy Edit';
const editTitleAction = 'Edit with Dreamina…';

function panel(): FrameLocator {
  return webviewFrame(uiSession().page, extensionId);
}

function cardTitles(): Locator {
  return panel().locator('.image-grid > li.image-card .card-title');
}

async function titles(): Promise<string[]> {
  return (await cardTitles().allTextContents()).map((text) => text.trim());
}

function inputsFolder(): string {
  return path.join(uiSession().workspace, 'runcomfy-results', 'inputs');
}

/** Clears the prompt box and types `text`, like a user; the counter shows when the box has taken the keys. */
async function typePrompt(text: string): Promise<void> {
  const { page } = uiSession();
  const counter = panel().locator('.counter');
  await panel().locator('#prompt-field').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await waitUntil('the counter to show 0/800', async () => (await counter.textContent()) === '0/800', 5000);
  await page.keyboard.type(text);
  await waitUntil(`the counter to show ${text.length}/800`, async () => (await counter.textContent()) === `${text.length}/800`, 5000);
}

async function panelShot(name: string): Promise<void> {
  const { page } = uiSession();
  await page.waitForTimeout(250);
  await screenshot(page, name, await webviewArea(page, extensionId));
}

/** Puts `files` (name, MIME type, bytes) into a DataTransfer inside the panel and fires `kind` with it, as the browser does for a paste or a drop. */
async function fireWithFiles(kind: 'paste' | 'drop', files: Array<{ name: string; type: string; bytes: Buffer }>): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') }));
  await panel()
    .locator(kind === 'paste' ? 'body' : '.image-area')
    .evaluate(
      (target, { kind, payload }) => {
        const data = new DataTransfer();
        for (const f of payload) {
          const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
          data.items.add(new File([bytes], f.name, { type: f.type }));
        }
        if (kind === 'paste') {
          target.ownerDocument.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        } else {
          // No dragenter: VS Code's webview host takes an unhandled one as a workbench drag and stops pointer events to the panel until the drag ends.
          for (const type of ['dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
        }
      },
      { kind, payload },
    );
  if (kind === 'drop') {
    // A drag over a webview makes the workbench hold the panel's pointer events until it sees the drag end, as after a real drop.
    const { page } = uiSession();
    await page.evaluate(() => window.dispatchEvent(new DragEvent('dragend', { bubbles: true })));
    await page.mouse.move(5, 5);
    await page.mouse.move(15, 15);
  }
}

describe("the panel's everyday inputs", function () {
  this.timeout(60_000);

  before(async () => {
    await runCommand(uiSession().page, 'View: Close All Editors').catch(() => undefined);
  });

  after(async () => {
    await runCommand(uiSession().page, 'View: Close All Editors').catch(() => undefined);
  });

  it('"Edit with Dreamina…" on an open image preview opens the panel with that image as an input', async () => {
    const { page } = uiSession();
    await (await revealExplorerItem(page, 'landscape.png')).dblclick();
    await page.locator('.tabs-container .tab.active', { hasText: 'landscape.png' }).waitFor({ state: 'visible', timeout: 15_000 });
    const action = page.locator(`.editor-actions .action-label[aria-label="${editTitleAction}"]`).first();
    await action.waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'image-preview-edit-button');
    await action.click();
    await page.locator('.tabs-container .tab.active', { hasText: panelTabLabel }).waitFor({ state: 'visible', timeout: 20_000 });
    await waitUntil('the landscape.png card', async () => (await titles()).includes('landscape.png'), 15_000);
    await panelShot('panel-from-image-preview');
  });

  it("adds a pasted screenshot as an input, saved as a PNG named by time under the output folder's inputs/", async () => {
    const before = new Set(fs.existsSync(inputsFolder()) ? fs.readdirSync(inputsFolder()) : []);
    const shot = makePng(320, 200, { shade: 0x90 });
    await fireWithFiles('paste', [{ name: 'image.png', type: 'image/png', bytes: shot }]);
    const name = await waitUntil(
      'a pasted-….png card',
      async () => (await titles()).find((title) => /^pasted-\d{8}-\d{6}(-\d+)?\.png$/.test(title) && !before.has(title)),
      15_000,
    );
    const saved = path.join(inputsFolder(), name);
    assert.ok(fs.existsSync(saved), `${saved} was not written`);
    assert.ok(fs.readFileSync(saved).equals(shot), 'the saved file does not hold the pasted bytes');
    await panelShot('panel-pasted-image');
  });

  it('copies an image dropped from outside VS Code into inputs/, and says why a dropped text file is refused', async () => {
    const photo = makePng(200, 300, { shade: 0x30 });
    await fireWithFiles('drop', [
      { name: 'dropped-photo.png', type: 'image/png', bytes: photo },
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('not an image') },
    ]);
    await waitUntil('the dropped-photo.png card', async () => (await titles()).some((t) => /^dropped-photo(-\d+)?\.png$/.test(t)), 15_000);
    const notice = panel().locator('.notice.error .notice-text', { hasText: 'notes.txt' });
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await notice.textContent()) ?? '', /notes\.txt is not an image/);
    const copies = fs.readdirSync(inputsFolder()).filter((n) => /^dropped-photo(-\d+)?\.png$/.test(n));
    assert.ok(
      copies.some((n) => fs.readFileSync(path.join(inputsFolder(), n)).equals(photo)),
      `no copy holds the dropped bytes: ${copies.join(', ')}`,
    );
    assert.ok(!fs.readdirSync(inputsFolder()).some((n) => n.startsWith('notes')), 'the text file was copied');
  });

  it('saves a preset, keeps it across a reopened panel, and applies its prompt back', async () => {
    const { page } = uiSession();
    const presetPrompt = 'Golden hour light, keep the faces unchanged';
    await runCommand(page, 'RunComfy: Open Edit Panel');
    const prompt = panel().locator('#prompt-field');
    await prompt.waitFor({ state: 'visible', timeout: 20_000 });
    await typePrompt(presetPrompt);
    await panel().locator('#preset-name').click();
    await page.keyboard.type('Golden hour');
    await panel().locator('button[data-key="save-preset"]').click();
    await panel().locator('.notice .notice-text', { hasText: 'Preset “Golden hour” saved.' }).waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil('the preset summary', async () => ((await panel().locator('.preset-summary').textContent()) ?? '').includes(presetPrompt), 10_000);

    // Reopened: the preset is still there; the prompt is changed, then the preset puts it back.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').filter({ hasText: panelTabLabel }).waitFor({ state: 'detached' });
    await runCommand(page, 'RunComfy: Open Edit Panel');
    await panel().locator('button[data-key="apply-preset"]').waitFor({ state: 'visible', timeout: 20_000 });
    await typePrompt('Something else');
    await panel().locator('button[data-key="apply-preset"]').click();
    await waitUntil(
      "the preset's prompt in the box",
      async () => (await prompt.evaluate((field) => (field as HTMLTextAreaElement).value)) === presetPrompt,
      10_000,
    );
    await panelShot('panel-preset-applied');
  });
});

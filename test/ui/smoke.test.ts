// UI smoke test: the workbench loads with the fixture workspace, and the command palette and menus respond.
import * as assert from 'node:assert/strict';
import { uiSession } from './session';
import {
  clickContextMenuItem,
  closeQuickInput,
  contextMenuItems,
  explorerItemNames,
  openCommandPalette,
  quickPickItems,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarText,
} from './workbench';

describe('workbench smoke', () => {
  it('shows the fixture workspace in the explorer', async () => {
    const { page } = uiSession();
    const names = await explorerItemNames(page);
    for (const name of ['landscape.png', 'portrait.png', 'README.txt']) {
      assert.ok(names.includes(name), `explorer shows ${JSON.stringify(names)}, not ${name}`);
    }
    await screenshot(page, 'workbench');
  });

  it('filters the command palette for "RunComfy"', async () => {
    const { page } = uiSession();
    await openCommandPalette(page, 'RunComfy');
    const typed = await page.locator('.quick-input-widget .quick-input-box input').inputValue();
    const items = await quickPickItems(page);
    await screenshot(page, 'command-palette');
    await closeQuickInput(page);
    assert.equal(typed, '>RunComfy');
    assert.ok(Array.isArray(items));
  });

  it('runs commands from the command palette', async () => {
    const { page } = uiSession();
    const tabs = page.locator('.tabs-container .tab');
    await runCommand(page, 'File: New Untitled Text File');
    await tabs.filter({ hasText: 'Untitled-1' }).waitFor({ state: 'visible' });
    await runCommand(page, 'View: Close All Editors');
    await tabs.first().waitFor({ state: 'detached' });
  });

  it('opens a PNG from its explorer context menu', async () => {
    const { page } = uiSession();
    await rightClickExplorerItem(page, 'landscape.png');
    const items = await contextMenuItems(page);
    await screenshot(page, 'explorer-open-to-side');
    assert.ok(items.includes('Open to the Side'), `context menu shows ${JSON.stringify(items)}`);
    await clickContextMenuItem(page, 'Open to the Side');
    await page.locator('.tabs-container .tab').filter({ hasText: 'landscape.png' }).waitFor({ state: 'visible' });
    await runCommand(page, 'View: Close All Editors');
  });

  it('reads the status bar', async () => {
    const { page } = uiSession();
    const texts = await statusBarText(page);
    assert.ok(texts.length > 0, 'the status bar shows nothing');
  });
});

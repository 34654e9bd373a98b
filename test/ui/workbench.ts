// Drives the VS Code workbench in a Playwright page like a user: command palette, explorer, menus, status bar.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../vscode/codeServer';

/** Screenshots and other UI test output (git-ignored). */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

const quickInput = '.quick-input-widget';
const quickInputRows = `${quickInput} .quick-input-list .monaco-list-row`;
const explorerRows = '.explorer-folders-view .monaco-list-row';
const contextMenu = '.context-view .monaco-menu';
const contextMenuEntries = `${contextMenu} .action-menu-item`;
const statusBarEntries = '#workbench\\.parts\\.statusbar .statusbar-item';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits until the workbench is drawn and the explorer lists the workspace. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator(explorerRows).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens the command palette (F1) and types `text` after its `>` prefix. */
export async function openCommandPalette(page: Page, text = ''): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator(`${quickInput} input`);
  await input.waitFor({ state: 'visible' });
  if (text) {
    await page.keyboard.type(text);
  }
}

/** The labels of the rows the open quick pick shows (waits up to 2 s for the first one). */
export async function quickPickItems(page: Page): Promise<string[]> {
  await page.locator(quickInput).waitFor({ state: 'visible' });
  await page
    .locator(quickInputRows)
    .first()
    .waitFor({ state: 'visible', timeout: 2000 })
    .catch(() => undefined);
  return page
    .locator(`${quickInputRows} .label-name`)
    .evaluateAll((labels) => labels.map((label) => label.textContent?.trim() ?? ''));
}

/** Closes the quick pick (or quick input box) when one is open. */
export async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(quickInput).isVisible()) {
    await page.keyboard.press('Escape');
    await page.locator(quickInput).waitFor({ state: 'hidden' });
  }
}

/**
 * Runs a command the way a user does: F1, type its full title (e.g. "RunComfy: Show Log"), Enter. When another
 * command ranks first (recently used ones do), the row with exactly that title is clicked instead.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 10_000): Promise<void> {
  await openCommandPalette(page, title);
  const exactLabel = page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
  const row = page.locator(quickInputRows).filter({ has: exactLabel }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const shown = await quickPickItems(page).catch(() => []);
    await closeQuickInput(page);
    throw new Error(`command "${title}" not found in the command palette; shown: ${JSON.stringify(shown)}`, {
      cause: error,
    });
  }
  const first = page.locator(quickInputRows).first();
  if ((await first.locator('.label-name').textContent())?.trim() === title) {
    await page.keyboard.press('Enter');
  } else {
    await row.locator('.label-name').click();
  }
  await page.locator(quickInput).waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/** Shows the Explorer view (Ctrl+Shift+E) when it is hidden. */
export async function showExplorer(page: Page): Promise<void> {
  if (!(await page.locator('.explorer-folders-view').isVisible())) {
    await page.keyboard.press('Control+Shift+E');
    await page.locator('.explorer-folders-view').waitFor({ state: 'visible' });
  }
}

/** The names of the rows the Explorer shows (expanded folders' children included). */
export async function explorerItemNames(page: Page): Promise<string[]> {
  await showExplorer(page);
  await page.locator(explorerRows).first().waitFor({ state: 'visible' });
  return page.locator(explorerRows).evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
}

/** The Explorer row whose label is `name` (a file or folder shown in the tree). */
export function explorerItem(page: Page, name: string): Locator {
  return page.locator(`${explorerRows}[aria-label=${JSON.stringify(name)}]`);
}

/** Right-clicks the Explorer row `name` and waits for its context menu. */
export async function rightClickExplorerItem(page: Page, name: string): Promise<void> {
  await showExplorer(page);
  const item = explorerItem(page, name);
  await item.waitFor({ state: 'visible' });
  await item.click({ button: 'right' });
  await page.locator(contextMenu).first().waitFor({ state: 'visible' });
}

/** The labels of the open context menu's entries (no separators, no keybindings). */
export async function contextMenuItems(page: Page): Promise<string[]> {
  await page.locator(contextMenu).first().waitFor({ state: 'visible' });
  return page
    .locator(`${contextMenuEntries} .action-label`)
    .evaluateAll((labels) => labels.map((label) => label.textContent?.trim() ?? '').filter((text) => text !== ''));
}

/** Clicks the open context menu's entry labelled `label`. */
export async function clickContextMenuItem(page: Page, label: string): Promise<void> {
  const entry = page
    .locator(contextMenuEntries)
    .filter({ has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
  await entry.click();
  await page.locator(contextMenu).first().waitFor({ state: 'hidden' });
}

/** Closes an open context menu. */
export async function closeContextMenu(page: Page): Promise<void> {
  if (await page.locator(contextMenu).first().isVisible()) {
    await page.keyboard.press('Escape');
    await page.locator(contextMenu).first().waitFor({ state: 'hidden' });
  }
}

export interface StatusBarItem {
  /** DOM id, e.g. "status.problems" or "<publisher>.<name>.<item id>" for an extension's item. */
  id: string;
  text: string;
  ariaLabel: string;
}

/** The status bar's visible items, left to right. */
export async function statusBarItems(page: Page): Promise<StatusBarItem[]> {
  await page.locator(statusBarEntries).first().waitFor({ state: 'attached' });
  return page.locator(statusBarEntries).evaluateAll((items) =>
    items
      .filter((item) => (item as HTMLElement).offsetParent !== null)
      .map((item) => ({
        id: item.id,
        text: (item.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ariaLabel: item.getAttribute('aria-label') ?? '',
      })),
  );
}

/** The texts of the status bar's visible items (empty ones left out), left to right. */
export async function statusBarText(page: Page): Promise<string[]> {
  return (await statusBarItems(page)).map((item) => item.text).filter((text) => text !== '');
}

/** Saves a screenshot of the page as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

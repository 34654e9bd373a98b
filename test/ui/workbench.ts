// Drives the VS Code workbench in a Playwright page like a user: command palette, explorer, menus, status bar.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { repoRoot } from '../vscode/codeServer';

/** Screenshots and other UI test output (git-ignored). */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

const quickInput = '.quick-input-widget';
const quickInputRows = `${quickInput} .quick-input-list .monaco-list-row`;
/** A quick pick row's own label (its detail line, under it, has a `.label-name` too). */
const quickPickLabel = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';
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

/**
 * Waits until the command palette offers the command titled `title`: an extension's commands appear once its
 * extension host has registered it, a little after the workbench is drawn.
 */
export async function waitForCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exactLabel = page.locator(quickPickLabel, { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
  for (;;) {
    await openCommandPalette(page, title);
    const found = await page
      .locator(quickInputRows)
      .filter({ has: exactLabel })
      .first()
      .waitFor({ state: 'visible', timeout: 2000 })
      .then(() => true)
      .catch(() => false);
    await closeQuickInput(page);
    if (found) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the command palette never offered "${title}"`);
    }
    await page.waitForTimeout(500);
  }
}

/** Opens the command palette (F1) and types `text` after its `>` prefix. */
export async function openCommandPalette(page: Page, text = ''): Promise<void> {
  const input = page.locator(`${quickInput} .quick-input-box input`);
  // A key pressed while a webview (the image preview) has focus travels through the webview to the workbench, and
  // is sometimes lost while the webview loads: press again, as a user would.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const shown = await input
      .waitFor({ state: 'visible', timeout: 1500 })
      .then(() => true)
      .catch(() => false);
    if (shown) {
      break;
    }
    if (attempt >= 4) {
      throw new Error('F1 did not open the command palette');
    }
  }
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
  return page.locator(`${quickInputRows} ${quickPickLabel}`).evaluateAll((labels) => labels.map((label) => label.textContent?.trim() ?? ''));
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
  const exactLabel = page.locator(quickPickLabel, { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
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
  if ((await first.locator(quickPickLabel).textContent())?.trim() === title) {
    await page.keyboard.press('Enter');
  } else {
    await row.locator(quickPickLabel).click();
  }
  // The palette closes, or the command replaces it with a quick input of its own (whose text has no '>' prefix).
  await waitUntil(
    'the command palette to close',
    async () => !(await page.locator(quickInput).isVisible()) || !(await page.locator(`${quickInput} .quick-input-box input`).inputValue()).startsWith('>'),
    timeoutMs,
  ).catch(() => undefined);
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

/**
 * Shows the Explorer with the row `name` in view and returns it. Opening or revealing a result expands the results
 * folder and scrolls the tree to it, so a workspace file can be out of view (and, the tree drawing only the rows in
 * view, not in the page at all): the folders are collapsed then, as a user would, to bring it back.
 */
export async function revealExplorerItem(page: Page, name: string): Promise<Locator> {
  await showExplorer(page);
  const item = explorerItem(page, name);
  const inView = await item
    .waitFor({ state: 'visible', timeout: 2000 })
    .then(() => true)
    .catch(() => false);
  if (!inView) {
    await runCommand(page, 'Collapse Folders in Explorer');
    await showExplorer(page);
    await item.waitFor({ state: 'visible' });
  }
  return item;
}

/** Right-clicks the Explorer row `name` and waits for its context menu. */
export async function rightClickExplorerItem(page: Page, name: string): Promise<void> {
  const item = await revealExplorerItem(page, name);
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
  // A menu entry listens for the mouse only from 100 ms after it is drawn (VS Code's runOnceToEnableMouseUp), so a
  // click that comes sooner is lost, and the menu stays open.
  await page.waitForTimeout(150);
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

export interface ScreenshotArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Saves a screenshot of the page (or of `area` of it) as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, area?: ScreenshotArea): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, ...(area ? { clip: area } : {}) });
  return file;
}

/** The bottom-left `width`×`height` pixels of the page: the status bar's left end and what pops up above it. */
export function bottomLeftArea(page: Page, width = 760, height = 320): ScreenshotArea {
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
  return {
    x: 0,
    y: Math.max(0, viewport.height - height),
    width: Math.min(width, viewport.width),
    height: Math.min(height, viewport.height),
  };
}

/** Hovers over `target` and returns the text of the hover (tooltip) that VS Code shows for it. */
export async function hoverText(page: Page, target: Locator, timeoutMs = 5000): Promise<string> {
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /\S/ }).last();
  // A busy machine may miss the hover delay: the mouse leaves and comes back, as a user would.
  for (let attempt = 1; ; attempt++) {
    await target.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: timeoutMs });
      return ((await hover.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    } catch (error) {
      if (attempt === 3) throw error;
      await moveMouseAway(page);
    }
  }
}

/** Moves the mouse to the middle of the editor area, so no hover stays open. */
export async function moveMouseAway(page: Page): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(Math.round(viewport.width * 0.6), Math.round(viewport.height * 0.5));
}

/** Polls `probe` until it returns something other than undefined/false; throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const last = lastError instanceof Error ? `; last error: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The open quick input's title ('' when it has none), or undefined when no quick input is shown. */
export async function quickInputTitle(page: Page): Promise<string | undefined> {
  if (!(await page.locator(quickInput).isVisible())) {
    return undefined;
  }
  const title = page.locator(`${quickInput} .quick-input-title`);
  return (await title.isVisible()) ? ((await title.textContent())?.trim() ?? '') : '';
}

/** Waits until a quick pick or input box whose title contains `title` is shown. */
export async function waitForQuickInput(page: Page, title: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `a quick input titled "${title}" (shown: ${JSON.stringify(await quickInputTitle(page).catch(() => undefined))})`,
    async () => (await quickInputTitle(page))?.includes(title),
    timeoutMs,
  );
}

/** Replaces the text of the open quick input's box with `text`, typed key by key like a user. */
export async function typeInQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator(`${quickInput} .quick-input-box input`).first();
  await input.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** The placeholder of the open quick input's box (the text shown while it is empty). */
export async function quickInputPlaceholder(page: Page): Promise<string> {
  return (await page.locator(`${quickInput} .quick-input-box input`).first().getAttribute('placeholder')) ?? '';
}

/** The message under the open quick input's box (validation or info text such as "12/800"). */
export async function quickInputMessage(page: Page): Promise<string> {
  const message = page.locator(`${quickInput} .quick-input-message`);
  return (await message.isVisible()) ? ((await message.textContent())?.trim() ?? '') : '';
}

/** The row of the open quick pick whose label contains `label` (icons such as $(sparkle) are not part of it). */
export function quickPickRow(page: Page, label: string): Locator {
  return page
    .locator(quickInputRows)
    .filter({ has: page.locator(quickPickLabel, { hasText: label }) })
    .first();
}

/** The labels of the open quick pick's rows that are checked (a quick pick that allows several choices). */
export async function checkedQuickPickItems(page: Page): Promise<string[]> {
  return page
    .locator(quickInputRows)
    .evaluateAll(
      (rows, label) => rows.filter((row) => row.getAttribute('aria-checked') === 'true').map((row) => row.querySelector(label)?.textContent?.trim() ?? ''),
      quickPickLabel,
    );
}

/** The status bar item whose DOM id contains `id` (an extension's item id is prefixed by its extension id). */
export function statusBarItem(page: Page, id: string): Locator {
  return page.locator(`#workbench\\.parts\\.statusbar .statusbar-item[id*=${JSON.stringify(id)}]`).first();
}

export interface StatusBarItemState {
  visible: boolean;
  id: string;
  text: string;
  ariaLabel: string;
  /** Names of the codicons the item shows, e.g. ["sync", "spin"] for $(sync~spin). */
  icons: string[];
}

/** What the status bar item whose DOM id contains `id` shows now. */
export async function statusBarItemState(page: Page, id: string): Promise<StatusBarItemState> {
  const item = statusBarItem(page, id);
  if ((await item.count()) === 0) {
    return { visible: false, id: '', text: '', ariaLabel: '', icons: [] };
  }
  return item.evaluate((element) => ({
    visible: (element as HTMLElement).offsetParent !== null && getComputedStyle(element).display !== 'none',
    id: element.id,
    text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
    ariaLabel: element.querySelector('[aria-label]')?.getAttribute('aria-label') ?? element.getAttribute('aria-label') ?? '',
    icons: Array.from(element.querySelectorAll('.codicon'))
      .flatMap((icon) => Array.from(icon.classList))
      .filter((name) => name.startsWith('codicon-') && name !== 'codicon-modifier')
      .map((name) => name.slice('codicon-'.length)),
  }));
}

export interface NotificationEntry {
  message: string;
  /** 'info', 'warning' or 'error', read off the notification's icon. */
  severity: string;
  /** "Source: <extension name>" for an extension's notification, '' for the workbench's own. */
  source: string;
}

const notificationsCenter = '.notifications-center';

/**
 * The notifications the notification center lists, newest first, read by clicking the bell in the status bar (and
 * clicking it again to close the center). With the smoke-test driver on, as the runner's code-server is, VS Code shows
 * no toasts: notifications only reach the center.
 */
export async function notificationCenterEntries(page: Page): Promise<NotificationEntry[]> {
  const bell = page.locator('#status\\.notifications');
  const center = page.locator(notificationsCenter);
  if (!(await center.isVisible())) {
    await bell.click();
    await center.waitFor({ state: 'visible' });
  }
  try {
    return await page.locator(`${notificationsCenter} .notification-list-item`).evaluateAll((items) =>
      items.map((item) => {
        const icon = item.querySelector('.notification-list-item-icon');
        const classes = icon ? Array.from(icon.classList) : [];
        const severity = classes.includes('codicon-error') ? 'error' : classes.includes('codicon-warning') ? 'warning' : 'info';
        const text = (selector: string): string => (item.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        return {
          message: text('.notification-list-item-message'),
          severity,
          source: text('.notification-list-item-source'),
        };
      }),
    );
  } finally {
    await bell.click();
    await center.waitFor({ state: 'hidden' });
  }
}

/** Waits until the notification center lists a notification whose message contains `text`. */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 10_000): Promise<NotificationEntry> {
  const matches = (message: string): boolean => (typeof text === 'string' ? message.includes(text) : text.test(message));
  return waitUntil(
    `a notification saying ${String(text)}`,
    async () => (await notificationCenterEntries(page)).find((entry) => matches(entry.message)),
    timeoutMs,
    500,
  );
}

/** Dismisses every notification (the "Notifications: Clear All Notifications" command). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** The labels of the open editor tabs, left to right. */
export async function editorTabs(page: Page): Promise<string[]> {
  return page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('aria-label') ?? tab.textContent?.trim() ?? ''));
}

// ---- webviews, color themes and measured figures ----

/** The outer `iframe.webview` element of the webview shown by the extension `extensionId` (publisher.name). */
export function webviewElement(page: Page, extensionId: string): Locator {
  return page.locator(`iframe.webview.ready[src*=${JSON.stringify(`extensionId=${extensionId}`)}]`).first();
}

/**
 * The document of that webview: VS Code nests it, the outer `iframe.webview` holding an inner `iframe#active-frame`
 * that carries the extension's HTML. Locators in it wait and re-resolve, so they survive the webview reloading.
 */
export function webviewFrame(page: Page, extensionId: string): FrameLocator {
  return page
    .frameLocator(`iframe.webview.ready[src*=${JSON.stringify(`extensionId=${extensionId}`)}]`)
    .first()
    .frameLocator('#active-frame');
}

/** The page area the webview `extensionId` covers, for screenshots of just that webview. */
export async function webviewArea(page: Page, extensionId: string): Promise<ScreenshotArea> {
  const box = await webviewElement(page, extensionId).boundingBox();
  if (!box) {
    throw new Error(`the webview of ${extensionId} is not shown`);
  }
  return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
}

/** The kind of the workbench's current color theme, read off its root element's class. */
export async function colorThemeKind(page: Page): Promise<'light' | 'dark' | 'hcDark' | 'hcLight'> {
  const classes = (await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
  const names = classes.split(/\s+/);
  if (names.includes('hc-black')) return 'hcDark';
  if (names.includes('hc-light')) return 'hcLight';
  return names.includes('vs-dark') ? 'dark' : 'light';
}

/**
 * Switches the color theme like a user: "Preferences: Color Theme", type the theme's name (e.g. "Light Modern",
 * "Dark High Contrast"), Enter on the row with exactly that name.
 */
export async function selectColorTheme(page: Page, name: string, timeoutMs = 10_000): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator(`${quickInput} .quick-input-box input`).first().waitFor({ state: 'visible' });
  await typeInQuickInput(page, name);
  const exact = page
    .locator(quickInputRows)
    .filter({ has: page.locator(quickPickLabel, { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
    .first();
  await exact.waitFor({ state: 'visible', timeout: timeoutMs });
  const first = page.locator(quickInputRows).first();
  if ((await first.locator(quickPickLabel).textContent())?.trim() === name) {
    await page.keyboard.press('Enter');
  } else {
    await exact.locator(quickPickLabel).click();
  }
  await page.locator(quickInput).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The name of the current color theme: the row "Preferences: Color Theme" opens on (the picker is closed again). */
export async function currentColorTheme(page: Page): Promise<string> {
  await runCommand(page, 'Preferences: Color Theme');
  try {
    const focused = page.locator(`${quickInputRows}.focused ${quickPickLabel}`).first();
    await focused.waitFor({ state: 'visible', timeout: 5000 });
    return ((await focused.textContent()) ?? '').trim();
  } finally {
    await closeQuickInput(page);
  }
}

/** Merges `figures` into test-artifacts/metrics.json, keeping every other key the file holds. */
export function mergeMetrics(figures: Record<string, unknown>): void {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, 'metrics.json');
  let current: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        current = parsed as Record<string, unknown>;
      }
    } catch {
      // An unreadable file is replaced rather than left to break every later merge.
    }
  }
  fs.writeFileSync(file, `${JSON.stringify({ ...current, ...figures }, null, 2)}\n`);
}

export interface ConsoleEntry {
  /** Console message type ('error', 'warning', …), or 'pageerror' for an uncaught exception. */
  type: string;
  text: string;
  /** The URL of the script or document that logged it ('' when unknown). */
  url: string;
}

export interface ConsoleWatch {
  /** Everything logged by the page and its frames (webviews included) since the watch started. */
  readonly entries: ConsoleEntry[];
  stop(): void;
}

/** Collects the console messages and uncaught exceptions of the page and all its frames until `stop()`. */
export function watchConsole(page: Page): ConsoleWatch {
  const entries: ConsoleEntry[] = [];
  const onConsole = (message: { type(): string; text(): string; location(): { url: string } }): void => {
    entries.push({ type: message.type(), text: message.text(), url: message.location().url ?? '' });
  };
  const onError = (error: Error): void => {
    entries.push({ type: 'pageerror', text: `${error.message}\n${error.stack ?? ''}`, url: '' });
  };
  page.on('console', onConsole);
  page.on('pageerror', onError);
  return {
    entries,
    stop: () => {
      page.off('console', onConsole);
      page.off('pageerror', onError);
    },
  };
}

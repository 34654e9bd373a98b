// Reads the notification toasts VS Code pops up over the workbench (what a user sees, not the bell's list).
import type { Page } from 'playwright-core';

const toasts = '.notifications-toasts .notification-toast';

export interface Toast {
  message: string;
  /** 'info', 'warning' or 'error', read off the toast's icon. */
  severity: string;
  /** The labels of its buttons. */
  buttons: string[];
  /** Where it shows on the page. */
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Waits until a toast whose message contains `text` is shown, and checks that it really is on screen: inside the
 * viewport, not hidden, not transparent.
 */
export async function waitForToast(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<Toast> {
  const toast = page
    .locator(toasts)
    .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
    .first();
  try {
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const shown = await visibleToastMessages(page).catch(() => []);
    throw new Error(`no toast saying ${String(text)} within ${timeoutMs} ms; toasts shown: ${JSON.stringify(shown)}`, {
      cause: error,
    });
  }
  const details = await toast.evaluate((element) => {
    const icon = element.querySelector('.notification-list-item-icon');
    const classes = icon ? Array.from(icon.classList) : [];
    return {
      message: (element.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      severity: classes.includes('codicon-error') ? 'error' : classes.includes('codicon-warning') ? 'warning' : 'info',
      buttons: Array.from(element.querySelectorAll('.monaco-button'))
        .map((button) => (button.textContent ?? '').trim())
        .filter((label) => label !== ''),
    };
  });
  // Toasts slide and fade in: judge where it ends up, not a frame halfway.
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const deadline = Date.now() + 3000;
  for (;;) {
    const box = await toast.boundingBox();
    const opacity = await toast.evaluate((element) => {
      let value = 1;
      for (let node: Element | null = element; node; node = node.parentElement) {
        value *= Number(getComputedStyle(node).opacity);
      }
      return value;
    });
    const onScreen =
      box !== null &&
      box.width >= 50 &&
      box.height >= 20 &&
      box.x >= 0 &&
      box.y >= 0 &&
      box.x + box.width <= viewport.width &&
      box.y + box.height <= viewport.height;
    if (onScreen && opacity > 0.95) {
      return { ...details, box };
    }
    if (Date.now() > deadline) {
      throw new Error(`the toast "${details.message}" is not fully on screen: ${JSON.stringify(box)}, opacity ${opacity}, in ${JSON.stringify(viewport)}`);
    }
    await page.waitForTimeout(100);
  }
}

/** The messages of the toasts shown now. */
export async function visibleToastMessages(page: Page): Promise<string[]> {
  return page
    .locator(toasts)
    .evaluateAll((elements) =>
      elements
        .filter((element) => (element as HTMLElement).offsetParent !== null)
        .map((element) => (element.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
}

// Steps the tests of VS Code as installed share: a clean workbench, an edit from the Explorer, the editor groups.
import type { Page } from 'playwright-core';
import { uiSession } from '../session';
import { submitFromPromptStep } from '../editWizard';
import { clearNotifications, clickContextMenuItem, closeQuickInput, rightClickExplorerItem, runCommand, statusBarItemState, waitUntil } from '../workbench';

export const editMenuLabel = 'Edit Image with Dreamina…';
export const editCommandTitle = 'RunComfy: Edit Image with Dreamina…';
export const openPanelTitle = 'RunComfy: Open Edit Panel';
export const panelTabLabel = 'RunComfy Edit';
export const extensionId = 'runcomfy-edit.runcomfy-dreamina-edit';

/**
 * No job in flight (whose results would open in the middle of the next test), no editor, no quick input, no
 * notification: the state each test starts from.
 */
export async function resetWorkbench(page: Page): Promise<void> {
  await closeQuickInput(page);
  await focusWorkbench(page);
  await waitUntil(
    'the RunComfy status bar item to show no running job',
    async () => !(await statusBarItemState(page, 'runcomfy.jobs')).icons.some((icon) => icon.includes('spin')),
    60_000,
    250,
  );
  await runCommand(page, 'View: Close All Editor Groups');
  await clearNotifications(page);
  await waitUntil('all editors to close', async () => (await page.locator('.tabs-container .tab').count()) === 0, 10_000);
}

/**
 * Moves the keyboard focus out of any webview (an image preview, the panel) onto the side bar's title, as a click
 * there would: keys pressed while a webview has focus go through it and are sometimes lost.
 */
export async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('#workbench\\.parts\\.sidebar .composite.title .title-label').first().click();
}

/** Right-clicks `image` in the Explorer → "Edit Image with Dreamina…" → `prompt` → Submit; returns the submit's index. */
export async function editFromExplorer(page: Page, image: string, prompt: string): Promise<number> {
  const { emulator } = uiSession();
  const before = emulator.stats.submits;
  await rightClickExplorerItem(page, image);
  await clickContextMenuItem(page, editMenuLabel);
  await submitFromPromptStep(page, prompt);
  await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > before, 15_000);
  return before;
}

export interface EditorGroup {
  box: { x: number; y: number; width: number; height: number };
  /** Whether it is the active group: the one an editor opened "in the active column" goes to. */
  active: boolean;
  tabs: { label: string; active: boolean }[];
}

/** The editor groups left to right, with their tabs. */
export async function editorGroups(page: Page): Promise<EditorGroup[]> {
  const groups = await page.locator('.part.editor .editor-group-container').evaluateAll((elements) =>
    elements
      .filter((element) => (element as HTMLElement).offsetParent !== null)
      .map((element) => {
        const rect = element.getBoundingClientRect();
        return {
          box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
          active: element.classList.contains('active'),
          tabs: Array.from(element.querySelectorAll('.tabs-container .tab')).map((tab) => ({
            label: tab.getAttribute('aria-label') ?? (tab.textContent ?? '').trim(),
            active: tab.classList.contains('active'),
          })),
        };
      }),
  );
  return groups.sort((a, b) => a.box.x - b.box.x);
}

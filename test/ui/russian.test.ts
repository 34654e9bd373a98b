// The extension in Russian: a second window whose display language is Russian shows the panel and the wizard in Russian, with screenshots.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../vscode/codeServer';
import { uiSession } from './session';
import {
  clickContextMenuItem,
  closeQuickInput,
  quickInputMessage,
  quickInputPlaceholder,
  quickInputTitle,
  quickPickItems,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  waitForCommand,
  waitForQuickInput,
  waitForWorkbench,
  waitUntil,
  webviewArea,
  webviewFrame,
} from './workbench';

const extensionId = 'runcomfy-edit.runcomfy-dreamina-edit';

/** Whether the element's text is cut off (ellipsis or overflow) where it is shown. */
async function cutOff(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => element.scrollWidth > element.clientWidth + 1);
}

/**
 * How much of the quick input's box its placeholder takes (1 = all of it). A placeholder is never scrolled, only cut,
 * so it needs room to spare for wider fonts than this browser's.
 */
async function placeholderShare(page: Page): Promise<number> {
  return page
    .locator('.quick-input-widget .quick-input-box input')
    .first()
    .evaluate((element) => {
      const input = element as HTMLInputElement;
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return context.measureText(input.placeholder).width / room;
    });
}

describe('in Russian', function () {
  this.timeout(240_000);
  let workbench: Workbench | undefined;
  let page: Page;
  let panel: FrameLocator;

  before(async function () {
    const { server } = uiSession();
    workbench = await openWorkbench({ url: server.url, displayLanguage: 'ru', timeoutMs: 120_000 });
    page = workbench.page;
    await waitForWorkbench(page, 120_000);
    await waitForCommand(page, 'RunComfy: Показать задания', 120_000);
    panel = webviewFrame(page, extensionId);
  });

  after(async () => {
    await workbench?.close();
  });

  it('names the commands in Russian in the command palette', async () => {
    await waitForCommand(page, 'RunComfy: Открыть панель правки');
    await waitForCommand(page, 'RunComfy: Возобновить по ID запроса…');
  });

  it('shows the panel in Russian: tabs, sections, plurals and the price', async () => {
    await runCommand(page, 'RunComfy: Открыть панель правки');
    const tabs = panel.locator('[role="tab"]');
    await waitUntil('the panel to show its tabs', async () => (await tabs.count()) === 3, 60_000);
    const tabNames = (await tabs.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    assert.ok(
      tabNames.some((name) => name.startsWith('Новая правка')),
      `tabs: ${JSON.stringify(tabNames)}`,
    );
    assert.ok(
      tabNames.some((name) => name.startsWith('Задания')),
      `tabs: ${JSON.stringify(tabNames)}`,
    );
    assert.ok(
      tabNames.some((name) => name.startsWith('Результаты')),
      `tabs: ${JSON.stringify(tabNames)}`,
    );
    assert.ok(!tabNames.includes('Правка'), "the Compose tab is not called like VS Code's Edit menu");
    const text = async () => ((await panel.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
    await waitUntil('the price in Russian', async () => /\$0,03 за изображение/.test(await text()), 30_000);
    const body = await text();
    for (const words of ['Входные изображения', 'Промпт', 'Вес промпта', 'Выходные изображения', 'Отправить']) {
      assert.ok(body.includes(words), `the panel lacks «${words}»: ${body.slice(0, 400)}`);
    }
    assert.ok(!/Input images|Prompt strength|Submit\b/.test(body), `English left in the panel: ${body.slice(0, 400)}`);
    await screenshot(page, 'ru-panel-compose', await webviewArea(page, extensionId));
  });

  it('shows the wizard in Russian, its first step not cut off', async () => {
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    await runCommand(page, 'RunComfy: Изменить изображение с помощью Dreamina…');
    await waitForQuickInput(page, '(1/3)');
    const title = (await quickInputTitle(page)) ?? '';
    const placeholder = await quickInputPlaceholder(page);
    const rows = await quickPickItems(page);
    await screenshot(page, 'ru-wizard-step-1');
    assert.match(title, /[а-яё]/i, `title: ${title}`);
    assert.match(placeholder, /[а-яё]/i, `placeholder: ${placeholder}`);
    assert.ok(
      rows.some((row) => row.includes('Изображения из рабочей области')),
      `rows: ${JSON.stringify(rows)}`,
    );
    assert.ok(!(await cutOff(page, '.quick-input-widget .quick-input-title')), `the title is cut off: ${title}`);
    assert.ok((await placeholderShare(page)) < 0.85, `the placeholder barely fits: ${placeholder}`);

    await closeQuickInput(page);
  });

  it('starts the wizard from the Explorer with its prompt step in Russian, not cut off', async () => {
    await rightClickExplorerItem(page, 'landscape.png');
    await clickContextMenuItem(page, 'Изменить изображение с помощью Dreamina…');
    await waitForQuickInput(page, '(2/3)');
    const title = (await quickInputTitle(page)) ?? '';
    const message = await quickInputMessage(page);
    const placeholder = await quickInputPlaceholder(page);
    await screenshot(page, 'ru-wizard-prompt-step');
    assert.match(title, /промпт/, `title: ${title}`);
    assert.match(message, /Опишите правку/, `the prompt step says: ${message}`);
    assert.ok(!(await cutOff(page, '.quick-input-widget .quick-input-title')), `the title is cut off: ${title}`);
    const share = await placeholderShare(page);
    assert.ok(share < 0.85, `the placeholder takes ${Math.round(share * 100)}% of the box: ${placeholder}`);
    await closeQuickInput(page);
  });
});

// UI tests of where results open while the edit panel shows: never in a new group that squeezes the panel.
import * as assert from 'node:assert/strict';
import { uiSession } from '../session';
import { waitForToast } from '../toasts';
import { revealExplorerItem, runCommand, screenshot, waitUntil, webviewElement } from '../workbench';
import { editFromExplorer, editorGroups, extensionId, focusWorkbench, openPanelTitle, panelTabLabel, resetWorkbench, type EditorGroup } from './support';

function isPanelTab(label: string): boolean {
  return label.startsWith(panelTabLabel);
}

function resultTabs(group: EditorGroup, requestId: string): string[] {
  return group.tabs.map((tab) => tab.label).filter((label) => label.includes(requestId.slice(0, 8)));
}

/** Opens the panel and waits until its webview is drawn; returns its width. */
async function openPanel(): Promise<number> {
  const { page } = uiSession();
  await focusWorkbench(page);
  await runCommand(page, openPanelTitle);
  const webview = webviewElement(page, extensionId);
  await webview.waitFor({ state: 'visible', timeout: 30_000 });
  return (await webview.boundingBox())?.width ?? 0;
}

/** Submits an edit from the Explorer and waits for the "saved" toast; returns the request id. */
async function editAndWaitForResults(prompt: string): Promise<string> {
  const { page } = uiSession();
  await editFromExplorer(page, 'valid-512x512.png', prompt);
  const submitted = await waitForToast(page, 'edit submitted');
  const requestId = /\(request ([^)\s]+)\)/.exec(submitted.message)?.[1] ?? '';
  assert.ok(requestId, `no request id in "${submitted.message}"`);
  await waitForToast(page, new RegExp(`saved for "${prompt}"`), 45_000);
  return requestId;
}

/** The editor groups once a tab of one of `requestId`'s results shows in any of them. */
function groupsOnceAResultShows(requestId: string): Promise<EditorGroup[]> {
  const { page } = uiSession();
  return waitUntil(
    'a result tab',
    async () => {
      const groups = await editorGroups(page);
      return groups.some((group) => resultTabs(group, requestId).length > 0) ? groups : undefined;
    },
    15_000,
  );
}

describe('results while the edit panel shows', function () {
  this.timeout(90_000);

  it("open as a preview tab in the panel's group when it is the only group, without a new group", async () => {
    const { page } = uiSession();
    await resetWorkbench(page);
    await openPanel();
    const before = await editorGroups(page);
    assert.equal(before.length, 1, `groups before: ${JSON.stringify(before)}`);

    const requestId = await editAndWaitForResults('Give the square a golden frame');
    const after = await groupsOnceAResultShows(requestId);
    await screenshot(page, 'installed-results-one-group');
    assert.equal(after.length, 1, `a new group was opened: ${JSON.stringify(after)}`);
    assert.equal(after[0].box.width, before[0].box.width, 'the group changed width');
    assert.ok(
      after[0].tabs.some((tab) => isPanelTab(tab.label)),
      `the panel's tab is gone: ${JSON.stringify(after[0].tabs)}`,
    );
  });

  it('open in a group the user already has, leaving the panel in view at its width', async () => {
    const { page } = uiSession();
    await resetWorkbench(page);
    // The user's own layout: an image on the left, the panel in a group on the right.
    await (await revealExplorerItem(page, 'valid-640x480.jpg')).click();
    await waitUntil('the image to open', async () => (await editorGroups(page)).some((group) => group.tabs.length > 0), 10_000);
    await focusWorkbench(page);
    await runCommand(page, 'View: Split Editor Right');
    // The split opens the image in the new group and then makes that group the active one: the panel opens there.
    await waitUntil(
      'two groups, the right one active',
      async () => {
        const groups = await editorGroups(page);
        return groups.length === 2 && groups[1].active && groups[1].tabs.some((tab) => tab.active);
      },
      10_000,
    );
    const panelWidth = await openPanel();
    const before = await editorGroups(page);
    assert.ok(
      before[1].tabs.some((tab) => tab.active && isPanelTab(tab.label)),
      `the panel is not shown on the right: ${JSON.stringify(before)}`,
    );

    const requestId = await editAndWaitForResults('Give the square a silver frame');
    const after = await groupsOnceAResultShows(requestId);
    await screenshot(page, 'installed-results-other-group');
    assert.equal(after.length, 2, `the groups changed: ${JSON.stringify(after)}`);
    assert.ok(resultTabs(after[0], requestId).length > 0, `the result is not in the left group: ${JSON.stringify(after)}`);
    assert.deepEqual(resultTabs(after[1], requestId), [], 'a result opened over the panel');
    assert.ok(
      after[1].tabs.some((tab) => tab.active && isPanelTab(tab.label)),
      `the panel is no longer shown: ${JSON.stringify(after[1].tabs)}`,
    );
    const widthNow = (await webviewElement(page, extensionId).boundingBox())?.width ?? 0;
    assert.equal(widthNow, panelWidth, 'the panel changed width');
  });
});

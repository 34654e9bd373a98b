// UI smoke test: the workbench loads with the fixture workspace and shows the extension's own entries: its commands, its Explorer menu entries, its status bar item.
import * as assert from 'node:assert/strict';
import { jobsItemId, resume, submitElsewhere, waitForNoBusyJobs } from './serviceJobs';
import { uiSession } from './session';
import {
  closeContextMenu,
  closeQuickInput,
  contextMenuItems,
  explorerItemNames,
  openCommandPalette,
  quickPickItems,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarItem,
  statusBarItemState,
  waitForQuickInput,
  waitUntil,
} from './workbench';

/** Commands a user reaches from the palette (package.json, package.nls.json). */
const PALETTE_COMMANDS = [
  'RunComfy: Edit Image with Dreamina…',
  'RunComfy: Edit Images in Batch with Dreamina…',
  'RunComfy: Open Edit Panel',
  'RunComfy: Show Jobs',
  'RunComfy: Resume by Request ID…',
  'RunComfy: Set API Token',
  'RunComfy: Show Log',
];
/** Commands for notifications and the job list only, hidden from the palette. */
const HIDDEN_COMMANDS = ['RunComfy: Open Result', 'RunComfy: Copy Request ID', 'RunComfy: Retry Download'];

describe('workbench smoke', () => {
  it('shows the fixture workspace in the explorer', async () => {
    const { page } = uiSession();
    const names = await explorerItemNames(page);
    for (const name of ['landscape.png', 'portrait.png', 'README.txt']) {
      assert.ok(names.includes(name), `explorer shows ${JSON.stringify(names)}, not ${name}`);
    }
    await screenshot(page, 'workbench');
  });

  it("lists the extension's commands in the palette, and not the ones meant for notifications", async () => {
    const { page } = uiSession();
    await openCommandPalette(page, 'RunComfy: ');
    // The list fills in as the filter is typed: read it once it holds every command expected.
    const items = await waitUntil('the palette to list the RunComfy commands', async () => {
      const shown = await quickPickItems(page);
      return PALETTE_COMMANDS.every((title) => shown.includes(title)) ? shown : undefined;
    }).catch(async (e: unknown) => assert.fail(`${String(e)}; shown: ${JSON.stringify(await quickPickItems(page))}`));
    await screenshot(page, 'command-palette');
    await closeQuickInput(page);
    for (const title of HIDDEN_COMMANDS) assert.ok(!items.includes(title), `the palette offers "${title}": ${JSON.stringify(items)}`);
  });

  it("runs the extension's Show Jobs command from the palette", async () => {
    const { page } = uiSession();
    await runCommand(page, 'RunComfy: Show Jobs');
    await waitForQuickInput(page, 'RunComfy Jobs');
    await closeQuickInput(page);
  });

  it("offers the extension's entries in an image's Explorer menu, and not in a text file's", async () => {
    const { page } = uiSession();
    await rightClickExplorerItem(page, 'landscape.png');
    const imageMenu = await contextMenuItems(page);
    await screenshot(page, 'explorer-menu');
    await closeContextMenu(page);
    for (const entry of ['Edit Image with Dreamina…', 'Open Edit Panel']) {
      assert.ok(imageMenu.includes(entry), `landscape.png's menu shows ${JSON.stringify(imageMenu)}`);
    }
    await rightClickExplorerItem(page, 'README.txt');
    const textMenu = await contextMenuItems(page);
    await closeContextMenu(page);
    assert.ok(textMenu.length > 0, 'README.txt has an empty context menu');
    for (const entry of ['Edit Image with Dreamina…', 'Open Edit Panel']) {
      assert.ok(!textMenu.includes(entry), `README.txt's menu shows ${JSON.stringify(textMenu)}`);
    }
  });

  it('shows its status bar item for a job it tracks, and opens the job list from it', async () => {
    const { page } = uiSession();
    // A job made at the service directly, then picked up by request_id: nothing is submitted by the extension.
    const requestId = await submitElsewhere('smoke test: status bar item', { queueMs: 0, runMs: 1000 });
    await resume(requestId);
    const state = await waitUntil(
      'the RunComfy status bar item',
      async () => {
        const s = await statusBarItemState(page, jobsItemId);
        return s.visible ? s : undefined;
      },
      20_000,
    );
    assert.match(state.ariaLabel, /^RunComfy: /, JSON.stringify(state));
    await statusBarItem(page, jobsItemId).click();
    await waitForQuickInput(page, 'RunComfy Jobs');
    await closeQuickInput(page);
    // Leaves nothing running for the next test: the job ends and its result is saved.
    await waitForNoBusyJobs();
    await runCommand(page, 'View: Close All Editors');
  });
});

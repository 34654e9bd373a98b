// UI tests of the Dreamina edit flows as a user drives them: explorer menu, palette pickers, status bar and job list.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resume, submitElsewhere } from './serviceJobs';
import { uiSession } from './session';
import {
  bottomLeftArea,
  checkedQuickPickItems,
  clearNotifications,
  clickContextMenuItem,
  closeContextMenu,
  contextMenuItems,
  editorTabs,
  hoverText,
  moveMouseAway,
  notificationCenterEntries,
  openCommandPalette,
  quickInputMessage,
  quickInputPlaceholder,
  quickInputTitle,
  quickPickItems,
  quickPickRow,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarItem,
  statusBarItemState,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInput,
  waitUntil,
  type StatusBarItemState,
} from './workbench';

const editMenuLabel = 'Edit Image with Dreamina…';
const editCommandTitle = 'RunComfy: Edit Image with Dreamina…';
const jobsItemId = 'runcomfy.jobs';
const resultsFolder = 'runcomfy-results';
const explorerPrompt = 'Turn the sky into a warm sunset';
const palettePrompt = 'Blend both pictures into one poster';

interface SubmitBody {
  prompt?: unknown;
  image_urls?: unknown;
}

/** The body of the `index`-th submit the emulator received. */
function submitBody(index: number): SubmitBody {
  const body = uiSession().emulator.stats.submitBodies[index];
  assert.ok(body && typeof body === 'object', `submit #${index} has no JSON body: ${String(body)}`);
  return body;
}

function imageUrlsOf(body: SubmitBody): string[] {
  assert.ok(Array.isArray(body.image_urls), `image_urls is not an array: ${JSON.stringify(body.image_urls)?.slice(0, 200)}`);
  return body.image_urls.map((url) => String(url));
}

function isRunning(state: StatusBarItemState): boolean {
  return state.visible && state.icons.includes('sync') && /\d/.test(state.text);
}

/** Any job counted: running, queued, submitting or saving. */
function isBusy(state: StatusBarItemState): boolean {
  return state.visible && /\d/.test(state.text);
}

/** Waits until no job runs: the jobs item shows no spinner and no count any more. */
async function waitForJobsToFinish(timeoutMs = 20_000): Promise<StatusBarItemState> {
  const { page } = uiSession();
  return waitUntil(
    'the RunComfy status bar item to stop showing running jobs',
    async () => {
      const state = await statusBarItemState(page, jobsItemId);
      return state.visible && !isBusy(state) ? state : undefined;
    },
    timeoutMs,
    200,
  );
}

interface SavedResult {
  image: string;
  sidecar: { requestId?: string; prompt?: string; file?: string };
}

/** The images in <workspace>/runcomfy-results/ whose sidecar names `prompt`, with their sidecars. */
function savedResults(prompt: string): SavedResult[] {
  const dir = path.join(uiSession().workspace, resultsFolder);
  if (!fs.existsSync(dir)) {
    return [];
  }
  const results: SavedResult[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(png|jpe?g)$/i.test(name)) {
      continue;
    }
    const sidecarPath = path.join(dir, name.replace(/\.[^.]+$/, '.json'));
    if (!fs.existsSync(sidecarPath)) {
      continue;
    }
    const sidecar = JSON.parse(fs.readFileSync(sidecarPath, 'utf8')) as SavedResult['sidecar'];
    if (sidecar.prompt === prompt) {
      results.push({ image: path.join(dir, name), sidecar });
    }
  }
  return results;
}

/** Goes through the prompt and options steps: types `prompt`, Enter, then Enter on "Submit edit". */
async function submitPromptAndOptions(prompt: string, imageCount: number): Promise<void> {
  const { page } = uiSession();
  await waitForQuickInput(page, 'RunComfy Edit (2/3): prompt');
  const description = await quickInputMessage(page);
  assert.match(description, new RegExp(`Describe the edit for ${imageCount} image${imageCount === 1 ? '' : 's'}`));
  await typeInQuickInput(page, prompt);
  await waitUntil(
    `the prompt box to count ${prompt.length}/800 (shows "${prompt}")`,
    async () => (await quickInputMessage(page)).startsWith(`${prompt.length}/800`),
    5000,
  );
  await page.keyboard.press('Enter');

  await waitForQuickInput(page, 'RunComfy Edit (3/3): options');
  const rows = await quickPickItems(page);
  assert.match(rows[0] ?? '', /Submit edit/, `the options menu starts with ${JSON.stringify(rows)}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

describe('Dreamina edit flows', function () {
  this.timeout(60_000);

  it('offers "Edit Image with Dreamina…" in the explorer context menu of images only', async () => {
    const { page } = uiSession();
    await rightClickExplorerItem(page, 'landscape.png');
    const imageMenu = await contextMenuItems(page);
    await screenshot(page, 'explorer-context-menu');
    await closeContextMenu(page);
    assert.ok(imageMenu.includes(editMenuLabel), `landscape.png's menu shows ${JSON.stringify(imageMenu)}`);

    await rightClickExplorerItem(page, 'README.txt');
    const textMenu = await contextMenuItems(page);
    await closeContextMenu(page);
    assert.ok(textMenu.length > 0, 'README.txt has an empty context menu');
    assert.ok(!textMenu.includes(editMenuLabel), `README.txt's menu shows ${JSON.stringify(textMenu)}`);
  });

  it('edits an image from the explorer, shows the job in the status bar and opens the result', async () => {
    const { page, emulator, workspace } = uiSession();
    const submitsBefore = emulator.stats.submits;
    await clearNotifications(page);

    // Running long enough that a poll sees it run: polls before a job's expected end are up to 10 s apart.
    emulator.nextJob({ queueMs: 2500, runMs: 16_000 });
    await rightClickExplorerItem(page, 'landscape.png');
    await clickContextMenuItem(page, editMenuLabel);
    await submitPromptAndOptions(explorerPrompt, 1);

    await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > submitsBefore, 10_000);
    // Queued first (about 2.5 s), then running: the status bar says which, once a poll has seen it.
    const running = await waitUntil(
      'the status bar to show one running job',
      async () => {
        const state = await statusBarItemState(page, jobsItemId);
        return isRunning(state) ? state : undefined;
      },
      // A hang guard only: polls before a job's expected end are up to 10 s apart.
      45_000,
    );
    // The tooltip lists the running job by its request_id.
    const tooltip = await hoverText(page, statusBarItem(page, jobsItemId));
    await screenshot(page, 'status-bar-running', bottomLeftArea(page));
    await moveMouseAway(page);
    assert.equal(running.text, '1 running', `the running item shows ${JSON.stringify(running)}`);
    assert.ok(
      running.icons.some((icon) => icon.includes('spin')),
      `the icon does not spin: ${JSON.stringify(running)}`,
    );
    assert.match(running.ariaLabel, /1 running/);
    assert.equal(emulator.stats.submits, submitsBefore + 1, 'exactly one submit');
    const body = submitBody(submitsBefore);
    assert.equal(body.prompt, explorerPrompt);
    const urls = imageUrlsOf(body);
    assert.equal(urls.length, 1);
    assert.ok(urls[0].startsWith('data:image/png;base64,'), `image_urls[0] starts ${urls[0].slice(0, 40)}`);

    const submitted = await waitForNotification(page, 'edit submitted (request ');
    const requestId = /\(request ([^)\s]+)\)/.exec(submitted.message)?.[1] ?? '';
    const job = emulator.job(requestId);
    assert.ok(job, `the notification names request "${requestId}", which the emulator never created`);
    assert.equal(submitted.severity, 'info');
    assert.match(tooltip, /RunComfy — Dreamina edit/);
    assert.ok(tooltip.includes(requestId), `the tooltip does not list ${requestId}: ${tooltip}`);
    assert.match(tooltip, /(queued|running|submitting).*Turn the sky into a warm sunset/i);

    const finished = await waitForJobsToFinish();
    assert.doesNotMatch(finished.text, /\d/, `the finished item still shows ${JSON.stringify(finished)}`);
    assert.equal(emulator.stats.submits, submitsBefore + 1, 'no further submit while the job ran');

    const results = await waitUntil(`${job.outputs} results saved with their sidecars`, () => {
      const saved = savedResults(explorerPrompt);
      return saved.length === job.outputs ? saved : undefined;
    }).catch((error: unknown) => {
      const dir = path.join(workspace, resultsFolder);
      const found = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      throw new Error(`${String(error)}; ${resultsFolder}/ holds ${JSON.stringify(found)}`, { cause: error });
    });
    for (const result of results) {
      assert.equal(path.dirname(result.image), path.join(workspace, resultsFolder));
      assert.ok(fs.statSync(result.image).size > 0, `${result.image} is empty`);
      assert.equal(result.sidecar.requestId, requestId);
      assert.equal(result.sidecar.file, path.basename(result.image));
    }

    const names = results.map((result) => path.basename(result.image));
    const activeTab = await waitUntil('a result to be the active editor', async () => {
      const label = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
      return label && names.some((name) => label.includes(name)) ? label : undefined;
    });
    // VS Code's image preview puts the image's size in the status bar while it is the active editor.
    await statusBarItem(page, 'imagePreview.size').waitFor({ state: 'visible', timeout: 10_000 });
    const openTabs = await editorTabs(page);
    for (const name of names) {
      assert.ok(
        openTabs.some((tab) => tab.includes(name)),
        `${name} is not open; tabs: ${JSON.stringify(openTabs)}`,
      );
    }
    const saved = await waitForNotification(page, /results? saved for/);
    assert.match(saved.message, new RegExp(`${results.length} results saved for "${explorerPrompt}"`));
    await page.waitForTimeout(300);
    await screenshot(page, 'result-preview');
    assert.ok(names.some((name) => activeTab.includes(name)));
    await runCommand(page, 'View: Close All Editors');
  });

  it('edits two workspace images picked from the command palette', async () => {
    const { page, emulator } = uiSession();
    const submitsBefore = emulator.stats.submits;

    await runCommand(page, editCommandTitle);
    await waitForQuickInput(page, 'RunComfy Edit (1/3): input images');
    const sources = await quickPickItems(page);
    assert.ok(
      sources.some((label) => label.includes('Workspace images…')),
      `sources: ${JSON.stringify(sources)}`,
    );
    await quickPickRow(page, 'Workspace images…').click();

    await waitForQuickInput(page, 'RunComfy Edit (1/3): workspace images');
    // The workspace's own images come first (results saved by an earlier test follow, in their folder).
    const images = await quickPickItems(page);
    assert.deepEqual(images.slice(0, 2), ['landscape.png', 'portrait.png'], `workspace images: ${JSON.stringify(images)}`);
    // Like a keyboard user: Down into the list and Space on each image.
    for (let row = 0; row < 2; row++) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
    }
    const checked = await waitUntil(
      'both images to be checked',
      async () => {
        const items = await checkedQuickPickItems(page);
        return items.length === 2 ? items : undefined;
      },
      5000,
    );
    assert.deepEqual(checked, ['landscape.png', 'portrait.png']);
    await waitUntil(
      'the placeholder to count 2 selected images',
      async () => /^2 selected, sent in the order checked/.test(await quickInputPlaceholder(page)),
      5000,
    );
    await screenshot(page, 'workspace-images-picked');
    await page.keyboard.press('Enter');

    await submitPromptAndOptions(palettePrompt, 2);
    await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > submitsBefore, 10_000);
    assert.equal(emulator.stats.submits, submitsBefore + 1, 'exactly one submit');
    const body = submitBody(submitsBefore);
    assert.equal(body.prompt, palettePrompt);
    const urls = imageUrlsOf(body);
    assert.equal(urls.length, 2, 'two image_urls');
    for (const url of urls) {
      assert.ok(url.startsWith('data:image/png;base64,'), `an image_url starts ${url.slice(0, 40)}`);
    }
    assert.notEqual(urls[0], urls[1], 'the two images are different files');
  });

  it('offers the recent prompts at the prompt step: searched, left with Escape back to the box, and the chosen one is sent', async function () {
    this.timeout(120_000);
    const { page, emulator } = uiSession();
    const recent = 'Add a red kite high in the sky';
    // Its own prompt to find again, so the test does not depend on the edits above having run.
    await rightClickExplorerItem(page, 'portrait.png');
    await clickContextMenuItem(page, editMenuLabel);
    await submitPromptAndOptions(recent, 1);
    await waitUntil('the emulator to receive the first submit', () => emulator.stats.submitBodies.some((b) => (b as SubmitBody).prompt === recent), 10_000);
    // A result opening in an editor would close the wizard's next step.
    await waitForJobsToFinish(60_000);
    await runCommand(page, 'View: Close All Editors');
    const submitsBefore = emulator.stats.submits;

    await rightClickExplorerItem(page, 'landscape.png');
    await clickContextMenuItem(page, editMenuLabel);
    await waitForQuickInput(page, 'RunComfy Edit (2/3): prompt');
    const draft = 'A draft still being written';
    await typeInQuickInput(page, draft);
    const historyButton = page.locator('.quick-input-widget .action-label[aria-label^="Recent prompts"]').first();
    await historyButton.click();
    await waitForQuickInput(page, 'Recent prompts');
    assert.equal(await quickInputPlaceholder(page), 'Search recent prompts');
    const all = await quickPickItems(page);
    assert.equal(all[0], recent, `the prompt sent last is not first: ${JSON.stringify(all)}`);
    // Words in any order, like the panel's search.
    await typeInQuickInput(page, 'sky kite');
    await waitUntil('the search to keep only the kite', async () => JSON.stringify(await quickPickItems(page)) === JSON.stringify([recent]), 5000);
    await screenshot(page, 'wizard-recent-prompts');
    await typeInQuickInput(page, 'zebra');
    await waitUntil(
      'the search to say nothing matches',
      async () => JSON.stringify(await quickPickItems(page)) === JSON.stringify(['No recent prompt contains “zebra”.']),
      5000,
    );
    // Enter on that row chooses nothing and keeps the list open.
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Recent prompts');

    // Escape goes back to the prompt step with the draft, not out of the wizard.
    await page.keyboard.press('Escape');
    await waitForQuickInput(page, 'RunComfy Edit (2/3): prompt');
    assert.equal(await page.locator('.quick-input-widget .quick-input-box input').first().inputValue(), draft);

    await historyButton.click();
    await waitForQuickInput(page, 'Recent prompts');
    await waitUntil('the recent prompts', async () => (await quickPickItems(page))[0] === recent, 5000);
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'RunComfy Edit (2/3): prompt');
    await waitUntil(
      'the box to hold the chosen prompt',
      async () => (await page.locator('.quick-input-widget .quick-input-box input').first().inputValue()) === recent,
      5000,
    );
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'RunComfy Edit (3/3): options');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    await waitUntil('the emulator to receive the submit', () => emulator.stats.submits > submitsBefore, 10_000);
    assert.equal(emulator.stats.submits, submitsBefore + 1, 'exactly one submit');
    assert.equal(submitBody(submitsBefore).prompt, recent);
    await waitForJobsToFinish(60_000);
    await runCommand(page, 'View: Close All Editors');
  });

  it('lists the finished jobs when the status bar item is clicked', async function () {
    this.timeout(180_000);
    const { page, emulator } = uiSession();
    // Its own two jobs, so the test does not depend on the edits above having run. They run long enough for both to be
    // resumed before either finishes.
    const ids: string[] = [];
    for (const prompt of ['Listed job one', 'Listed job two']) ids.push(await submitElsewhere(prompt, { queueMs: 0, runMs: 40_000 }));
    for (const id of ids) await resume(id);
    await waitUntil('both results to be downloaded', () => ids.every((id) => emulator.stats.downloads(id) > 0), 90_000);
    await waitForJobsToFinish();
    await statusBarItem(page, jobsItemId).click();
    await waitForQuickInput(page, 'RunComfy Jobs');
    await waitUntil('the job list to show both jobs', async () => (await quickPickItems(page)).length >= 2, 5000);
    const rows = await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .evaluateAll((items) => items.map((item) => (item.textContent ?? '').replace(/\s+/g, ' ').trim()));
    await screenshot(page, 'jobs-quick-pick');
    for (const id of ids) {
      const row = rows.find((text) => text.includes(id));
      assert.ok(row, `no job row shows "${id}": ${JSON.stringify(rows)}`);
      assert.match(row, /Done · \d+ files? saved/, `the job is not shown as done: ${row}`);
    }
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await runCommand(page, 'View: Close All Editors');
  });

  it('opens a finished job’s result without taking the focus: the command palette being typed in stays open', async function () {
    this.timeout(120_000);
    const { page, emulator } = uiSession();
    // No edit panel in view: results open where the user works, in the active group.
    await runCommand(page, 'View: Close All Editors');
    await waitUntil('no editor to be open', async () => (await editorTabs(page)).length === 0, 10_000);
    const id = await submitElsewhere('Finishes behind the palette', { queueMs: 0, runMs: 8000 });
    await resume(id);
    await openCommandPalette(page, 'RunComfy');
    // The job is still running: the result must open while the palette is shown, or this test proves nothing.
    assert.deepEqual(await editorTabs(page), [], 'the result opened before the palette did');
    assert.equal(emulator.stats.downloads(id), 0, 'the result was downloaded before the palette opened');
    const opened = await waitUntil(
      'the result to open in an editor',
      async () => {
        const tabs = await editorTabs(page);
        return emulator.stats.downloads(id) > 0 && tabs.some((tab) => /\.png\b/.test(tab)) ? tabs : undefined;
      },
      60_000,
      200,
    );
    // Give a focus change time to close the palette.
    await page.waitForTimeout(500);
    assert.ok(await page.locator('.quick-input-widget').isVisible(), `the palette closed when ${JSON.stringify(opened)} opened`);
    assert.equal(await page.locator('.quick-input-widget .quick-input-box input').inputValue(), '>RunComfy');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await runCommand(page, 'View: Close All Editors');
  });

  it('cancels without side effects when Escape is pressed at the prompt', async () => {
    const { page, emulator } = uiSession();
    await clearNotifications(page);
    const submitsBefore = emulator.stats.submits;
    const requestsBefore = emulator.stats.requests.length;

    await rightClickExplorerItem(page, 'portrait.png');
    await clickContextMenuItem(page, editMenuLabel);
    await waitForQuickInput(page, 'RunComfy Edit (2/3): prompt');
    await typeInQuickInput(page, 'This edit is never sent');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // The extension host handles what it is sent in order: once it has answered a later command (the status bar
    // item's job list), it has handled the Escape too, and a flow that went on would have asked for its next step
    // (the options, after fetching the price) instead of ending.
    await statusBarItem(page, jobsItemId).click();
    await waitForQuickInput(page, 'RunComfy Jobs');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    assert.equal(await quickInputTitle(page), undefined, 'a later step opened after Escape');
    const modelReads = emulator.stats.requests.slice(requestsBefore).filter((request) => request.method === 'GET' && request.path.startsWith('/v1/models/'));
    assert.deepEqual(modelReads, [], 'the cancelled flow went on to fetch the price for its options step');
    assert.equal(emulator.stats.submits, submitsBefore, 'a submit was sent');
    const writes = emulator.stats.requests.slice(requestsBefore).filter((request) => request.method !== 'GET');
    assert.deepEqual(writes, [], 'the emulator received a write request');
    assert.deepEqual(savedResults('This edit is never sent'), [], 'a result was saved');
    const notifications = await notificationCenterEntries(page);
    const unexpected = notifications.filter((entry) => entry.severity === 'error' || /RunComfy/.test(entry.source + entry.message));
    assert.deepEqual(unexpected, [], `notifications appeared: ${JSON.stringify(notifications)}`);
    const state = await statusBarItemState(page, jobsItemId);
    assert.ok(!isBusy(state), `a job runs: ${JSON.stringify(state)}`);
  });
});

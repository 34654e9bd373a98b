// UI test of the status bar as a user reads it: queued and running jobs counted apart, in the text, the label and the tooltip.
import * as assert from 'node:assert/strict';
import { uiSession } from './session';
import {
  bottomLeftArea,
  hoverText,
  moveMouseAway,
  runCommand,
  screenshot,
  statusBarItem,
  statusBarItemState,
  typeInQuickInput,
  waitForQuickInput,
  waitUntil,
  type StatusBarItemState,
} from './workbench';

const jobsItemId = 'runcomfy.jobs';

/** Creates a job at the emulator directly, as if it had been submitted from elsewhere; returns its request_id. */
async function submitElsewhere(prompt: string): Promise<string> {
  const { emulator, token } = uiSession();
  const response = await fetch(`${emulator.baseUrl}/v1/models/bytedance/dreamina-4-0/edit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ image_urls: ['https://example.com/cat.png'], prompt, force_single: true }),
  });
  const body = (await response.json()) as { request_id?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.ok(body.request_id);
  return body.request_id;
}

/** Tracks a request_id through "RunComfy: Resume by Request ID", typed into its input box like a user would. */
async function resume(requestId: string): Promise<void> {
  const { page } = uiSession();
  await runCommand(page, 'RunComfy: Resume by Request ID…');
  await waitForQuickInput(page, 'RunComfy: resume by request_id');
  await typeInQuickInput(page, requestId);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function waitForState(what: string, accept: (state: StatusBarItemState) => boolean, timeoutMs = 10_000): Promise<StatusBarItemState> {
  const { page } = uiSession();
  return waitUntil(
    what,
    async () => {
      const state = await statusBarItemState(page, jobsItemId);
      return state.visible && accept(state) ? state : undefined;
    },
    timeoutMs,
    100,
  );
}

describe('status bar', () => {
  it('shows queued and running jobs apart: count, icon, label and tooltip', async () => {
    const { page, emulator } = uiSession();
    // Each test makes its own jobs: one that waits in the queue, then one that runs at once.
    emulator.nextJob({ queueMs: 25_000, runMs: 500 });
    const queued = await submitElsewhere('waits in the queue');
    emulator.nextJob({ queueMs: 0, runMs: 20_000 });
    const running = await submitElsewhere('runs at once');

    await resume(queued);
    const onlyQueued = await waitForState('the status bar to show one queued job', (s) => /\b1 queued\b/.test(s.text));
    assert.ok(onlyQueued.icons.includes('clock'), `no clock icon: ${JSON.stringify(onlyQueued)}`);
    assert.ok(!/running/.test(onlyQueued.text), `a queued job is shown as running: ${JSON.stringify(onlyQueued)}`);
    assert.ok(!onlyQueued.icons.includes('sync'), `a queued job spins: ${JSON.stringify(onlyQueued)}`);
    assert.match(onlyQueued.ariaLabel, /1 queued/);
    assert.doesNotMatch(onlyQueued.ariaLabel, /running/);

    await resume(running);
    const both = await waitForState('the status bar to show one running and one queued job', (s) => /\b1 running\b/.test(s.text) && /\b1 queued\b/.test(s.text));
    assert.ok(both.icons.includes('sync') && both.icons.includes('clock'), `icons: ${JSON.stringify(both.icons)}`);
    assert.ok(both.text.indexOf('running') < both.text.indexOf('queued'), `running comes first: ${both.text}`);
    assert.match(both.ariaLabel, /1 running, 1 queued/);

    const tooltip = await hoverText(page, statusBarItem(page, jobsItemId));
    await screenshot(page, 'status-bar-queued-and-running', bottomLeftArea(page));
    await moveMouseAway(page);
    const at = (text: string) => tooltip.indexOf(text);
    assert.ok(at('Running (1)') >= 0 && at('Queued (1)') >= 0, `the tooltip has no Running/Queued sections: ${tooltip}`);
    assert.ok(at('Running (1)') < at(running) && at(running) < at('Queued (1)'), `the running job is not listed under Running: ${tooltip}`);
    assert.ok(at('Queued (1)') < at(queued), `the queued job is not listed under Queued: ${tooltip}`);

    // Once both have finished (and their results are saved), nothing is counted any more.
    const idle = await waitForState('both jobs to finish', (s) => !/\d/.test(s.text), 60_000);
    assert.ok(!idle.icons.includes('sync') && !idle.icons.includes('clock'), `still busy: ${JSON.stringify(idle)}`);
    // What they cost is counted: each returned one image at the emulator's $0.03.
    const quiet = await hoverText(page, statusBarItem(page, jobsItemId));
    await screenshot(page, 'status-bar-spending', bottomLeftArea(page));
    await moveMouseAway(page);
    const spent = /Spent today \$(\d+\.\d+) · this month \$(\d+\.\d+)/.exec(quiet);
    assert.ok(spent, `the tooltip shows no spending: ${quiet}`);
    assert.ok(Number(spent[1]) >= 0.06 - 1e-9, `today's total ${spent[1]} leaves out these two jobs: ${quiet}`);
    assert.ok(Number(spent[2]) >= Number(spent[1]), `the month is less than today: ${quiet}`);
    await runCommand(page, 'View: Close All Editors');
  });
});

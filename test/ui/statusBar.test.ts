// UI test of the status bar as a user reads it: queued and running jobs counted apart, in the text, the label and the tooltip,
// and what finished jobs cost with today's and this month's totals.
import * as assert from 'node:assert/strict';
import { submitFromPromptStep } from './editWizard';
import { jobsItemId, resume, submitElsewhere, waitForNoBusyJobs } from './serviceJobs';
import { uiSession } from './session';
import {
  bottomLeftArea,
  clickContextMenuItem,
  hoverText,
  moveMouseAway,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  statusBarItem,
  statusBarItemState,
  waitUntil,
  type StatusBarItemState,
} from './workbench';

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

interface Spent {
  today: number;
  month: number;
}

/** "Spent today $0.06 · this month $1.23" read off a tooltip, in dollars. */
function spentIn(tooltip: string): Spent {
  const m = /Spent today \$([\d,.]+) · this month \$([\d,.]+)/.exec(tooltip);
  assert.ok(m, `the tooltip shows no spending: ${tooltip}`);
  const dollars = (text: string) => Number(text.replace(/,/g, ''));
  return { today: dollars(m[1]), month: dollars(m[2]) };
}

/** The local day and month now, to tell whether a total may have started over between two readings. */
function calendar(): { day: string; month: string } {
  const d = new Date();
  return { day: d.toDateString(), month: `${d.getFullYear()}-${d.getMonth()}` };
}

describe('status bar', () => {
  it('shows queued and running jobs apart: count, icon, label and tooltip', async function () {
    this.timeout(240_000);
    const { page } = uiSession();
    // Whatever order the tests ran in, jobs of earlier tests have ended before these are counted.
    await waitForNoBusyJobs();
    // Each test makes its own jobs: one that waits in the queue, then one that runs at once. Each is made just before it
    // is resumed, and lasts long enough for a slow workbench to show both at once.
    const queued = await submitElsewhere('waits in the queue', { queueMs: 90_000, runMs: 500 });
    await resume(queued);
    const onlyQueued = await waitForState('the status bar to show one queued job', (s) => /\b1 queued\b/.test(s.text));
    assert.ok(onlyQueued.icons.includes('clock'), `no clock icon: ${JSON.stringify(onlyQueued)}`);
    assert.ok(!/running/.test(onlyQueued.text), `a queued job is shown as running: ${JSON.stringify(onlyQueued)}`);
    assert.ok(!onlyQueued.icons.includes('sync'), `a queued job spins: ${JSON.stringify(onlyQueued)}`);
    assert.match(onlyQueued.ariaLabel, /1 queued/);
    assert.doesNotMatch(onlyQueued.ariaLabel, /running/);

    const running = await submitElsewhere('runs at once', { queueMs: 0, runMs: 45_000 });
    await resume(running);
    const both = await waitForState(
      'the status bar to show one running and one queued job',
      (s) => /\b1 running\b/.test(s.text) && /\b1 queued\b/.test(s.text),
    );
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
    const idle = await waitForState('both jobs to finish', (s) => !/\d/.test(s.text), 150_000);
    assert.ok(!idle.icons.includes('sync') && !idle.icons.includes('clock'), `still busy: ${JSON.stringify(idle)}`);
    await runCommand(page, 'View: Close All Editors');
  });

  it("shows what each finished job cost and today's and this month's totals in the tooltip", async function () {
    this.timeout(240_000);
    const { page, emulator } = uiSession();
    await waitForNoBusyJobs();
    await runCommand(page, 'View: Close All Editors');
    // What was spent so far: the item is hidden only while there is no job in the history, and so nothing spent.
    const shownBefore = (await statusBarItemState(page, jobsItemId)).visible;
    const before = shownBefore ? spentIn(await hoverText(page, statusBarItem(page, jobsItemId))) : { today: 0, month: 0 };
    await moveMouseAway(page);
    const calendarBefore = calendar();

    // A paid edit from the Explorer with three output images at $0.03: $0.09.
    const prompt = 'Soft window light from the left';
    try {
      // Running long enough for a poll to see it run (polls before a job's expected end are sparse).
      emulator.nextJob({ queueMs: 0, runMs: 20_000, outputs: 3 });
      await rightClickExplorerItem(page, 'portrait.png');
      await clickContextMenuItem(page, 'Edit Image with Dreamina…');
      await submitFromPromptStep(page, prompt);
      await waitForState('the status bar to show the edit running', (s) => /\b1 running\b/.test(s.text), 60_000);
      // While it runs, the tooltip lists it under Running, and what was spent until now.
      const running = await hoverText(page, statusBarItem(page, jobsItemId));
      await page.waitForTimeout(500);
      await screenshot(page, 'status-bar-running-with-spending', bottomLeftArea(page));
      await moveMouseAway(page);
      assert.ok(running.indexOf('Running (1)') < running.indexOf(prompt), `the edit is not listed under Running: ${running}`);
      assert.deepEqual(spentIn(running), before, `nothing more is spent before the job ends: ${running}`);

      await waitForState('the edit to finish', (s) => !/\d/.test(s.text), 120_000);
      const tooltip = await waitUntil(
        'the tooltip to list the finished edit with its cost',
        async () => {
          const text = await hoverText(page, statusBarItem(page, jobsItemId));
          if (text.includes(prompt) && text.includes('$0.09')) return text;
          await moveMouseAway(page);
          return undefined;
        },
        30_000,
        500,
      );
      // The hover fades in: the picture waits for it.
      await page.waitForTimeout(500);
      await screenshot(page, 'status-bar-spending', bottomLeftArea(page));
      await moveMouseAway(page);

      const at = (text: string) => tooltip.indexOf(text);
      assert.ok(at('Last finished') >= 0 && at('Last finished') < at(prompt), `no "Last finished" section with the edit: ${tooltip}`);
      assert.ok(tooltip.includes(`${prompt} — Done · 3 files saved — $0.09 — 3 images × $0.03`), `the edit's line has no cost: ${tooltip}`);
      const after = spentIn(tooltip);
      const now = calendar();
      // The totals start over at local midnight and on the 1st; the test may run across either.
      const expected = (total: number, sameSpan: boolean) => (sameSpan ? total + 0.09 : 0.09);
      assert.ok(Math.abs(after.today - expected(before.today, now.day === calendarBefore.day)) < 0.005, `today: ${JSON.stringify({ before, after })}`);
      assert.ok(Math.abs(after.month - expected(before.month, now.month === calendarBefore.month)) < 0.005, `this month: ${JSON.stringify({ before, after })}`);
      assert.ok(at('Spent today') > at(prompt), `the totals come before the jobs: ${tooltip}`);
      assert.match(tooltip, /Show jobs · Open panel$/);
    } finally {
      await runCommand(page, 'View: Close All Editors');
    }
  });
});

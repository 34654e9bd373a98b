// UI test of the status bar as a user reads it: queued and running jobs counted apart, in the text, the label and the tooltip.
import * as assert from 'node:assert/strict';
import { jobsItemId, resume, submitElsewhere, waitForNoBusyJobs } from './serviceJobs';
import { uiSession } from './session';
import {
  bottomLeftArea,
  hoverText,
  moveMouseAway,
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
});

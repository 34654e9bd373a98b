// Jobs a UI test makes for itself: created at the emulator directly, picked up by request_id, and waited out, so no test depends on what an earlier one left.
import * as assert from 'node:assert/strict';
import type { JobBehaviour } from '../emulator/server';
import { uiSession } from './session';
import { runCommand, statusBarItemState, typeInQuickInput, waitForQuickInput, waitUntil } from './workbench';

export const jobsItemId = 'runcomfy.jobs';

/** Creates a job at the emulator directly, as if it had been submitted from elsewhere; returns its request_id. */
export async function submitElsewhere(prompt: string, behaviour?: JobBehaviour): Promise<string> {
  const { emulator, token } = uiSession();
  if (behaviour) emulator.nextJob(behaviour);
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
export async function resume(requestId: string): Promise<void> {
  const { page } = uiSession();
  await runCommand(page, 'RunComfy: Resume by Request ID…');
  await waitForQuickInput(page, 'RunComfy: resume by request_id');
  await typeInQuickInput(page, requestId);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Waits until the extension counts no job (none running, queued, submitting or saving), whoever started them. */
export async function waitForNoBusyJobs(timeoutMs = 60_000): Promise<void> {
  const { page } = uiSession();
  await waitUntil(
    'no RunComfy job to be running',
    async () => {
      const s = await statusBarItemState(page, jobsItemId);
      return !s.visible || !/\d/.test(s.text);
    },
    timeoutMs,
    200,
  );
}

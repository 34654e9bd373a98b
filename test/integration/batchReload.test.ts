// A batch the window was running when it reloaded: the user is told it continues, with Pause, before anything more is sent.
import * as assert from 'node:assert/strict';
import { scratchBatch } from './batchInit';
import { registerBatchProgress } from '../../src/ui/batchProgress';
import { makePng } from '../support/images';
import { JsonMemento } from '../support/jsonMemento';
import { openServices, type OwnServices } from './fakeServices';
import { delay, replaceWindowFunction, useEmulator, waitFor, writeScratchFile } from './support';

describe('a batch across a reload', () => {
  const env = useEmulator();
  const opened: OwnServices[] = [];

  afterEach(async () => {
    for (const own of opened.splice(0)) await own.close();
  });

  it('says it continues, with Pause and Cancel Batch; Pause there sends nothing more', async function () {
    this.timeout(90_000);
    const { emulator } = env;
    for (let i = 0; i < 4; i++) writeScratchFile(`reload/p${i + 1}.png`, makePng(96 + i, 80, { shade: 40 + i * 30 }));
    // The first job stays queued long enough for the window to go and come back while it is unfinished.
    emulator.nextJob({ queueMs: 6000, runMs: 300 });
    const state = new JsonMemento();

    const first = await openServices(state);
    opened.push(first);
    const batch = await first.services.jobs.startBatch(await scratchBatch('reload', 'Told after a reload', { origin: 'interactive', concurrency: 1 }));
    // Its answer is in: the job is queued at RunComfy and stored, so the reload follows it rather than calling it unknown.
    await waitFor('the first item queued', () => first.services.jobs.batch(batch.id)?.items[0].state === 'queued', 20_000);
    assert.equal(emulator.stats.submits, 1);
    await first.close();
    opened.length = 0;

    const told: unknown[][] = [];
    replaceWindowFunction('showInformationMessage', (original, ...args) => {
      if (!/continues after the reload/.test(String(args[0]))) return original(...args);
      told.push(args);
      return Promise.resolve('Pause');
    });
    const second = await openServices(state);
    opened.push(second);
    const ui = registerBatchProgress(second.services);
    try {
      await second.services.jobs.ready();
      await waitFor('the word after the reload', () => told[0], 10_000);
      assert.match(String(told[0][0]), /the batch "reload" continues after the reload: 4 of 4 left\. Nothing is sent twice\./);
      assert.deepEqual(told[0].slice(1), ['Pause', 'Cancel Batch']);
      await waitFor('the batch paused', () => second.services.jobs.batch(batch.id)?.state === 'paused', 10_000);
      // The first job ends while the batch is paused: its place is free, and still nothing more goes out.
      const jobId = second.services.jobs.batch(batch.id)?.items[0].jobId;
      assert.ok(jobId, 'the first item has its job');
      await waitFor('the first job saved', () => second.services.jobs.get(jobId)?.state === 'saved', 30_000);
      await waitFor('the first item saved', () => second.services.jobs.batch(batch.id)?.items[0].state === 'saved', 5000);
      await delay(3000);
      assert.equal(emulator.stats.submits, 1, 'sent more while paused');
      assert.equal(told.length, 1, 'told once');
    } finally {
      ui.dispose();
    }
  });
});

// runcomfy.editBatch in the real VS Code: a folder of workspace PNGs sent at most N at a time, references on every item, batch.json, and a reload mid-batch.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scratchBatch } from './batchInit';
import { SUMMARY_FILE } from '../../src/batch/summary';
import { nullLogger } from '../../src/common/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { mostUnfinishedAtOnce } from '../emulator/server';
import { makePng } from '../support/images';
import { JsonMemento } from '../support/jsonMemento';
import {
  acceptQuickInput,
  isPng,
  rejectionOf,
  replaceWindowFunction,
  resultsDir,
  serveImage,
  spyOnWindow,
  testToken,
  useEmulator,
  waitFor,
  within,
  workspacePath,
  workspaceUri,
  writeScratchFile,
  spyOnInputBoxes,
} from './support';

interface BatchAnswer {
  batchId: string;
  count?: number;
  items?: Array<{ image: string; requestId?: string; status: string; files: string[]; error?: string }>;
}

interface SubmitBody {
  image_urls: string[];
  prompt: string;
}

/** Nine distinct PNGs in scratch/shoot, two of them in a subfolder: distinct so each submit body names its item. */
function writeShoot(count = 9): string[] {
  return Array.from({ length: count }, (_, i) =>
    writeScratchFile(i < 7 ? `shoot/p${i + 1}.png` : `shoot/extra/p${i + 1}.png`, makePng(96 + i, 80, { shade: 20 + i * 20 })),
  );
}

/** Answers modal information dialogs (the confirmation) with `answer(buttons)`; other messages are shown as usual. */
function answerModals(answer: (buttons: string[]) => string | undefined) {
  const modals: Array<{ message: string; detail: string }> = [];
  const spy = replaceWindowFunction('showInformationMessage', (original, ...args) => {
    const options = args[1] as vscode.MessageOptions | undefined;
    if (options && typeof options === 'object' && options.modal) {
      modals.push({ message: String(args[0]), detail: options.detail ?? '' });
      return Promise.resolve(answer(args.slice(2) as string[]));
    }
    return original(...args);
  });
  return { modals, messages: () => spy.calls.map((c) => String(c[0])) };
}

function runBatch(args: Record<string, unknown>): Thenable<BatchAnswer> {
  return vscode.commands.executeCommand<BatchAnswer>('runcomfy.editBatch', args);
}

function batchFolders(): string[] {
  try {
    return fs
      .readdirSync(resultsDir())
      .filter((n) => n.startsWith('batch-'))
      .map((n) => path.join(resultsDir(), n));
  } catch {
    return [];
  }
}

function readSummary(folder: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(folder, SUMMARY_FILE), 'utf8'));
}

describe('runcomfy.editBatch', () => {
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.dispose();
  });
  const env = useEmulator();

  it('sends a folder of 9 PNGs with concurrency 3: 9 submits, never more than 3 unfinished, 9 results and a complete batch.json', async function () {
    this.timeout(90_000);
    const { emulator } = env;
    const sources = writeShoot();
    const answer = await within(
      'the batch',
      runBatch({ images: ['scratch/shoot'], prompt: 'Same studio background', forceSingle: true, concurrency: 3, wait: true }),
      80_000,
    );

    assert.equal(emulator.stats.submits, 9);
    assert.equal(emulator.stats.jobsCreated, 9);
    const jobs = emulator.jobs();
    assert.equal(mostUnfinishedAtOnce(jobs), 3, `timeline: ${jobs.map((j) => `${j.submittedAt}-${j.finishedAt}`).join(' ')}`);
    const firstImages = (emulator.stats.submitBodies as SubmitBody[]).map((b) => b.image_urls[0]);
    assert.equal(new Set(firstImages).size, 9, 'each image was sent once');

    assert.equal(answer.items?.length, 9);
    const folder = batchFolders()[0];
    assert.ok(folder, 'a batch folder inside runcomfy-results');
    assert.deepEqual(answer.items?.map((i) => i.image).sort(), sources.slice().sort());
    for (const item of answer.items ?? []) {
      assert.equal(item.status, 'succeeded', JSON.stringify(item));
      assert.ok(item.requestId && emulator.job(item.requestId));
      assert.equal(item.files.length, 1);
      const rel = path.relative(workspacePath('scratch', 'shoot'), item.image);
      // The result keeps the source's folder below the batch root.
      assert.equal(path.dirname(path.relative(folder, item.files[0])), path.dirname(rel));
      assert.ok(isPng(fs.readFileSync(item.files[0])));
    }
    assert.deepEqual(
      answer.items?.map((i) => path.relative(workspacePath('scratch', 'shoot'), i.image)),
      ['extra/p8.png', 'extra/p9.png', 'p1.png', 'p2.png', 'p3.png', 'p4.png', 'p5.png', 'p6.png', 'p7.png'],
    );

    await waitFor('batch.json to say finished', () => readSummary(folder).state === 'finished');
    const summary = readSummary(folder);
    assert.equal(summary.prompt, 'Same studio background');
    assert.deepEqual(summary.options, { size: '2048x2048(1:1)', scale: 0.5, forceSingle: true, fit: 'auto' });
    assert.deepEqual(summary.counts, { total: 9, done: 9, failed: 0, left: 0 });
    assert.equal(summary.items.length, 9);
    for (const item of summary.items) {
      assert.equal(item.status, 'succeeded');
      assert.ok(emulator.job(item.request_id));
      assert.equal(item.files.length, 1);
      assert.ok(fs.existsSync(path.join(folder, item.files[0])), item.files[0]);
      assert.equal(typeof item.cost, 'number');
    }
    assert.equal(fs.readdirSync(folder).filter((n) => n.endsWith('.part')).length, 0);
  });

  it('appends the reference images to every item: image_urls = [that image, ...references]', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    writeShoot(4);
    const server = await serveImage(makePng(120, 90, { shade: 200 }));
    try {
      const url = server.url('logo.png');
      const answer = await within(
        'the batch',
        runBatch({ images: ['scratch/shoot'], references: [url, 'landscape.png'], prompt: 'Put the logo in the corner', forceSingle: true, wait: true }),
        50_000,
      );
      assert.deepEqual(
        answer.items?.map((i) => i.status),
        ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
      );
      const bodies = emulator.stats.submitBodies as SubmitBody[];
      assert.equal(bodies.length, 4);
      const landscape = bodies[0].image_urls[2];
      assert.match(landscape, /^data:image\/png;base64,/);
      for (const body of bodies) {
        assert.equal(body.image_urls.length, 3);
        assert.match(body.image_urls[0], /^data:image\/png;base64,/);
        assert.equal(body.image_urls[1], url);
        assert.equal(body.image_urls[2], landscape);
      }
      assert.equal(new Set(bodies.map((b) => b.image_urls[0])).size, 4);
      assert.ok(!bodies.some((b) => b.image_urls[0] === landscape));
    } finally {
      await server.close();
    }
  });

  it('answers at once without wait, and refuses bad arguments and unsendable images before anything is sent', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    writeShoot(3);
    const quick = await within('the answer', runBatch({ images: ['scratch/shoot'], prompt: 'Quick answer', forceSingle: true }), 20_000);
    assert.deepEqual(Object.keys(quick).sort(), ['batchId', 'count']);
    assert.equal(quick.count, 3);
    await waitFor('the quick batch to be sent', () => emulator.stats.submits === 3, 30_000);
    await waitFor('the quick batch to finish', () => batchFolders().some((f) => readSummary(f).state === 'finished'), 30_000, 200);
    const submitted = emulator.stats.submits;

    assert.match(await rejectionOf(runBatch({ images: ['scratch/shoot'], prompt: 'x', concurrency: 0 })), /"concurrency" must be a whole number from 1 to 10/);
    assert.match(await rejectionOf(runBatch({ images: ['scratch/shoot'], prompt: 'x', size: 'huge' })), /is not a size this model offers/);
    assert.match(await rejectionOf(runBatch({ images: ['scratch/nowhere'], prompt: 'x' })), /not found/);
    writeScratchFile('shoot/broken.png', Buffer.from('not a png at all'));
    const refused = await rejectionOf(runBatch({ images: ['scratch/shoot'], prompt: 'x' }));
    assert.match(refused, /1 of the 4 images cannot be sent; nothing was sent/);
    assert.match(refused, /broken\.png/);
    assert.equal(emulator.stats.submits, submitted, 'nothing more was sent');
  });

  it('a reload mid-batch finishes it: submits in flight become "submission unknown", the rest are sent once', async function () {
    this.timeout(90_000);
    const { emulator } = env;
    writeShoot();
    const memento = new JsonMemento();
    const start = (): Runtime => {
      const runtime = createRuntime({
        logger: nullLogger,
        token: async () => testToken,
        apiBaseUrl: () => emulator.baseUrl,
        allowedDownloadHosts: () => ['127.0.0.1'],
        proxyUrl: () => undefined,
        workspaceState: memento,
        userAgent: 'runcomfy-dreamina-edit/test',
      });
      runtimes.push(runtime);
      return runtime;
    };
    const first = start();
    await first.engine.restore();
    await first.batches.runner.restore();
    const batch = await first.batches.start(await scratchBatch('shoot', 'Survives a reload', { origin: 'scripted', concurrency: 3 }));
    await waitFor('the first three submits', () => emulator.stats.submits === 3, 20_000);
    // The next three submits reach RunComfy, but their answers come only after the window has gone.
    emulator.inject({ route: 'submit', kind: 'delay', ms: 4000, times: 'always' });
    await waitFor('three more submits in flight', () => emulator.stats.submits === 6, 30_000);
    await first.dispose();
    emulator.clearFaults();

    const second = start();
    await second.engine.restore();
    const unfinished = await second.batches.runner.restore();
    assert.deepEqual(
      unfinished.map((b) => b.id),
      [batch.id],
    );
    assert.equal(second.batches.runner.get(batch.id)!.items.filter((i) => i.state === 'submissionUnknown').length, 3);
    second.batches.runner.continue();
    const ended = await within('the batch after the reload', second.batches.runner.waitForEnd(batch.id), 60_000);

    assert.equal(emulator.stats.submits, 9, 'nothing was sent twice');
    const firstImages = (emulator.stats.submitBodies as SubmitBody[]).map((b) => b.image_urls[0]);
    assert.equal(new Set(firstImages).size, 9, 'each image was sent once');
    const states = ended.items.map((i) => i.state);
    assert.deepEqual(states.filter((s) => s === 'saved').length, 6, states.join(', '));
    assert.deepEqual(states.filter((s) => s === 'submissionUnknown').length, 3, states.join(', '));
    await second.batches.flushed();
    const summary = readSummary(batch.folder);
    assert.equal(summary.state, 'finished');
    assert.deepEqual(summary.counts, { total: 9, done: 6, failed: 3, left: 0 });
    assert.equal(summary.items.filter((i: { status: string; request_id: unknown }) => i.status === 'submissionUnknown' && i.request_id === null).length, 3);
  });

  it('from the Explorer on a folder: checks first, asks once, confirms the count, estimated cost and folder, then sends', async function () {
    this.timeout(90_000);
    const { emulator } = env;
    writeShoot(3);
    const folder = workspaceUri('scratch', 'shoot');
    const inputBoxes = spyOnInputBoxes('Same studio background');
    const menus = spyOnWindow('showQuickPick');
    const dialogs = answerModals((buttons) => buttons[0]);
    const running = Promise.resolve(vscode.commands.executeCommand<BatchAnswer>('runcomfy.editBatch', folder, [folder]));

    await waitFor('the reference step', () => menus.calls.length === 1, 20_000);
    await acceptQuickInput('the prompt box', () => inputBoxes.shown.length === 1);
    await acceptQuickInput('the options menu', () => menus.calls.length === 2);
    const options = (await Promise.resolve(menus.calls[1][0] as Array<{ label: string; detail?: string }>))[0];
    assert.match(options.label, /Continue/);
    assert.equal(options.detail, '3 jobs at $0.03 per image');
    assert.equal(emulator.stats.submits, 0, 'nothing is sent before the confirmation');
    await acceptQuickInput('the confirmation', () => dialogs.modals.length === 1);
    const answer = await within('the command', running, 20_000);

    assert.equal(dialogs.modals[0].message, 'Send 3 paid edits to RunComfy?');
    assert.match(dialogs.modals[0].detail, /Estimated cost: \$0\.09 \(3 jobs × \$0\.03 per image/);
    assert.match(dialogs.modals[0].detail, /Results: runcomfy-results/);
    assert.equal(answer.count, 3);
    await waitFor('the batch to finish', () => batchFolders().some((f) => readSummary(f).state === 'finished'), 60_000, 200);
    assert.equal(emulator.stats.submits, 3);
    await waitFor('the batch summary notification', () => dialogs.messages().some((m) => /the batch "shoot" is finished: 3 saved/.test(m)));
    assert.ok(!dialogs.messages().some((m) => /results? saved for/.test(m)), 'no notification per job');
  });

  it('sends nothing when the confirmation is dismissed', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    writeShoot(2);
    const folder = workspaceUri('scratch', 'shoot');
    const inputBoxes = spyOnInputBoxes('Never sent');
    const menus = spyOnWindow('showQuickPick');
    const dialogs = answerModals(() => undefined);
    const running = Promise.resolve(vscode.commands.executeCommand<BatchAnswer | undefined>('runcomfy.editBatch', folder, [folder]));
    await waitFor('the reference step', () => menus.calls.length === 1, 20_000);
    await acceptQuickInput('the prompt box', () => inputBoxes.shown.length === 1);
    await acceptQuickInput('the options menu', () => menus.calls.length === 2);
    await acceptQuickInput('the confirmation', () => dialogs.modals.length === 1);
    assert.equal(await within('the command', running, 20_000), undefined);
    assert.equal(emulator.stats.submits, 0);
    assert.deepEqual(batchFolders(), []);
  });

  it('pauses, resumes and cancels by command: nothing is sent while paused, a queued job is cancelled at RunComfy', async function () {
    this.timeout(90_000);
    const { emulator } = env;
    writeShoot(5);
    // Long enough that the pause below surely lands while the first job is still unfinished.
    emulator.nextJob({ queueMs: 200, runMs: 4000 });
    emulator.nextJob({ queueMs: 60_000, runMs: 300 });
    const { batchId } = await runBatch({ images: ['scratch/shoot'], prompt: 'One at a time', forceSingle: true, concurrency: 1 });
    await waitFor('the first submit', () => emulator.stats.submits === 1, 20_000);
    assert.equal(await vscode.commands.executeCommand('runcomfy.pauseBatch', batchId), true);
    const folder = await waitFor('the batch folder', () => batchFolders()[0]);
    await waitFor('the first result', () => readSummary(folder).counts.done === 1, 30_000, 200);
    assert.equal(emulator.stats.submits, 1, 'nothing was sent while paused');

    assert.equal(await vscode.commands.executeCommand('runcomfy.resumeBatch', batchId), true);
    await waitFor('the second submit', () => emulator.stats.submits === 2, 20_000);
    await waitFor('the second job to be known', () => readSummary(folder).items.filter((i: { request_id: unknown }) => i.request_id).length === 2, 20_000, 100);
    assert.equal(await vscode.commands.executeCommand('runcomfy.cancelBatch', batchId), true);
    await waitFor('the batch to finish', () => readSummary(folder).state === 'finished', 30_000, 200);
    const summary = readSummary(folder);
    assert.deepEqual(
      summary.items.map((i: { status: string }) => i.status),
      ['succeeded', 'cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal(summary.items[1].request_id !== null, true);
    assert.equal(emulator.stats.cancels(summary.items[1].request_id), 1);
    assert.equal(emulator.stats.submits, 2);
  });
});

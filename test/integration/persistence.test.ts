// Jobs survive a restart: a runtime built from the stored workspace state finishes a job an earlier runtime submitted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { nullLogger } from '../../src/common/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { hasUnfinishedWork, JOBS_KEY } from '../../src/storage/jobsKey';
import { JsonMemento } from '../support/jsonMemento';
import { LogCapture } from '../support/logCapture';
import { isPng, listFiles, resultsDir, testToken, useEmulator, waitForEmulatorState, waitForResults, workspacePath } from './support';

interface StoredJob {
  requestId?: string;
  state: string;
  files?: Array<{ path: string }>;
}

describe('persistence across restarts', () => {
  const runtimes: Runtime[] = [];
  // Registered before the shared hooks, so runtimes stop before the result folders are removed.
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.dispose();
  });
  const env = useEmulator();

  function startRuntime(memento: vscode.Memento, logger = nullLogger): Runtime {
    const runtime = createRuntime({
      logger,
      token: async () => testToken,
      apiBaseUrl: () => env.emulator.baseUrl,
      allowedDownloadHosts: () => ['127.0.0.1'],
      proxyUrl: () => undefined,
      workspaceState: memento,
      userAgent: 'runcomfy-dreamina-edit/test',
    });
    runtimes.push(runtime);
    return runtime;
  }

  it('a fresh runtime restored from workspace state finishes and saves a job submitted before the restart', async function () {
    this.timeout(25_000);
    const { emulator } = env;
    const memento = new JsonMemento();
    const first = startRuntime(memento);
    const job = await first.submitEdit({
      refs: [{ kind: 'file', path: workspacePath('landscape.png') }],
      prompt: 'Survives a restart',
      options: { forceSingle: false },
      outputDir: resultsDir(),
      outputRoot: workspacePath(),
    });
    assert.ok(job.state === 'queued', `the submitted job is ${job.state}`);
    const requestId = job.requestId;
    // The window closes right after the submit: local tracking stops, the remote job goes on.
    await first.dispose();

    const stored = memento.get<StoredJob[]>(JOBS_KEY, []);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].requestId, requestId);
    assert.equal(stored[0].state, 'queued');
    assert.equal(hasUnfinishedWork(memento), true);

    await waitForEmulatorState(emulator, requestId, 'succeeded');
    assert.equal(emulator.stats.downloads(requestId), 0, 'a disposed runtime kept working');
    assert.deepEqual(listFiles(resultsDir()), []);

    const log = new LogCapture();
    const second = startRuntime(memento, log);
    await second.engine.restore();
    assert.match(log.text(), /restored 1 job\(s\), tracking 1/);
    const settled = await second.engine.waitForOutcome(requestId);
    assert.equal(settled.status, 'succeeded');
    assert.equal(settled.files.length, 2);
    const saved = await waitForResults(resultsDir(), requestId, 2);
    for (const result of saved) {
      assert.ok(isPng(fs.readFileSync(result.image)));
      assert.equal(result.record.prompt, 'Survives a restart');
      assert.match(result.record.inputs[0], /^landscape\.png \(sha256:/);
    }
    assert.equal(emulator.stats.submits, 1, 'restoring must never submit again');

    const after = memento.get<StoredJob[]>(JOBS_KEY, []);
    assert.equal(after[0].state, 'saved');
    assert.deepEqual((after[0].files ?? []).map((f) => f.path).sort(), saved.map((r) => r.image).sort());
    assert.equal(hasUnfinishedWork(memento), false);
    await second.dispose();

    // A third start finds nothing left to do: no poll, no download, no new file.
    const requestsBefore = emulator.stats.requests.length;
    const third = startRuntime(memento);
    await third.engine.restore();
    await third.engine.idle();
    assert.equal(emulator.stats.requests.length, requestsBefore);
    assert.equal(listFiles(resultsDir()).length, 4);
  });
});

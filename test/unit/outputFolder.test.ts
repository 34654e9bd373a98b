// Where results may be written, on a real file system with real symlinks: a folder that leads outside its workspace is refused.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { systemClock } from '../../src/common/clock';
import { resolveOutputPlace } from '../../src/common/variables';
import { outputFolderProblem, realPathOf } from '../../src/jobs/outputFolder';
import { ResultSaver } from '../../src/jobs/resultSaver';
import { makePng } from '../support/images';
import { LogCapture } from '../support/logCapture';

const REQUEST_ID = '3f9c2a1b-7e6d-4c5b-9a8f-0e1d2c3b4a59';

async function listAll(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String).sort();
}

describe('output folder: where results may be written', () => {
  let root = '';
  let workspace = '';
  let elsewhere = '';

  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'rc-outdir-')));
    workspace = path.join(root, 'repo');
    elsewhere = path.join(root, 'elsewhere');
    await fs.mkdir(workspace);
    await fs.mkdir(elsewhere);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('resolves symlinks, also of folders that do not exist yet', async () => {
    await fs.symlink(elsewhere, path.join(workspace, 'runcomfy-results'), 'dir');
    assert.equal(await realPathOf(path.join(workspace, 'runcomfy-results', '2025-01-01')), path.join(elsewhere, '2025-01-01'));
    assert.equal(await realPathOf(path.join(workspace, 'not-yet', 'deeper')), path.join(workspace, 'not-yet', 'deeper'));
  });

  it('refuses a folder committed as a symlink to elsewhere, or one a workspace setting puts outside, and says what to do', async () => {
    await fs.symlink(elsewhere, path.join(workspace, 'runcomfy-results'), 'dir');
    const linked = await outputFolderProblem({ outputDir: path.join(workspace, 'runcomfy-results'), outputRoot: workspace });
    assert.match(linked ?? '', /outside the workspace folder/);
    assert.ok(linked?.includes(elsewhere), `the message does not say where it leads: ${linked}`);
    assert.match(linked ?? '', /user settings/);
    assert.match((await outputFolderProblem({ outputDir: path.join(workspace, 'runcomfy-results', 'sub'), outputRoot: workspace })) ?? '', /outside/);
    assert.match((await outputFolderProblem({ outputDir: elsewhere, outputRoot: workspace })) ?? '', /outside/);
    assert.match((await outputFolderProblem({ outputDir: path.join(workspace, '..', 'x'), outputRoot: workspace })) ?? '', /outside/);
  });

  it('accepts folders inside the workspace, a symlink that stays inside, and any folder the user chose', async () => {
    await fs.mkdir(path.join(workspace, 'real'));
    await fs.symlink(path.join(workspace, 'real'), path.join(workspace, 'alias'), 'dir');
    assert.equal(await outputFolderProblem({ outputDir: path.join(workspace, 'runcomfy-results'), outputRoot: workspace }), undefined);
    assert.equal(await outputFolderProblem({ outputDir: path.join(workspace, 'alias', 'x'), outputRoot: workspace }), undefined);
    assert.equal(
      await outputFolderProblem({ outputDir: path.join(workspace, '..folder-like'), outputRoot: workspace }),
      undefined,
      'a folder named "..x" is inside',
    );
    assert.equal(await outputFolderProblem({ outputDir: elsewhere, outputRoot: undefined }), undefined);
  });

  it("only an absolute folder from the user's own settings goes unchecked", () => {
    const ctx = { workspaceFolder: '/ws/repo', userHome: '/home/me', now: new Date(2025, 0, 2) };
    assert.deepEqual(resolveOutputPlace(undefined, ctx, false), { outputDir: path.resolve('/ws/repo/runcomfy-results'), outputRoot: '/ws/repo' });
    assert.deepEqual(
      resolveOutputPlace('/tmp/out', ctx, false),
      { outputDir: path.resolve('/tmp/out'), outputRoot: '/ws/repo' },
      'a workspace setting reached out',
    );
    assert.deepEqual(resolveOutputPlace('/tmp/out', ctx, true), { outputDir: path.resolve('/tmp/out'), outputRoot: undefined });
    assert.deepEqual(resolveOutputPlace('~/Pictures/edits', ctx, true), { outputDir: path.resolve('/home/me/Pictures/edits'), outputRoot: undefined });
    assert.deepEqual(
      resolveOutputPlace('../shared', ctx, true),
      { outputDir: path.resolve('/ws/shared'), outputRoot: '/ws/repo' },
      'a relative folder is checked',
    );
    assert.deepEqual(resolveOutputPlace(undefined, { fileDirname: '/pics', userHome: '/home/me', now: new Date() }, true).outputRoot, '/pics');
  });

  describe('the saver', () => {
    let server: http.Server;
    let base = '';
    const agent = new Agent();
    let hits = 0;
    before(async () => {
      const png = makePng(8, 8);
      server = http.createServer((_req, res) => {
        hits++;
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
        res.end(png);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    });

    function save(outputDir: string, outputRoot: string | undefined) {
      const saver = new ResultSaver({
        dispatcher: agent,
        clock: systemClock,
        logger: new LogCapture(),
        allowedHosts: () => [new URL(base).host],
        retry: { retries: 0, baseMs: 1, maxMs: 1 },
      });
      return saver.save({
        requestId: REQUEST_ID,
        outputDir,
        outputRoot,
        baseName: 'cat',
        urls: [`${base}/1.png`, `${base}/2.png`],
        sidecar: { requestId: REQUEST_ID, model: 'm', prompt: 'p', inputs: [] },
      });
    }

    it('writes nothing through a results folder that is a symlink out of the workspace: no image, sidecar, lock or temp file', async () => {
      await fs.symlink(elsewhere, path.join(workspace, 'runcomfy-results'), 'dir');
      hits = 0;
      const outcome = await save(path.join(workspace, 'runcomfy-results', 'today'), workspace);
      assert.equal(outcome.saved.length, 0);
      assert.equal(outcome.failed.length, 2);
      assert.match(outcome.failed[0].error.message, /outside the workspace folder/);
      assert.equal(outcome.failed[0].error.retryable, false);
      assert.deepEqual(await listAll(elsewhere), [], 'something was written outside the workspace');
      assert.equal(hits, 0, 'the outputs were downloaded anyway');
    });

    it('saves inside the workspace, and outside it only when the user chose that folder', async () => {
      const inside = await save(path.join(workspace, 'runcomfy-results'), workspace);
      assert.equal(inside.saved.length, 2, inside.failed.map((f) => f.error.message).join('; '));
      const chosen = await save(path.join(elsewhere, 'mine'), undefined);
      assert.equal(chosen.saved.length, 2);
      assert.ok((await listAll(elsewhere)).some((f) => f.endsWith('.png')));
    });
  });
});

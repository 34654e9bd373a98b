// The runcomfy.edit automation API: what reaches the service, what lands on disk, and which inputs are refused before any submit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makePng } from '../support/images';
import {
  isPng,
  mergeMetrics,
  readFixture,
  rejectionOf,
  resultsDir,
  resultsOf,
  runEdit,
  serveImage,
  setSetting,
  sizeKey,
  useEmulator,
  waitFor,
  waitForResults,
  workspacePath,
  writeScratchFile,
} from './support';

describe('runcomfy.edit automation API', () => {
  const env = useEmulator();

  it('with wait: succeeds, and every returned file is a PNG with a sidecar in runcomfy-results', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const answer = await runEdit({ images: ['landscape.png', 'portrait.png'], prompt: 'Add a small boat on the lake', wait: true });
    assert.equal(answer.status, 'succeeded', `answer: ${JSON.stringify(answer)}`);
    assert.equal(answer.error, undefined);
    assert.equal(answer.files?.length, 2);
    for (const file of answer.files ?? []) {
      assert.ok(path.isAbsolute(file), `${file} is not absolute`);
      assert.equal(path.dirname(file), resultsDir());
      assert.ok(isPng(fs.readFileSync(file)), `${file} does not start with the PNG signature`);
      const sidecar = JSON.parse(fs.readFileSync(file.replace(/\.png$/, '.json'), 'utf8')) as { requestId: string; file: string };
      assert.equal(sidecar.requestId, answer.requestId);
      assert.equal(sidecar.file, path.basename(file));
    }
    assert.equal(emulator.stats.submits, 1);
    assert.equal(emulator.stats.downloads(answer.requestId), 2);
    assert.equal(emulator.stats.authHeadersOnDownloads, 0, 'the token must never go to file storage');
  });

  it('without wait: answers with the request id at once and keeps tracking the job until its results are saved', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const started = Date.now();
    const answer = await runEdit({ images: ['portrait.png'], prompt: 'Make it look like a watercolour' });
    mergeMetrics({ editAnswerWithoutWaitMs: Date.now() - started });
    assert.deepEqual(Object.keys(answer), ['requestId']);
    const job = emulator.job(answer.requestId);
    assert.ok(job, 'the emulator does not know the returned request id');
    assert.notEqual(job.state, 'succeeded', 'the answer came after the job finished');
    assert.equal(resultsOf(resultsDir(), answer.requestId).length, 0);

    const saved = await waitForResults(resultsDir(), answer.requestId, 2);
    assert.ok(emulator.stats.statusPolls(answer.requestId) >= 1, 'the job was never polled');
    assert.equal(saved.length, 2);
    assert.match(path.basename(saved[0].image), new RegExp(`^portrait-${answer.requestId.slice(0, 8)}-1\\.png$`));
    assert.equal(emulator.stats.submits, 1);
  });

  it('sends https and loopback http image URLs exactly as given, and keeps them without their query', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const server = await serveImage(readFixture('landscape.png'));
    try {
      const urls = ['https://example.com/photos/lake.png?size=large', server.url('shared/portrait.png')];
      const answer = await runEdit({ images: urls, prompt: 'Blend the two pictures', wait: true });
      assert.equal(answer.status, 'succeeded', `answer: ${JSON.stringify(answer)}`);
      const body = emulator.stats.submitBodies[0] as { image_urls: string[] };
      assert.deepEqual(body.image_urls, urls);
      assert.deepEqual(server.hits, ['/shared/portrait.png'], 'the emulator fetches loopback URLs; the extension itself does not');
      const saved = resultsOf(resultsDir(), answer.requestId);
      assert.equal(saved.length, 2);
      // Sidecars keep where each image was, never a query (it may be a signature): only RunComfy got the full URL.
      assert.deepEqual(saved[0].record.inputs, ['https://example.com/photos/lake.png (query removed)', urls[1]]);
      assert.match(path.basename(saved[0].image), /^edit-/);
    } finally {
      await server.close();
    }
  });

  it('passes size, scale and forceSingle through; force_single gives exactly one file', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    const answer = await runEdit({
      // A file URI works as well as a workspace-relative path.
      images: [vscode.Uri.file(workspacePath('portrait.png')).toString()],
      prompt: 'Wide cinematic crop',
      size: '2560x1440(16:9)',
      scale: 0.8,
      forceSingle: true,
      wait: true,
    });
    assert.equal(answer.status, 'succeeded', `answer: ${JSON.stringify(answer)}`);
    const body = emulator.stats.submitBodies[0] as Record<string, unknown>;
    assert.equal(body[sizeKey], '2560x1440(16:9)');
    assert.equal(body.scale, 0.8);
    assert.equal(body.force_single, true);
    assert.deepEqual(body.image_urls, [`data:image/png;base64,${readFixture('portrait.png').toString('base64')}`]);
    assert.ok(!('width_height' in body) && !('widthxheight' in body) && !('size' in body), `unexpected keys: ${Object.keys(body).join(', ')}`);
    assert.equal(answer.files?.length, 1);
    assert.equal(path.basename(answer.files[0]), `portrait-${answer.requestId.slice(0, 8)}.png`);
    const saved = resultsOf(resultsDir(), answer.requestId);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].record.size, '2560x1440(16:9)');
    assert.equal(saved[0].record.scale, 0.8);
    assert.equal(saved[0].record.forceSingle, true);
    assert.deepEqual(saved[0].record.apiRequest?.[sizeKey], '2560x1440(16:9)', 'the API body as sent, under its own key');
    assert.ok(!Object.keys(saved[0].record).includes(sizeKey), 'no U+00D7 key at the top level');
  });

  it('uses the default size, scale and single-output settings when the call gives none', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    await setSetting('defaultSize', '1024x1024(1:1)');
    await setSetting('defaultScale', 0.25);
    await setSetting('defaultForceSingle', true);
    // An absolute path works too.
    const answer = await runEdit({ images: [workspacePath('landscape.png')], prompt: 'Square thumbnail', wait: true });
    assert.equal(answer.status, 'succeeded');
    const body = emulator.stats.submitBodies[0] as Record<string, unknown>;
    assert.deepEqual(body.image_urls, [`data:image/png;base64,${readFixture('landscape.png').toString('base64')}`]);
    assert.equal(body[sizeKey], '1024x1024(1:1)');
    assert.equal(body.scale, 0.25);
    assert.equal(body.force_single, true);
    assert.equal(answer.files?.length, 1);
  });

  it('opens a result in VS Code image preview when runcomfy.openResultsWhenDone is on', async function () {
    this.timeout(20_000);
    await setSetting('openResultsWhenDone', true);
    const answer = await runEdit({ images: ['landscape.png'], prompt: 'Brighter', forceSingle: true, wait: true });
    assert.equal(answer.status, 'succeeded');
    const file = answer.files![0];
    const tab = await waitFor('the result in an image preview tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'imagePreview.previewEditor' && t.input.uri.fsPath === file),
    );
    assert.equal(tab.label, path.basename(file));
  });

  describe('refuses invalid input before anything is sent', () => {
    const cases: Array<{ title: string; args: () => Record<string, unknown>; message: RegExp }> = [
      {
        title: 'a PNG wider than 3:1 (3100×1000)',
        args: () => {
          writeScratchFile('wide.png', makePng(3100, 1000));
          return { images: ['scratch/wide.png'], prompt: 'x' };
        },
        message: /wide\.png has an aspect ratio of 3\.1:1 \(3100×1000\); the model accepts 1:3 to 3:1\. Choose Pad or Crop/,
      },
      {
        title: 'a PNG taller than 4096 px, with fit off',
        args: () => {
          writeScratchFile('tall.png', makePng(1500, 4100));
          return { images: ['landscape.png', 'scratch/tall.png'], prompt: 'x', fit: 'off' };
        },
        message: /tall\.png is 1500×4100 pixels; the maximum resolution is 4096×4096/,
      },
      {
        title: 'a text file renamed .png',
        args: () => {
          writeScratchFile('renamed.png', 'this is plain text\n');
          return { images: ['scratch/renamed.png'], prompt: 'x' };
        },
        message: /renamed\.png is not an image that can be read; accepted formats: PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC\./,
      },
      {
        title: 'a missing file',
        args: () => ({ images: ['no-such-picture.png'], prompt: 'x' }),
        message: /"no-such-picture\.png" was not found in the workspace folder/,
      },
      {
        title: 'a plain-http URL on a public host',
        args: () => ({ images: ['http://example.com/cat.png'], prompt: 'x' }),
        message: /example\.com\/cat\.png uses plain http; RunComfy only fetches images over https/,
      },
      {
        title: '11 images',
        args: () => ({ images: Array.from({ length: 11 }, () => 'landscape.png'), prompt: 'x' }),
        message: /11 images were given; at most 10 can be sent in one edit/,
      },
      {
        title: 'no images',
        args: () => ({ images: [], prompt: 'x' }),
        message: /"images" must be a list of 1 to 10 image URLs or paths/,
      },
      {
        title: 'an empty prompt',
        args: () => ({ images: ['landscape.png'], prompt: '   ' }),
        message: /Write a prompt that describes the edit/,
      },
      {
        title: 'an 801-character prompt',
        args: () => ({ images: ['landscape.png'], prompt: 'p'.repeat(801) }),
        message: /The prompt is 801 characters long; the limit is 800/,
      },
      {
        title: 'a size the model does not offer',
        args: () => ({ images: ['landscape.png'], prompt: 'x', size: '999x999' }),
        message: /"999x999" is not a size this model offers\. Use one of: 1024x1024\(1:1\)/,
      },
      {
        title: 'scale 2',
        args: () => ({ images: ['landscape.png'], prompt: 'x', scale: 2 }),
        message: /The scale must be a number from 0 to 1 \(got 2\)/,
      },
      {
        title: 'a non-boolean forceSingle',
        args: () => ({ images: ['landscape.png'], prompt: 'x', forceSingle: 'yes' }),
        message: /"forceSingle" must be true or false/,
      },
    ];
    for (const c of cases) {
      it(`refuses ${c.title}`, async () => {
        const { emulator } = env;
        const message = await rejectionOf(runEdit(c.args()));
        assert.match(message, c.message);
        assert.equal(emulator.stats.submits, 0);
        assert.equal(emulator.stats.requests.length, 0, `requests: ${JSON.stringify(emulator.stats.requests)}`);
        assert.ok(!fs.existsSync(workspacePath('runcomfy-results')), 'nothing may be written for a refused edit');
      });
    }
  });

  it('when RunComfy refuses inline images, says so and what to do instead; one submit, nothing saved', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    emulator.configure({ refuseDataUris: true });
    const message = await rejectionOf(runEdit({ images: ['landscape.png'], prompt: 'Inline refused', forceSingle: true }));
    assert.match(message, /^RunComfy refused the inline images \(body\.image_urls\.0: Value error, inline data: images are not accepted; each image must be a publicly reachable https URL\)\./);
    assert.match(message, /use public https:\/\/ URLs of the images instead/);
    assert.equal(emulator.stats.submits, 1);
    assert.equal(emulator.jobs().length, 0);
  });
});

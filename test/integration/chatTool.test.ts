// The chat tool runcomfy_edit_image through VS Code's own vscode.lm API: listed, saves results, refuses bad input unsent, cancels a queued job.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import * as vscode from 'vscode';
import {
  clearToken,
  isPng,
  readFixture,
  rejectionOf,
  resultsDir,
  runEdit,
  serveImage,
  spyOnWindow,
  useEmulator,
  waitFor,
  waitForResults,
  within,
  workspacePath,
  writeScratchFile,
} from './support';
import { openServices, type OwnServices } from './fakeServices';
import { makePng } from '../support/images';
import { EditImageTool, type EditImageInput } from '../../src/lm/editImageTool';

const TOOL = 'runcomfy_edit_image';

function pixelSize(bytes: Buffer): [number | undefined, number | undefined] {
  const { width, height } = imageSize(bytes);
  return [width, height];
}

interface Answer {
  text: string;
  /** Image parts (LanguageModelDataPart) in the answer. */
  images: Array<{ mimeType: string; data: Uint8Array }>;
  hasError: boolean;
}

async function invokeTool(input: Record<string, unknown>, token?: vscode.CancellationToken): Promise<Answer> {
  const result = await vscode.lm.invokeTool(TOOL, { input, toolInvocationToken: undefined }, token);
  return answerOf(result);
}

function answerOf(result: vscode.LanguageModelToolResult): Answer {
  const text = result.content.flatMap((p) => (p instanceof vscode.LanguageModelTextPart ? [p.value] : [])).join('');
  const images = result.content.flatMap((p) => {
    const part = p as { mimeType?: unknown; data?: unknown };
    return typeof part.mimeType === 'string' && part.data instanceof Uint8Array ? [{ mimeType: part.mimeType, data: part.data }] : [];
  });
  return { text, images, hasError: (result as { hasError?: boolean }).hasError === true };
}

/** The absolute paths the answer lists under "saved files". */
function filesIn(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.+)$`, 'm').exec(text)?.[1];
}

describe('chat tool runcomfy_edit_image', () => {
  const env = useEmulator();

  it('is listed in vscode.lm.tools with its description and input schema', () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `not among ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
    assert.match(tool.description, /paid/);
    assert.match(tool.description, /absolute paths/);
    const schema = tool.inputSchema as { required: string[]; properties: Record<string, unknown> };
    assert.deepEqual(schema.required, ['images', 'prompt']);
    assert.deepEqual(Object.keys(schema.properties).sort(), ['fit', 'forceSingle', 'images', 'prompt', 'scale', 'size']);
  });

  it('edits an image given by URL: one submit, results saved, their absolute paths, the cost and the images returned', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    const server = await serveImage(readFixture('landscape.png'));
    try {
      const url = server.url('shared/lake.png');
      const answer = await invokeTool({ images: [url], prompt: 'Add a small boat on the lake', size: '1024x1024(1:1)', forceSingle: true });
      assert.equal(field(answer.text, 'status'), 'succeeded', answer.text);
      assert.equal(answer.hasError, false);
      const requestId = field(answer.text, 'request_id');
      assert.ok(requestId && emulator.job(requestId), `request_id ${requestId} is not the emulator's`);
      assert.equal(emulator.stats.submits, 1);
      assert.deepEqual((emulator.stats.submitBodies[0] as { image_urls: string[] }).image_urls, [url]);
      assert.equal(field(answer.text, 'cost'), '$0.03 for 1 output image');
      const files = filesIn(answer.text);
      assert.equal(files.length, 1);
      const saved = await waitForResults(resultsDir(), requestId, 1);
      assert.deepEqual(
        files,
        saved.map((s) => s.image),
      );
      for (const file of files) {
        assert.ok(path.isAbsolute(file));
        assert.ok(isPng(fs.readFileSync(file)), `${file} is not a PNG on disk`);
      }
      // This VS Code has image parts; a small result (the emulator's light 1024×1024 PNG) travels with the answer, byte for byte.
      const bytes = fs.readFileSync(files[0]);
      assert.ok(bytes.length <= 1024 * 1024, `${bytes.length} bytes`);
      assert.equal(answer.images.length, 1, answer.text);
      assert.equal(answer.images[0].mimeType, 'image/png');
      assert.ok(Buffer.from(answer.images[0].data).equals(bytes));
      assert.doesNotMatch(answer.text, /not attached|smaller copies/);
    } finally {
      await server.close();
    }
  });

  it('attaches a large result downscaled to at most 1024 px and 1 MB, and says the file on disk is full size', async function () {
    this.timeout(60_000);
    const { emulator } = env;
    emulator.configure({ outputWeight: 'realistic' });
    const server = await serveImage(readFixture('landscape.png'));
    try {
      const answer = await invokeTool({
        images: [server.url('shared/lake.png')],
        prompt: 'Add a small boat on the lake',
        size: '2048x2048(1:1)',
        forceSingle: true,
      });
      assert.equal(field(answer.text, 'status'), 'succeeded', answer.text);
      const files = filesIn(answer.text);
      assert.equal(files.length, 1);
      const onDisk = fs.readFileSync(files[0]);
      assert.ok(onDisk.length > 1024 * 1024, `the saved result is only ${onDisk.length} bytes`);
      assert.deepEqual(pixelSize(onDisk), [2048, 2048]);
      assert.equal(answer.images.length, 1, answer.text);
      const image = Buffer.from(answer.images[0].data);
      assert.ok(image.length <= 1024 * 1024, `the attached image has ${image.length} bytes`);
      assert.equal(answer.images[0].mimeType, isPng(image) ? 'image/png' : 'image/jpeg');
      assert.deepEqual(pixelSize(image), [1024, 1024]);
      assert.match(answer.text, /smaller copies \(at most 1024 px a side\); the files on disk are full size/);
    } finally {
      await server.close();
    }
  });

  it('edits a workspace file by relative path and saves every output next to the other results', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    const answer = await invokeTool({ images: ['portrait.png'], prompt: 'Make it look like a watercolour', scale: 0.7 });
    assert.equal(field(answer.text, 'status'), 'succeeded', answer.text);
    const requestId = field(answer.text, 'request_id')!;
    const body = emulator.stats.submitBodies[0] as Record<string, unknown>;
    assert.deepEqual(body.image_urls, [`data:image/png;base64,${readFixture('portrait.png').toString('base64')}`]);
    assert.equal(body.scale, 0.7);
    assert.equal(emulator.stats.submits, 1);
    const files = filesIn(answer.text);
    assert.equal(files.length, 2, answer.text);
    for (const file of files) {
      assert.equal(path.dirname(file), resultsDir());
      assert.match(path.basename(file), new RegExp(`^portrait-${requestId.slice(0, 8)}-\\d\\.png$`));
      const sidecar = JSON.parse(fs.readFileSync(file.replace(/\.png$/, '.json'), 'utf8')) as { requestId: string };
      assert.equal(sidecar.requestId, requestId);
    }
  });

  describe('refuses before anything is sent, with the message runcomfy.edit gives and what to change', () => {
    const cases: Array<{ title: string; input: () => Record<string, unknown>; message: RegExp }> = [
      { title: 'no images', input: () => ({ images: [], prompt: 'x' }), message: /"images" must be a list of 1 to 10 image URLs or paths/ },
      {
        title: 'an 801-character prompt',
        input: () => ({ images: ['landscape.png'], prompt: 'p'.repeat(801) }),
        message: /The prompt is 801 characters long; the limit is 800/,
      },
      {
        title: 'a missing file',
        input: () => ({ images: ['no-such-picture.png'], prompt: 'x' }),
        message: /"no-such-picture\.png" was not found in the workspace folder/,
      },
      {
        title: 'a size the model does not offer',
        input: () => ({ images: ['landscape.png'], prompt: 'x', size: '999x999' }),
        message: /"999x999" is not a size this model offers/,
      },
      {
        title: 'a text file renamed .png',
        input: () => {
          writeScratchFile('renamed.png', 'this is plain text\n');
          return { images: ['scratch/renamed.png'], prompt: 'x' };
        },
        message: /renamed\.png is not an image that can be read; accepted formats: PNG, JPEG, WebP/,
      },
    ];
    for (const c of cases) {
      it(`refuses ${c.title}`, async function () {
        this.timeout(20_000);
        const { emulator } = env;
        const answer = await invokeTool(c.input());
        assert.match(answer.text, /^error: /);
        assert.match(answer.text, c.message);
        assert.match(answer.text, /nothing was charged/);
        assert.equal(answer.hasError, true);
        // The same sentence as the automation command.
        const commandMessage = await rejectionOf(runEdit(c.input()));
        assert.ok(answer.text.includes(commandMessage), `"${commandMessage}" not in: ${answer.text}`);
        assert.equal(emulator.stats.submits, 0);
        assert.equal(emulator.stats.requests.length, 0, `requests: ${JSON.stringify(emulator.stats.requests)}`);
        assert.ok(!fs.existsSync(workspacePath('runcomfy-results')));
      });
    }

    it('refuses an unknown fit', async () => {
      const answer = await invokeTool({ images: ['landscape.png'], prompt: 'x', fit: 'stretch' });
      assert.match(answer.text, /^error: "fit" must be one of 'auto', 'pad', 'crop', 'off'; "stretch" is not\./);
      assert.equal(env.emulator.stats.submits, 0);
    });

    it('without a token, says how to set one and sends nothing', async () => {
      await clearToken();
      const answer = await invokeTool({ images: ['landscape.png'], prompt: 'x' });
      assert.match(answer.text, /^error: No RunComfy API token is set/);
      assert.match(answer.text, /Set API Token/);
      assert.equal(env.emulator.stats.requests.length, 0);
    });

    it('a submit RunComfy refuses is an error the model can read, and is never retried', async () => {
      const { emulator } = env;
      emulator.inject({ route: 'submit', kind: 'http', status: 402, body: { error_code: 402001, error_message: 'Insufficient balance' } });
      const answer = await invokeTool({ images: ['landscape.png'], prompt: 'x' });
      assert.match(answer.text, /^error: .*balance/i);
      assert.match(answer.text, /created no job and charged nothing/);
      assert.equal(emulator.stats.submits, 1);
      assert.equal(emulator.stats.jobsCreated, 0);
    });
  });

  describe('asks first (prepareInvocation), with what is sent and what it costs, and sends nothing', () => {
    let own: OwnServices | undefined;
    afterEach(async () => {
      await own?.close();
      own = undefined;
    });

    async function confirmation(input: EditImageInput): Promise<{ title: string; message: string }> {
      own = await openServices();
      const source = new vscode.CancellationTokenSource();
      const prepared = await new EditImageTool(own.services).prepareInvocation({ input }, source.token);
      source.dispose();
      const asked = prepared.confirmationMessages;
      assert.ok(asked, 'no confirmation: a paid call would run unasked');
      const markdown = typeof asked.message === 'string' ? asked.message : asked.message.value;
      // Plain text is appended escaped, spaces as &nbsp;: read it as it renders.
      return { title: asked.title, message: markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1') };
    }

    it("names the images, the prompt, the options, the output folder and the price from the model's metadata", async () => {
      const asked = await confirmation({ images: ['landscape.png'], prompt: 'Add a small boat', size: '1024x1024(1:1)', forceSingle: true });
      assert.equal(asked.title, 'Run a paid Dreamina edit of 1 image?');
      assert.match(asked.message, /`landscape\.png`/);
      assert.match(asked.message, /Add a small boat/);
      assert.match(asked.message, /`1024x1024\(1:1\)`/);
      assert.match(asked.message, /exactly one output image/);
      assert.match(asked.message, /`runcomfy-results`/);
      assert.match(asked.message, /\*\*Price\*\*: \$0\.03 per image/);
      assert.equal(env.emulator.stats.submits, 0);
    });

    it('says per image what is sent after fitting, as the panel and the palette do', async () => {
      writeScratchFile('wide-for-chat.png', makePng(3100, 1000));
      const asked = await confirmation({ images: ['scratch/wide-for-chat.png', 'landscape.png'], prompt: 'Add a small boat', fit: 'pad' });
      assert.equal(asked.title, 'Run a paid Dreamina edit of 2 images?', asked.message);
      assert.match(asked.message, /`scratch\/wide-for-chat\.png`: sent as 3100×1000 PNG, [\d.]+ KB → 3100×1034 JPEG, [\d.]+ KB, padded to 3:1/);
      assert.match(asked.message, /fit `pad`/);
      assert.equal(env.emulator.stats.submits, 0);
    });

    it('says "price unknown" when the model\'s metadata cannot be read', async () => {
      env.emulator.inject({ route: 'model', kind: 'http', status: 503, times: 'always' });
      const asked = await confirmation({ images: ['landscape.png'], prompt: 'Add a small boat' });
      assert.equal(asked.title, 'Run a paid Dreamina edit of 1 image?');
      assert.match(asked.message, /price unknown/);
      assert.doesNotMatch(asked.message, /per image/);
      assert.equal(env.emulator.stats.submits, 0);
    });

    it('shows an input that cannot be sent as such, with the reason', async () => {
      const asked = await confirmation({ images: ['no-such-image.png'], prompt: 'Add a small boat' });
      assert.equal(asked.title, 'This Dreamina edit cannot be sent');
      assert.match(asked.message, /no-such-image\.png/);
      assert.match(asked.message, /Nothing is sent or charged/);
      assert.equal(env.emulator.stats.submits, 0);
    });
  });

  it('stopping the chat turn while the job is queued cancels it at RunComfy and says so', async function () {
    this.timeout(40_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 120_000 });
    const info = spyOnWindow('showInformationMessage');
    const cts = new vscode.CancellationTokenSource();
    const call = vscode.lm.invokeTool(
      TOOL,
      { input: { images: ['landscape.png'], prompt: 'Queued for a long time' }, toolInvocationToken: undefined },
      cts.token,
    );
    const settled = Promise.resolve(call).then(answerOf, (e: unknown) => e);
    const job = await waitFor('the job to be submitted', () => emulator.jobs()[0]);
    // Polled once: the extension holds its request_id and tracks it as queued.
    await waitFor('the first poll', () => emulator.stats.statusPolls(job.requestId) >= 1, 15_000);
    cts.cancel();
    const outcome = await within('the stopped call', settled, 15_000);
    // VS Code drops a tool's answer once its token is cancelled; a version that keeps it gets the real outcome.
    if (!(outcome instanceof Error)) assert.equal(field((outcome as Answer).text, 'status'), 'cancelled');
    await waitFor('the cancel at the emulator', () => emulator.stats.cancels(job.requestId) >= 1);
    await waitFor('the job to be cancelled at the emulator', () => emulator.job(job.requestId)?.state === 'cancelled');
    await waitFor('the user to be told', () => info.calls.some((c) => String(c[0]).includes(job.requestId) && /cancelled/.test(String(c[0]))));
    assert.equal(emulator.stats.submits, 1);
    assert.ok(!fs.existsSync(resultsDir()) || fs.readdirSync(resultsDir()).length === 0);
  });

  it('stopping the chat turn while the job runs keeps it: no cancel, results still saved, the user told', async function () {
    this.timeout(40_000);
    const { emulator } = env;
    emulator.nextJob({ queueMs: 0, runMs: 5_000, outputs: 1 });
    const info = spyOnWindow('showInformationMessage');
    const cts = new vscode.CancellationTokenSource();
    const call = vscode.lm.invokeTool(TOOL, { input: { images: ['landscape.png'], prompt: 'Already running' }, toolInvocationToken: undefined }, cts.token);
    const settled = Promise.resolve(call).then(answerOf, (e: unknown) => e);
    const job = await waitFor('the job to be submitted', () => emulator.jobs()[0]);
    await waitFor('the first poll', () => emulator.stats.statusPolls(job.requestId) >= 1, 15_000);
    cts.cancel();
    const outcome = await within('the stopped call', settled, 15_000);
    if (!(outcome instanceof Error)) assert.equal(field((outcome as Answer).text, 'status'), 'running');
    await waitFor('the user to be told', () => info.calls.some((c) => String(c[0]).includes(job.requestId) && /already running/.test(String(c[0]))));
    const saved = await waitForResults(resultsDir(), job.requestId, 1, 20_000);
    assert.equal(saved.length, 1);
    assert.notEqual(emulator.job(job.requestId)?.state, 'cancelled');
    assert.equal(emulator.stats.submits, 1);
  });
});

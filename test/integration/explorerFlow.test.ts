// The Explorer entry point of runcomfy.edit: its real prompt box and options menu lead to one submit, and bad selections are refused first.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  acceptQuickInput,
  clearToken,
  dismissQuickInput,
  isPng,
  readFixture,
  repeatCommandUntil,
  resultsDir,
  sha256Hex,
  sizeKey,
  spyOnWindow,
  useEmulator,
  waitFor,
  waitForResults,
  within,
  workspaceUri,
  writeScratchFile,
  spyOnInputBoxes,
} from './support';

interface QuickPickItemLike {
  label: string;
  detail?: string;
  kind?: vscode.QuickPickItemKind;
}

describe('Explorer: Edit Image with Dreamina…', () => {
  const env = useEmulator();

  it('asks for a prompt, offers "Submit edit" first, and submits both selected PNGs inline; results and sidecars are saved', async function () {
    this.timeout(30_000);
    const { emulator } = env;
    const prompt = 'Turn the sky into a warm sunset';
    const landscape = workspaceUri('landscape.png');
    const portrait = workspaceUri('portrait.png');
    const inputBoxes = spyOnInputBoxes(prompt);
    const menus = spyOnWindow('showQuickPick');

    let answer: { requestId: string } | undefined;
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<{ requestId: string }>('runcomfy.edit', landscape, [landscape, portrait])).then(
      (value) => {
        answer = value;
        settled = true;
      },
      (error: unknown) => {
        settled = true;
        throw error;
      },
    );

    await waitFor('the prompt box', () => inputBoxes.shown.length === 1);
    const promptOptions = inputBoxes.shown[0].options;
    assert.match(promptOptions.title ?? '', /prompt/i);
    assert.match(promptOptions.prompt ?? '', /2 images/);
    assert.equal(emulator.stats.submits, 0, 'nothing may be sent before the prompt is given');

    await acceptQuickInput('the options menu', () => menus.calls.length === 1 || settled);
    assert.equal(menus.calls.length, 1, 'the options menu did not open');
    const items = (await Promise.resolve(menus.calls[0][0] as QuickPickItemLike[] | Thenable<QuickPickItemLike[]>)).filter(
      (item) => item.kind !== vscode.QuickPickItemKind.Separator,
    );
    assert.match(items[0].label, /Submit edit/);
    assert.equal(items[0].detail, 'Price: $0.03 per image', 'the price comes from the model metadata');
    assert.equal(emulator.stats.submits, 0, 'nothing may be sent before "Submit edit" is accepted');
    assert.equal(emulator.stats.modelReads, 1, 'the price is read from the model metadata once');

    await acceptQuickInput('the submit', () => settled);
    await running;
    assert.ok(answer?.requestId, 'the command did not return a request id');
    const requestId = answer.requestId;

    assert.equal(emulator.stats.submits, 1);
    const body = emulator.stats.submitBodies[0] as Record<string, unknown>;
    assert.equal(body.prompt, prompt);
    const imageUrls = body.image_urls as string[];
    assert.equal(imageUrls.length, 2);
    const fixtures = [readFixture('landscape.png'), readFixture('portrait.png')];
    imageUrls.forEach((value, i) => {
      const prefix = 'data:image/png;base64,';
      assert.ok(value.startsWith(prefix), `image ${i + 1} is not a PNG data URI: ${value.slice(0, 40)}`);
      assert.ok(Buffer.from(value.slice(prefix.length), 'base64').equals(fixtures[i]), `image ${i + 1} does not carry the fixture's bytes`);
    });
    assert.equal(body[sizeKey], '2048x2048(1:1)');
    assert.equal(body.scale, 0.5);
    assert.equal(body.force_single, false);

    const saved = await waitForResults(resultsDir(), requestId, 2);
    assert.equal(saved.length, 2);
    for (const [i, result] of saved.entries()) {
      assert.ok(isPng(fs.readFileSync(result.image)), `${result.image} is not a PNG`);
      assert.match(result.image, new RegExp(`landscape-${requestId.slice(0, 8)}-${i + 1}\\.png$`));
      const sidecarText = fs.readFileSync(result.sidecar, 'utf8');
      assert.ok(!sidecarText.includes('base64,'), 'a sidecar must not carry a data URI');
      assert.equal(result.record.requestId, requestId);
      assert.equal(result.record.prompt, prompt);
      assert.deepEqual([result.record.size, result.record.scale, result.record.forceSingle], ['2048x2048(1:1)', 0.5, false]);
      assert.equal(result.record.apiRequest?.[sizeKey], '2048x2048(1:1)');
      assert.equal(result.record.inputs.length, 2);
      ['landscape.png', 'portrait.png'].forEach((name, n) => {
        const input = result.record.inputs[n];
        assert.ok(input.startsWith(`${name} (sha256:${sha256Hex(fixtures[n]).slice(0, 12)}`), `sidecar input ${n + 1} is ${input}`);
        assert.ok(input.includes(`${fixtures[n].length} bytes`), `sidecar input ${n + 1} is ${input}`);
      });
    }

    // The next Explorer edit starts from the prompt last submitted; leaving the box submits nothing.
    let nextSettled = false;
    const next = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', landscape, [landscape])).finally(() => {
      nextSettled = true;
    });
    await waitFor('the second prompt box', () => inputBoxes.shown.length === 2);
    await dismissQuickInput('the edit to end', () => nextSettled);
    assert.equal(await next, undefined);
    // The box was shown with the prompt last submitted (this spy types the same text over it).
    assert.equal(inputBoxes.shown[1].options.value, prompt);
    assert.equal(emulator.stats.submits, 1);
  });

  it('refuses a selection with a non-image file before asking anything', async () => {
    const { emulator } = env;
    const errors = spyOnWindow('showErrorMessage');
    const inputBoxes = spyOnInputBoxes();
    const result = await within(
      'the refused edit',
      vscode.commands.executeCommand('runcomfy.edit', workspaceUri('README.txt'), [workspaceUri('landscape.png'), workspaceUri('README.txt')]),
      5000,
    );
    assert.equal(result, undefined);
    assert.equal(errors.calls.length, 1);
    assert.match(String(errors.calls[0][0]), /Only images can be edited \(PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC\); README\.txt is not one/);
    assert.equal(inputBoxes.shown.length, 0);
    assert.equal(emulator.stats.requests.length, 0);
  });

  it('refuses more than 10 selected images', async () => {
    const { emulator } = env;
    const errors = spyOnWindow('showErrorMessage');
    const uri = workspaceUri('landscape.png');
    const result = await within(
      'the refused edit',
      vscode.commands.executeCommand(
        'runcomfy.edit',
        uri,
        Array.from({ length: 11 }, () => uri),
      ),
      5000,
    );
    assert.equal(result, undefined);
    assert.match(String(errors.calls[0]?.[0]), /11 images are selected; at most 10/);
    assert.equal(emulator.stats.requests.length, 0);
  });

  it('refuses a text file named .png, naming it, before the prompt', async () => {
    const { emulator } = env;
    const fake = vscode.Uri.file(writeScratchFile('notes.png', 'just some text, not an image\n'));
    const errors = spyOnWindow('showErrorMessage');
    const inputBoxes = spyOnInputBoxes();
    const result = await within('the refused edit', vscode.commands.executeCommand('runcomfy.edit', fake, [fake, workspaceUri('portrait.png')]), 10_000);
    assert.equal(result, undefined);
    assert.match(String(errors.calls[0]?.[0]), /notes\.png is not an image that can be read; accepted formats: PNG, JPEG/);
    assert.equal(inputBoxes.shown.length, 0);
    assert.equal(emulator.stats.submits, 0);
  });

  it('without a token, offers to set one and sends nothing', async () => {
    const { emulator } = env;
    await clearToken();
    const warnings = spyOnWindow('showWarningMessage');
    const inputBoxes = spyOnInputBoxes();
    const uri = workspaceUri('landscape.png');
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri])).finally(() => {
      settled = true;
    });
    await waitFor('the token warning', () => warnings.calls.length === 1);
    assert.match(String(warnings.calls[0][0]), /needs your API token/);
    assert.deepEqual(warnings.calls[0].slice(1), ['Set API Token', 'Get a Token']);
    // Dismissing the notification is the user saying no.
    await repeatCommandUntil('notifications.clearAll', 'the edit to end', () => settled);
    assert.equal(await running, undefined);
    assert.equal(inputBoxes.shown.length, 0);
    assert.equal(emulator.stats.requests.length, 0);
  });
});

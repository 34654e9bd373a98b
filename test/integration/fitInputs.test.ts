// Local images are fitted before they are sent: a 6000×4000 PNG and a GIF edit with default settings; with fit 'off' nothing is sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as exifr from 'exifr';
import { imageSize } from 'image-size';
import sharp = require('sharp');
import { GPS_EXIF, photo } from '../support/photoFixtures';
import * as vscode from 'vscode';
import {
  acceptQuickInput,
  rejectionOf,
  replaceWindowFunction,
  runEdit,
  setSetting,
  sha256Hex,
  spyOnWindow,
  useEmulator,
  waitFor,
  writeScratchFile,
  spyOnInputBoxes,
  type ShownInputBox,
} from './support';

const MAX_INLINE = 6 * 1024 * 1024;

describe('fitting local images before they are sent', function () {
  this.timeout(90_000);
  const env = useEmulator();
  let big: Buffer;
  let gif: Buffer;

  before(async function () {
    this.timeout(60_000);
    // Scaled up natively from a small picture: a pixel loop this size in the extension host would stall it.
    const small = await photo(600, 400).png().toBuffer();
    big = await sharp(small).resize(6000, 4000).withExif(GPS_EXIF).png({ compressionLevel: 3 }).toBuffer();
    gif = await photo(640, 480).gif().toBuffer();
  });

  function writeInputs(): { bigPath: string; gifPath: string } {
    return { bigPath: writeScratchFile('camera/huge.png', big), gifPath: writeScratchFile('camera/loop.gif', gif) };
  }

  it('edits a 6000×4000 PNG and a GIF with default settings; the service receives inline JPEGs within the rules', async () => {
    const { emulator } = env;
    const { bigPath, gifPath } = writeInputs();
    const answer = await runEdit({ images: ['scratch/camera/huge.png', 'scratch/camera/loop.gif'], prompt: 'Make it autumn', wait: true });
    assert.equal(answer.status, 'succeeded', JSON.stringify(answer));
    assert.equal(emulator.stats.submits, 1);
    const body = emulator.stats.submitBodies[0] as { image_urls: string[] };
    assert.equal(body.image_urls.length, 2);
    const expected = [
      [4096, 2731],
      [640, 480],
    ];
    for (const [i, uri] of body.image_urls.entries()) {
      assert.ok(uri.length <= MAX_INLINE, `image ${i} is ${uri.length} characters inline`);
      const match = /^data:image\/jpeg;base64,([A-Za-z0-9+/=]+)$/.exec(uri);
      assert.ok(match, `image ${i} is an inline JPEG: ${uri.slice(0, 40)}`);
      const bytes = Buffer.from(match[1], 'base64');
      const size = imageSize(bytes);
      assert.deepEqual([size.width, size.height], expected[i]);
      assert.equal(await exifr.parse(bytes, { tiff: true, gps: true, xmp: true }), undefined, 'no metadata leaves the machine');
    }
    assert.equal(sha256Hex(fs.readFileSync(bigPath)), sha256Hex(big), 'the original PNG is untouched');
    assert.equal(sha256Hex(fs.readFileSync(gifPath)), sha256Hex(gif), 'the original GIF is untouched');
  });

  it("with fit: 'off' refuses both files, naming each, and submits nothing", async () => {
    const { emulator } = env;
    writeInputs();
    const message = await rejectionOf(runEdit({ images: ['scratch/camera/huge.png', 'scratch/camera/loop.gif'], prompt: 'Make it autumn', fit: 'off' }));
    assert.match(message, /huge\.png is 6000×4000 pixels; the maximum resolution is 4096×4096/);
    assert.match(message, /loop\.gif is a GIF image; only PNG and JPEG images are sent as they are/);
    assert.equal(emulator.stats.submits, 0);
  });

  it('follows the runcomfy.fitInputs setting, and refuses an unknown fit value before anything is sent', async () => {
    const { emulator } = env;
    writeInputs();
    await setSetting('fitInputs', 'off');
    const refused = await rejectionOf(runEdit({ images: ['scratch/camera/loop.gif'], prompt: 'Make it autumn' }));
    assert.match(refused, /loop\.gif is a GIF image/);
    const invalid = await rejectionOf(runEdit({ images: ['scratch/camera/loop.gif'], prompt: 'Make it autumn', fit: 'stretch' }));
    assert.match(invalid, /^"fit" must be one of 'auto', 'pad', 'crop', 'off'; "stretch" is not\.$/);
    assert.equal(emulator.stats.submits, 0);
    const answer = await runEdit({ images: ['scratch/camera/loop.gif'], prompt: 'Make it autumn', fit: 'auto' });
    assert.ok(answer.requestId);
    assert.equal(emulator.stats.submits, 1);
  });

  async function explorerEditOfBanner(choice: string | undefined): Promise<{ warnings: unknown[][]; inputBoxes: ShownInputBox[]; settled: Promise<unknown> }> {
    const banner = writeScratchFile('banner.png', await photo(1500, 300).png().toBuffer());
    const warnings = replaceWindowFunction('showWarningMessage', () => Promise.resolve(choice));
    const inputBoxes = spyOnInputBoxes('Add a kite');
    const uri = vscode.Uri.file(banner);
    const settled = Promise.resolve(vscode.commands.executeCommand('runcomfy.edit', uri, [uri]));
    return { warnings: warnings.calls, inputBoxes: inputBoxes.shown, settled };
  }

  it('Explorer: a 5:1 image asks Pad or Crop in a modal; Pad sends it extended to 3:1', async () => {
    const { emulator } = env;
    const menus = spyOnWindow('showQuickPick');
    const flow = await explorerEditOfBanner('Pad');
    await waitFor('the Pad / Crop question', () => flow.warnings.length === 1);
    const [message, options, ...items] = flow.warnings[0] as [string, vscode.MessageOptions, ...string[]];
    assert.match(message, /^banner\.png has an aspect ratio of 5:1 \(1500×300\)/);
    assert.equal(options.modal, true);
    assert.deepEqual(items, ['Pad', 'Crop']);
    await waitFor('the prompt box', () => flow.inputBoxes.length === 1, 30_000);
    await acceptQuickInput('the options menu', () => menus.calls.length === 1);
    await acceptQuickInput('the submit', () => emulator.stats.submits === 1);
    await flow.settled;
    const uri = (emulator.stats.submitBodies[0] as { image_urls: string[] }).image_urls[0];
    const size = imageSize(Buffer.from(uri.split(',')[1], 'base64'));
    assert.deepEqual([size.width, size.height], [1500, 500]);
  });

  it('Explorer: cancelling the Pad / Crop question asks nothing more and sends nothing', async () => {
    const { emulator } = env;
    const flow = await explorerEditOfBanner(undefined);
    assert.equal(await flow.settled, undefined);
    assert.equal(flow.warnings.length, 1);
    assert.equal(flow.inputBoxes.length, 0);
    assert.equal(emulator.stats.submits, 0);
  });
});

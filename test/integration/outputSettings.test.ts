// Where and how results are saved: runcomfy.outputFolder with variables, files never overwritten, the prompt inside the file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as exifr from 'exifr';
import * as vscode from 'vscode';
import {
  isPng,
  listFiles,
  rawSubmit,
  readFixture,
  resultsDir,
  runEdit,
  setSetting,
  shortId,
  useEmulator,
  waitFor,
  waitForResults,
  workspacePath,
} from './support';

// png-chunks-extract ships no types: it returns the file's chunks in order, names and raw data.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extractChunks = require('png-chunks-extract') as (data: Uint8Array) => Array<{ name: string; data: Uint8Array }>;

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

describe('output folder', () => {
  const env = useEmulator();

  it('saves into runcomfy.outputFolder with ${workspaceFolder} and ${date} expanded', async function () {
    this.timeout(20_000);
    await setSetting('outputFolder', '${workspaceFolder}/edits/${date}');
    const now = new Date();
    const answer = await runEdit({ images: ['landscape.png'], prompt: 'Into a dated folder', forceSingle: true, wait: true });
    assert.equal(answer.status, 'succeeded');
    const dated = fs.readdirSync(workspacePath('edits'));
    assert.equal(dated.length, 1, `edits/ holds ${JSON.stringify(dated)}`);
    assert.match(dated[0], /^\d{4}-\d{2}-\d{2}$/);
    assert.ok([now.toISOString().slice(0, 10), localDate(now)].includes(dated[0]), `${dated[0]} is not today`);
    const folder = workspacePath('edits', dated[0]);
    assert.equal(path.dirname(answer.files![0]), folder);
    assert.deepEqual(listFiles(folder), [`landscape-${shortId(answer.requestId)}.json`, `landscape-${shortId(answer.requestId)}.png`]);
    assert.ok(!fs.existsSync(resultsDir()), 'the default folder was used anyway');
  });

  it('never overwrites: names already taken by an image or a sidecar get the next suffix, and old files keep their bytes', async function () {
    this.timeout(20_000);
    const { emulator } = env;
    // Finished before the resume: its results are fetched at once.
    emulator.nextJob({ queueMs: 0, runMs: 0 });
    const requestId = await rawSubmit(emulator, { image_urls: ['https://example.com/b.png'], prompt: 'Collisions' });
    const id8 = shortId(requestId);
    const dir = resultsDir();
    fs.mkdirSync(dir, { recursive: true });
    // What the results would be called, already there: an image of the user's, and a stray sidecar.
    const takenImage = path.join(dir, `resumed-${id8}-1.png`);
    const takenSidecar = path.join(dir, `resumed-${id8}-2.json`);
    const unrelated = path.join(dir, 'keep-me.png');
    const originals = new Map<string, Buffer>([
      [takenImage, readFixture('portrait.png')],
      [takenSidecar, Buffer.from('{"note":"not written by RunComfy"}\n')],
      [unrelated, readFixture('landscape.png')],
    ]);
    for (const [file, bytes] of originals) fs.writeFileSync(file, bytes);

    const answer = await vscode.commands.executeCommand<{ status: string }>('runcomfy.resume', requestId);
    assert.equal(answer?.status, 'succeeded');
    const saved = await waitForResults(dir, requestId, 2);
    assert.deepEqual(
      saved.map((r) => path.basename(r.image)),
      [`resumed-${id8}-1-2.png`, `resumed-${id8}-2-2.png`],
    );
    for (const result of saved) assert.ok(isPng(fs.readFileSync(result.image)));
    for (const [file, bytes] of originals) {
      assert.ok(fs.readFileSync(file).equals(bytes), `${path.basename(file)} was changed`);
    }
    const expected = [
      'keep-me.png',
      `resumed-${id8}-1-2.json`,
      `resumed-${id8}-1-2.png`,
      `resumed-${id8}-1.png`,
      `resumed-${id8}-2-2.json`,
      `resumed-${id8}-2-2.png`,
      `resumed-${id8}-2.json`,
    ];
    // The lock is released just after the last sidecar is written.
    await waitFor('only the expected files in the folder', () => JSON.stringify(listFiles(dir)) === JSON.stringify(expected), 5000).catch(() => undefined);
    assert.deepEqual(listFiles(dir), expected, 'unexpected files (a temp or lock file left behind?)');
  });

  it('writes the prompt into a saved PNG (parameters and XMP), and leaves it out with runcomfy.embedPromptInResults off', async function () {
    this.timeout(30_000);
    const prompt = 'Небо цвета заката & <звёзды>';
    const on = await runEdit({ images: ['landscape.png'], prompt, forceSingle: true, wait: true });
    assert.equal(on.status, 'succeeded');
    const withPrompt = fs.readFileSync(on.files![0]);
    assert.ok(isPng(withPrompt));
    const chunks = extractChunks(withPrompt);
    const parameters = chunks.find((c) => c.name === 'iTXt' && Buffer.from(c.data).toString('latin1').startsWith('parameters\0'));
    assert.ok(parameters, `no parameters chunk among ${chunks.map((c) => c.name).join(', ')}`);
    const text = Buffer.from(parameters.data).subarray('parameters\0\0\0\0\0'.length).toString('utf8');
    assert.ok(text.startsWith(`${prompt}\n`), text);
    assert.match(text, new RegExp(`Request ID: ${on.requestId}`));
    const xmp = (await exifr.parse(withPrompt, { xmp: true, tiff: false })) as { description?: { value?: string } | string } | undefined;
    const description = typeof xmp?.description === 'object' ? xmp.description.value : xmp?.description;
    assert.equal(description, 'Небо цвета заката &amp; &lt;звёзды&gt;', 'exifr returns the XML text with its entities');

    await setSetting('embedPromptInResults', false);
    const off = await runEdit({ images: ['landscape.png'], prompt, forceSingle: true, wait: true });
    assert.equal(off.status, 'succeeded');
    const plain = fs.readFileSync(off.files![0]);
    assert.ok(isPng(plain));
    // The emulator's own text chunks (Software, Comment) stay; ours are not there.
    const keywords = extractChunks(plain)
      .filter((c) => c.name === 'tEXt' || c.name === 'iTXt')
      .map((c) => Buffer.from(c.data).toString('latin1').split('\0')[0]);
    assert.ok(keywords.length > 0, 'the emulator output carries text chunks of its own');
    assert.ok(!keywords.includes('parameters') && !keywords.includes('XML:com.adobe.xmp'), `text chunks with the setting off: ${keywords.join(', ')}`);
    assert.equal(plain.includes(Buffer.from(prompt)), false);
  });
});

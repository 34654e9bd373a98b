// Fitting inside input preparation: the typed aspect-ratio refusal, the fit report, the 64 MiB request cap, and the `fit` argument.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/api/errors';
import { AspectRatioChoiceError } from '../../src/imaging/fitErrors';
import { FIT_LIMITS, type FitSettings } from '../../src/imaging/fitTypes';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { parseEditArgs } from '../../src/jobs/editArgs';
import { INPUT_LIMITS, InputProblemsError } from '../../src/jobs/inputChecks';
import { prepareInputs } from '../../src/jobs/inputs';
import { noise, photo } from '../support/photoFixtures';

const workerScript = path.resolve(__dirname, '../../..', 'dist', 'imageWorker.js');

describe('prepareInputs with fitting', function () {
  this.timeout(120_000);
  let dir: string;
  let transformer: WorkerTransformer;
  const fitter = (settings: Partial<FitSettings> = {}) => ({ settings: { mode: 'auto' as const, stripMetadata: true, ...settings }, transformer });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-prep-'));
    transformer = new WorkerTransformer({ script: workerScript, idleMs: 5_000 });
  });
  after(() => {
    transformer.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function write(name: string, bytes: Promise<Buffer>): Promise<string> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, await bytes);
    return file;
  }

  it('refuses out-of-range images with a typed error naming each one, so a UI can offer Pad or Crop', async () => {
    const wide = await write('wide.png', photo(1000, 200).png().toBuffer());
    const fine = await write('fine.jpg', photo(300, 200).jpeg().toBuffer());
    const error = await prepareInputs(
      [
        { kind: 'file', path: fine },
        { kind: 'file', path: wide },
      ],
      fitter(),
    ).then(
      () => assert.fail('accepted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AspectRatioChoiceError);
    assert.ok(error instanceof InputError);
    assert.deepEqual(error.offenders, [{ subject: 'wide.png', path: wide, width: 1000, height: 200 }]);
    assert.match(error.message, /^wide\.png has an aspect ratio of 5:1/);

    const padded = await prepareInputs(
      [
        { kind: 'file', path: fine },
        { kind: 'file', path: wide },
      ],
      fitter({ mode: 'pad' }),
    );
    assert.deepEqual([padded[1].fit?.sent.width, padded[1].fit?.sent.height], [1000, 334]);
    assert.match(padded[1].value, /^data:image\/jpeg;base64,/);
    assert.deepEqual(padded[0].fit?.changes, []);
  });

  it('keeps the usual error when something other than the aspect ratio is wrong too', async () => {
    const wide = await write('wide2.png', photo(1000, 200).png().toBuffer());
    const text = await write('text.png', Promise.resolve(Buffer.from('not an image')));
    const error = await prepareInputs(
      [
        { kind: 'file', path: wide },
        { kind: 'file', path: text },
      ],
      fitter(),
    ).catch((e: unknown) => e);
    assert.ok(error instanceof InputProblemsError);
    assert.deepEqual(
      error.problems.map((p) => p.rule),
      ['aspectRatio', 'type'],
    );
  });

  it('returns a fit report and facts of what is sent, and a summary without the data', async () => {
    const big = await write('big.png', photo(5000, 2500).png().toBuffer());
    const [prepared] = await prepareInputs([{ kind: 'file', path: big }], fitter());
    assert.deepEqual(prepared.fit?.original, { width: 5000, height: 2500, format: 'png', bytes: fs.statSync(big).size });
    assert.deepEqual(prepared.fit?.sent.width, 4096);
    assert.deepEqual(prepared.facts, { format: 'jpeg', bytes: prepared.fit?.sent.bytes, width: 4096, height: 2048 });
    assert.match(prepared.summary, /^big\.png \(sha256:[0-9a-f]{12}, \d+ bytes\)$/);
  });

  it('keeps ten near-limit images under 6 MiB each and the request under 64 MiB', async () => {
    // Incompressible, so each stays just under the per-image budget without any pixel work.
    let quality = 95;
    let bytes = await noise(2150, 2150).jpeg({ quality }).toBuffer();
    while (bytes.length > 4.6 * 1024 * 1024)
      bytes = await noise(2150, 2150)
        .jpeg({ quality: (quality -= 2) })
        .toBuffer();
    assert.ok(bytes.length > 4 * 1024 * 1024, `${bytes.length}`);
    const file = await write('dense.jpg', Promise.resolve(bytes));
    const prepared = await prepareInputs(Array(INPUT_LIMITS.maxImages).fill({ kind: 'file', path: file }), fitter());
    const total = prepared.reduce((sum, p) => sum + p.value.length, 0);
    for (const p of prepared) assert.ok(p.value.length <= FIT_LIMITS.maxInlineChars);
    assert.ok(total > 50 * 1024 * 1024 && total < INPUT_LIMITS.maxRequestBytes, `${total}`);

    // One more is refused twice over: too many images, and together more than a request may carry.
    const eleven = await prepareInputs(Array(INPUT_LIMITS.maxImages + 1).fill({ kind: 'file', path: file }), fitter()).catch((e: unknown) => e);
    assert.ok(eleven instanceof InputProblemsError);
    assert.deepEqual(
      eleven.problems.map((p) => p.rule),
      ['count', 'requestSize'],
    );
    assert.match(eleven.problems[1].message, /^Together the images make a request of about 6\d\.\d MB; a request can be at most 64 MB/);
  });
});

describe('the fit argument of runcomfy.edit', () => {
  it('accepts the four modes and refuses anything else before any work', () => {
    for (const fit of ['auto', 'pad', 'crop', 'off'] as const) {
      assert.equal(parseEditArgs({ images: ['https://e.com/a.png'], prompt: 'p', fit }, []).fit, fit);
    }
    assert.equal(parseEditArgs({ images: ['https://e.com/a.png'], prompt: 'p' }, []).fit, undefined);
    for (const fit of ['Auto', 'stretch', 1, null, true]) {
      assert.throws(
        () => parseEditArgs({ images: ['https://e.com/a.png'], prompt: 'p', fit }, []),
        (e: unknown) => e instanceof InputError && e.rule === 'fit' && /^"fit" must be one of 'auto', 'pad', 'crop', 'off'; .+ is not\.$/.test(e.message),
      );
    }
  });
});

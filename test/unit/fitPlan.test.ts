// What a card or the palette says is sent, and that it is what is sent: the one-line summary, the plan a submit reuses
// without decoding again, the per-image Pad/Crop choice, the repeat question and the sidecar record.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import { FitCache } from '../../src/imaging/fitCache';
import { fitSummaryText } from '../../src/imaging/fitSummary';
import type { FitReport, FitSettings, TransformJob, TransformOutput } from '../../src/imaging/fitTypes';
import { type Transformer, WorkerTransformer } from '../../src/imaging/workerClient';
import { sidecarFor } from '../../src/jobs/downloads';
import { AspectRatioChoiceError } from '../../src/imaging/fitErrors';
import { planLocalFile, prepareInputs, summarizeInputs } from '../../src/jobs/inputs';
import type { JobWithOutputs } from '../../src/jobs/job';
import { RepeatGuard } from '../../src/jobs/repeatGuard';
import { buildSidecar } from '../../src/jobs/sidecar';
import { jobIn } from '../support/jobs';
import { cameraJpeg, photo } from '../support/photoFixtures';

const workerScript = path.resolve(__dirname, '../../..', 'dist', 'imageWorker.js');
const MB = 1024 * 1024;

function report(partial: Partial<FitReport>): FitReport {
  return {
    name: 'x',
    original: { width: 8064, height: 6048, format: 'heic', bytes: 14.2 * MB },
    sent: { width: 4096, height: 3072, format: 'jpeg', bytes: 2.9 * MB },
    changes: [],
    ...partial,
  };
}

describe('fit summary', () => {
  it('says in one line what a local image is and what is sent instead', () => {
    assert.equal(
      fitSummaryText(report({ changes: ['locationRemoved', 'shrunk', 'converted'] })),
      '8064×6048 HEIC, 14.2 MB → 4096×3072 JPEG, 2.9 MB, location removed',
    );
    assert.equal(
      fitSummaryText(report({ original: { width: 4000, height: 6000, format: 'jpeg', bytes: 5 * MB }, sent: { width: 2731, height: 4096, format: 'jpeg', bytes: 3 * MB }, changes: ['locationRemoved', 'metadataRemoved', 'rotated', 'shrunk', 'reencoded'] })),
      '4000×6000 JPEG, 5.0 MB → 2731×4096 JPEG, 3.0 MB, turned upright, location and other metadata removed',
    );
    assert.equal(
      fitSummaryText(report({ original: { width: 5000, height: 1000, format: 'png', bytes: MB }, sent: { width: 5000, height: 1667, format: 'jpeg', bytes: MB / 2 }, changes: ['padded', 'converted'] })),
      '5000×1000 PNG, 1.0 MB → 5000×1667 JPEG, 512 KB, padded to 3:1',
    );
    assert.equal(
      fitSummaryText(report({ original: { width: 1000, height: 5000, format: 'webp', bytes: MB }, sent: { width: 1000, height: 3000, format: 'png', bytes: MB }, changes: ['cropped', 'converted', 'colourConverted'] })),
      '1000×5000 WebP, 1.0 MB → 1000×3000 PNG, 1.0 MB, cropped to 1:3, converted to sRGB',
    );
    assert.equal(fitSummaryText(report({ original: { width: 640, height: 480, format: 'png', bytes: 300_000 }, sent: { width: 640, height: 480, format: 'png', bytes: 300_000 } })), '640×480 PNG, 293 KB, sent as it is');
    assert.equal(
      fitSummaryText(report({ original: { width: 640, height: 480, format: 'jpeg', bytes: 0.4 * MB }, sent: { width: 640, height: 480, format: 'jpeg', bytes: 0.3 * MB }, changes: ['metadataRemoved'] })),
      '640×480 JPEG, 410 KB → 640×480 JPEG, 308 KB, metadata removed',
    );
  });
});

describe('fitting plans and the per-image choice', function () {
  this.timeout(120_000);
  let dir: string;
  let worker: WorkerTransformer;
  let transforms: TransformJob[];
  const counting: Transformer = {
    transform(input: Uint8Array, job: TransformJob, signal?: AbortSignal): Promise<TransformOutput> {
      transforms.push(job);
      return worker.transform(input, job, signal);
    },
  };
  const settings: FitSettings = { mode: 'auto', stripMetadata: true };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-plan-'));
    worker = new WorkerTransformer({ script: workerScript, idleMs: 5_000 });
  });
  beforeEach(() => (transforms = []));
  after(() => {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans a too-wide image as refused with Pad/Crop, then padded to 3:1; the submit sends that result without decoding again', async () => {
    const wide = path.join(dir, 'wide.png');
    fs.writeFileSync(wide, await photo(1500, 300).png().toBuffer());
    const before = fs.readFileSync(wide);
    const cache = new FitCache();
    const fitter = { settings, transformer: counting, cache };

    const refused = await planLocalFile({ kind: 'file', path: wide }, fitter);
    assert.deepEqual(refused.aspect, { width: 1500, height: 300 });
    assert.deepEqual(refused.original, { width: 1500, height: 300, format: 'png', bytes: before.length });
    assert.equal(refused.report, undefined);
    assert.equal(transforms.length, 0, 'the header alone says the aspect is out of range');

    const padded = await planLocalFile({ kind: 'file', path: wide, fit: 'pad' }, fitter);
    assert.deepEqual(padded.problems, []);
    assert.deepEqual([padded.report?.sent.width, padded.report?.sent.height], [1500, 500]);
    assert.ok(padded.report?.changes.includes('padded'));
    assert.equal(transforms.length, 1);
    assert.equal(transforms[0].aspect, 'pad');

    const prepared = await prepareInputs([{ kind: 'file', path: wide, fit: 'pad' }], fitter);
    assert.equal(transforms.length, 1, 'the card already fitted it: no second decode');
    const sent = Buffer.from(prepared[0].value.replace(/^data:image\/\w+;base64,/, ''), 'base64');
    const size = imageSize(sent);
    assert.deepEqual([size.width, size.height], [1500, 500]);
    assert.equal(prepared[0].fit?.sent.bytes, sent.length, 'the card said the size that is sent');

    // The same file without the choice is still refused: the choice belongs to the reference that carries it.
    await assert.rejects(prepareInputs([{ kind: 'file', path: wide }], fitter), AspectRatioChoiceError);
    // `off` sends as it is, whatever a card chose.
    const off = await planLocalFile({ kind: 'file', path: wide, fit: 'crop' }, { ...fitter, settings: { mode: 'off', stripMetadata: true } });
    assert.equal(off.problems[0]?.rule, 'aspectRatio');
    assert.equal(transforms.length, 1);

    // A changed file is fitted again.
    fs.writeFileSync(wide, await photo(1200, 300).png().toBuffer());
    fs.utimesSync(wide, new Date(), new Date(Date.now() + 5_000));
    const again = await planLocalFile({ kind: 'file', path: wide, fit: 'crop' }, fitter);
    assert.deepEqual([again.report?.sent.width, again.report?.sent.height], [900, 300]);
    assert.equal(transforms.length, 2);
    assert.ok(!before.equals(fs.readFileSync(wide)) && fs.readFileSync(wide).length > 0, 'only the test changed the file');
  });

  it('words missing files and folders as problems, never throwing', async () => {
    const fitter = { settings, transformer: counting };
    assert.equal((await planLocalFile({ kind: 'file', path: path.join(dir, 'gone.png') }, fitter)).problems[0].rule, 'missing');
    assert.equal((await planLocalFile({ kind: 'file', path: dir }, fitter)).problems[0].rule, 'type');
    assert.equal((await planLocalFile({ kind: 'file', path: 'relative.png' }, fitter)).problems[0].rule, 'missing');
  });

  it('records per input what was sent, and the sidecar keeps dimensions, formats, sizes and what was removed, nothing else', async () => {
    const shot = path.join(dir, 'phone.jpg');
    fs.writeFileSync(shot, await cameraJpeg(photo(600, 400), 6));
    const prepared = await prepareInputs([{ kind: 'file', path: shot }, { kind: 'url', url: 'https://example.com/style.png?X-Amz-Signature=secret' }], { settings, transformer: counting });
    const inputs = summarizeInputs(prepared);
    assert.equal(inputs[1].fitted, undefined, 'a web address is fetched by RunComfy as it is');
    const job = jobIn('saved', { inputs }) as JobWithOutputs;
    const record = buildSidecar(sidecarFor(job), { url: 'https://x/1.png', index: 0, count: 1 }, 'phone-1.png', '2026-01-01T00:00:00.000Z');
    assert.equal(record.fittedInputs?.length, 1);
    const [fitted] = record.fittedInputs;
    assert.equal(fitted.source, 'phone.jpg');
    assert.deepEqual(fitted.original, { width: 400, height: 600, format: 'jpeg', bytes: fs.statSync(shot).size });
    assert.deepEqual([fitted.sent.width, fitted.sent.height, fitted.sent.format], [400, 600, 'jpeg']);
    assert.deepEqual(fitted.removed, ['location', 'metadata']);
    assert.ok(fitted.changes.includes('rotated'));
    const text = JSON.stringify(record);
    assert.doesNotMatch(text, /secret|base64|data:image/);
    assert.doesNotMatch(text, new RegExp(dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')), 'no absolute paths');
  });
});

describe('repeat question and fitting', () => {
  it('does not call the same inputs with a different Pad/Crop choice, or another fitting mode, the same edit', () => {
    const guard = new RepeatGuard(() => 0);
    const base = { prompt: 'make it blue', options: { size: '2048x2048(1:1)' as const, scale: 0.5, forceSingle: false } };
    guard.begin({ ...base, refs: [{ kind: 'file', path: '/ws/wide.png', fit: 'pad' }] })(true);
    assert.equal(guard.isRepeat({ ...base, refs: [{ kind: 'file', path: '/ws/wide.png', fit: 'pad' }] }), true);
    assert.equal(guard.isRepeat({ ...base, refs: [{ kind: 'file', path: '/ws/wide.png', fit: 'crop' }] }), false);
    assert.equal(guard.isRepeat({ ...base, refs: [{ kind: 'file', path: '/ws/wide.png' }] }), false);
    guard.begin({ ...base, refs: [{ kind: 'file', path: '/ws/a.png' }], fit: { mode: 'auto', stripMetadata: true } })(true);
    assert.equal(guard.isRepeat({ ...base, refs: [{ kind: 'file', path: '/ws/a.png' }], fit: { mode: 'auto', stripMetadata: true } }), true);
    assert.equal(guard.isRepeat({ ...base, refs: [{ kind: 'file', path: '/ws/a.png' }], fit: { mode: 'crop', stripMetadata: true } }), false);
  });
});

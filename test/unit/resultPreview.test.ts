// Result previews for the chat tool through the real worker bundle (dist/imageWorker.js): small results as they are, large ones downscaled.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { PREVIEW_LIMITS, previewOf } from '../../src/imaging/preview';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { makePng } from '../support/images';
import { noise } from '../support/photoFixtures';

const workerScript = path.resolve(__dirname, '../../..', 'dist', 'imageWorker.js');

describe('result previews for a language model', function () {
  this.timeout(120_000);
  let transformer: WorkerTransformer;

  before(() => {
    assert.ok(fs.existsSync(workerScript), `${workerScript} is missing: run npm run build first`);
    transformer = new WorkerTransformer({ script: workerScript, idleMs: 5_000 });
  });

  after(() => transformer.dispose());

  it('gives a small PNG or JPEG result as it is, byte for byte', async () => {
    const png = makePng(256, 256);
    const preview = await previewOf(png, transformer);
    assert.ok(preview);
    assert.equal(preview.downscaled, false);
    assert.equal(preview.mimeType, 'image/png');
    assert.ok(Buffer.from(preview.bytes).equals(png));
  });

  it('downscales a result heavier than 1 MB to at most 1024 px a side and 1 MB, aspect kept', async () => {
    const heavy = await noise(2048, 1536).png().toBuffer();
    assert.ok(heavy.length > PREVIEW_LIMITS.maxBytes, `the fixture is only ${heavy.length} bytes`);
    const preview = await previewOf(heavy, transformer);
    assert.ok(preview);
    assert.equal(preview.downscaled, true);
    assert.ok(preview.bytes.length <= PREVIEW_LIMITS.maxBytes, `${preview.bytes.length} bytes`);
    const meta = await sharp(preview.bytes).metadata();
    assert.equal(`image/${meta.format}`, preview.mimeType);
    assert.deepEqual([meta.width, meta.height], [1024, 768]);
    assert.deepEqual([preview.width, preview.height], [1024, 768]);
  });

  it('downscales a light result that is wider than 1024 px', async () => {
    const wide = makePng(3000, 1000);
    assert.ok(wide.length < PREVIEW_LIMITS.maxBytes);
    const preview = await previewOf(wide, transformer);
    assert.ok(preview);
    const meta = await sharp(preview.bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [1024, 341]);
  });

  it('gives nothing for bytes that are not an image, and leaves the caller\'s bytes intact', async () => {
    assert.equal(await previewOf(Buffer.from('not an image at all'), transformer), undefined);
    const broken = Buffer.concat([makePng(2000, 2000).subarray(0, 60)]);
    const copy = Buffer.from(broken);
    assert.equal(await previewOf(broken, transformer), undefined);
    assert.ok(broken.equals(copy));
  });
});

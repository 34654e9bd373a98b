// Batch files on disk: folders expanded to images in path order, output folders that never collide, and batch.json written whole.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BatchRecord } from '../../src/batch/batch';
import { parseBatchArgs } from '../../src/batch/batchArgs';
import { commonRoot, expandSources, itemOutputDir, newBatchFolder, relativeSource } from '../../src/batch/sources';
import { batchSummary, SummaryWriter, SUMMARY_FILE } from '../../src/batch/summary';
import { nullLogger } from '../../src/common/logger';
import { parseStoredJobs } from '../../src/jobs/jobSchema';
import type { Job } from '../../src/jobs/job';
import { type JobEvent, startSubmission, transition } from '../../src/jobs/transitions';
import { jobRows } from '../../src/webview-ui/jobGroups';
import type { JobView } from '../../src/protocol/messages';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-batch-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('batch sources', () => {
  it('expands a folder recursively to the formats fitting reads, sorted by path, skipping hidden, tool and result folders', async () => {
    const root = tree({
      'b.png': '', 'a10.jpg': '', 'a2.JPEG': '', 'notes.txt': '', '.hidden.png': '', 'icon.svg': '',
      'sub/c.webp': '', 'sub/deeper/d.heic': '', '.git/x.png': '', 'node_modules/y.png': '',
      'runcomfy-results/old-1234.png': '', 'elsewhere/batch-x/batch.json': '{}', 'elsewhere/batch-x/r.png': '',
    });
    const found = await expandSources([root], [path.join(root, 'runcomfy-results')]);
    assert.equal(found.root, root);
    assert.deepEqual(found.files.map((f) => relativeSource(root, f)), ['a2.JPEG', 'a10.jpg', 'b.png', 'sub/c.webp', 'sub/deeper/d.heic']);
  });

  it('takes the deepest common folder of several images as the root, and refuses what is not an image', async () => {
    const root = tree({ 'x/a.png': '', 'y/z/b.png': '', 'x/readme.md': '' });
    const found = await expandSources([path.join(root, 'y/z/b.png'), path.join(root, 'x/a.png'), path.join(root, 'x/a.png')]);
    assert.equal(found.root, root);
    assert.deepEqual(found.files.map((f) => relativeSource(root, f)), ['x/a.png', 'y/z/b.png']);
    await assert.rejects(expandSources([path.join(root, 'x/readme.md')]), /not an image/);
    await assert.rejects(expandSources([path.join(root, 'missing')]), /was not found/);
    await assert.rejects(expandSources([path.join(root, 'x'), path.join(root, 'y')].map((d) => path.join(d, 'nothing'))), /was not found/);
    assert.equal(commonRoot(['/a/b/c', '/a/b/d/e']), '/a/b');
  });

  it('puts results under the source\'s own relative folder, in a batch folder that is always new', async () => {
    assert.equal(itemOutputDir('/out/batch-1', 'sub/deeper/d.heic'), path.join('/out/batch-1', 'sub', 'deeper'));
    assert.equal(itemOutputDir('/out/batch-1', 'a.png'), '/out/batch-1');
    const out = tree({});
    const at = new Date(2025, 0, 31, 14, 25, 1);
    const first = await newBatchFolder(out, 'photos', at);
    const second = await newBatchFolder(out, 'photos', at);
    assert.equal(path.basename(first), 'batch-2025-01-31-142501-photos');
    assert.equal(path.basename(second), 'batch-2025-01-31-142501-photos-2');
  });
});

describe('batch.json', () => {
  const batch: BatchRecord = {
    id: 'b1', origin: 'scripted', state: 'running', createdAt: 0, updatedAt: 1000, prompt: 'p',
    options: { size: '2048x2048(1:1)', scale: 0.5, forceSingle: false }, fit: { mode: 'auto', stripMetadata: true },
    references: [{ kind: 'url', url: 'https://cdn.example.com/logo.png?X-Signature=secret' }, { kind: 'file', path: '/w/brand/logo.png' }],
    root: '/w/photos', folder: '/w/runcomfy-results/batch-1', label: 'photos', concurrency: 3, unitPrice: 0.03,
    items: [
      { source: '/w/photos/a.png', relative: 'a.png', state: 'saved', jobId: 'j1', requestId: 'r1', files: ['/w/runcomfy-results/batch-1/a-r1.png'], cost: 0.03 },
      { source: '/w/photos/s/b.png', relative: 's/b.png', state: 'failed', jobId: 'j2', requestId: 'r2', error: 'bad' },
      { source: '/w/photos/s/c.png', relative: 's/c.png', state: 'pending' },
    ],
  };

  it('records prompt, options, every item\'s source, request_id, status, files, cost and error, and no signed query', () => {
    const s = batchSummary(batch) as Record<string, any>;
    assert.equal(s.prompt, 'p');
    assert.deepEqual(s.options, { size: '2048x2048(1:1)', scale: 0.5, forceSingle: false, fit: 'auto' });
    assert.deepEqual(s.references, ['https://cdn.example.com/logo.png?…', '../../brand/logo.png']);
    assert.deepEqual(s.estimatedCost, { perImage: 0.03, jobs: 3, total: 0.09 });
    assert.deepEqual(s.counts, { total: 3, done: 1, failed: 1, left: 1 });
    assert.deepEqual(s.items, [
      { source: 'a.png', request_id: 'r1', status: 'succeeded', files: ['a-r1.png'], cost: 0.03 },
      { source: 's/b.png', request_id: 'r2', status: 'failed', files: [], cost: null, error: 'bad' },
      { source: 's/c.png', request_id: null, status: 'pending', files: [], cost: null },
    ]);
    assert.ok(!JSON.stringify(s).includes('secret'));
  });

  it('is rewritten whole, ending with the latest state, and leaves no temp file', async () => {
    const out = tree({});
    const writer = new SummaryWriter(nullLogger);
    const folder = path.join(out, 'b');
    for (let i = 0; i < 20; i++) writer.write({ ...batch, folder, updatedAt: i });
    await writer.flushed();
    const written = JSON.parse(fs.readFileSync(path.join(folder, SUMMARY_FILE), 'utf8'));
    assert.equal(written.updatedAt, new Date(19).toISOString());
    assert.deepEqual(fs.readdirSync(folder), [SUMMARY_FILE]);
  });
});

describe('batch arguments', () => {
  const ws = tree({ 'photos/a.png': '', 'logo.png': '' });
  const message = (raw: unknown) => {
    try {
      parseBatchArgs(raw, [ws]);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts folders, files and references, relative to the workspace', () => {
    const parsed = parseBatchArgs({ images: ['photos'], references: ['logo.png', 'https://example.com/s.png'], prompt: 'x', concurrency: 3, wait: true, fit: 'pad' }, [ws]);
    assert.deepEqual(parsed.images, [path.join(ws, 'photos')]);
    assert.deepEqual(parsed.references, [{ kind: 'file', path: path.join(ws, 'logo.png') }, { kind: 'url', url: 'https://example.com/s.png' }]);
    assert.equal(parsed.concurrency, 3);
    assert.equal(parsed.wait, true);
    assert.equal(parsed.fit, 'pad');
  });

  it('refuses bad arguments with the same sentences as runcomfy.edit where they share a field', () => {
    assert.match(message(null), /runcomfy\.editBatch expects an object/);
    assert.match(message({ images: [], prompt: 'x' }), /"images" must be a list/);
    assert.match(message({ images: ['photos'], prompt: '' }), /prompt/i);
    assert.match(message({ images: ['photos'], prompt: 'x', size: '9x9' }), /is not a size this model offers/);
    assert.match(message({ images: ['photos'], prompt: 'x', scale: 2 }), /scale/);
    assert.match(message({ images: ['photos'], prompt: 'x', concurrency: 11 }), /"concurrency" must be a whole number from 1 to 10/);
    assert.match(message({ images: ['photos'], prompt: 'x', concurrency: 2.5 }), /whole number/);
    assert.match(message({ images: ['https://example.com/a.png'], prompt: 'x' }), /is a URL/);
    assert.match(message({ images: ['photos'], prompt: 'x', references: Array(10).fill('logo.png') }), /at most 9/);
    assert.match(message({ images: ['nowhere'], prompt: 'x' }), /was not found in the workspace folders/);
    assert.match(message({ images: ['photos'], prompt: 'x', fit: 'stretch' }), /"fit" must be one of/);
  });
});

describe('the Jobs view groups a batch', () => {
  const job = (id: string, createdAt: number, batch?: string, state: JobView['state'] = 'queued'): JobView => ({ id, state, prompt: 'p', createdAt, ...(batch ? { batch: { id: batch, label: 'photos' } } : {}) });

  it('puts a batch\'s jobs under one heading where its newest job stands', () => {
    const rows = jobRows([job('x', 9), job('b3', 8, 'B'), job('y', 7), job('b2', 6, 'B', 'saved'), job('b1', 5, 'B')]);
    assert.deepEqual(rows.map((r) => (r.kind === 'batch' ? `[${r.label} ${r.count}/${r.active}]` : r.inBatch ? `  ${r.job.id}` : r.job.id)), ['x', '[photos 3/2]', '  b3', '  b2', '  b1', 'y']);
  });
});

describe('a job\'s batch tag', () => {
  it('stays with the job through every transition and a round trip through storage', () => {
    const at = (wall: number) => ({ wall, mono: wall });
    const fields = { origin: 'submit' as const, prompt: 'p', options: {}, inputs: [], outputDir: '/o', baseName: 'a', batch: { id: 'B', item: 4, label: 'photos' } };
    let job: Job = startSubmission('j1', fields, at(1));
    const events: JobEvent[] = [
      { type: 'accepted', requestId: 'r1', at: at(2) },
      { type: 'polled', remote: 'running', rawStatus: 'in_progress', at: at(3) },
      { type: 'finished', remote: 'succeeded', rawStatus: 'succeeded', outputUrls: ['https://x/1.png'], at: at(4) },
      { type: 'saveEnded', files: [{ url: 'https://x/1.png', path: '/o/a-r1.png' }], outputUrls: ['https://x/1.png'], at: at(5) },
    ];
    for (const event of events) {
      job = transition(job, event) ?? assert.fail(`${event.type} was ignored in ${job.state}`);
      assert.deepEqual(job.batch, fields.batch, `after ${event.type}`);
    }
    assert.equal(job.state, 'saved');
    assert.deepEqual(parseStoredJobs(JSON.parse(JSON.stringify([job])))[0].batch, fields.batch);
  });
});

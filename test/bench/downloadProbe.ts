// Child-process entry for the download benchmark: times one ResultSaver.save() of a large output and samples memory while it runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { createDispatcher } from '../../src/api/http';
import { MODEL_ID } from '../../src/api/schemas';
import { systemClock } from '../../src/common/clock';
import { nullLogger } from '../../src/common/logger';
import { ResultSaver } from '../../src/jobs/resultSaver';

export interface ProbeRequest {
  /** The large output that is measured. */
  url: string;
  requestId: string;
  /** A small output saved first, to warm the code paths without growing the heap to the large file's size. */
  smallUrl: string;
  smallRequestId: string;
  /** Milliseconds between memory samples. */
  sampleMs: number;
  /** Also time the plain transfer parts (no saver) after the measured save, to show where the time goes. */
  breakdown: boolean;
}

export interface ProbeBreakdown {
  /** undici request with the body consumed and dropped: the network part alone. */
  drainMs: number;
  /** The same, each chunk written with an awaited FileHandle.write (the saver's write pattern), no fsync. */
  writeMs: number;
  /** The fsync of that file afterwards. */
  fsyncMs: number;
  chunks: number;
}

export interface ProbeReport {
  gc: boolean;
  /** A warm save of the small output: the saver's fixed cost (folder, lock, temp file, fsync, link, sidecar). */
  smallSaveMs?: number;
  /** The first save of the large output in this process: memory is measured on this one. */
  coldMs?: number;
  /** A second save of the large output in the same process, as in a long-running extension host. */
  warmMs?: number;
  bytes?: number;
  baselineRss?: number;
  peakRssGrowth?: number;
  peakArrayBuffersGrowth?: number;
  peakExternalGrowth?: number;
  peakHeapUsedGrowth?: number;
  samples?: number;
  breakdown?: ProbeBreakdown;
  error?: string;
}

type Gc = () => void;

function collect(): boolean {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function saveOnce(saver: ResultSaver, requestId: string, url: string, dir: string): Promise<number> {
  const outcome = await saver.save({
    requestId,
    outputDir: dir,
    baseName: 'bench',
    urls: [url],
    sidecar: { requestId, model: MODEL_ID, prompt: 'bench', inputs: [] },
  });
  if (outcome.failed.length > 0 || outcome.saved.length !== 1) {
    throw new Error(`the save failed: ${outcome.failed.map((f) => f.error.message).join('; ') || 'nothing saved'}`);
  }
  return outcome.saved[0].bytes;
}

async function timeBreakdown(dispatcher: Dispatcher, url: string, dir: string): Promise<ProbeBreakdown> {
  let started = performance.now();
  let response = await request(url, { dispatcher });
  for await (const _chunk of response.body) {
    // Dropped: only the transfer is timed.
  }
  const drainMs = performance.now() - started;

  const file = path.join(dir, 'breakdown.bin');
  const handle = await fs.promises.open(file, 'wx');
  let chunks = 0;
  try {
    started = performance.now();
    response = await request(url, { dispatcher });
    for await (const chunk of response.body) {
      chunks++;
      await handle.write(chunk as Buffer);
    }
    const writeMs = performance.now() - started;
    started = performance.now();
    await handle.sync();
    const fsyncMs = performance.now() - started;
    return { drainMs, writeMs, fsyncMs, chunks };
  } finally {
    await handle.close();
    fs.rmSync(file, { force: true });
  }
}

export async function runProbe(req: ProbeRequest): Promise<ProbeReport> {
  // An empty environment: loopback traffic must never be routed through a proxy named in the environment.
  const dispatcher = createDispatcher({ env: {} });
  const saver = new ResultSaver({ dispatcher, clock: systemClock, logger: nullLogger, allowedHosts: () => ['127.0.0.1'] });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-bench-save-'));
  const report: ProbeReport = { gc: typeof (globalThis as { gc?: Gc }).gc === 'function' };
  try {
    // A fresh folder for every save: a folder that already holds a request's output is skipped, not saved again.
    await saveOnce(saver, req.smallRequestId, req.smallUrl, path.join(root, 'warm-1'));
    let started = performance.now();
    await saveOnce(saver, req.smallRequestId, req.smallUrl, path.join(root, 'warm-2'));
    report.smallSaveMs = performance.now() - started;

    collect();
    await pause(20);
    collect();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakArrayBuffers = base.arrayBuffers;
    let peakExternal = base.external;
    let peakHeapUsed = base.heapUsed;
    let samples = 0;
    const sample = () => {
      const m = process.memoryUsage();
      samples++;
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.arrayBuffers > peakArrayBuffers) peakArrayBuffers = m.arrayBuffers;
      if (m.external > peakExternal) peakExternal = m.external;
      if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
    };
    const timer = setInterval(sample, req.sampleMs);
    started = performance.now();
    try {
      report.bytes = await saveOnce(saver, req.requestId, req.url, path.join(root, 'measured'));
    } finally {
      clearInterval(timer);
    }
    report.coldMs = performance.now() - started;
    sample();
    Object.assign(report, {
      baselineRss: base.rss,
      peakRssGrowth: peakRss - base.rss,
      peakArrayBuffersGrowth: peakArrayBuffers - base.arrayBuffers,
      peakExternalGrowth: peakExternal - base.external,
      peakHeapUsedGrowth: peakHeapUsed - base.heapUsed,
      samples,
    });
    started = performance.now();
    await saveOnce(saver, req.requestId, req.url, path.join(root, 'warm-large'));
    report.warmMs = performance.now() - started;
    if (req.breakdown) report.breakdown = await timeBreakdown(dispatcher, req.url, root);
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    await dispatcher.close().catch(() => undefined);
  }
  return report;
}

if (require.main === module) {
  const req = JSON.parse(process.argv[2] ?? '{}') as ProbeRequest;
  runProbe(req).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (e: unknown) => process.stdout.write(`${JSON.stringify({ gc: false, error: e instanceof Error ? e.message : String(e) })}\n`),
  );
}

// Batch benchmark: 200 workspace images through the real batch runner, job engine, fitting worker and saver against the emulator, in simulated time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { RunComfyClient } from '../../src/api/client';
import { createDispatcher } from '../../src/api/http';
import { countsOf, itemOutcome } from '../../src/batch/batch';
import { BatchService } from '../../src/batch/batchService';
import { expandSources, labelOf, newBatchFolder, relativeSource } from '../../src/batch/sources';
import { nullLogger } from '../../src/common/logger';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { JobEngine } from '../../src/jobs/engine';
import { prepareInputs } from '../../src/jobs/inputs';
import { ResultSaver } from '../../src/jobs/resultSaver';
import { mostUnfinishedAtOnce, startEmulator } from '../emulator/server';
import { MemoryBatchStore } from '../support/fakeBatchJobs';
import { makePng } from '../support/images';
import { ManualClock } from '../support/manualClock';
import { MemoryJobStore } from '../support/memoryJobStore';
import { REPO_ROOT } from './extensionFigures';
import { fixed, mib, ratio, seededRandom, table, yesNo, type SummaryEntry } from './format';
import { driveClock } from './simulatedTime';
import { BENCH_TOKEN, jobTimings, QUEUE_MS, RUN_MS } from './workload';

const ITEMS = 200;
const CONCURRENCY = 4;
/** Simulated time after which the run stops even if the batch has not finished (the ideal is ~25 minutes). */
const SIMULATED_LIMIT_MS = 4 * 60 * 60_000;
/** Heap growth from start to end, after a full collection, that still counts as flat. */
const FLAT_HEAP_MIB = 16;

export interface BatchBenchResult {
  items: number;
  concurrency: number;
  finished: boolean;
  succeeded: number;
  submits: number;
  statusPolls: number;
  resultReads: number;
  cancels: number;
  downloads: number;
  /** Highest number of the batch's jobs unfinished at once: from the emulator's own timeline, and as the runner counted. */
  mostUnfinishedEmulator: number;
  mostUnfinishedRunner: number;
  simulatedMs: number;
  meanJobMs: number;
  wallMs: number;
  heap: { start: number; peak: number; end: number; atQuarters: number[] };
  rss: { start: number; peak: number; end: number };
  problems: string[];
}

/** A full collection when the runtime allows one, so start and end heap figures compare like with like. */
function collector(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    return () => gc();
  } catch {
    return () => undefined;
  }
}

export async function runBatchBench(): Promise<BatchBenchResult> {
  const gc = collector();
  const clock = new ManualClock();
  const timings = jobTimings(ITEMS, 20250214);
  const emulator = await startEmulator({ clock, queueMs: QUEUE_MS, runMs: RUN_MS, host: '127.0.0.1' });
  for (const t of timings) emulator.nextJob({ queueMs: t.queueMs, runMs: t.runMs });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-bench-batch-'));
  const photos = path.join(work, 'photos');
  const random = seededRandom(99);
  for (let i = 0; i < ITEMS; i++) {
    const file = path.join(photos, `set${Math.floor(i / 50)}`, `photo-${String(i).padStart(3, '0')}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, makePng(200 + Math.floor(random() * 200), 160 + Math.floor(random() * 160), { shade: i % 256 }));
  }
  const dispatcher = createDispatcher({ env: {} });
  const transformer = new WorkerTransformer({ script: path.join(REPO_ROOT, 'dist', 'imageWorker.js'), idleMs: 60_000 });
  const client = new RunComfyClient({ baseUrl: emulator.baseUrl, token: () => BENCH_TOKEN, dispatcher, clock, logger: nullLogger });
  const saver = new ResultSaver({ dispatcher, clock, logger: nullLogger, allowedHosts: () => ['127.0.0.1'] });
  const engine = new JobEngine({ api: client, saver, store: new MemoryJobStore(), clock, logger: nullLogger, random: seededRandom(7) });
  const service = new BatchService({
    engine,
    prepare: (refs, signal, fit) => prepareInputs(refs, { settings: fit, transformer }, signal),
    store: new MemoryBatchStore(),
    logger: nullLogger,
    clock,
  });
  let mostUnfinishedRunner = 0;
  const problems: string[] = [];
  const heapPeak = { heap: 0, rss: 0 };
  const quarters: number[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak.heap = Math.max(heapPeak.heap, m.heapUsed);
    heapPeak.rss = Math.max(heapPeak.rss, m.rss);
  };
  try {
    const found = await expandSources([photos]);
    gc();
    const start = process.memoryUsage();
    const wallStart = performance.now();
    const batch = await service.start({
      origin: 'scripted',
      prompt: 'same white background',
      options: { size: '1024x1024(1:1)', scale: 0.5, forceSingle: true },
      fit: { mode: 'auto', stripMetadata: true },
      references: [],
      root: found.root,
      folder: await newBatchFolder(path.join(work, 'results'), labelOf(found.root), new Date(clock.now())),
      label: labelOf(found.root),
      concurrency: CONCURRENCY,
      items: found.files.map((source) => ({ source, relative: relativeSource(found.root, source) })),
    });
    const sub = service.runner.onDidChange((b) => {
      const c = countsOf(b);
      mostUnfinishedRunner = Math.max(mostUnfinishedRunner, c.inFlight);
      const settled = c.total - c.left;
      if (settled > 0 && settled % (ITEMS / 4) === 0 && quarters.length < settled / (ITEMS / 4)) {
        gc();
        quarters.push(process.memoryUsage().heapUsed);
      }
    });
    const drive = await driveClock(clock, {
      settle: async () => {
        await service.runner.idle();
        await engine.idle();
        sample();
      },
      done: () => service.runner.get(batch.id)?.state === 'finished',
      limitMs: SIMULATED_LIMIT_MS,
      maxSteps: 400_000,
    });
    const wallMs = performance.now() - wallStart;
    sub.dispose();
    await service.flushed();
    const ended = service.runner.get(batch.id)!;
    for (const item of ended.items)
      if (itemOutcome(item) !== 'succeeded') problems.push(`${item.relative}: ${item.state}${item.error ? ` (${item.error})` : ''}`);
    gc();
    const end = process.memoryUsage();
    const s = emulator.stats;
    return {
      items: ITEMS,
      concurrency: CONCURRENCY,
      finished: drive.finished,
      succeeded: ended.items.filter((i) => itemOutcome(i) === 'succeeded').length,
      submits: s.submits,
      statusPolls: s.statusPolls(),
      resultReads: s.resultPolls(),
      cancels: s.cancels(),
      downloads: s.downloads(),
      mostUnfinishedEmulator: mostUnfinishedAtOnce(emulator.jobs()),
      mostUnfinishedRunner,
      simulatedMs: drive.simulatedMs,
      meanJobMs: timings.reduce((sum, t) => sum + t.queueMs + t.runMs, 0) / timings.length,
      wallMs,
      heap: { start: start.heapUsed, peak: heapPeak.heap, end: end.heapUsed, atQuarters: quarters },
      rss: { start: start.rss, peak: heapPeak.rss, end: end.rss },
      problems,
    };
  } finally {
    service.dispose();
    engine.dispose();
    await engine.stopped();
    transformer.dispose();
    await emulator.close();
    await dispatcher.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function reportBatch(r: BatchBenchResult): { text: string; summary: SummaryEntry[] } {
  const ideal = (r.items / r.concurrency) * r.meanJobMs;
  const reads = r.statusPolls + r.resultReads + r.cancels;
  const growth = r.heap.end - r.heap.start;
  const text = [
    `  ${r.items} images in 4 folders, one prompt, concurrency ${r.concurrency}; each job ~${(QUEUE_MS + RUN_MS) / 1000} s at the emulator (±10%),`,
    '  real runner, engine, fitting worker and saver; simulated clock (round trips take 0 simulated ms).',
    '',
    table(
      ['', 'value'],
      [
        ['items succeeded', `${r.succeeded}/${r.items}`],
        ['submits', r.submits],
        ['requests per job (status + result + cancel)', fixed(reads / r.items, 1)],
        ['requests per job (with submit and download)', fixed((reads + r.submits + r.downloads) / r.items, 1)],
        ['most unfinished at once (emulator timeline)', r.mostUnfinishedEmulator],
        ['most unfinished at once (runner)', r.mostUnfinishedRunner],
        ['simulated time (s)', fixed(r.simulatedMs / 1000, 1)],
        ['ideal: items / concurrency x mean job time (s)', fixed(ideal / 1000, 1)],
        ['time / ideal', ratio(r.simulatedMs, ideal, 3)],
        ['wall time (s)', fixed(r.wallMs / 1000, 1)],
        ['heap start / peak / end (MiB)', `${mib(r.heap.start)} / ${mib(r.heap.peak)} / ${mib(r.heap.end)}`],
        ['heap after each quarter of the items (MiB)', r.heap.atQuarters.map((h) => mib(h)).join(' / ')],
        ['rss start / peak / end (MiB)', `${mib(r.rss.start)} / ${mib(r.rss.peak)} / ${mib(r.rss.end)}`],
      ],
    ),
  ];
  for (const p of r.problems.slice(0, 10)) text.push(`  problem: ${p}`);
  const summary: SummaryEntry[] = [
    ['batch.items', r.items],
    ['batch.concurrency', r.concurrency],
    ['batch.succeeded', r.succeeded],
    ['batch.submits', r.submits],
    ['batch.requests_per_job', fixed(reads / r.items, 2)],
    ['batch.most_unfinished_emulator', r.mostUnfinishedEmulator],
    ['batch.most_unfinished_runner', r.mostUnfinishedRunner],
    ['batch.time_over_ideal', ratio(r.simulatedMs, ideal, 3)],
    ['batch.wall_seconds', fixed(r.wallMs / 1000, 1)],
    ['batch.heap_start_mib', mib(r.heap.start)],
    ['batch.heap_peak_mib', mib(r.heap.peak)],
    ['batch.heap_end_mib', mib(r.heap.end)],
    ['batch.rss_start_mib', mib(r.rss.start)],
    ['batch.rss_peak_mib', mib(r.rss.peak)],
    ['batch.rss_end_mib', mib(r.rss.end)],
    ['batch.goal.every_item_once', yesNo(r.submits === r.items)],
    ['batch.goal.limit_held', yesNo(r.mostUnfinishedEmulator <= r.concurrency && r.mostUnfinishedRunner <= r.concurrency)],
    ['batch.goal.heap_flat', yesNo(growth < FLAT_HEAP_MIB * 1024 * 1024)],
    ['batch.finished', yesNo(r.finished)],
  ];
  return { text: text.join('\n'), summary };
}

// Benchmark entry: polling cost and latency, download speed and memory, extension bundle figures, activation against an empty extension, image fitting, batches, panel paint; prints tables and a key: value summary.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { reportActivation, runActivationBench } from './activationBench';
import { reportBatch, runBatchBench } from './batchBench';
import { reportDownload, runDownloadBench } from './downloadBench';
import { readExtensionFigures, reportExtension } from './extensionFigures';
import { reportImageFit, runImageFitBench } from './imageFitBench';
import type { SummaryEntry } from './format';
import { reportPanelPaint, runPanelPaintBench } from './panelPaintBench';
import { reportPolling, runPollingBench } from './pollingBench';

/** The whole run is bounded: past this, whatever is still running is abandoned and the run fails (activation starts VS Code 5 times, panel paint once more). */
const WATCHDOG_MS = 900_000;

interface Section {
  title: string;
  key: string;
  run: () => Promise<{ text: string; summary: SummaryEntry[] }>;
}

const SECTIONS: Section[] = [
  {
    title: '1. Polling: 50 concurrent jobs per workload, JobEngine vs a naive 500 ms poller',
    key: 'polling',
    run: async () => reportPolling(await runPollingBench()),
  },
  { title: '2. Download: ResultSaver.save() vs curl', key: 'download', run: async () => reportDownload(await runDownloadBench()) },
  { title: '3. Extension figures', key: 'extension', run: async () => reportExtension(readExtensionFigures()) },
  {
    title: '4. Activation in the real extension host: ours vs an empty extension in the same host',
    key: 'activation',
    run: async () => reportActivation(await runActivationBench()),
  },
  { title: '5. Fitting local images: worker pipeline vs ImageMagick convert', key: 'fit', run: async () => reportImageFit(await runImageFitBench()) },
  { title: '6. Batch: 200 images, concurrency 4, against the emulator', key: 'batch', run: async () => reportBatch(await runBatchBench()) },
  {
    title: '7. Panel first paint: the RunComfy panel vs a minimal webview panel, in code-server + chromium',
    key: 'paint',
    run: async () => reportPanelPaint(await runPanelPaintBench()),
  },
];

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  const started = performance.now();
  const summary: SummaryEntry[] = [];
  let crashed = false;
  print(`RunComfy bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPU(s)`);
  // BENCH_ONLY=polling,extension runs only those sections (while working on one of them).
  const only = process.env.BENCH_ONLY?.split(',').map((k) => k.trim());
  for (const section of SECTIONS.filter((s) => !only || only.includes(s.key))) {
    print();
    print(`== ${section.title} ==`);
    const sectionStarted = performance.now();
    try {
      const { text, summary: entries } = await section.run();
      print(text);
      summary.push(...entries);
    } catch (e) {
      crashed = true;
      print(`  crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      summary.push([`${section.key}.crashed`, 'yes']);
    }
    summary.push([`${section.key}.seconds`, ((performance.now() - sectionStarted) / 1000).toFixed(1)]);
  }
  summary.push(['bench.seconds', ((performance.now() - started) / 1000).toFixed(1)]);
  print();
  print('== Summary ==');
  for (const [key, value] of summary) print(`${key}: ${value}`);
  return crashed ? 1 : 0;
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${WATCHDOG_MS / 1000} s; giving up\n`);
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);

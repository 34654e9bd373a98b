// Image fitting: the worker pipeline against ImageMagick's convert on the same files, event-loop stalls, memory, and .vsix weight.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { WorkerTransformer } from '../../src/imaging/workerClient';
import { prepareInputs } from '../../src/jobs/inputs';
import { GPS_EXIF, photo } from '../support/photoFixtures';
import { REPO_ROOT } from './extensionFigures';
import { fixed, mib, ratio, table, type SummaryEntry } from './format';

const CONVERT = '/usr/bin/convert';
/** Files the image worker adds to the package; everything else was there before it. */
const IMAGE_FILES = /^dist\/(imageWorker\.js|sharp-wasm32-.*|libheif\.wasm|licenses\/.*)$/;

interface Fixture {
  key: string;
  label: string;
  file: string;
}

interface Measured {
  fixture: Fixture;
  bytes: number;
  sent: string;
  coldMs: number;
  warmMs: number;
  peakMb: number;
  convertMs?: number;
  convertPeakMb?: number;
  convertError?: string;
}

async function makeFixtures(dir: string): Promise<Fixture[]> {
  const jpeg = path.join(dir, 'phone-6000x4000-o6-gps.jpg');
  fs.writeFileSync(jpeg, await photo(6000, 4000).withExif(GPS_EXIF).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer());
  const png = path.join(dir, 'screen-4600x3100.png');
  fs.writeFileSync(png, await photo(4600, 3100, 3, 0).png().toBuffer());
  const webp = path.join(dir, 'shot-3000x2000.webp');
  fs.writeFileSync(webp, await photo(3000, 2000).webp({ quality: 90 }).toBuffer());
  return [
    { key: 'jpeg', label: '6000×4000 JPEG, orientation 6, GPS', file: jpeg },
    { key: 'png', label: `${(fs.statSync(png).size / 1e6).toFixed(0)} MB PNG 4600×3100`, file: png },
    { key: 'webp', label: '3000×2000 WebP', file: webp },
  ];
}

/** Peak resident memory above the starting point while `work` runs, sampled every 10 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMb: (peak - base) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/** The same orient + Lanczos resize + strip + JPEG q90 encode by ImageMagick, with its peak memory from GNU time when present. */
function runConvert(input: string, output: string): Promise<{ ms: number; peakMb?: number }> {
  const args = [input, '-auto-orient', '-filter', 'Lanczos', '-resize', '4096x4096>', '-strip', '-quality', '90', output];
  const timed = fs.existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = timed ? spawn('/usr/bin/time', ['-f', 'peak %M', CONVERT, ...args]) : spawn(CONVERT, args);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`convert exited with ${code}: ${stderr.trim().slice(0, 200)}`));
      const peak = /peak (\d+)/.exec(stderr);
      resolve({ ms, peakMb: peak ? Number(peak[1]) / 1024 : undefined });
    });
  });
}

/** The compressed size each file takes in the .vsix, from the packaged file when there is one, else by deflating dist/. */
export function vsixWeight(root = REPO_ROOT): { before: number; after: number; source: string } {
  const listed = [
    'package.json',
    'package.nls.json',
    'package.nls.ru.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'media/icon.png',
    'l10n/bundle.l10n.ru.json',
  ];
  const dist = fs.existsSync(path.join(root, 'dist'))
    ? fs.readdirSync(path.join(root, 'dist'), { recursive: true, encoding: 'utf8' }).map((f) => `dist/${f}`)
    : [];
  const files = [...listed, ...dist.filter((f) => !f.endsWith('.map'))].filter(
    (f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile(),
  );
  let before = 0;
  let after = 0;
  for (const file of files) {
    const size = zlib.deflateRawSync(fs.readFileSync(path.join(root, file)), { level: 9 }).length;
    after += size;
    if (!IMAGE_FILES.test(file)) before += size;
  }
  return { before, after, source: 'deflated dist/ and manifest files (npm run package for the real file)' };
}

export async function runImageFitBench(): Promise<{ measured: Measured[]; idleMaxMs: number; loopMaxMs: number; loopP99Ms: number; convertMissing: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fit-bench-'));
  const transformer = new WorkerTransformer({ script: path.join(REPO_ROOT, 'dist', 'imageWorker.js'), idleMs: 60_000 });
  const convertMissing = !fs.existsSync(CONVERT);
  try {
    const fixtures = await makeFixtures(dir);
    const measured: Measured[] = [];
    // A fresh histogram per file: one re-enabled after a pause counts the pause (the convert run) as a stall.
    const loops: ReturnType<typeof monitorEventLoopDelay>[] = [];
    for (const fixture of fixtures) {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loops.push(loop);
      // The whole preparation, as a submit runs it: read, fit, hash and encode the data URI.
      const run = async () => {
        const [prepared] = await prepareInputs([{ kind: 'file', path: fixture.file }], { settings: { mode: 'auto', stripMetadata: true }, transformer });
        return prepared;
      };
      loop.enable();
      // The first fit of all starts the worker and compiles the WebAssembly; each file's second fit is the steady state.
      let started = performance.now();
      const cold = await withPeakRss(run);
      const coldMs = performance.now() - started;
      started = performance.now();
      const warm = await withPeakRss(run);
      const warmMs = performance.now() - started;
      loop.disable();
      const sent = warm.value.fit?.sent;
      const m: Measured = {
        fixture,
        bytes: fs.statSync(fixture.file).size,
        sent: sent ? `${sent.width}×${sent.height} ${sent.format} ${mib(sent.bytes)} MiB` : 'n/a',
        coldMs,
        warmMs,
        peakMb: Math.max(cold.peakMb, warm.peakMb),
      };
      if (!convertMissing) {
        try {
          const convert = await runConvert(fixture.file, path.join(dir, `${fixture.key}-convert.jpg`));
          m.convertMs = convert.ms;
          m.convertPeakMb = convert.peakMb;
        } catch (e) {
          m.convertError = e instanceof Error ? e.message : String(e);
        }
      }
      measured.push(m);
    }
    // The same histogram over an idle stretch in the same run: on a busy machine the OS alone delays timers.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    idle.disable();
    return {
      measured,
      idleMaxMs: idle.max / 1e6,
      loopMaxMs: Math.max(...loops.map((l) => l.max)) / 1e6,
      loopP99Ms: Math.max(...loops.map((l) => l.percentile(99))) / 1e6,
      convertMissing,
    };
  } finally {
    transformer.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function reportImageFit(r: Awaited<ReturnType<typeof runImageFitBench>>): { text: string; summary: SummaryEntry[] } {
  const summary: SummaryEntry[] = [];
  const rows = r.measured.map((m) => [
    m.fixture.label,
    fixed(m.bytes / 1e6, 1),
    m.sent,
    fixed(m.coldMs, 0),
    fixed(m.warmMs, 0),
    fixed(m.peakMb, 0),
    m.convertError ? 'failed' : fixed(m.convertMs, 0),
    fixed(m.convertPeakMb, 0),
    ratio(m.warmMs, m.convertMs),
  ]);
  for (const m of r.measured) {
    summary.push([`fit.${m.fixture.key}.warm_ms`, fixed(m.warmMs, 0)], [`fit.${m.fixture.key}.cold_ms`, fixed(m.coldMs, 0)]);
    summary.push([`fit.${m.fixture.key}.peak_mb`, fixed(m.peakMb, 0)], [`fit.${m.fixture.key}.convert_ms`, fixed(m.convertMs, 0)]);
    summary.push([`fit.${m.fixture.key}.ratio_to_convert`, ratio(m.warmMs, m.convertMs)]);
  }
  const weight = vsixWeight();
  summary.push(
    ['fit.event_loop_max_ms', fixed(r.loopMaxMs, 1)],
    ['fit.event_loop_p99_ms', fixed(r.loopP99Ms, 1)],
    ['fit.event_loop_idle_max_ms', fixed(r.idleMaxMs, 1)],
  );
  summary.push(['fit.os', `${os.loadavg()[0].toFixed(1)} load on ${os.cpus().length} CPU(s)`]);
  summary.push(['fit.vsix_before_mb', mib(weight.before, 2)], ['fit.vsix_after_mb', mib(weight.after, 2)]);
  const text = [
    table(['input', 'MB', 'sent', 'first ms', 'again ms', 'peak MB', 'convert ms', 'convert MB', 'again/convert'], rows),
    '',
    `  extension host event loop while fitting: max ${fixed(r.loopMaxMs, 1)} ms, p99 ${fixed(r.loopP99Ms, 1)} ms; idle baseline max ${fixed(r.idleMaxMs, 1)} ms`,
    `  (10 ms resolution; goal: never above 50 ms; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPU(s), which delays timers by itself)`,
    `  .vsix: ${mib(weight.before, 2)} MiB without the image worker, ${mib(weight.after, 2)} MiB with it (${weight.source}; goal < 15 MB)`,
    '  "first" includes starting the worker and compiling WebAssembly; peak MB is the process RSS above its start (worker included);',
    '  convert: ImageMagick with -auto-orient -filter Lanczos -resize 4096x4096> -strip -quality 90, in the same run.',
    ...r.measured.filter((m) => m.convertError).map((m) => `  convert failed on ${m.fixture.label}: ${m.convertError}`),
    ...(r.convertMissing ? ["  convert: not installed (bash scripts/installTestTools.sh installs Debian's imagemagick)"] : []),
  ];
  return { text: text.join('\n'), summary };
}

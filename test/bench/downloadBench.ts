// Download benchmark: ResultSaver.save() of 10, 40 and 160 MiB outputs from an emulator process, against curl, with peak memory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent, request } from 'undici';
import { fixed, max, median, mib, MIB, min, ratio, table, yesNo, type SummaryEntry } from './format';
import type { ProbeBreakdown, ProbeReport, ProbeRequest } from './downloadProbe';
import { BENCH_TOKEN, SUBMIT_PATH, submitBody } from './workload';

/** 40 MiB is the case of interest; 10 MiB and 160 MiB show whether memory follows the file size. */
export const DOWNLOAD_SIZES = [10 * MIB, 40 * MIB, 160 * MIB] as const;
const RUNS = 5;
const SAMPLE_MS = 2;
const EMULATOR_MAIN = path.join(__dirname, '..', 'emulator', 'main.js');
const PROBE_MAIN = path.join(__dirname, 'downloadProbe.js');
/** The saver may take at most this multiple of curl's time. */
export const CURL_GOAL = 1.2;
/**
 * Memory counts as flat when peak RSS grows by less than this many bytes per extra byte of file: holding the file
 * in memory gives 1 or more, and run-to-run RSS noise (~10 MiB) over the 10-160 MiB span stays well below it.
 */
const FLAT_SLOPE = 0.25;

interface CurlRun {
  /** From spawning curl to its exit. */
  wallMs: number;
  /** curl's own `time_total`: the transfer, without process start-up. */
  transferMs: number;
  bytes: number;
}

interface CurlResult {
  available: boolean;
  runs: CurlRun[];
  error?: string;
}

export interface SizeResult {
  padBytes: number;
  /** One fresh saver process per run. */
  probes: ProbeReport[];
  curl: CurlResult;
  error?: string;
}

export interface DownloadResult {
  sizes: SizeResult[];
  error?: string;
}

/** Child processes still running: killed when this process exits, however it exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

interface EmulatorProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** The emulator runs in its own process, so neither client shares an event loop (or RSS) with the server. */
function startEmulatorProcess(padBytes: number): Promise<EmulatorProcess> {
  const child = track(
    spawn(process.execPath, [EMULATOR_MAIN, '--port', '0', '--queue-ms', '0', '--run-ms', '0', '--pad-bytes', String(padBytes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 2000);
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the emulator did not start within 15 s ${err.trim()}`));
    }, 15_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ baseUrl: m[1], stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited early (code ${code}) ${err.trim()}`));
    });
  });
}

/** Submits one single-output job (queue and run take 0 ms) and returns its output URL once it has succeeded. */
async function finishedOutput(baseUrl: string): Promise<{ requestId: string; url: string }> {
  const agent = new Agent();
  const headers = { accept: 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };
  try {
    const submitted = await request(`${baseUrl}${SUBMIT_PATH}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(submitBody('download benchmark')),
    });
    const answer = (await submitted.body.json()) as { request_id?: string };
    if (submitted.statusCode !== 200 || !answer.request_id) throw new Error(`the submit answered HTTP ${submitted.statusCode}`);
    for (let i = 0; i < 50; i++) {
      const res = await request(`${baseUrl}/v1/requests/${answer.request_id}/result`, { dispatcher: agent, headers });
      const result = (await res.body.json()) as { status?: string; output?: { image?: string; images?: string[] } };
      const url = result.output?.image ?? result.output?.images?.[0];
      if (result.status === 'succeeded' && url) return { requestId: answer.request_id, url };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the job did not succeed in time');
  } finally {
    await agent.close();
  }
}

/** Runs the saver in a child node with --expose-gc, so memory is measured after a real collection. */
function runProbeProcess(req: ProbeRequest): Promise<ProbeReport> {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, ['--expose-gc', PROBE_MAIN, JSON.stringify(req)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ProbeReport);
      } catch {
        resolve({ gc: false, error: `the probe exited (${signal ?? code}) without a report ${err.trim().slice(0, 300)}` });
      }
    });
  });
}

function curlAvailable(): boolean {
  const r = spawnSync('curl', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function curlOnce(url: string, file: string): Promise<CurlRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // --noproxy: the transfer stays on loopback whatever the environment says.
    const child = track(spawn('curl', ['-s', '--noproxy', '*', '-o', file, '-w', '%{time_total}', url], { stdio: ['ignore', 'pipe', 'ignore'] }));
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`curl exited with code ${code}`));
        return;
      }
      const bytes = fs.statSync(file).size;
      resolve({ wallMs, transferMs: Number(out.trim()) * 1000, bytes });
    });
  });
}

async function curlRun(url: string, dir: string, i: number): Promise<CurlRun> {
  const file = path.join(dir, `curl-${i}.bin`);
  try {
    return await curlOnce(url, file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Saver and curl runs alternate, so a drift in machine load hits both alike. */
async function runSize(padBytes: number, small: { requestId: string; url: string }): Promise<SizeResult> {
  let emulator: EmulatorProcess | undefined;
  const result: SizeResult = { padBytes, probes: [], curl: { available: curlAvailable(), runs: [] } };
  const curlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-bench-curl-'));
  try {
    emulator = await startEmulatorProcess(padBytes);
    const { requestId, url } = await finishedOutput(emulator.baseUrl);
    // Warm-up: the emulator builds the padded file on the first request, and curl's first start is slower.
    if (result.curl.available) {
      await curlRun(url, curlDir, 0).catch((e: unknown) => {
        result.curl.error = e instanceof Error ? e.message : String(e);
      });
    }
    for (let i = 1; i <= RUNS; i++) {
      result.probes.push(await runProbeProcess({ url, requestId, smallUrl: small.url, smallRequestId: small.requestId, sampleMs: SAMPLE_MS, breakdown: true }));
      if (result.curl.available && !result.curl.error) {
        try {
          result.curl.runs.push(await curlRun(url, curlDir, i));
        } catch (e) {
          result.curl.error = e instanceof Error ? e.message : String(e);
        }
      }
    }
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  } finally {
    await emulator?.stop();
    fs.rmSync(curlDir, { recursive: true, force: true });
  }
  return result;
}

export async function runDownloadBench(): Promise<DownloadResult> {
  const sizes: SizeResult[] = [];
  // A small output (no padding) that every saver process saves first, to warm its code paths.
  let smallEmulator: EmulatorProcess | undefined;
  try {
    smallEmulator = await startEmulatorProcess(0);
    const small = await finishedOutput(smallEmulator.baseUrl);
    for (const padBytes of DOWNLOAD_SIZES) sizes.push(await runSize(padBytes, small));
  } catch (e) {
    return { sizes, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await smallEmulator?.stop();
  }
  return { sizes };
}

interface SizeFigures {
  label: string;
  key: string;
  bytes?: number;
  saverMs?: number;
  saverColdMs?: number;
  curlMs?: number;
  curlWallMs?: number;
  peakRss?: number;
  peakRssWorst?: number;
  peakArrayBuffers?: number;
  peakExternal?: number;
  smallSaveMs?: number;
  drainMs?: number;
  writeMs?: number;
  fsyncMs?: number;
  writeAndFsyncMs?: number;
  chunkKiB?: number;
}

function defined(values: ReadonlyArray<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** Times are the best run; memory is the median run (RSS moves by tens of MiB with GC timing), and its worst. */
function figures(s: SizeResult): SizeFigures {
  const ok = s.probes.filter((p) => !p.error);
  const breakdowns = ok.map((p) => p.breakdown).filter((b): b is ProbeBreakdown => b !== undefined);
  const bytes = ok[0]?.bytes ?? s.curl.runs[0]?.bytes;
  const chunks = breakdowns[0]?.chunks;
  return {
    label: `${Math.round(s.padBytes / MIB)} MiB`,
    key: `${Math.round(s.padBytes / MIB)}mib`,
    bytes,
    saverMs: min(defined(ok.map((p) => p.warmMs))),
    saverColdMs: min(defined(ok.map((p) => p.coldMs))),
    curlMs: min(s.curl.runs.map((r) => r.transferMs)),
    curlWallMs: min(s.curl.runs.map((r) => r.wallMs)),
    peakRss: median(defined(ok.map((p) => p.peakRssGrowth))),
    peakRssWorst: max(defined(ok.map((p) => p.peakRssGrowth))),
    peakArrayBuffers: median(defined(ok.map((p) => p.peakArrayBuffersGrowth))),
    peakExternal: median(defined(ok.map((p) => p.peakExternalGrowth))),
    smallSaveMs: min(defined(ok.map((p) => p.smallSaveMs))),
    drainMs: min(breakdowns.map((b) => b.drainMs)),
    writeMs: min(breakdowns.map((b) => b.writeMs)),
    fsyncMs: min(breakdowns.map((b) => b.fsyncMs)),
    writeAndFsyncMs: min(breakdowns.map((b) => b.writeMs + b.fsyncMs)),
    chunkKiB: bytes !== undefined && chunks ? bytes / chunks / 1024 : undefined,
  };
}

function mibPerSecond(bytes: number | undefined, ms: number | undefined): number | undefined {
  if (bytes === undefined || ms === undefined || ms <= 0) return undefined;
  return bytes / MIB / (ms / 1000);
}

export function reportDownload(r: DownloadResult): { text: string; summary: SummaryEntry[] } {
  const f = r.sizes.map(figures);
  const curlMissing = r.sizes.length > 0 && r.sizes.every((s) => !s.curl.available);
  const curl = (v: string) => (curlMissing ? 'n/a' : v);
  const text: string[] = [
    `  one output (force_single) served by an emulator process on 127.0.0.1; ${RUNS} runs per size, saver and curl alternating.`,
    `  saver = ResultSaver.save() (folder, lock file, temp file, streamed body, fsync, link, sidecar) in a fresh`,
    `  node --expose-gc process per run: two small warm-up saves, gc, then the first large save (memory sampled every`,
    `  ${SAMPLE_MS} ms against the post-gc baseline), then a second large save ("warm"). curl = curl -s -o <tmpfile> <url>.`,
    `  Times are the best run.`,
    '',
    table(
      ['', ...f.map((x) => x.label)],
      [
        ['file size (MiB)', ...f.map((x) => mib(x.bytes, 2))],
        ['saver time, warm process (ms)', ...f.map((x) => fixed(x.saverMs, 1))],
        ['saver time, first large save (ms)', ...f.map((x) => fixed(x.saverColdMs, 1))],
        ['curl time_total (ms)', ...f.map((x) => curl(fixed(x.curlMs, 1)))],
        ['curl wall incl. process start (ms)', ...f.map((x) => curl(fixed(x.curlWallMs, 1)))],
        ['ratio saver / curl time_total', ...f.map((x) => curl(ratio(x.saverMs, x.curlMs, 2)))],
        ['ratio saver first save / curl time_total', ...f.map((x) => curl(ratio(x.saverColdMs, x.curlMs, 2)))],
        ['ratio saver / curl wall', ...f.map((x) => curl(ratio(x.saverMs, x.curlWallMs, 2)))],
        ['saver MiB/s', ...f.map((x) => fixed(mibPerSecond(x.bytes, x.saverMs), 0))],
        ['curl MiB/s (time_total)', ...f.map((x) => curl(fixed(mibPerSecond(x.bytes, x.curlMs), 0)))],
        ['peak RSS growth, median run (MiB)', ...f.map((x) => mib(x.peakRss, 1))],
        ['peak RSS growth, worst run (MiB)', ...f.map((x) => mib(x.peakRssWorst, 1))],
        ['peak arrayBuffers growth, median (MiB)', ...f.map((x) => mib(x.peakArrayBuffers, 1))],
        ['peak external growth, median (MiB)', ...f.map((x) => mib(x.peakExternal, 1))],
      ],
    ),
    '',
    "  where the saver's time goes (same process, plain undici, no saver):",
    table(
      ['', ...f.map((x) => x.label)],
      [
        ['saver on a small file: fixed cost (ms)', ...f.map((x) => fixed(x.smallSaveMs, 1))],
        ['undici transfer, body dropped (ms)', ...f.map((x) => fixed(x.drainMs, 1))],
        ['undici + awaited write per chunk (ms)', ...f.map((x) => fixed(x.writeMs, 1))],
        ['fsync of that file (ms)', ...f.map((x) => fixed(x.fsyncMs, 1))],
        ['transfer + awaited writes + fsync (ms)', ...f.map((x) => fixed(x.writeAndFsyncMs, 1))],
        ['average chunk (KiB)', ...f.map((x) => fixed(x.chunkKiB, 1))],
      ],
    ),
  ];
  if (curlMissing) text.push('  curl not available: the curl ratio is skipped');
  if (r.error) text.push(`  problem: ${r.error}`);
  for (const s of r.sizes) {
    const where = `${Math.round(s.padBytes / MIB)} MiB`;
    const problems = [s.error, s.curl.error, ...s.probes.map((p) => p.error)].filter((p): p is string => !!p);
    for (const p of [...new Set(problems)]) text.push(`  problem (${where}): ${p}`);
    if (s.probes.some((p) => !p.error && !p.gc)) text.push(`  note (${where}): global.gc was not exposed; baselines are without a collection`);
  }

  const slope = (from: SizeFigures | undefined, to: SizeFigures | undefined): number | undefined =>
    from?.peakRss !== undefined && to?.peakRss !== undefined && from.bytes !== undefined && to.bytes !== undefined && to.bytes > from.bytes
      ? (to.peakRss - from.peakRss) / (to.bytes - from.bytes)
      : undefined;
  const small = f.find((x) => x.key === '10mib');
  const big = f.find((x) => x.key === '40mib');
  const largest = f.length > 0 ? f[f.length - 1] : undefined;
  const slopeSmallBig = slope(small, big);
  const slopeWide = slope(small, largest);
  text.push(
    '',
    `  peak RSS growth per extra MiB of file (median runs; a copy of the file in memory would be >= 1; flat below ${FLAT_SLOPE}):`,
    `    10 -> 40 MiB: ${fixed(slopeSmallBig, 3)} MiB/MiB    10 -> ${largest?.label ?? '?'}: ${fixed(slopeWide, 3)} MiB/MiB`,
  );

  const summary: SummaryEntry[] = [];
  const na = 'curl not available';
  for (const x of f) {
    summary.push(
      [`download.${x.key}.bytes`, x.bytes ?? 'n/a'],
      [`download.${x.key}.saver_ms`, fixed(x.saverMs, 1)],
      [`download.${x.key}.saver_first_save_ms`, fixed(x.saverColdMs, 1)],
      [`download.${x.key}.curl_ms`, curlMissing ? na : fixed(x.curlMs, 1)],
      [`download.${x.key}.curl_wall_ms`, curlMissing ? na : fixed(x.curlWallMs, 1)],
      [`download.${x.key}.ratio_saver_over_curl`, curlMissing ? na : ratio(x.saverMs, x.curlMs, 2)],
      [`download.${x.key}.ratio_saver_over_curl_wall`, curlMissing ? na : ratio(x.saverMs, x.curlWallMs, 2)],
      [`download.${x.key}.saver_mib_per_s`, fixed(mibPerSecond(x.bytes, x.saverMs), 0)],
      [`download.${x.key}.curl_mib_per_s`, curlMissing ? na : fixed(mibPerSecond(x.bytes, x.curlMs), 0)],
      [`download.${x.key}.peak_rss_growth_mib`, mib(x.peakRss, 1)],
      [`download.${x.key}.peak_rss_growth_worst_mib`, mib(x.peakRssWorst, 1)],
      [`download.${x.key}.peak_array_buffers_growth_mib`, mib(x.peakArrayBuffers, 1)],
      [`download.${x.key}.saver_fixed_cost_ms`, fixed(x.smallSaveMs, 1)],
      [`download.${x.key}.fsync_ms`, fixed(x.fsyncMs, 1)],
    );
  }
  const bigRatio = big?.saverMs !== undefined && big.curlMs !== undefined ? big.saverMs / big.curlMs : undefined;
  const bigWallRatio = big?.saverMs !== undefined && big.curlWallMs !== undefined ? big.saverMs / big.curlWallMs : undefined;
  summary.push(
    ['download.rss_growth_slope_10_to_40_mib_per_mib', fixed(slopeSmallBig, 3)],
    [`download.rss_growth_slope_10_to_${largest ? Math.round((largest.bytes ?? 0) / MIB) : 'largest'}_mib_per_mib`, fixed(slopeWide, 3)],
    ['download.gc_exposed', yesNo(r.sizes.length > 0 && r.sizes.every((s) => s.probes.length > 0 && s.probes.every((p) => p.gc)))],
    ['download.goal.within_1_2x_curl_40mib', curlMissing ? na : yesNo(bigRatio === undefined ? undefined : bigRatio <= CURL_GOAL)],
    ['download.goal.within_1_2x_curl_wall_40mib', curlMissing ? na : yesNo(bigWallRatio === undefined ? undefined : bigWallRatio <= CURL_GOAL)],
    // The wide span decides: over 30 MiB, run-to-run RSS noise alone can exceed the threshold.
    ['download.goal.memory_flat', yesNo(slopeWide === undefined ? undefined : slopeWide < FLAT_SLOPE)],
  );
  return { text: text.join('\n'), summary };
}

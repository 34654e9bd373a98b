// Polling benchmark: per workload, 50 concurrent jobs tracked by the real JobEngine on one pooled dispatcher versus 50 naive 500 ms loops, in simulated time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunComfyClient } from '../../src/api/client';
import { createDispatcher, DEFAULT_POOL_SIZE } from '../../src/api/http';
import { nullLogger } from '../../src/common/logger';
import { JobEngine } from '../../src/jobs/engine';
import { hasRequestId } from '../../src/jobs/job';
import { outcomeFor } from '../../src/jobs/outcome';
import { ResultSaver } from '../../src/jobs/resultSaver';
import { DEFAULT_POLL_POLICY } from '../../src/jobs/scheduler';
import { MemoryJobStore } from '../support/memoryJobStore';
import { startEmulator, type Emulator } from '../emulator/server';
import { ManualClock } from '../support/manualClock';
import { fixed, int, max, median, percentile, ratio, seededRandom, table, yesNo, type SummaryEntry } from './format';
import { NaivePoller } from './naivePoller';
import { driveClock, type DriveOutcome } from './simulatedTime';
import { BENCH_TOKEN, JOB_COUNT, inputDataUri, NAIVE_INTERVAL_MS, pollingWorkloads, PROMPT, QUEUE_MS, RUN_MS, type JobTiming, type Workload } from './workload';

/** Simulated time after which a side stops even if some job is still unfinished (jobs take ~30 s to ~2 min). */
const SIMULATED_LIMIT_MS = 10 * 60_000;

/** The issue's goals for notice latency and cost. */
const GOAL_MEDIAN_MS = 1000;
const GOAL_P90_MS = 2500;
const GOAL_REQUESTS_SHARE = 0.15;

export interface SideResult {
  jobs: number;
  finished: number;
  submits: number;
  statusPolls: number;
  resultPolls: number;
  /** Status and result reads: what polling costs. */
  requests: number;
  downloads: number;
  connections: number;
  /** Simulated ms from each job's completion in the emulator to the moment the poller noticed it. */
  latencies: number[];
  drive: DriveOutcome;
  wallMs: number;
  problems: string[];
}

export interface PollingResult {
  workload: Workload;
  engine: SideResult;
  naive: SideResult;
}

function counts(emulator: Emulator): Pick<SideResult, 'submits' | 'statusPolls' | 'resultPolls' | 'requests' | 'downloads' | 'connections'> {
  const s = emulator.stats;
  return {
    submits: s.submits,
    statusPolls: s.statusPolls(),
    resultPolls: s.resultPolls(),
    requests: s.statusPolls() + s.resultPolls(),
    downloads: s.downloads(),
    connections: s.connections,
  };
}

function startEmulatorFor(clock: ManualClock, timings: readonly JobTiming[]): Promise<Emulator> {
  return startEmulator({ clock, queueMs: QUEUE_MS, runMs: RUN_MS, host: '127.0.0.1' }).then((emulator) => {
    for (const t of timings) emulator.nextJob({ queueMs: t.queueMs, runMs: t.runMs });
    return emulator;
  });
}

async function runEngine(timings: readonly JobTiming[]): Promise<SideResult> {
  const clock = new ManualClock();
  const emulator = await startEmulatorFor(clock, timings);
  // An empty environment: loopback traffic must never be routed through a proxy named in the environment.
  const dispatcher = createDispatcher({ env: {} });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-bench-poll-'));
  const client = new RunComfyClient({ baseUrl: emulator.baseUrl, token: () => BENCH_TOKEN, dispatcher, clock, logger: nullLogger });
  const saver = new ResultSaver({ dispatcher, clock, logger: nullLogger, allowedHosts: () => ['127.0.0.1'] });
  const engine = new JobEngine({ api: client, saver, store: new MemoryJobStore(), clock, logger: nullLogger, random: seededRandom(7) });
  const noticedAt = new Map<string, number>();
  const settled = new Set<string>();
  const problems: string[] = [];
  const subscription = engine.onDidChange(({ job, previous }) => {
    if (job.state === 'saving' && previous?.state !== 'saving' && !noticedAt.has(job.id)) noticedAt.set(job.id, clock.now());
    if (outcomeFor(job)) settled.add(job.id);
  });
  const wallStart = performance.now();
  try {
    const jobs = await Promise.all(
      timings.map((_, i) =>
        engine.submit({
          imageValues: [inputDataUri()],
          inputs: [{ label: 'input.png', summary: 'input.png (bench)' }],
          prompt: `${PROMPT} #${i}`,
          options: { forceSingle: true },
          outputDir,
          baseName: `bench-${i}`,
        }),
      ),
    );
    const drive = await driveClock(clock, {
      settle: () => engine.idle(),
      done: () => jobs.every((j) => settled.has(j.id)),
      limitMs: SIMULATED_LIMIT_MS,
    });
    const wallMs = performance.now() - wallStart;
    const latencies: number[] = [];
    for (const j of jobs) {
      const finishedAt = hasRequestId(j) ? emulator.job(j.requestId)?.finishedAt : undefined;
      const noticed = noticedAt.get(j.id);
      if (finishedAt === undefined || noticed === undefined) continue;
      latencies.push(noticed - finishedAt);
    }
    for (const j of jobs) {
      const now = engine.get(j.id);
      if (now?.state !== 'saved')
        problems.push(
          `engine job ${hasRequestId(j) ? j.requestId : j.id} ended ${now?.state ?? 'missing'}${now?.state === 'saveFailed' ? `: ${now.error}` : ''}`,
        );
    }
    return { jobs: jobs.length, finished: noticedAt.size, ...counts(emulator), latencies, drive, wallMs, problems };
  } finally {
    subscription.dispose();
    engine.dispose();
    await engine.stopped();
    await emulator.close();
    await dispatcher.close();
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}

async function runNaive(timings: readonly JobTiming[]): Promise<SideResult> {
  const clock = new ManualClock();
  const emulator = await startEmulatorFor(clock, timings);
  const poller = new NaivePoller({ baseUrl: emulator.baseUrl, clock });
  const wallStart = performance.now();
  try {
    await Promise.all(
      timings.map(async () => {
        const job = await poller.submit();
        poller.start(job);
      }),
    );
    const drive = await driveClock(clock, {
      settle: () => poller.inFlight.idle(),
      done: () => poller.finished === poller.jobs.length,
      limitMs: SIMULATED_LIMIT_MS,
    });
    const wallMs = performance.now() - wallStart;
    const latencies: number[] = [];
    const problems: string[] = [];
    for (const j of poller.jobs) {
      const finishedAt = emulator.job(j.requestId)?.finishedAt;
      if (j.error) problems.push(`naive job ${j.requestId}: ${j.error}`);
      if (finishedAt === undefined || j.noticedAt === undefined) continue;
      latencies.push(j.noticedAt - finishedAt);
    }
    const finished = poller.jobs.filter((j) => j.noticedAt !== undefined).length;
    return { jobs: poller.jobs.length, finished, ...counts(emulator), latencies, drive, wallMs, problems };
  } finally {
    await emulator.close();
    await poller.close().catch(() => undefined);
  }
}

/** Every workload, each with a fresh engine: what it knows of durations is only what it learns in that run. */
export async function runPollingBench(): Promise<PollingResult[]> {
  const results: PollingResult[] = [];
  for (const workload of pollingWorkloads()) {
    const engine = await runEngine(workload.timings);
    const naive = await runNaive(workload.timings);
    results.push({ workload, engine, naive });
  }
  return results;
}

export function reportPolling(results: readonly PollingResult[]): { text: string; summary: SummaryEntry[] } {
  const policy = DEFAULT_POLL_POLICY;
  const text = [
    `  ${JOB_COUNT} jobs submitted at once per workload; emulator on 127.0.0.1, simulated clock (round trips take 0 simulated ms,`,
    `  so latency is pure scheduling delay). The engine starts each workload knowing only its default durations.`,
  ];
  const summary: SummaryEntry[] = [];
  for (const r of results) {
    const part = reportWorkload(r);
    text.push('', `  -- workload "${r.workload.key}": ${r.workload.description}`, part.text);
    summary.push(...part.summary);
  }
  text.push(
    '',
    `  engine poll policy: planned from learned durations, one request worth ${policy.requestWorthMs} ms of notice latency (spacing grows with the ` +
      `spread of run times), ${policy.denseMs}–${policy.maxMs} ms apart (±${policy.jitter * 100}% jitter); errors back off from ${policy.initialMs} ` +
      `to ${policy.errorMaxMs} ms; pool size ${DEFAULT_POOL_SIZE} connections.`,
    `  goals: notice latency median <= ${GOAL_MEDIAN_MS} ms, p90 <= ${GOAL_P90_MS} ms, requests <= ${GOAL_REQUESTS_SHARE}x the naive poller's.`,
  );
  return { text: text.join('\n'), summary };
}

function reportWorkload(r: PollingResult): { text: string; summary: SummaryEntry[] } {
  const { engine: e, naive: n } = r;
  const key = `polling.${r.workload.key}`;
  const policy = DEFAULT_POLL_POLICY;
  const jitterMax = Math.round(policy.maxMs * (1 + policy.jitter));
  const row = (label: string, a: number | undefined, b: number | undefined, withRatio = false, digits = 0) => [
    label,
    digits === 0 ? int(a) : fixed(a, digits),
    digits === 0 ? int(b) : fixed(b, digits),
    withRatio ? `${ratio(b, a, 1)}x` : '',
  ];
  const text = [
    table(
      ['', 'engine', `naive ${NAIVE_INTERVAL_MS} ms`, 'naive/engine'],
      [
        row('jobs noticed as finished', e.finished, n.finished),
        row('submits (not in requests)', e.submits, n.submits),
        row('status polls', e.statusPolls, n.statusPolls),
        row('result reads', e.resultPolls, n.resultPolls),
        row('requests (status + result)', e.requests, n.requests, true),
        row('requests per job', e.requests / Math.max(1, e.jobs), n.requests / Math.max(1, n.jobs), false, 1),
        ['engine requests / naive', '', '', `${ratio(e.requests, n.requests, 3)}x`],
        row('downloads (not in requests)', e.downloads, n.downloads),
        row('TCP connections opened', e.connections, n.connections, true),
        row('notice latency median (ms)', median(e.latencies), median(n.latencies)),
        row('notice latency p90 (ms)', percentile(e.latencies, 90), percentile(n.latencies, 90)),
        row('notice latency max (ms)', max(e.latencies), max(n.latencies)),
        row('simulated time (s)', e.drive.simulatedMs / 1000, n.drive.simulatedMs / 1000, false, 1),
        row('wall time (s)', e.wallMs / 1000, n.wallMs / 1000, false, 2),
      ],
    ),
  ];
  for (const p of [...e.problems, ...n.problems].slice(0, 10)) text.push(`  problem: ${p}`);
  if (e.drive.stalls + n.drive.stalls > 0) text.push(`  note: ${e.drive.stalls + n.drive.stalls} clock step(s) waited out the settle bound`);

  const latencyMax = max(e.latencies);
  const p90 = percentile(e.latencies, 90);
  const med = median(e.latencies);
  const share = n.requests > 0 ? e.requests / n.requests : undefined;
  const entries: SummaryEntry[] = [
    ['polling.jobs', JOB_COUNT],
    ['polling.requests_share_engine_of_naive', ratio(e.requests, n.requests, 3)],
    ['polling.engine.latency_p90_ms', int(p90)],
    ['polling.engine.requests', e.requests],
    ['polling.naive.requests', n.requests],
    ['polling.requests_ratio_naive_over_engine', ratio(n.requests, e.requests, 2)],
    ['polling.engine.status_polls', e.statusPolls],
    ['polling.engine.result_reads', e.resultPolls],
    ['polling.engine.downloads', e.downloads],
    ['polling.engine.connections', e.connections],
    ['polling.naive.connections', n.connections],
    ['polling.connections_ratio_naive_over_engine', ratio(n.connections, e.connections, 2)],
    ['polling.pool_size', DEFAULT_POOL_SIZE],
    ['polling.engine.latency_median_ms', int(median(e.latencies))],
    ['polling.engine.latency_max_ms', int(latencyMax)],
    ['polling.naive.latency_median_ms', int(median(n.latencies))],
    ['polling.naive.latency_max_ms', int(max(n.latencies))],
    ['polling.poll_max_interval_ms', policy.maxMs],
    ['polling.poll_max_interval_with_jitter_ms', jitterMax],
    ['polling.engine.jobs_finished', `${e.finished}/${e.jobs}`],
    ['polling.naive.jobs_finished', `${n.finished}/${n.jobs}`],
    ['polling.goal.fewer_requests', yesNo(e.requests < n.requests)],
    ['polling.goal.latency_within_max_interval', yesNo(latencyMax === undefined ? undefined : latencyMax <= policy.maxMs)],
    ['polling.goal.latency_within_max_interval_plus_jitter', yesNo(latencyMax === undefined ? undefined : latencyMax <= jitterMax)],
    ['polling.goal.connections_within_pool', yesNo(e.connections <= DEFAULT_POOL_SIZE)],
    ['polling.goal.latency_median_within_1s', yesNo(med === undefined ? undefined : med <= GOAL_MEDIAN_MS)],
    ['polling.goal.latency_p90_within_2_5s', yesNo(p90 === undefined ? undefined : p90 <= GOAL_P90_MS)],
    ['polling.goal.requests_within_0_15x_naive', yesNo(share === undefined ? undefined : share <= GOAL_REQUESTS_SHARE)],
  ];
  const summary: SummaryEntry[] = entries.map(([k, v]) => [k.replace(/^polling\./, `${key}.`), v]);
  return { text: text.join('\n'), summary };
}

// The shared benchmark workload: job timings, the input image and the submit body both pollers send to the emulator.
import { MODEL_ID } from '../../src/api/schemas';
import { makePng } from '../support/images';
import { seededRandom } from './format';

export const BENCH_TOKEN = 'rc_bench_token_0123456789abcdef';
export const JOB_COUNT = 50;
export const QUEUE_MS = 5000;
export const RUN_MS = 25_000;
/** Each job's queue and run time vary by up to ± this fraction, so jobs do not all end on the same tick. */
export const TIMING_SPREAD = 0.1;
export const NAIVE_INTERVAL_MS = 500;
export const PROMPT = 'turn the sky into a warm sunset';
export const SUBMIT_PATH = `/v1/models/${MODEL_ID}`;

export interface JobTiming {
  queueMs: number;
  runMs: number;
}

/** The same timings on every run and for both pollers. */
export function jobTimings(count = JOB_COUNT, seed = 20250101): JobTiming[] {
  const random = seededRandom(seed);
  const around = (ms: number) => Math.round(ms * (1 - TIMING_SPREAD + 2 * TIMING_SPREAD * random()));
  return Array.from({ length: count }, () => ({ queueMs: around(QUEUE_MS), runMs: around(RUN_MS) }));
}

/** The second polling workload: a first-come queue (~0.4 s per place ahead) and long runs spread wide (median ~40 s, ×/÷ 1.16). */
export const FIFO_QUEUE_PER_POSITION_MS = 400;
export const LONG_RUN_MEDIAN_MS = 40_000;
export const LONG_RUN_SIGMA = 0.15;

/** Timings the scheduler was not tuned on: queue time grows with the place in line, run times are log-normal. */
export function fifoLongRunTimings(count = JOB_COUNT, seed = 20250607): JobTiming[] {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, i) => ({
    queueMs: Math.round(FIFO_QUEUE_PER_POSITION_MS * (i + 1) * (0.9 + 0.2 * random())),
    runMs: Math.round(LONG_RUN_MEDIAN_MS * Math.exp(LONG_RUN_SIGMA * gaussian())),
  }));
}

export interface Workload {
  key: string;
  /** One line on what the jobs look like. */
  description: string;
  timings: JobTiming[];
}

export function pollingWorkloads(): Workload[] {
  return [
    {
      key: 'steady',
      description: `each ~${(QUEUE_MS + RUN_MS) / 1000} s (queue ~${QUEUE_MS / 1000} s + run ~${RUN_MS / 1000} s, ±${TIMING_SPREAD * 100}%)`,
      timings: jobTimings(JOB_COUNT),
    },
    {
      key: 'fifo_long',
      description: `queue ~${FIFO_QUEUE_PER_POSITION_MS / 1000} s per place in line, run log-normal around ${LONG_RUN_MEDIAN_MS / 1000} s (σ ${LONG_RUN_SIGMA})`,
      timings: fifoLongRunTimings(JOB_COUNT),
    },
  ];
}

let cachedImage: string | undefined;

/** A small valid PNG as a data URI: nothing leaves the machine to fetch an input. */
export function inputDataUri(): string {
  cachedImage ??= `data:image/png;base64,${makePng(64, 64, { shade: 0x60 }).toString('base64')}`;
  return cachedImage;
}

/** The wire body of one single-output edit. */
export function submitBody(prompt = PROMPT): Record<string, unknown> {
  return { image_urls: [inputDataUri()], prompt, force_single: true };
}

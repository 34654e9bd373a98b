// Learns how long this model's jobs take: queue seconds as a line over the queue position, and run seconds; robust to outliers, persisted through a small port.

/** What is kept between sessions (global state): recent measurements only, never anything about a job's content. */
export interface DurationSnapshot {
  version: 1;
  /** [queue position when first seen, seconds until it ran]. */
  queue: Array<[number, number]>;
  /** Seconds from running to finished. */
  run: number[];
}

/** Where the learned durations live; the VS Code adapter keeps them in global state. */
export interface DurationStore {
  load(): unknown;
  save(snapshot: DurationSnapshot): void;
}

/** Measurements kept per kind: the newest win, so the model follows the service when it gets faster or slower. */
export const MAX_SAMPLES = 40;
/** Below this many measurements of a kind, the defaults speak for it. */
export const MIN_SAMPLES = 5;
/** Anything longer is not a duration of this model (a job resumed days later, a clock that jumped). */
const MAX_SECONDS = 3600;

/** Until something is learned: a short queue that grows a little per position, runs around 25 s (a typical edit). */
export const DEFAULT_QUEUE_BASE_S = 3;
export const DEFAULT_QUEUE_PER_POSITION_S = 0.5;
/** Spread of the default queue, as the queue's residuals. */
const DEFAULT_QUEUE_RESIDUALS_S = [-2, -1, 0, 1, 2, 4];
const DEFAULT_RUN_S = [16, 19, 21, 23, 24, 25, 26, 27, 29, 32, 36, 42];

export interface QueueLine {
  baseS: number;
  perPositionS: number;
  /** What the line missed by, per measurement: the queue's spread. */
  residualsS: number[];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The value below which this share of the sorted values lies (linear between neighbours). */
function quantile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  const at = share * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

/** Smoothing is never narrower than this: measured times are only as exact as the polls that saw them. */
const MIN_SPREAD_S = 0.25;

/**
 * How far each measurement is smeared (the scale of a logistic kernel, seconds) so that a few measurements stand for
 * the durations between and around them: Silverman's rule on a robust spread (the smaller of the standard deviation and
 * the interquartile range's equivalent), so one odd job cannot widen it. Few or scattered measurements smear wide.
 */
export function kernelScale(values: readonly number[]): number {
  // Silverman's bandwidth is a normal kernel's standard deviation; a logistic kernel of scale s has s·π/√3.
  const bandwidth = 0.9 * robustSpread(values) * Math.max(1, values.length) ** -0.2;
  return Math.max(MIN_SPREAD_S, (bandwidth * Math.sqrt(3)) / Math.PI);
}

/** A standard deviation that one odd value cannot inflate: the smaller of the sample's and its interquartile range's equivalent. */
export function robustSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const sd = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (sorted.length - 1));
  const iqr = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 1.349;
  return iqr > 0 ? Math.min(sd, iqr) : sd;
}

const plausible = (s: number): boolean => Number.isFinite(s) && s >= 0 && s <= MAX_SECONDS;

/** Theil–Sen: the median of pairwise slopes, so a few odd jobs cannot tilt the line. */
export function fitQueueLine(samples: ReadonlyArray<readonly [number, number]>): QueueLine {
  const slopes: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const dx = samples[j][0] - samples[i][0];
      if (dx !== 0) slopes.push((samples[j][1] - samples[i][1]) / dx);
    }
  }
  const perPositionS = Math.max(0, median(slopes));
  const baseS = median(samples.map(([p, s]) => s - perPositionS * p));
  return { baseS, perPositionS, residualsS: samples.map(([p, s]) => s - (baseS + perPositionS * p)) };
}

export class DurationModel {
  private queue: Array<[number, number]> = [];
  private run: number[] = [];
  private line: QueueLine | undefined;

  constructor(private readonly store?: DurationStore) {
    const stored = store ? parseSnapshot(safeLoad(store)) : undefined;
    if (stored) {
      this.queue = stored.queue;
      this.run = stored.run;
    }
  }

  /** Seconds a job at this queue position is expected to wait, one candidate per measurement (or default). */
  queueSeconds(position: number | undefined): number[] {
    const line = this.queueLine();
    const p = Math.max(1, position ?? 1);
    return line.residualsS.map((r) => Math.max(0, line.baseS + line.perPositionS * p + r));
  }

  /** Seconds a job runs, one candidate per measurement, and the defaults while fewer than MIN_SAMPLES are measured. */
  runSeconds(): number[] {
    return this.runSamples().map(([s]) => s);
  }

  /**
   * Run-time candidates with their weights (summing to 1). The first measurements count at once: each weighs as much
   * as it will among MIN_SAMPLES, and the defaults share what is left, so a batch's first finished jobs already move
   * the plans of the rest instead of waiting for the MIN_SAMPLES-th.
   */
  runSamples(): Array<[seconds: number, weight: number]> {
    const n = this.run.length;
    if (n >= MIN_SAMPLES) return this.run.map((s) => [s, 1 / n]);
    const learned = this.run.map((s): [number, number] => [s, 1 / MIN_SAMPLES]);
    const left = (MIN_SAMPLES - n) / MIN_SAMPLES / DEFAULT_RUN_S.length;
    return [...learned, ...DEFAULT_RUN_S.map((s): [number, number] => [s, left])];
  }

  /** How widely each run time is smeared: the model's uncertainty about a run, in seconds (see kernelScale). */
  runSpreadS(): number {
    return kernelScale(this.runSeconds());
  }

  queueLine(): QueueLine {
    if (this.queue.length < MIN_SAMPLES) {
      return { baseS: DEFAULT_QUEUE_BASE_S, perPositionS: DEFAULT_QUEUE_PER_POSITION_S, residualsS: DEFAULT_QUEUE_RESIDUALS_S };
    }
    this.line ??= fitQueueLine(this.queue);
    return this.line;
  }

  get measured(): { queue: number; run: number } {
    return { queue: this.queue.length, run: this.run.length };
  }

  /** A finished job's measured phases; either may be unknown. Stored at once. */
  learn(m: { queuePosition?: number; queueS?: number; runS?: number }): void {
    let changed = false;
    if (m.queuePosition !== undefined && m.queueS !== undefined && plausible(m.queueS) && m.queuePosition >= 1) {
      this.queue = [...this.queue, [m.queuePosition, m.queueS] as [number, number]].slice(-MAX_SAMPLES);
      this.line = undefined;
      changed = true;
    }
    if (m.runS !== undefined && plausible(m.runS) && m.runS > 0) {
      this.run = [...this.run, m.runS].slice(-MAX_SAMPLES);
      changed = true;
    }
    if (changed) this.store?.save(this.snapshot());
  }

  snapshot(): DurationSnapshot {
    return { version: 1, queue: this.queue.map(([p, s]) => [p, s]), run: [...this.run] };
  }
}

function safeLoad(store: DurationStore): unknown {
  try {
    return store.load();
  } catch {
    return undefined;
  }
}

/** Whatever global state holds, only plausible numbers come back; anything else is forgotten. */
export function parseSnapshot(value: unknown): { queue: Array<[number, number]>; run: number[] } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Record<keyof DurationSnapshot, unknown>>;
  if (v.version !== 1 || !Array.isArray(v.queue) || !Array.isArray(v.run)) return undefined;
  const queue = v.queue
    .filter(
      (q): q is [number, number] => Array.isArray(q) && q.length === 2 && typeof q[0] === 'number' && q[0] >= 1 && typeof q[1] === 'number' && plausible(q[1]),
    )
    .map(([p, s]): [number, number] => [p, s])
    .slice(-MAX_SAMPLES);
  const run = v.run.filter((s): s is number => typeof s === 'number' && plausible(s) && s > 0).slice(-MAX_SAMPLES);
  return { queue, run };
}

// Small text helpers for the benchmark report: aligned tables, number formatting and simple statistics.

export type Cell = string | number;

/** A `key: value` line for the final summary block. */
export type SummaryEntry = readonly [key: string, value: Cell];

/** Renders rows as a table: the first column left-aligned, the others right-aligned, with a rule under the header. */
export function table(header: readonly Cell[], rows: ReadonlyArray<readonly Cell[]>): string {
  const all = [header, ...rows].map((row) => row.map((c) => String(c)));
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    widths
      .map((w, i) => {
        const cell = row[i] ?? '';
        return i === 0 ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), rule, ...all.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
}

export function fixed(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
}

export function int(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? 'n/a' : String(Math.round(n));
}

export function ratio(a: number | undefined, b: number | undefined, digits = 2): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return (a / b).toFixed(digits);
}

export const MIB = 1024 * 1024;

export function mib(bytes: number | undefined, digits = 1): string {
  return bytes === undefined || !Number.isFinite(bytes) ? 'n/a' : (bytes / MIB).toFixed(digits);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function max(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}

export function min(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}

export function yesNo(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? 'yes' : 'no';
}

/** A seeded pseudo-random generator (mulberry32), so every run uses the same workload and jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

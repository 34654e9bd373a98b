// What RunComfy has charged, today and this month (local time): a small ledger of costs by request_id that outlives the job history.

/** One charge: RunComfy's `cost` for a request, and when it was incurred (the job's end, else its submit). */
export interface SpendingEntry {
  requestId: string;
  cost: number;
  at: number;
}

export interface SpendingTotals {
  today: number;
  month: number;
}

/** What a job offers the ledger; a job without a request_id or a cost offers nothing. */
export interface CostFacts {
  requestId?: string;
  cost?: number;
  submittedAt?: number;
  finishedAt?: number;
}

/** The most entries kept, whatever their dates, so the stored ledger stays small. */
export const MAX_LEDGER_ENTRIES = 5000;

function isEntry(value: unknown): value is SpendingEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.requestId === 'string' && typeof e.cost === 'number' && Number.isFinite(e.cost) && e.cost >= 0 && typeof e.at === 'number' && Number.isFinite(e.at)
  );
}

/** The stored ledger, with anything malformed left out (it may come from an older or newer version). */
export function parseLedger(value: unknown): SpendingEntry[] {
  return Array.isArray(value) ? value.filter(isEntry) : [];
}

export function costEntries(jobs: readonly CostFacts[]): SpendingEntry[] {
  const entries: SpendingEntry[] = [];
  for (const job of jobs) {
    if (job.requestId === undefined || job.cost === undefined || !Number.isFinite(job.cost) || job.cost < 0) continue;
    const at = job.finishedAt ?? job.submittedAt;
    if (at !== undefined) entries.push({ requestId: job.requestId, cost: job.cost, at });
  }
  return entries;
}

/** The ledger with `entries` added or updated by request_id (a request is charged once); `changed` says whether it differs. */
export function mergeEntries(ledger: readonly SpendingEntry[], entries: readonly SpendingEntry[]): { ledger: SpendingEntry[]; changed: boolean } {
  const byId = new Map(ledger.map((e) => [e.requestId, e]));
  let changed = false;
  for (const entry of entries) {
    const known = byId.get(entry.requestId);
    if (known && known.cost === entry.cost && known.at === entry.at) continue;
    byId.set(entry.requestId, entry);
    changed = true;
  }
  return { ledger: [...byId.values()], changed };
}

function startOfDay(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The next local midnight after `now`, when "today" starts over (and, on the 1st, "this month"). */
export function nextLocalMidnight(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

function startOfMonth(now: number, monthsBack = 0): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth() - monthsBack, 1).getTime();
}

/** Entries still worth keeping: this month and the one before (so a month that just began still knows its neighbour). */
export function pruneLedger(ledger: readonly SpendingEntry[], now: number): SpendingEntry[] {
  const from = startOfMonth(now, 1);
  return ledger
    .filter((e) => e.at >= from)
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_LEDGER_ENTRIES);
}

/** Sums by the local calendar: "today" from local midnight, "this month" from the 1st, both up to the next boundary. */
export function spendingTotals(ledger: readonly SpendingEntry[], now: number): SpendingTotals {
  const day = startOfDay(now);
  const d = new Date(now);
  const nextDay = nextLocalMidnight(now);
  const month = startOfMonth(now);
  const nextMonth = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  let today = 0;
  let thisMonth = 0;
  for (const e of ledger) {
    if (e.at >= month && e.at < nextMonth) thisMonth += e.cost;
    if (e.at >= day && e.at < nextDay) today += e.cost;
  }
  // Cents summed as floats drift (0.1 + 0.2); a thousandth of a cent is far below anything shown.
  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  return { today: round(today), month: round(thisMonth) };
}

// Spending totals: costs by request_id, summed by the local calendar day and month, kept apart from the job history.
import * as assert from 'node:assert/strict';
import {
  costEntries,
  MAX_LEDGER_ENTRIES,
  mergeEntries,
  nextLocalMidnight,
  parseLedger,
  pruneLedger,
  spendingTotals,
  type SpendingEntry,
} from '../../src/jobs/spending';
import { spendingText } from '../../src/common/wording';

/** A local wall-clock time, whatever time zone the tests run in. */
function local(year: number, month: number, day: number, hour = 12, minute = 0, second = 0, ms = 0): number {
  return new Date(year, month - 1, day, hour, minute, second, ms).getTime();
}

function entry(requestId: string, cost: number, at: number): SpendingEntry {
  return { requestId, cost, at };
}

describe('spending', () => {
  it("knows when today's total starts over: the next local midnight, also across a month's end", () => {
    const evening = new Date(2026, 0, 31, 23, 59, 30).getTime();
    assert.equal(nextLocalMidnight(evening), new Date(2026, 1, 1).getTime());
    const midnight = new Date(2026, 5, 10).getTime();
    assert.equal(nextLocalMidnight(midnight), new Date(2026, 5, 11).getTime(), 'at midnight itself, the one after');
    // Just after the switch, yesterday's costs are no longer today's.
    const ledger: SpendingEntry[] = [{ requestId: 'r1', cost: 0.03, at: evening }];
    assert.equal(spendingTotals(ledger, nextLocalMidnight(evening) + 1000).today, 0);
  });

  it('counts today from local midnight and the month from the 1st, up to the next boundary', () => {
    const now = local(2026, 3, 15, 10);
    const ledger = [
      entry('yesterday-late', 0.5, local(2026, 3, 14, 23, 59, 59, 999)),
      entry('today-first', 0.03, local(2026, 3, 15, 0, 0, 0, 0)),
      entry('today-later', 0.06, local(2026, 3, 15, 22)),
      entry('month-first', 1, local(2026, 3, 1, 0, 0, 0, 0)),
      entry('last-month', 7, local(2026, 2, 28, 23, 59, 59, 999)),
      entry('next-month', 9, local(2026, 4, 1, 0, 0, 0, 0)),
    ];
    assert.deepEqual(spendingTotals(ledger, now), { today: 0.09, month: 1.59 });
  });

  it('handles the first and last instants of a month and a year', () => {
    const ledger = [entry('dec31', 0.25, local(2025, 12, 31, 23, 59)), entry('jan1', 0.1, local(2026, 1, 1, 0, 0))];
    assert.deepEqual(spendingTotals(ledger, local(2026, 1, 1, 0, 0, 0, 1)), { today: 0.1, month: 0.1 });
    assert.deepEqual(spendingTotals(ledger, local(2025, 12, 31, 23, 59, 59)), { today: 0.25, month: 0.25 });
  });

  it('sums cents without float drift', () => {
    const ledger = Array.from({ length: 10 }, (_, i) => entry(`r${i}`, 0.1, local(2026, 5, 2, 9, i)));
    assert.equal(spendingTotals(ledger, local(2026, 5, 2, 18)).today, 1);
  });

  it('charges a request once: merging the same job again changes nothing, a corrected cost replaces the old one', () => {
    const first = mergeEntries([], [entry('a', 0.03, 1), entry('b', 0.06, 2)]);
    assert.equal(first.changed, true);
    const again = mergeEntries(first.ledger, [entry('a', 0.03, 1)]);
    assert.equal(again.changed, false);
    assert.equal(again.ledger.length, 2);
    const corrected = mergeEntries(again.ledger, [entry('a', 0.09, 1)]);
    assert.equal(corrected.changed, true);
    assert.deepEqual(
      corrected.ledger.find((e) => e.requestId === 'a'),
      entry('a', 0.09, 1),
    );
  });

  it('takes costs from jobs with a request_id and a cost, dated by their end, else their submit', () => {
    assert.deepEqual(
      costEntries([
        { requestId: 'done', cost: 0.06, submittedAt: 10, finishedAt: 20 },
        { requestId: 'running', cost: 0.03, submittedAt: 30 },
        { requestId: 'no-cost', submittedAt: 40, finishedAt: 50 },
        { cost: 1, submittedAt: 60 },
        { requestId: 'bad', cost: Number.NaN, finishedAt: 70 },
      ]),
      [entry('done', 0.06, 20), entry('running', 0.03, 30)],
    );
  });

  it('keeps this month and the one before, newest first, and at most a bounded number of entries', () => {
    const now = local(2026, 3, 2);
    const kept = pruneLedger([entry('jan', 1, local(2026, 1, 31)), entry('feb', 2, local(2026, 2, 1, 0, 0)), entry('mar', 3, local(2026, 3, 1))], now);
    assert.deepEqual(
      kept.map((e) => e.requestId),
      ['mar', 'feb'],
    );
    const many = Array.from({ length: MAX_LEDGER_ENTRIES + 10 }, (_, i) => entry(`r${i}`, 0.01, now - i));
    assert.equal(pruneLedger(many, now).length, MAX_LEDGER_ENTRIES);
  });

  it('reads a stored ledger leniently, dropping malformed entries', () => {
    assert.deepEqual(parseLedger(undefined), []);
    assert.deepEqual(parseLedger({ a: 1 }), []);
    assert.deepEqual(parseLedger([entry('ok', 0.03, 5), { requestId: 'x', cost: '1', at: 5 }, { requestId: 'y', cost: -1, at: 5 }, null]), [
      entry('ok', 0.03, 5),
    ]);
  });

  it('words the totals once for every view', () => {
    assert.equal(spendingText({ today: 0.06, month: 1.2 }), 'Spent today $0.06 · this month $1.20');
  });
});

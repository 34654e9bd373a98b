// Keeps the spending ledger in global state (costs outlive the workspace's job history) and answers today's and this month's totals.
import type * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { hasRequestId, type Job } from '../jobs/job';
import { costEntries, mergeEntries, parseLedger, pruneLedger, spendingTotals, type SpendingTotals } from '../jobs/spending';

const LEDGER_KEY = 'runcomfy.spending.v1';

export interface SpendingHost {
  globalState: vscode.Memento;
  jobs: { list(): Job[]; onDidChange: vscode.Event<unknown> };
  logger: Logger;
  now?: () => number;
}

export class SpendingService extends Disposable {
  private readonly now: () => number;

  constructor(private readonly host: SpendingHost) {
    super();
    this.now = host.now ?? Date.now;
    this._register(host.jobs.onDidChange(() => this.record()));
  }

  /** Today's and this month's totals, from the ledger and the jobs listed now (which may not be recorded yet). */
  totals(): SpendingTotals {
    return spendingTotals(mergeEntries(this.stored(), this.current()).ledger, this.now());
  }

  private current() {
    return costEntries(
      this.host.jobs
        .list()
        .map((j) =>
          hasRequestId(j) ? { requestId: j.requestId, cost: j.cost, submittedAt: j.submittedAt, finishedAt: 'finishedAt' in j ? j.finishedAt : undefined } : {},
        ),
    );
  }

  private stored() {
    return parseLedger(this.host.globalState.get<unknown>(LEDGER_KEY));
  }

  private record(): void {
    const { ledger, changed } = mergeEntries(this.stored(), this.current());
    if (!changed) return;
    this.host.globalState
      .update(LEDGER_KEY, pruneLedger(ledger, this.now()))
      .then(undefined, (e: unknown) => this.host.logger.warn(`[spending] the ledger could not be stored: ${String(e)}`));
  }
}

// The Jobs section: a live list of submitted edits with state, ticking run time, request ID, Cancel and Retry download.
import { t, tn } from '../common/l10n';
import { spendingText } from '../common/wording';
import type { FromWebview, JobView, SpendingView } from '../protocol/messages';
import { codicon, fillIn, h, iconButton, KeyedList, textButton } from './dom';
import { canRetrySave, isCancellable } from '../jobs/rules';
import { jobRows, type JobRow } from './jobGroups';
import { activeCount, formatAgo, jobStatus, sortJobs, ticks, truncate, type JobStatus } from './jobStatus';

const CONFIRMATION_MS = 12_000;
const TIME_REFRESH_MS = 30_000;

export interface JobsDeps {
  post(message: FromWebview): void;
  showCompose(): void;
  now(): number;
}

export class JobsView {
  readonly element: HTMLElement;

  private jobs: JobView[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  private confirmationTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly rows: KeyedList<JobRow>;
  private readonly summary: HTMLElement;
  private readonly spending: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly confirmation: HTMLElement;

  constructor(
    private readonly deps: JobsDeps,
    jobs: JobView[],
    spending?: SpendingView,
  ) {
    const list = h('ol', { class: 'job-list', 'aria-label': t('Jobs, newest first') });
    this.rows = new KeyedList<JobRow>(
      list,
      (row) => row.key,
      // The clock is left out so a running job is not rebuilt every second; tick() updates its text in place.
      (row) => JSON.stringify(row),
      (row) => (row.kind === 'job' ? this.buildRow(row.job, row.inBatch) : this.buildBatchHeading(row)),
      () => list.querySelector<HTMLElement>('[data-key]') ?? undefined,
    );
    this.summary = h('span', { class: 'section-count' });
    this.spending = h('p', { class: 'job-spending', role: 'note' });
    this.confirmation = h('div', { class: 'confirmation', role: 'status', hidden: true });
    this.empty = h(
      'div',
      { class: 'empty-state' },
      codicon('history', 'empty-icon'),
      h('p', { class: 'empty-title', text: t('No jobs yet') }),
      h('p', { text: t('Edits you submit appear here while they queue and run, and stay listed once they finish.') }),
      textButton(t('Compose an edit'), { key: 'jobs-compose', secondary: true, icon: 'edit', onClick: () => this.deps.showCompose() }),
    );
    this.element = h(
      'div',
      { class: 'jobs' },
      h('div', { class: 'section-heading' }, h('h2', { text: t('Jobs') }), this.summary),
      this.spending,
      this.confirmation,
      this.empty,
      list,
    );
    this.update(jobs, spending);
    setInterval(() => this.refreshTimes(), TIME_REFRESH_MS);
  }

  update(jobs: JobView[], spending?: SpendingView): void {
    // Charges come from RunComfy's `cost`; an empty list with nothing spent this month needs no $0.00 line.
    this.spending.hidden = !spending || (jobs.length === 0 && spending.month <= 0);
    this.spending.replaceChildren(...(spending ? [codicon('credit-card'), h('span', { text: spendingText(spending) })] : []));
    this.jobs = sortJobs(jobs);
    this.rows.update(jobRows(this.jobs));
    this.empty.hidden = this.jobs.length > 0;
    const active = activeCount(this.jobs);
    this.summary.textContent =
      this.jobs.length === 0
        ? ''
        : active > 0
          ? `${tn(this.jobs.length, '{0} job|{0} jobs')} · ${tn(active, '{0} active|{0} active')}`
          : tn(this.jobs.length, '{0} job|{0} jobs');
    this.syncTicker();
  }

  /** Confirms a submission by its request ID until it is read (or a while has passed). */
  showSubmitted(requestId: string): void {
    this.confirmation.hidden = false;
    this.confirmation.replaceChildren(
      codicon('pass-filled', 'tone-success'),
      h('span', null, ...fillIn(t('Submitted to RunComfy. Request ID {0}'), h('code', { class: 'request-id', text: requestId }))),
      iconButton({ icon: 'close', label: t('Dismiss'), key: 'confirmation-close', onClick: () => this.hideConfirmation() }),
    );
    if (this.confirmationTimer !== undefined) clearTimeout(this.confirmationTimer);
    this.confirmationTimer = setTimeout(() => this.hideConfirmation(), CONFIRMATION_MS);
  }

  private hideConfirmation(): void {
    this.confirmation.hidden = true;
    if (this.confirmationTimer !== undefined) clearTimeout(this.confirmationTimer);
    this.confirmationTimer = undefined;
  }

  private syncTicker(): void {
    const needed = this.jobs.some(ticks);
    if (needed && this.ticker === undefined) {
      this.ticker = setInterval(() => this.tick(), 1000);
    } else if (!needed && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    const now = this.deps.now();
    for (const job of this.jobs) {
      if (!ticks(job)) continue;
      const text = this.rows.nodeFor(job.id)?.querySelector('.job-state-text');
      if (text) text.textContent = jobStatus(job, now).text;
    }
  }

  private refreshTimes(): void {
    const now = this.deps.now();
    for (const job of this.jobs) {
      const node = this.rows.nodeFor(job.id)?.querySelector('.job-time');
      if (node) node.textContent = formatAgo(job.submittedAt ?? job.createdAt, now);
    }
  }

  private buildBatchHeading(row: Extract<JobRow, { kind: 'batch' }>): HTMLElement {
    const counts = row.active > 0 ? `${tn(row.count, '{0} job|{0} jobs')} · ${tn(row.active, '{0} active|{0} active')}` : tn(row.count, '{0} job|{0} jobs');
    return h(
      'li',
      { class: 'job-batch', 'aria-label': t('Batch {0}', row.label) },
      codicon('files'),
      h('span', { class: 'job-batch-label', text: t('Batch · {0}', row.label) }),
      h('span', { class: 'job-batch-count', text: counts }),
    );
  }

  private buildRow(job: JobView, inBatch = false): HTMLElement {
    const status = jobStatus(job, this.deps.now());
    const prompt = job.prompt.trim() === '' ? t('(no prompt)') : truncate(job.prompt, 140);
    return h(
      'li',
      { class: `job-row state-${job.state}${inBatch ? ' in-batch' : ''}` },
      h('span', { class: `job-icon tone-${status.tone}` }, codicon(status.icon, status.spin ? 'codicon-modifier-spin' : '')),
      h(
        'div',
        { class: 'job-main' },
        h('div', { class: 'job-prompt', title: job.prompt, text: prompt }),
        h(
          'div',
          { class: 'job-meta' },
          // Running time changes every second; a live region here would talk over everything else.
          h('span', { class: `job-state tone-${status.tone}` }, h('span', { class: 'job-state-text', text: status.text })),
          this.requestId(job),
        ),
        this.detail(status),
      ),
      h(
        'div',
        { class: 'job-side' },
        h('span', {
          class: 'job-time',
          title: new Date(job.submittedAt ?? job.createdAt).toLocaleString(),
          text: formatAgo(job.submittedAt ?? job.createdAt, this.deps.now()),
        }),
        h('div', { class: 'job-actions' }, ...this.actions(job)),
      ),
    );
  }

  private requestId(job: JobView): HTMLElement {
    if (!job.requestId) return h('span', { class: 'request-id muted', text: t('no request ID yet') });
    return h(
      'span',
      { class: 'request-id-group' },
      h('code', { class: 'request-id', title: t('RunComfy request ID'), text: job.requestId }),
      iconButton({ icon: 'copy', label: t('Copy request ID'), key: `${job.id}:copy`, onClick: () => this.deps.post({ type: 'copyRequestId', jobId: job.id }) }),
    );
  }

  private detail(status: JobStatus): HTMLElement | null {
    if (!status.detail) return null;
    return h('p', { class: `job-detail tone-${status.detailTone ?? 'muted'}` }, h('span', { text: status.detail }));
  }

  private actions(job: JobView): HTMLElement[] {
    const actions: HTMLElement[] = [];
    if (canRetrySave(job)) {
      actions.push(
        textButton(t('Retry download'), {
          key: `${job.id}:retry`,
          icon: 'refresh',
          secondary: true,
          onClick: () => this.deps.post({ type: 'retryDownload', jobId: job.id }),
        }),
      );
    }
    if (isCancellable(job)) {
      actions.push(
        textButton(t('Cancel'), {
          key: `${job.id}:cancel`,
          icon: 'stop-circle',
          secondary: true,
          onClick: () => this.deps.post({ type: 'cancelJob', jobId: job.id }),
        }),
      );
    }
    return actions;
  }
}

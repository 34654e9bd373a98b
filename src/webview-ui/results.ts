// The Results section: a gallery of saved outputs with open, reveal, compare, reuse and run-again actions.
import { t, tn } from '../common/l10n';
import type { FromWebview, ResultView } from '../protocol/messages';
import { CompareView } from './compare';
import { codicon, h, iconButton, KeyedList, textButton } from './dom';
import { formatAgo, truncate } from './jobStatus';
import { resultMeta } from './viewState';

const TIME_REFRESH_MS = 60_000;

export interface ResultsDeps {
  post: (message: FromWebview) => void;
  showCompose(): void;
  now(): number;
  persistCompare(compare: { path: string; position: number } | undefined): void;
}

export class ResultsView {
  readonly element: HTMLElement;

  private results: ResultView[] = [];
  private readonly cards: KeyedList<ResultView>;
  private readonly gallery: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly compare: CompareView;

  constructor(
    private readonly deps: ResultsDeps,
    results: ResultView[],
  ) {
    const grid = h('ol', { class: 'result-grid', 'aria-label': t('Saved results, newest first') });
    this.cards = new KeyedList<ResultView>(
      grid,
      (result) => result.path,
      (result) => JSON.stringify(result),
      (result) => this.buildCard(result),
      () => grid.querySelector<HTMLElement>('[data-key]') ?? undefined,
    );
    this.summary = h('span', { class: 'section-count' });
    this.empty = h(
      'div',
      { class: 'empty-state' },
      codicon('file-media', 'empty-icon'),
      h('p', { class: 'empty-title', text: t('No results yet') }),
      h('p', { text: t('Finished edits are saved next to your workspace and collected here.') }),
      textButton(t('Compose an edit'), { key: 'results-compose', secondary: true, icon: 'edit', onClick: () => this.deps.showCompose() }),
    );
    this.gallery = h('div', { class: 'gallery' }, h('div', { class: 'section-heading' }, h('h2', { text: t('Results') }), this.summary), this.empty, grid);
    this.compare = new CompareView({
      persist: (compare) => this.deps.persistCompare(compare),
      closed: (path) => {
        this.gallery.hidden = false;
        const card = grid.querySelector<HTMLElement>(`[data-key="${CSS.escape(`${path}:compare`)}"]`);
        card?.focus();
      },
    });
    this.element = h('div', { class: 'results' }, this.gallery, this.compare.element);
    this.update(results);
    setInterval(() => this.refreshTimes(), TIME_REFRESH_MS);
  }

  update(results: ResultView[]): void {
    this.results = results
      .map((result, index) => ({ result, index }))
      .sort((a, b) => (b.result.savedAt ?? 0) - (a.result.savedAt ?? 0) || a.index - b.index)
      .map(({ result }) => result);
    this.cards.update(this.results);
    this.empty.hidden = this.results.length > 0;
    this.summary.textContent = this.results.length === 0 ? '' : tn(this.results.length, '{0} result|{0} results');
    const open = this.compare.openPath;
    if (open !== undefined && !this.results.some((result) => result.path === open && result.before)) this.compare.close();
  }

  /** Reopens a comparison saved in the view state, if its result is still listed. */
  restoreCompare(path: string, position: number): void {
    const result = this.results.find((r) => r.path === path);
    if (result?.before) this.openCompare(result, position);
  }

  /** Escape in the gallery has nothing to close; the comparison handles its own. */
  get comparing(): boolean {
    return this.compare.openPath !== undefined;
  }

  closeCompare(): void {
    this.compare.close();
  }

  private openCompare(result: ResultView, position = 0.5): void {
    this.gallery.hidden = true;
    this.compare.open(result, position);
  }

  private refreshTimes(): void {
    const now = this.deps.now();
    for (const result of this.results) {
      if (result.savedAt === undefined) continue;
      const node = this.cards.nodeFor(result.path)?.querySelector('.result-saved-text');
      if (node) node.textContent = t('Saved {0}', formatAgo(result.savedAt, now));
    }
  }

  private buildCard(result: ResultView): HTMLElement {
    const post = this.deps.post;
    const meta = resultMeta(result);
    const open = h(
      'button',
      {
        type: 'button',
        class: 'result-thumb',
        'data-key': `${result.path}:thumb`,
        'aria-label': t('Open {0}', result.name),
        title: t('Open {0}', result.name),
      },
      h('img', { loading: 'lazy', decoding: 'async', src: result.thumb, alt: result.name, draggable: 'false' }),
    );
    open.addEventListener('click', () => post({ type: 'openResult', path: result.path }));
    const card = h(
      'li',
      { class: 'result-card' },
      open,
      h(
        'div',
        { class: 'result-body' },
        h(
          'div',
          { class: 'result-title-row' },
          h('div', { class: 'result-name', title: result.path, text: result.name }),
          h(
            'div',
            { class: 'result-toolbar', role: 'group', 'aria-label': t('Actions for {0}', result.name) },
            iconButton({ icon: 'go-to-file', label: t('Open'), key: `${result.path}:open`, onClick: () => post({ type: 'openResult', path: result.path }) }),
            iconButton({
              icon: 'folder-opened',
              label: t('Reveal in Explorer'),
              key: `${result.path}:reveal`,
              onClick: () => post({ type: 'revealResult', path: result.path }),
            }),
            iconButton({ icon: 'reply', label: t('Use as input'), key: `${result.path}:use`, onClick: () => post({ type: 'useAsInput', path: result.path }) }),
            iconButton({
              icon: 'debug-rerun',
              label: t('Run again with the same prompt and inputs'),
              key: `${result.path}:again`,
              onClick: () => post({ type: 'runAgain', jobId: result.jobId, edit: false }),
            }),
          ),
        ),
        h('p', { class: 'result-prompt', title: result.prompt, text: result.prompt.trim() === '' ? t('(no prompt)') : truncate(result.prompt, 220) }),
        meta ? h('div', { class: 'result-meta', text: meta }) : null,
        result.savedAt !== undefined
          ? h(
              'div',
              { class: 'result-saved', title: new Date(result.savedAt).toLocaleString() },
              h('span', { class: 'result-saved-text', text: t('Saved {0}', formatAgo(result.savedAt, this.deps.now())) }),
            )
          : null,
      ),
      h(
        'div',
        { class: 'result-actions' },
        result.before
          ? textButton(t('Compare'), { key: `${result.path}:compare`, icon: 'diff', secondary: true, onClick: () => this.openCompare(result) })
          : null,
        textButton(t('Edit & run again'), {
          key: `${result.path}:edit`,
          icon: 'edit',
          secondary: true,
          onClick: () => post({ type: 'runAgain', jobId: result.jobId, edit: true }),
        }),
      ),
    );
    return card;
  }
}

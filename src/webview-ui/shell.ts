// The panel's frame: the Compose / Jobs / Results tabs with a running-jobs badge, and the notices from the host.
import { t, tn } from '../common/l10n';
import { codicon, h, iconButton } from './dom';
import { VIEW_NAMES, type ViewName } from './viewModel';

const MAX_NOTICES = 3;
/** Errors stay until dismissed; information fades on its own. */
const INFO_NOTICE_MS = 8_000;

function title(view: ViewName): string {
  switch (view) {
    case 'compose':
      return t('Compose');
    case 'jobs':
      return t('Jobs');
    case 'results':
      return t('Results');
  }
}

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface ShellOptions {
  /** Each view's content; one left out is filled in later with `fill`. */
  views: Partial<Record<ViewName, HTMLElement>>;
  initial: ViewName;
  /** Called when the user picks a tab (not when the panel switches by itself). */
  onSelect(view: ViewName): void;
}

/**
 * The tabs follow the WAI-ARIA tabs pattern, drawn like VS Code's panel titles: a tab list of buttons (arrow keys, Home
 * and End move between them and select) over one tab panel per view, which is also what scrolls.
 */
export class Shell {
  readonly element: HTMLElement;

  private current: ViewName;
  private readonly tabs = new Map<ViewName, HTMLButtonElement>();
  private readonly panels = new Map<ViewName, HTMLElement>();
  private readonly badge: HTMLElement;
  private readonly notices: HTMLElement;

  constructor(private readonly options: ShellOptions) {
    this.current = options.initial;
    this.badge = h('span', { class: 'badge', hidden: true, 'aria-hidden': 'true' });
    const tabList = h('div', { class: 'tab-list', role: 'tablist', 'aria-label': t('RunComfy image edit') });
    const panels: HTMLElement[] = [];
    for (const view of VIEW_NAMES) {
      const tab = h(
        'button',
        { type: 'button', class: 'tab', role: 'tab', id: `tab-${view}`, 'aria-controls': `view-${view}`, 'data-view': view },
        h('span', { class: 'tab-title', text: title(view) }),
        view === 'jobs' ? this.badge : null,
      );
      tab.addEventListener('click', () => this.pick(view));
      this.tabs.set(view, tab);
      tabList.append(tab);
      const panel = h(
        'div',
        { class: 'tab-panel', role: 'tabpanel', id: `view-${view}`, 'aria-labelledby': `tab-${view}`, tabindex: 0, 'data-view': view },
        h('div', { class: 'view-content' }, options.views[view]),
      );
      this.panels.set(view, panel);
      panels.push(panel);
    }
    tabList.addEventListener('keydown', (event) => this.onTabKey(event));
    this.showSelected();
    this.notices = h('div', { class: 'notices' });
    this.element = h('div', { class: 'shell' }, this.notices, h('div', { class: 'tabs' }, tabList, ...panels));
  }

  private pick(view: ViewName): void {
    if (view === this.current) return;
    this.current = view;
    this.showSelected();
    this.options.onSelect(view);
  }

  private onTabKey(event: KeyboardEvent): void {
    const count = VIEW_NAMES.length;
    const at = VIEW_NAMES.indexOf(this.current);
    const targets: Partial<Record<string, number>> = { ArrowRight: at + 1, ArrowLeft: at + count - 1, Home: 0, End: count - 1 };
    const to = targets[event.key];
    const view = to === undefined ? undefined : VIEW_NAMES[to % count];
    if (view === undefined) return;
    event.preventDefault();
    this.pick(view);
    this.tabs.get(view)?.focus();
  }

  /** Only the selected tab is in the Tab order, and only its panel shows. */
  private showSelected(): void {
    for (const view of VIEW_NAMES) {
      const selected = view === this.current;
      const tab = this.tabs.get(view);
      tab?.setAttribute('aria-selected', String(selected));
      tab?.setAttribute('tabindex', selected ? '0' : '-1');
      const panel = this.panels.get(view);
      if (panel) panel.hidden = !selected;
    }
  }

  /** Puts the content of a view that was left out at first into its tab. */
  fill(view: ViewName, content: HTMLElement): void {
    this.scroller(view).querySelector(':scope > .view-content')?.append(content);
  }

  get view(): ViewName {
    return this.current;
  }

  /** Switches tabs from code; returns false when that view already showed. */
  select(view: ViewName): boolean {
    if (view === this.current) return false;
    this.current = view;
    this.showSelected();
    return true;
  }

  /** The element that scrolls for a view, to save and restore its position. */
  scroller(view: ViewName): HTMLElement {
    const panel = this.panels.get(view);
    if (!panel) throw new Error(`no panel for ${view}`);
    return panel;
  }

  setActiveJobs(count: number): void {
    this.badge.hidden = count === 0;
    this.badge.textContent = String(count);
    this.tabs.get('jobs')?.setAttribute('aria-label', count > 0 ? tn(count, 'Jobs, {0} active|Jobs, {0} active') : t('Jobs'));
  }

  notice(level: NoticeLevel, message: string): void {
    const notice = h(
      'div',
      { class: `notice ${level}`, role: level === 'error' ? 'alert' : 'status' },
      codicon(level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info'),
      h('span', { class: 'notice-text', text: message }),
    );
    const dismiss = (): void => notice.remove();
    notice.append(iconButton({ icon: 'close', label: t('Dismiss'), key: 'notice-close', onClick: dismiss }));
    this.notices.append(notice);
    while (this.notices.childElementCount > MAX_NOTICES) this.notices.firstElementChild?.remove();
    if (level === 'info') setTimeout(dismiss, INFO_NOTICE_MS);
  }
}

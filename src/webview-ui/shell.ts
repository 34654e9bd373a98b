// The panel's frame: the Compose / Jobs / Results tabs with a running-jobs badge, and the notices from the host.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
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

export class Shell {
  readonly element: HTMLElement;

  private current: ViewName;
  private readonly tabs: HTMLElementTagNameMap['vscode-tabs'];
  private readonly panels = new Map<ViewName, HTMLElement>();
  private readonly badge: HTMLElementTagNameMap['vscode-badge'];
  private readonly notices: HTMLElement;

  constructor(private readonly options: ShellOptions) {
    this.current = options.initial;
    this.tabs = document.createElement('vscode-tabs');
    this.tabs.panel = true;
    this.tabs.setAttribute('aria-label', t('RunComfy image edit'));
    this.badge = document.createElement('vscode-badge');
    this.badge.variant = 'counter';
    this.badge.slot = 'content-after';
    this.badge.hidden = true;
    for (const view of VIEW_NAMES) {
      const header = document.createElement('vscode-tab-header');
      header.dataset.view = view;
      header.append(title(view));
      if (view === 'jobs') header.append(this.badge);
      const panel = document.createElement('vscode-tab-panel');
      panel.dataset.view = view;
      panel.append(h('div', { class: 'view-content' }, options.views[view]));
      this.panels.set(view, panel);
      this.tabs.append(header, panel);
    }
    this.tabs.selectedIndex = VIEW_NAMES.indexOf(this.current);
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const view = VIEW_NAMES[event.detail.selectedIndex];
      if (view === undefined || view === this.current) return;
      this.current = view;
      this.options.onSelect(view);
    });
    this.notices = h('div', { class: 'notices' });
    this.element = h('div', { class: 'shell' }, this.notices, this.tabs);
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
    this.tabs.selectedIndex = VIEW_NAMES.indexOf(view);
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
    const header = this.tabs.querySelector<HTMLElement>('vscode-tab-header[data-view="jobs"]');
    header?.setAttribute('aria-label', count > 0 ? tn(count, 'Jobs, {0} active|Jobs, {0} active') : t('Jobs'));
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

// "Recent prompts": a searchable list of the last 50 prompts sent, newest first; picking one puts it in the prompt box.
import { t } from '../common/l10n';
import { searchPrompts } from '../common/promptHistory';
import { textField } from './controls';
import { codicon, h } from './dom';

export class PromptHistoryMenu {
  /** Opens the list; sits next to the prompt's label. */
  readonly button: HTMLButtonElement;
  /** The list with its search field; shown under the prompt's heading while open. */
  readonly element: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private history: string[] = [];

  constructor(private readonly deps: { use(prompt: string): void }) {
    this.button = h(
      'button',
      {
        type: 'button',
        class: 'action history-toggle',
        'data-key': 'prompt-history',
        'aria-label': t('Recent prompts'),
        'aria-expanded': 'false',
        'aria-controls': 'prompt-history',
      },
      codicon('history'),
      h('span', { class: 'history-toggle-label', text: t('Recent prompts') }),
    );
    this.button.addEventListener('click', () => (this.element.hidden ? this.open() : this.close(true)));

    const search = textField({
      id: 'prompt-history-search',
      key: 'prompt-history-search',
      placeholder: t('Search recent prompts'),
      ariaLabel: t('Search recent prompts'),
      icon: 'search',
    });
    this.search = search.input;
    this.search.addEventListener('input', () => this.render());
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.items()[0]?.focus();
      }
    });
    this.list = h('ul', { class: 'history-list', role: 'list', 'aria-label': t('Recent prompts') });
    this.list.addEventListener('keydown', (event) => {
      const items = this.items();
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      if (event.key === 'ArrowDown' && at >= 0) {
        event.preventDefault();
        items[Math.min(items.length - 1, at + 1)]?.focus();
      } else if (event.key === 'ArrowUp' && at >= 0) {
        event.preventDefault();
        if (at === 0) this.search.focus();
        else items[at - 1]?.focus();
      }
    });
    this.empty = h('p', { class: 'section-hint', hidden: true });
    this.element = h('div', { class: 'prompt-history', id: 'prompt-history', hidden: true }, search.element, this.list, this.empty);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
      }
    });
    this.update([]);
  }

  update(history: readonly string[]): void {
    this.history = [...history];
    // Shown once there is something to list: prompts appear here after they are submitted.
    this.button.hidden = this.history.length === 0;
    if (this.history.length === 0) this.close(false);
    else if (!this.element.hidden) this.render();
  }

  private items(): HTMLButtonElement[] {
    return Array.from(this.list.querySelectorAll<HTMLButtonElement>('button.history-item'));
  }

  private open(): void {
    this.search.value = '';
    this.render();
    this.element.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    requestAnimationFrame(() => this.search.focus());
  }

  private close(returnFocus: boolean): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.button.focus();
  }

  private render(): void {
    const found = searchPrompts(this.history, this.search.value);
    this.list.replaceChildren(
      ...found.map((prompt, i) => {
        const item = h('button', { type: 'button', class: 'history-item', 'data-key': `history-${i}`, title: prompt, text: prompt });
        item.addEventListener('click', () => {
          this.close(false);
          this.deps.use(prompt);
        });
        return h('li', null, item);
      }),
    );
    this.empty.hidden = found.length > 0;
    this.empty.textContent = found.length > 0 ? '' : t('No recent prompt contains “{0}”.', this.search.value.trim());
  }
}

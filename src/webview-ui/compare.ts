// The before/after comparison: both images stacked, a divider moved by dragging or by a keyboard-accessible range.
import { t } from '../common/l10n';
import type { ResultView } from '../protocol/messages';
import { codicon, h, textButton } from './dom';
import { clamp01, ratioAt } from './viewState';

export interface CompareDeps {
  /** Called with the open comparison after every change, or undefined once it closes, so a reload can restore it. */
  persist(compare: { path: string; position: number } | undefined): void;
  /** Called after closing, to put focus back where the comparison was opened from. */
  closed(path: string): void;
}

export class CompareView {
  readonly element: HTMLElement;

  private path: string | undefined;
  private position = 0.5;
  private readonly title: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly afterImage: HTMLImageElement;
  private readonly beforeImage: HTMLImageElement;
  private readonly range: HTMLInputElement;

  constructor(private readonly deps: CompareDeps) {
    this.title = h('span', { class: 'compare-name' });
    this.afterImage = h('img', { class: 'compare-after', draggable: 'false', alt: '' });
    this.beforeImage = h('img', { class: 'compare-before', draggable: 'false', alt: '' });
    this.afterImage.addEventListener('load', () => this.fitStage());
    this.stage = h(
      'div',
      { class: 'compare-stage' },
      this.afterImage,
      this.beforeImage,
      h('div', { class: 'compare-divider', 'aria-hidden': 'true' }, h('span', { class: 'compare-handle' }, codicon('arrow-both'))),
      h('span', { class: 'compare-tag before', 'aria-hidden': 'true', text: t('Before') }),
      h('span', { class: 'compare-tag after', 'aria-hidden': 'true', text: t('After') }),
    );
    this.range = h('input', {
      type: 'range',
      class: 'range',
      id: 'compare-range',
      min: 0,
      max: 100,
      step: 1,
      'data-key': 'compare-range',
    });
    this.range.addEventListener('input', () => this.setPosition(Number(this.range.value) / 100));
    this.attachDrag();

    this.element = h(
      'div',
      { class: 'compare', role: 'region', 'aria-label': t('Before and after comparison'), hidden: true },
      h(
        'div',
        { class: 'compare-header' },
        h('h2', { text: t('Compare') }),
        this.title,
        h('span', { class: 'spacer' }),
        textButton(t('Close'), { key: 'compare-close', icon: 'close', secondary: true, onClick: () => this.close() }),
      ),
      this.stage,
      h(
        'div',
        { class: 'compare-controls' },
        h('label', { for: 'compare-range', class: 'plain-label', text: t('Divider') }),
        this.range,
        h('span', { class: 'option-help', text: t('Drag across the image or use the arrow keys. Esc closes.') }),
      ),
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      }
    });
  }

  get openPath(): string | undefined {
    return this.path;
  }

  open(result: ResultView, position = 0.5): void {
    if (!result.before) return;
    this.path = result.path;
    this.title.textContent = result.name;
    this.title.title = result.path;
    this.afterImage.src = result.thumb;
    this.afterImage.alt = t('After: {0}', result.name);
    this.beforeImage.src = result.before.thumb;
    this.beforeImage.alt = t('Before: {0}', result.before.label);
    this.element.setAttribute('aria-label', t('Before and after: {0} and {1}', result.before.label, result.name));
    this.element.hidden = false;
    this.setPosition(position);
    this.fitStage();
    this.range.focus({ preventScroll: true });
  }

  close(): void {
    const path = this.path;
    if (path === undefined) return;
    this.path = undefined;
    this.element.hidden = true;
    this.afterImage.removeAttribute('src');
    this.beforeImage.removeAttribute('src');
    this.deps.persist(undefined);
    this.deps.closed(path);
  }

  private setPosition(position: number): void {
    this.position = clamp01(position);
    const percent = Math.round(this.position * 100);
    this.range.value = String(percent);
    this.range.setAttribute('aria-valuetext', t('{0}% before, {1}% after', percent, 100 - percent));
    // Both the clip of the upper image and the divider read this one property.
    this.stage.style.setProperty('--split', `${this.position * 100}%`);
    this.range.style.setProperty('--fill', `${percent}%`);
    if (this.path !== undefined) this.deps.persist({ path: this.path, position: this.position });
  }

  private fitStage(): void {
    const { naturalWidth, naturalHeight } = this.afterImage;
    if (naturalWidth > 0 && naturalHeight > 0) this.stage.style.setProperty('--ratio', String(naturalWidth / naturalHeight));
  }

  private attachDrag(): void {
    const follow = (event: PointerEvent): void => {
      const rect = this.stage.getBoundingClientRect();
      this.setPosition(ratioAt(event.clientX, rect.left, rect.width));
    };
    this.stage.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      this.stage.setPointerCapture(event.pointerId);
      this.stage.classList.add('dragging');
      follow(event);
    });
    this.stage.addEventListener('pointermove', (event) => {
      if (this.stage.hasPointerCapture(event.pointerId)) follow(event);
    });
    const stop = (event: PointerEvent): void => {
      if (this.stage.hasPointerCapture(event.pointerId)) this.stage.releasePointerCapture(event.pointerId);
      this.stage.classList.remove('dragging');
    };
    this.stage.addEventListener('pointerup', stop);
    this.stage.addEventListener('pointercancel', stop);
  }
}

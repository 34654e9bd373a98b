// The input image cards: ordered, reorderable by drag or keyboard, removable, each with its facts and problems.
import { t, tn } from '../common/l10n';
import type { FromWebview, InputView } from '../protocol/messages';
import { codicon, h, iconButton, KeyedList, textButton } from './dom';
import { dropIndex, imageFacts, reorder } from './viewModel';

const INPUT_DRAG_TYPE = 'application/x-runcomfy-input';

export interface InputCardsDeps {
  post(message: FromWebview): void;
  /** The list changed here (a removal): counts and the submit state follow. */
  changed(): void;
  /** Where focus goes when the last card is removed. */
  fallbackFocus(): HTMLElement;
}

export class InputCards {
  readonly element: HTMLOListElement;
  /** The images as shown: the host's list, with this panel's moves and removals applied until it answers. */
  private shown: InputView[] = [];
  private draggedId: string | undefined;
  private removedIndex: number | undefined;
  private readonly cards: KeyedList<InputView>;

  constructor(private readonly deps: InputCardsDeps) {
    this.element = h('ol', { class: 'image-grid', 'aria-label': t('Input images, in the order the model receives them') });
    this.cards = new KeyedList<InputView>(
      this.element,
      (image) => image.id,
      (image, index, all) => JSON.stringify([image, index, all.length]),
      (image, index, all) => this.build(image, index, all.length),
      () => this.focusAfterRemoval(),
    );
  }

  get images(): readonly InputView[] {
    return this.shown;
  }

  /** Whether one of the cards is being dragged (a drop then reorders rather than adds files). */
  get dragging(): boolean {
    return this.draggedId !== undefined;
  }

  update(images: readonly InputView[]): void {
    this.shown = images.slice();
    this.cards.update(this.shown);
  }

  private build(image: InputView, index: number, count: number): HTMLElement {
    const broken = image.problems.length > 0;
    const facts = imageFacts(image);
    const position = t('Image {0} of {1}: {2}', index + 1, count, image.label);
    const thumb = image.thumb
      ? h('img', { loading: 'lazy', decoding: 'async', src: image.thumb, alt: image.label, draggable: 'false' })
      : h(
          'div',
          { class: 'thumb-placeholder', role: 'img', 'aria-label': image.kind === 'url' ? t('Web address: {0}', image.label) : image.label },
          // The panel never loads remote images (no network), so an address shows as a link.
          codicon(image.kind === 'url' ? 'link' : 'file-media'),
        );
    const card = h(
      'li',
      {
        class: `image-card${broken ? ' broken' : ''}${image.checking ? ' checking' : ''}`,
        draggable: 'true',
        tabindex: '0',
        'data-key': `${image.id}:card`,
        'aria-label': [position, facts, broken ? tn(image.problems.length, '{0} problem|{0} problems') : ''].filter((part) => part !== '').join(', '),
        'aria-keyshortcuts': 'Alt+ArrowLeft Alt+ArrowRight Delete',
      },
      h(
        'div',
        { class: 'thumb' },
        thumb,
        h('span', { class: 'order badge', 'aria-hidden': 'true', text: String(index + 1) }),
        image.checking ? h('span', { class: 'thumb-status' }, codicon('loading', 'codicon-modifier-spin')) : null,
        broken ? h('span', { class: 'thumb-status error' }, codicon('error')) : null,
      ),
      h(
        'div',
        { class: 'card-body' },
        h('div', { class: 'card-title', title: image.url ?? image.path ?? image.label, text: image.label }),
        image.fitSummary
          ? h('div', { class: 'card-fit', title: t('What is sent: {0}', image.fitSummary), text: image.fitSummary })
          : facts
            ? h('div', { class: 'card-facts', text: facts })
            : null,
        image.checking ? h('div', { class: 'card-checking' }, codicon('loading', 'codicon-modifier-spin'), ` ${t('Checking…')}`) : null,
        broken
          ? h(
              'ul',
              { class: 'problems', 'aria-label': t('Problems with {0}', image.label) },
              ...image.problems.map((problem) =>
                h('li', { class: 'problem', 'data-rule': problem.rule }, codicon('error'), h('span', { text: problem.message })),
              ),
            )
          : null,
        image.canFit ? this.fitChoice(image) : null,
      ),
      h(
        'div',
        { class: 'card-actions' },
        iconButton({
          icon: 'arrow-left',
          label: t('Move {0} earlier', image.label),
          key: `${image.id}:left`,
          disabled: index === 0,
          onClick: () => this.move(image.id, index - 1),
        }),
        iconButton({
          icon: 'arrow-right',
          label: t('Move {0} later', image.label),
          key: `${image.id}:right`,
          disabled: index === count - 1,
          onClick: () => this.move(image.id, index + 1),
        }),
        h('span', { class: 'spacer' }),
        iconButton({ icon: 'trash', label: t('Remove {0}', image.label), key: `${image.id}:remove`, onClick: () => this.remove(image.id) }),
      ),
    );
    card.addEventListener('keydown', (event) => this.onCardKey(event, image.id, card));
    this.attachCardDrag(card, image.id);
    return card;
  }

  /** Pad or Crop for an image outside 1:3–3:1; the choice is this card's alone and goes with the submit. */
  private fitChoice(image: InputView): HTMLElement {
    const option = (fit: 'pad' | 'crop', label: string, hint: string) => {
      const chosen = image.fit === fit;
      const button = textButton(label, {
        key: `${image.id}:${fit}`,
        secondary: !chosen,
        ...(chosen ? { icon: 'check' } : {}),
        onClick: () => this.deps.post({ type: 'chooseFit', id: image.id, fit }),
      });
      button.setAttribute('aria-pressed', String(chosen));
      button.title = hint;
      button.classList.add('fit-option');
      return button;
    };
    return h(
      'div',
      { class: 'fit-choice', role: 'group', 'aria-label': t('How to send {0}', image.label) },
      option('pad', t('Pad'), t('Extend the canvas with neutral grey to 3:1 (or 1:3); nothing is cut off.')),
      option('crop', t('Crop'), t('Keep the centre, cut to 3:1 (or 1:3).')),
    );
  }

  private onCardKey(event: KeyboardEvent, id: string, card: HTMLElement): void {
    if (event.target !== card) return;
    const index = this.shown.findIndex((image) => image.id === id);
    if (event.altKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      this.move(id, index + (event.key === 'ArrowLeft' ? -1 : 1));
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.remove(id);
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      const cards = Array.from(this.cards.container.children) as HTMLElement[];
      const next = event.key === 'Home' ? 0 : event.key === 'End' ? cards.length - 1 : index + (event.key === 'ArrowLeft' ? -1 : 1);
      cards[Math.max(0, Math.min(cards.length - 1, next))]?.focus();
    }
  }

  private move(id: string, to: number): void {
    const from = this.shown.findIndex((image) => image.id === id);
    if (from < 0 || to < 0 || to >= this.shown.length || to === from) return;
    // Shown at once so repeated key presses build on each other; the host's draft confirms it.
    this.shown = reorder(this.shown, from, to);
    this.cards.update(this.shown);
    this.deps.post({ type: 'moveImage', id, to });
  }

  private remove(id: string): void {
    const index = this.shown.findIndex((image) => image.id === id);
    if (index < 0) return;
    this.removedIndex = index;
    this.shown = this.shown.filter((image) => image.id !== id);
    this.cards.update(this.shown);
    this.removedIndex = undefined;
    this.deps.changed();
    this.deps.post({ type: 'removeImage', id });
  }

  private focusAfterRemoval(): HTMLElement | undefined {
    const cards = Array.from(this.cards.container.children) as HTMLElement[];
    if (this.removedIndex === undefined || cards.length === 0) return this.deps.fallbackFocus();
    return cards[Math.min(this.removedIndex, cards.length - 1)];
  }

  private attachCardDrag(card: HTMLElement, id: string): void {
    card.addEventListener('dragstart', (event) => {
      if (!event.dataTransfer) return;
      this.draggedId = id;
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData(INPUT_DRAG_TYPE, id);
      card.classList.add('dragging');
    });
    card.addEventListener('dragend', () => {
      this.draggedId = undefined;
      card.classList.remove('dragging');
      this.clearDropMarks();
    });
    card.addEventListener('dragover', (event) => {
      if (this.draggedId === undefined || this.draggedId === id) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
      const after = this.isAfter(event, card);
      card.classList.toggle('drop-before', !after);
      card.classList.toggle('drop-after', after);
    });
    card.addEventListener('dragleave', () => card.classList.remove('drop-before', 'drop-after'));
    card.addEventListener('drop', (event) => {
      const dragged = this.draggedId;
      if (dragged === undefined) return;
      event.preventDefault();
      event.stopPropagation();
      this.clearDropMarks();
      const from = this.shown.findIndex((image) => image.id === dragged);
      const target = this.shown.findIndex((image) => image.id === id);
      if (from < 0 || target < 0) return;
      this.move(dragged, dropIndex(from, target, this.isAfter(event, card)));
    });
  }

  private isAfter(event: DragEvent, card: HTMLElement): boolean {
    const rect = card.getBoundingClientRect();
    return event.clientX > rect.left + rect.width / 2;
  }

  private clearDropMarks(): void {
    for (const card of this.cards.container.querySelectorAll('.drop-before, .drop-after')) card.classList.remove('drop-before', 'drop-after');
  }
}

// The Compose section: ordered input cards with reordering and drops, prompt, size, scale, single output, and Submit.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { t } from '../common/l10n';
import type { DraftView, FromWebview, InputView, PanelState } from '../protocol/messages';
import { codicon, fillIn, h, iconButton, KeyedList, textButton } from './dom';
import {
  dropIndex,
  imageFacts,
  parseUriList,
  parseUrlInput,
  promptCounter,
  reorder,
  submitState,
} from './viewModel';
import { EchoGuard, formatScale } from './viewState';

const PROMPT_DEBOUNCE_MS = 250;
/** How long Submit stays disabled waiting for the host's answer, so a double click cannot send twice. */
const SUBMIT_GUARD_MS = 15_000;
const INPUT_DRAG_TYPE = 'application/x-runcomfy-input';
const URI_LIST_TYPES = ['text/uri-list', 'application/vnd.code.uri-list'];

export interface ComposeDeps {
  post(message: FromWebview): void;
}

export class ComposeView {
  readonly element: HTMLElement;

  private state: PanelState;
  /** The images as shown: the host's list, with this panel's moves and removals applied until it answers. */
  private images: InputView[];
  private prompt: string;
  private promptTimer: ReturnType<typeof setTimeout> | undefined;
  private submitGuard: ReturnType<typeof setTimeout> | undefined;
  private draggedId: string | undefined;
  private removedIndex: number | undefined;
  private sizesSignature = '';

  private readonly promptEcho = new EchoGuard<string>();
  private readonly sizeEcho = new EchoGuard<string>();
  private readonly scaleEcho = new EchoGuard<number>();
  private readonly singleEcho = new EchoGuard<boolean>();

  private readonly cards: KeyedList<InputView>;
  private readonly imageCount: HTMLElement;
  private readonly imageArea: HTMLElement;
  private readonly dropMessage: HTMLElement;
  private readonly addButton: HTMLElementTagNameMap['vscode-button'];
  private readonly urlField: HTMLElementTagNameMap['vscode-textfield'];
  private readonly urlMessage: HTMLElement;
  private readonly promptField: HTMLElementTagNameMap['vscode-textarea'];
  private readonly counter: HTMLElement;
  private readonly promptMessage: HTMLElement;
  private readonly sizeSelect: HTMLElementTagNameMap['vscode-single-select'];
  private readonly scaleRange: HTMLInputElement;
  private readonly scaleValue: HTMLOutputElement;
  private readonly singleToggle: HTMLElementTagNameMap['vscode-checkbox'];
  private readonly price: HTMLElement;
  private readonly submitButton: HTMLElementTagNameMap['vscode-button'];
  private readonly submitReason: HTMLElement;
  private readonly submitRow: HTMLElement;
  private readonly tokenRow: HTMLElement;

  constructor(private readonly deps: ComposeDeps, state: PanelState) {
    this.state = state;
    this.images = state.draft.images.slice();
    this.prompt = state.draft.prompt;

    // ---- images ----
    this.imageCount = h('span', { class: 'section-count' });
    const grid = h('ol', { class: 'image-grid', 'aria-label': t('Input images, in the order the model receives them') });
    this.cards = new KeyedList<InputView>(
      grid,
      (image) => image.id,
      (image, index, all) => JSON.stringify([image, index, all.length]),
      (image, index, all) => this.buildCard(image, index, all.length),
      () => this.focusAfterRemoval(),
    );
    this.addButton = textButton(t('Add images…'), { key: 'add-images', icon: 'add', onClick: () => this.deps.post({ type: 'pickImages' }) });
    this.dropMessage = h('p', { class: 'field-message warning', role: 'status', hidden: true });
    const dropZone = h(
      'div',
      { class: 'drop-zone' },
      codicon('cloud-upload', 'drop-icon'),
      h(
        'div',
        { class: 'drop-text' },
        h('span', { text: t('Drop PNG or JPEG files here from the Explorer') }),
        h('span', { class: 'hint' }, ...fillIn(t('Hold {0} while dropping: VS Code needs it to let files into a panel.'), h('kbd', { text: 'Shift' }))),
      ),
      this.addButton,
    );
    this.urlField = document.createElement('vscode-textfield');
    this.urlField.placeholder = 'https://example.com/photo.png';
    this.urlField.label = t('Image addresses, separated by spaces or commas');
    this.urlField.dataset.key = 'url-field';
    this.urlField.id = 'url-field';
    this.urlField.append(codicon('link', 'field-icon'));
    this.urlField.lastElementChild?.setAttribute('slot', 'content-before');
    this.urlField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.addUrls();
      }
    });
    this.urlField.addEventListener('input', () => this.showUrlMessage(undefined));
    this.urlMessage = h('p', { class: 'field-message error', 'aria-live': 'polite', hidden: true });
    const urlRow = h(
      'div',
      { class: 'url-row' },
      this.urlField,
      textButton(t('Add URL'), { key: 'add-url', secondary: true, onClick: () => this.addUrls() }),
    );
    this.imageArea = h('div', { class: 'image-area' }, grid, dropZone);
    this.attachFileDrop(this.imageArea);

    const imagesSection = h(
      'section',
      { class: 'compose-section', 'aria-labelledby': 'images-heading' },
      h('div', { class: 'section-heading' }, h('h2', { id: 'images-heading', text: t('Input images') }), this.imageCount),
      h('p', { class: 'section-hint', text: t('PNG or JPEG, up to 15 MB and 4096 px each. The model reads them in this order; drag cards or use the arrows to reorder.') }),
      this.imageArea,
      this.dropMessage,
      h('div', { class: 'url-block' }, h('label', { class: 'plain-label', for: 'url-field', text: t('Or add images by address') }), urlRow, this.urlMessage),
    );

    // ---- prompt ----
    this.promptField = document.createElement('vscode-textarea');
    this.promptField.id = 'prompt-field';
    this.promptField.dataset.key = 'prompt';
    this.promptField.rows = 5;
    // The component's resize grip is a data: image that the panel's CSP refuses; the box grows with its text instead.
    this.promptField.resize = 'none';
    this.promptField.label = t('Prompt');
    this.promptField.placeholder = t('Describe the edit, e.g. “Replace the sky with a warm sunset; keep the people unchanged.”');
    this.promptField.value = this.prompt;
    this.promptField.addEventListener('input', () => this.onPromptInput());
    void this.promptField.updateComplete.then(() => this.fitPrompt());
    this.promptField.addEventListener('blur', () => this.flushPrompt());
    this.promptField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.submit();
      }
    });
    this.counter = h('span', { class: 'counter', 'aria-hidden': 'true' });
    this.promptMessage = h('p', { class: 'field-message error', 'aria-live': 'polite', hidden: true });
    const modifier = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
    const promptSection = h(
      'section',
      { class: 'compose-section', 'aria-labelledby': 'prompt-label' },
      h('div', { class: 'section-heading' }, h('label', { id: 'prompt-label', for: 'prompt-field', class: 'plain-label', text: t('Prompt') }), this.counter),
      this.promptField,
      this.promptMessage,
      h('p', { class: 'section-hint' }, ...fillIn(t('Refer to the inputs as “image 1”, “image 2”… in the order above. {0} submits.'), h('kbd', { text: `${modifier}+Enter` }))),
    );

    // ---- options ----
    this.sizeSelect = document.createElement('vscode-single-select');
    this.sizeSelect.id = 'size-select';
    this.sizeSelect.dataset.key = 'size';
    this.sizeSelect.label = t('Output size');
    this.sizeSelect.addEventListener('change', () => {
      const size = this.sizeSelect.value;
      if (!size) return;
      this.sizeEcho.noteSent(size);
      this.deps.post({ type: 'updateDraft', size });
    });

    this.scaleRange = h('input', {
      type: 'range',
      id: 'scale-range',
      class: 'range',
      min: 0,
      max: 1,
      step: 0.05,
      'data-key': 'scale',
      'aria-describedby': 'scale-help',
    });
    this.scaleValue = h('output', { class: 'range-value', for: 'scale-range', 'aria-hidden': 'true' });
    this.scaleRange.addEventListener('input', () => this.showScale(Number(this.scaleRange.value)));
    this.scaleRange.addEventListener('change', () => {
      const scale = Number(this.scaleRange.value);
      this.scaleEcho.noteSent(scale);
      this.deps.post({ type: 'updateDraft', scale });
    });

    this.singleToggle = document.createElement('vscode-checkbox');
    this.singleToggle.toggle = true;
    this.singleToggle.dataset.key = 'single';
    this.singleToggle.label = t('Force a single output image');
    this.singleToggle.addEventListener('change', () => {
      const forceSingle = this.singleToggle.checked;
      this.singleEcho.noteSent(forceSingle);
      this.deps.post({ type: 'updateDraft', forceSingle });
    });

    const optionsSection = h(
      'section',
      { class: 'compose-section options', 'aria-label': t('Options') },
      h('div', { class: 'option' }, h('label', { class: 'plain-label', for: 'size-select', text: t('Output size') }), this.sizeSelect),
      h(
        'div',
        { class: 'option' },
        h('label', { class: 'plain-label', for: 'scale-range', text: t('Prompt strength') }),
        h('div', { class: 'range-row' }, h('span', { class: 'range-end', text: t('Images'), 'aria-hidden': 'true' }), this.scaleRange, h('span', { class: 'range-end', text: t('Prompt'), 'aria-hidden': 'true' }), this.scaleValue),
        h('p', { id: 'scale-help', class: 'option-help', text: t('0 stays close to the input images; 1 follows the prompt more freely. 0.5 is the model’s default.') }),
      ),
      h(
        'div',
        { class: 'option' },
        h('span', { class: 'plain-label', text: t('Outputs') }),
        this.singleToggle,
        h('p', { class: 'option-help', text: t('Without it the model may return several images, which takes longer.') }),
      ),
    );

    // ---- submit ----
    this.price = h('span', { class: 'price', hidden: true });
    this.submitButton = textButton(t('Submit'), { key: 'submit', icon: 'sparkle', onClick: () => this.submit() });
    this.submitReason = h('span', { class: 'submit-reason', 'aria-live': 'polite' });
    this.submitRow = h('div', { class: 'submit-row' }, this.submitButton, this.submitReason);
    this.tokenRow = h(
      'div',
      { class: 'submit-row', hidden: true },
      textButton(t('Set API token'), { key: 'set-token', icon: 'key', onClick: () => this.deps.post({ type: 'setToken' }) }),
      h('span', { class: 'submit-reason', text: t('Submitting needs your RunComfy API token; VS Code keeps it in its secret storage.') }),
    );
    const footer = h('footer', { class: 'submit-bar' }, h('div', { class: 'submit-main' }, this.submitRow, this.tokenRow), this.price);

    this.element = h('div', { class: 'compose' }, imagesSection, promptSection, optionsSection, footer);
    this.applyDraft(state.draft, true);
    this.render();
  }

  /** Applies a new panel state; controls the user is working in keep their local value. */
  update(state: PanelState): void {
    const previous = this.state;
    this.state = state;
    if (state.draft !== previous.draft) this.applyDraft(state.draft, false);
    this.render();
  }

  private render(): void {
    const state = this.state;
    this.renderSizes();
    if (state.price) {
      this.price.hidden = false;
      // The host passes RunComfy's own wording ("$0.03 per image"), so it is shown as given.
      this.price.replaceChildren(codicon('tag'), ` ${t('Price: {0}', state.price)}`);
    } else {
      this.price.hidden = true;
    }
    this.renderSubmit();
  }

  updateDraft(draft: DraftView): void {
    this.update({ ...this.state, draft });
  }

  /** The host answered a submit (accepted or refused), so the button may be used again. */
  submitSettled(): void {
    if (this.submitGuard !== undefined) clearTimeout(this.submitGuard);
    this.submitGuard = undefined;
    this.renderSubmit();
  }

  /** Sends a pending prompt edit now, so a submit or a reload never loses the last keystrokes. */
  flushPrompt(): void {
    if (this.promptTimer === undefined) return;
    clearTimeout(this.promptTimer);
    this.promptTimer = undefined;
    this.promptEcho.noteSent(this.prompt);
    this.deps.post({ type: 'updateDraft', prompt: this.prompt });
  }

  private applyDraft(draft: DraftView, initial: boolean): void {
    this.images = draft.images.slice();
    this.cards.update(this.images);
    this.renderCount();

    if (initial) {
      this.showScale(draft.scale);
      this.singleToggle.checked = draft.forceSingle;
      this.sizeSelect.value = draft.size;
      this.renderCounter();
      return;
    }
    // A pending edit is newer than anything the host can have sent back.
    if (this.promptTimer === undefined && this.promptEcho.isForeign(draft.prompt) && draft.prompt !== this.prompt) {
      this.prompt = draft.prompt;
      this.promptField.value = draft.prompt;
      void this.promptField.updateComplete.then(() => this.fitPrompt());
    }
    if (this.sizeEcho.isForeign(draft.size) && this.sizeSelect.value !== draft.size) this.sizeSelect.value = draft.size;
    if (this.scaleEcho.isForeign(draft.scale) && Number(this.scaleRange.value) !== draft.scale) this.showScale(draft.scale);
    if (this.singleEcho.isForeign(draft.forceSingle) && this.singleToggle.checked !== draft.forceSingle) this.singleToggle.checked = draft.forceSingle;
    this.renderCounter();
  }

  private renderSizes(): void {
    const signature = JSON.stringify(this.state.sizes);
    if (signature === this.sizesSignature) return;
    this.sizesSignature = signature;
    const options = this.state.sizes.map((size) => {
      const option = document.createElement('vscode-option');
      option.value = size.value;
      option.textContent = size.label;
      if (size.value === this.state.draft.size) option.selected = true;
      return option;
    });
    this.sizeSelect.replaceChildren(...options);
    this.sizeSelect.value = this.state.draft.size;
  }

  private renderCount(): void {
    const max = this.state.limits.maxImages;
    this.imageCount.textContent = t('{0} of {1}', this.images.length, max);
    this.imageCount.classList.toggle('over', this.images.length > max);
    this.imageArea.classList.toggle('empty', this.images.length === 0);
    // Adding images is the one main action only until there are some; then Submit is.
    this.addButton.secondary = this.images.length > 0;
  }

  private renderCounter(): void {
    const counter = promptCounter(this.prompt, this.state.limits.maxPromptLength);
    this.counter.textContent = counter.text;
    this.counter.title = counter.label;
    this.counter.classList.toggle('over', counter.over);
    this.promptField.invalid = counter.over;
    this.promptMessage.hidden = !counter.message;
    this.promptMessage.replaceChildren(...(counter.message ? [codicon('error'), ` ${counter.message}`] : []));
  }

  private renderSubmit(): void {
    const status = submitState({
      images: this.images,
      prompt: this.prompt,
      hasToken: this.state.hasToken,
      limits: this.state.limits,
    });
    this.submitRow.hidden = status.needsToken;
    this.tokenRow.hidden = !status.needsToken;
    const waiting = this.submitGuard !== undefined;
    this.submitButton.disabled = !status.enabled || waiting;
    const reason = waiting ? t('Submitting…') : status.reason;
    this.submitReason.replaceChildren(...(reason ? [codicon(waiting ? 'loading' : 'info', waiting ? 'codicon-modifier-spin' : ''), ` ${reason}`] : []));
  }

  private showScale(scale: number): void {
    this.scaleRange.value = String(scale);
    this.scaleValue.textContent = formatScale(scale);
    const leaning = scale < 0.35 ? t('closer to the images') : scale > 0.65 ? t('closer to the prompt') : t('balanced');
    this.scaleRange.setAttribute('aria-valuetext', `${formatScale(scale)}, ${leaning}`);
    // The filled part of the track is drawn by CSS from this property.
    this.scaleRange.style.setProperty('--fill', `${scale * 100}%`);
  }

  /** Compose is showing again: the prompt box is fitted now if its text changed while the tab was hidden. */
  shown(): void {
    this.fitPrompt();
  }

  /** Grows the prompt box with its text (between 5 and about 16 lines), since a resize grip is not available. */
  private fitPrompt(): void {
    const inner = this.promptField.wrappedElement as HTMLTextAreaElement | undefined;
    if (!inner) return;
    // A hidden tab has no layout: measuring now would shrink the box to nothing. shown() fits it later.
    if (inner.getClientRects().length === 0) return;
    inner.style.height = 'auto';
    const lineHeight = parseFloat(getComputedStyle(inner).lineHeight) || 18;
    inner.style.height = `${Math.min(inner.scrollHeight + 2, Math.round(lineHeight * 16))}px`;
  }

  private onPromptInput(): void {
    this.prompt = this.promptField.value;
    this.fitPrompt();
    this.renderCounter();
    this.renderSubmit();
    if (this.promptTimer !== undefined) clearTimeout(this.promptTimer);
    this.promptTimer = setTimeout(() => {
      this.promptTimer = undefined;
      this.promptEcho.noteSent(this.prompt);
      this.deps.post({ type: 'updateDraft', prompt: this.prompt });
    }, PROMPT_DEBOUNCE_MS);
  }

  private submit(): void {
    const status = submitState({ images: this.images, prompt: this.prompt, hasToken: this.state.hasToken, limits: this.state.limits });
    if (!status.enabled || this.submitGuard !== undefined) return;
    this.flushPrompt();
    this.deps.post({ type: 'submit' });
    this.submitGuard = setTimeout(() => this.submitSettled(), SUBMIT_GUARD_MS);
    this.renderSubmit();
  }

  // ---- cards ----

  private buildCard(image: InputView, index: number, count: number): HTMLElement {
    const broken = image.problems.length > 0;
    const facts = imageFacts(image);
    const position = t('Image {0} of {1}: {2}', index + 1, count, image.label);
    const thumb = image.thumb
      ? h('img', { src: image.thumb, alt: image.label, draggable: 'false', decoding: 'async' })
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
        'aria-label': [position, facts, broken ? t('problems: {0}', image.problems.length) : ''].filter((part) => part !== '').join(', '),
        'aria-keyshortcuts': 'Alt+ArrowLeft Alt+ArrowRight Delete',
      },
      h(
        'div',
        { class: 'thumb' },
        thumb,
        h('span', { class: 'order', 'aria-hidden': 'true', text: String(index + 1) }),
        image.checking ? h('span', { class: 'thumb-status' }, codicon('loading', 'codicon-modifier-spin')) : null,
        broken ? h('span', { class: 'thumb-status error' }, codicon('error')) : null,
      ),
      h(
        'div',
        { class: 'card-body' },
        h('div', { class: 'card-title', title: image.url ?? image.path ?? image.label, text: image.label }),
        facts ? h('div', { class: 'card-facts', text: facts }) : null,
        image.checking ? h('div', { class: 'card-checking' }, codicon('loading', 'codicon-modifier-spin'), ` ${t('Checking…')}`) : null,
        broken
          ? h(
              'ul',
              { class: 'problems', 'aria-label': t('Problems with {0}', image.label) },
              ...image.problems.map((problem) => h('li', { class: 'problem', 'data-rule': problem.rule }, codicon('error'), h('span', { text: problem.message }))),
            )
          : null,
      ),
      h(
        'div',
        { class: 'card-actions' },
        iconButton({ icon: 'arrow-left', label: t('Move {0} earlier', image.label), key: `${image.id}:left`, disabled: index === 0, onClick: () => this.move(image.id, index - 1) }),
        iconButton({ icon: 'arrow-right', label: t('Move {0} later', image.label), key: `${image.id}:right`, disabled: index === count - 1, onClick: () => this.move(image.id, index + 1) }),
        h('span', { class: 'spacer' }),
        iconButton({ icon: 'trash', label: t('Remove {0}', image.label), key: `${image.id}:remove`, onClick: () => this.remove(image.id) }),
      ),
    );
    card.addEventListener('keydown', (event) => this.onCardKey(event, image.id, card));
    this.attachCardDrag(card, image.id);
    return card;
  }

  private onCardKey(event: KeyboardEvent, id: string, card: HTMLElement): void {
    if (event.target !== card) return;
    const index = this.images.findIndex((image) => image.id === id);
    if (event.altKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      this.move(id, index + (event.key === 'ArrowLeft' ? -1 : 1));
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.remove(id);
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      const cards = Array.from(this.cards.container.children) as HTMLElement[];
      const next =
        event.key === 'Home' ? 0 : event.key === 'End' ? cards.length - 1 : index + (event.key === 'ArrowLeft' ? -1 : 1);
      cards[Math.max(0, Math.min(cards.length - 1, next))]?.focus();
    }
  }

  private move(id: string, to: number): void {
    const from = this.images.findIndex((image) => image.id === id);
    if (from < 0 || to < 0 || to >= this.images.length || to === from) return;
    // Shown at once so repeated key presses build on each other; the host's draft confirms it.
    this.images = reorder(this.images, from, to);
    this.cards.update(this.images);
    this.deps.post({ type: 'moveImage', id, to });
  }

  private remove(id: string): void {
    const index = this.images.findIndex((image) => image.id === id);
    if (index < 0) return;
    this.removedIndex = index;
    this.images = this.images.filter((image) => image.id !== id);
    this.cards.update(this.images);
    this.removedIndex = undefined;
    this.renderCount();
    this.renderSubmit();
    this.deps.post({ type: 'removeImage', id });
  }

  private focusAfterRemoval(): HTMLElement | undefined {
    const cards = Array.from(this.cards.container.children) as HTMLElement[];
    if (this.removedIndex === undefined || cards.length === 0) return this.addButton;
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
      const from = this.images.findIndex((image) => image.id === dragged);
      const target = this.images.findIndex((image) => image.id === id);
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

  // ---- files and addresses from outside ----

  private attachFileDrop(zone: HTMLElement): void {
    const carriesFiles = (event: DragEvent): boolean => {
      const types = Array.from(event.dataTransfer?.types ?? []);
      return this.draggedId === undefined && (types.some((type) => URI_LIST_TYPES.includes(type)) || types.includes('Files'));
    };
    let depth = 0;
    zone.addEventListener('dragenter', (event) => {
      if (!carriesFiles(event)) return;
      depth++;
      zone.classList.add('drag-over');
    });
    zone.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) zone.classList.remove('drag-over');
    });
    zone.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    zone.addEventListener('drop', (event) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      depth = 0;
      zone.classList.remove('drag-over');
      const data = event.dataTransfer;
      const uris = parseUriList(...URI_LIST_TYPES.map((type) => data.getData(type)));
      if (uris.length > 0) {
        this.showDropMessage(undefined);
        this.deps.post({ type: 'dropFiles', uris });
      } else {
        // Files from outside VS Code arrive without a path the extension could read.
        this.showDropMessage(t('Those files came without a location VS Code can read. Drop them from the Explorer while holding Shift, or use Add images….'));
      }
    });
  }

  private showDropMessage(message: string | undefined): void {
    this.dropMessage.hidden = message === undefined;
    this.dropMessage.replaceChildren(...(message ? [codicon('warning'), ` ${message}`] : []));
  }

  private addUrls(): void {
    const text = this.urlField.value;
    if (text.trim() === '') {
      this.showUrlMessage(t('Paste one or more https:// image addresses first.'));
      this.urlField.focus();
      return;
    }
    const parsed = parseUrlInput(text);
    if (parsed.urls.length > 0) this.deps.post({ type: 'addUrls', urls: parsed.urls });
    // What was refused stays in the field, so it can be corrected instead of typed again.
    this.urlField.value = parsed.rejected.map((r) => r.value).join(' ');
    const [first, ...others] = parsed.rejected;
    this.showUrlMessage(first ? (others.length > 0 ? t('{0} (and {1} more)', first.reason, others.length) : first.reason) : undefined);
    this.urlField.invalid = first !== undefined;
  }

  private showUrlMessage(message: string | undefined): void {
    this.urlMessage.hidden = message === undefined;
    this.urlMessage.replaceChildren(...(message ? [codicon('error'), ` ${message}`] : []));
    if (message === undefined) this.urlField.invalid = false;
  }
}

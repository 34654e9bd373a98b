// The Compose section: ordered input cards with reordering and drops, prompt, size, scale, single output, and Submit.
import { t } from '../common/l10n';
import type { DraftView, FromWebview, PanelState } from '../protocol/messages';
import { InputCards } from './composeCards';
import { OptionControls } from './composeOptions';
import { ImageSources } from './composeSources';
import { setInvalid } from './controls';
import { codicon, fillIn, h, setSecondary, textButton } from './dom';
import { PresetControls } from './presets';
import { PromptHistoryMenu } from './promptHistory';
import { promptCounter, submitState } from './viewModel';
import { DraftField, EditSequence } from './editSequence';

const PROMPT_DEBOUNCE_MS = 250;

export interface ComposeDeps {
  post(message: FromWebview): void;
}

export class ComposeView {
  readonly element: HTMLElement;

  private state: PanelState;
  private prompt: string;
  private promptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Submit was clicked and the host has not answered yet; only the host's `busy: false` clears it, never a timer. */
  private awaitingHost = false;
  /** The host says a submit from this panel is in flight (this one, a run-again, or one from before a reload). */
  private hostBusy: boolean;
  /** Draft edits are numbered, so a draft the host wrote before seeing the latest one never undoes it. */
  private readonly edits = new EditSequence();
  private readonly promptEdits = new DraftField(this.edits);

  private readonly cards: InputCards;
  private readonly sources: ImageSources;
  private readonly options: OptionControls;
  private readonly history: PromptHistoryMenu;
  private readonly presets: PresetControls;
  private readonly imageCount: HTMLElement;
  private readonly imageArea: HTMLElement;
  private readonly promptField: HTMLTextAreaElement;
  private readonly counter: HTMLElement;
  private readonly promptMessage: HTMLElement;
  private readonly price: HTMLElement;
  private readonly submitButton: HTMLButtonElement;
  private readonly submitReason: HTMLElement;
  private readonly submitRow: HTMLElement;
  private readonly tokenRow: HTMLElement;

  constructor(
    private readonly deps: ComposeDeps,
    state: PanelState,
  ) {
    this.state = state;
    this.prompt = state.draft.prompt;
    this.hostBusy = state.submitting === true;

    // ---- images ----
    this.imageCount = h('span', { class: 'section-count' });
    this.sources = new ImageSources(deps);
    this.cards = new InputCards({
      post: (message) => this.deps.post(message),
      changed: () => {
        this.renderCount();
        this.renderSubmit();
      },
      fallbackFocus: () => this.sources.addButton,
    });
    this.imageArea = h('div', { class: 'image-area' }, this.cards.element, this.sources.dropZone);
    this.sources.acceptDrops(this.imageArea, () => this.cards.dragging);

    const imagesSection = h(
      'section',
      { class: 'compose-section', 'aria-labelledby': 'images-heading' },
      h('div', { class: 'section-heading' }, h('h2', { id: 'images-heading', text: t('Input images') }), this.imageCount),
      h('p', {
        class: 'section-hint',
        text: t('Any common image format; each card says what is sent. The model reads them in this order; drag cards or use the arrows to reorder.'),
      }),
      this.imageArea,
      this.sources.dropMessage,
      this.sources.urlBlock,
    );

    // ---- prompt ----
    this.promptField = h('textarea', {
      id: 'prompt-field',
      class: 'textarea',
      'data-key': 'prompt',
      rows: 5,
      placeholder: t('Describe the edit, e.g. “Replace the sky with a warm sunset; keep the people unchanged.”'),
    });
    this.promptField.value = this.prompt;
    this.promptField.addEventListener('input', () => this.onPromptInput());
    // A restored prompt is fitted once the box is in the page; an empty one has its natural five rows.
    if (this.prompt !== '') requestAnimationFrame(() => this.fitPrompt());
    this.promptField.addEventListener('blur', () => this.flushPrompt());
    this.promptField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.submit();
      }
    });
    this.counter = h('span', { class: 'counter', 'aria-hidden': 'true' });
    this.promptMessage = h('p', { class: 'field-message error', 'aria-live': 'polite', hidden: true });
    this.history = new PromptHistoryMenu({ use: (prompt) => this.usePrompt(prompt) });
    const modifier = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
    const promptSection = h(
      'section',
      { class: 'compose-section', 'aria-labelledby': 'prompt-label' },
      h(
        'div',
        { class: 'section-heading' },
        h('label', { id: 'prompt-label', for: 'prompt-field', class: 'plain-label', text: t('Prompt') }),
        this.history.button,
        this.counter,
      ),
      this.history.element,
      this.promptField,
      this.promptMessage,
      h(
        'p',
        { class: 'section-hint' },
        ...fillIn(t('Refer to the inputs as “image 1”, “image 2”… in the order above. {0} submits.'), h('kbd', { text: `${modifier}+Enter` })),
      ),
    );

    this.options = new OptionControls({ post: (message) => this.deps.post(message), edits: this.edits });
    this.presets = new PresetControls(deps);

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

    this.element = h('div', { class: 'compose' }, imagesSection, promptSection, this.options.element, this.presets.element, footer);
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
    this.options.renderSizes(state.sizes, state.draft.size);
    if (state.library) {
      this.history.update(state.library.history);
      this.presets.update(state.library.presets);
    }
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

  /**
   * The host's word on submits from this panel. A `busy` message answers every submit (accepted or refused), so
   * `false` there frees the button; a full state only says whether one is in flight right now.
   */
  setBusy(submitting: boolean, answer = true): void {
    this.hostBusy = submitting;
    if (answer && !submitting) this.awaitingHost = false;
    this.renderSubmit();
  }

  /** Sends a pending prompt edit now, so a submit or a reload never loses the last keystrokes. */
  flushPrompt(): void {
    if (this.promptTimer === undefined) return;
    clearTimeout(this.promptTimer);
    this.promptTimer = undefined;
    this.deps.post({ type: 'updateDraft', prompt: this.prompt, seq: this.promptEdits.sent() });
  }

  private applyDraft(draft: DraftView, initial: boolean): void {
    this.edits.saw(draft.seq);
    this.cards.update(draft.images);
    this.renderCount();
    this.options.apply(draft, initial);
    if (initial) {
      this.renderCounter();
      return;
    }
    // A pending edit is newer than anything the host can have sent back.
    if (this.promptTimer === undefined && this.promptEdits.accepts(draft.seq) && draft.prompt !== this.prompt) {
      this.prompt = draft.prompt;
      this.promptField.value = draft.prompt;
      this.fitPrompt();
    }
    this.renderCounter();
  }

  private renderCount(): void {
    const max = this.state.limits.maxImages;
    const count = this.cards.images.length;
    this.imageCount.textContent = t('{0} of {1}', count, max);
    this.imageCount.classList.toggle('over', count > max);
    this.imageArea.classList.toggle('empty', count === 0);
    // Adding images is the one main action only until there are some; then Submit is.
    setSecondary(this.sources.addButton, count > 0);
  }

  private renderCounter(): void {
    const counter = promptCounter(this.prompt, this.state.limits.maxPromptLength);
    this.counter.textContent = counter.text;
    this.counter.title = counter.label;
    this.counter.classList.toggle('over', counter.over);
    setInvalid(this.promptField, counter.over);
    this.promptMessage.hidden = !counter.message;
    this.promptMessage.replaceChildren(...(counter.message ? [codicon('error'), ` ${counter.message}`] : []));
  }

  private renderSubmit(): void {
    const status = submitState({
      images: this.cards.images,
      prompt: this.prompt,
      hasToken: this.state.hasToken,
      limits: this.state.limits,
    });
    this.submitRow.hidden = status.needsToken;
    this.tokenRow.hidden = !status.needsToken;
    const waiting = this.awaitingHost || this.hostBusy;
    this.submitButton.disabled = !status.enabled || waiting;
    const reason = waiting ? t('Submitting…') : status.reason;
    this.submitReason.replaceChildren(...(reason ? [codicon(waiting ? 'loading' : 'info', waiting ? 'codicon-modifier-spin' : ''), ` ${reason}`] : []));
  }

  /** A recent prompt was picked: it replaces the prompt, and the host has it at once. */
  private usePrompt(prompt: string): void {
    this.promptField.value = prompt;
    this.onPromptInput();
    this.flushPrompt();
    this.promptField.focus();
  }

  /** Compose is showing again: the prompt box is fitted now if its text changed while the tab was hidden. */
  shown(): void {
    this.fitPrompt();
  }

  /** Grows the prompt box with its text (between 5 and about 16 lines). */
  private fitPrompt(): void {
    const field = this.promptField;
    // A hidden tab has no layout: measuring now would shrink the box to nothing. shown() fits it later.
    if (field.getClientRects().length === 0) return;
    field.style.height = 'auto';
    const lineHeight = parseFloat(getComputedStyle(field).lineHeight) || 18;
    // The box is border-box sized: its height is the text's scroll height plus the 1px borders.
    field.style.height = `${Math.min(field.scrollHeight + 2, Math.round(lineHeight * 16))}px`;
  }

  private onPromptInput(): void {
    this.prompt = this.promptField.value;
    this.fitPrompt();
    this.renderCounter();
    this.renderSubmit();
    if (this.promptTimer !== undefined) clearTimeout(this.promptTimer);
    this.promptTimer = setTimeout(() => {
      this.promptTimer = undefined;
      this.deps.post({ type: 'updateDraft', prompt: this.prompt, seq: this.promptEdits.sent() });
    }, PROMPT_DEBOUNCE_MS);
  }

  private submit(): void {
    const status = submitState({ images: this.cards.images, prompt: this.prompt, hasToken: this.state.hasToken, limits: this.state.limits });
    if (!status.enabled || this.awaitingHost || this.hostBusy) return;
    this.flushPrompt();
    this.deps.post({ type: 'submit' });
    this.awaitingHost = true;
    this.renderSubmit();
  }
}

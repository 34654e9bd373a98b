// The edit's options: output size, prompt strength and single output, each sent to the host as it changes.
import { t } from '../common/l10n';
import type { DraftView, FromWebview, PanelState } from '../protocol/messages';
import { dropdown, fillDropdown, toggle } from './controls';
import { h } from './dom';
import { DraftField, type EditSequence } from './editSequence';
import { formatScale } from './viewState';

export class OptionControls {
  readonly element: HTMLElement;
  private sizesSignature = '';
  private readonly sizeEdits: DraftField;
  private readonly scaleEdits: DraftField;
  private readonly singleEdits: DraftField;
  private readonly sizeSelect: HTMLSelectElement;
  private readonly scaleRange: HTMLInputElement;
  private readonly scaleValue: HTMLOutputElement;
  private readonly singleToggle: HTMLInputElement;

  constructor(private readonly deps: { post(message: FromWebview): void; edits: EditSequence }) {
    this.sizeEdits = new DraftField(deps.edits);
    this.scaleEdits = new DraftField(deps.edits);
    this.singleEdits = new DraftField(deps.edits);
    this.sizeSelect = dropdown({ id: 'size-select', key: 'size' });
    this.sizeSelect.addEventListener('change', () => {
      const size = this.sizeSelect.value;
      if (!size) return;
      this.deps.post({ type: 'updateDraft', size, seq: this.sizeEdits.sent() });
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
      this.deps.post({ type: 'updateDraft', scale, seq: this.scaleEdits.sent() });
    });

    const single = toggle({ key: 'single', label: t('Force a single output image') });
    this.singleToggle = single.input;
    this.singleToggle.addEventListener('change', () => {
      const forceSingle = this.singleToggle.checked;
      this.deps.post({ type: 'updateDraft', forceSingle, seq: this.singleEdits.sent() });
    });

    this.element = h(
      'section',
      { class: 'compose-section options', 'aria-label': t('Options') },
      h('div', { class: 'option' }, h('label', { class: 'plain-label', for: 'size-select', text: t('Output size') }), this.sizeSelect),
      h(
        'div',
        { class: 'option' },
        h('label', { class: 'plain-label', for: 'scale-range', text: t('Prompt strength') }),
        h(
          'div',
          { class: 'range-row' },
          h('span', { class: 'range-end', text: t('Images'), 'aria-hidden': 'true' }),
          this.scaleRange,
          h('span', { class: 'range-end', text: t('Prompt'), 'aria-hidden': 'true' }),
          this.scaleValue,
        ),
        h('p', {
          id: 'scale-help',
          class: 'option-help',
          text: t('0 stays close to the input images; 1 follows the prompt more freely. 0.5 is the model’s default.'),
        }),
      ),
      h(
        'div',
        { class: 'option' },
        h('span', { class: 'plain-label', text: t('Outputs') }),
        single.element,
        h('p', { class: 'option-help', text: t('Without it the model may return several images, which takes longer.') }),
      ),
    );
  }

  /** Takes the host's draft; one written before the host saw a field's latest edit leaves that field as it is. */
  apply(draft: DraftView, initial: boolean): void {
    if (initial) {
      this.showScale(draft.scale);
      this.singleToggle.checked = draft.forceSingle;
      this.sizeSelect.value = draft.size;
      return;
    }
    if (this.sizeEdits.accepts(draft.seq) && this.sizeSelect.value !== draft.size) this.sizeSelect.value = draft.size;
    if (this.scaleEdits.accepts(draft.seq) && Number(this.scaleRange.value) !== draft.scale) this.showScale(draft.scale);
    if (this.singleEdits.accepts(draft.seq) && this.singleToggle.checked !== draft.forceSingle) this.singleToggle.checked = draft.forceSingle;
  }

  /** Fills the size list once per set of sizes the host offers. */
  renderSizes(sizes: PanelState['sizes'], current: string): void {
    const signature = JSON.stringify(sizes);
    if (signature === this.sizesSignature) return;
    this.sizesSignature = signature;
    fillDropdown(this.sizeSelect, sizes, current);
  }

  private showScale(scale: number): void {
    this.scaleRange.value = String(scale);
    this.scaleValue.textContent = formatScale(scale);
    const leaning = scale < 0.35 ? t('closer to the images') : scale > 0.65 ? t('closer to the prompt') : t('balanced');
    this.scaleRange.setAttribute('aria-valuetext', `${formatScale(scale)}, ${leaning}`);
    // The filled part of the track is drawn by CSS from this property.
    this.scaleRange.style.setProperty('--fill', `${scale * 100}%`);
  }
}

// Presets: save the draft's prompt, options and images under a name, apply one back, or delete it; they sync with Settings Sync.
import { t } from '../common/l10n';
import type { FromWebview, PresetView } from '../protocol/messages';
import { dropdown, fillDropdown, setInvalid, textField } from './controls';
import { h, iconButton, textButton } from './dom';

export class PresetControls {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly applyButton: HTMLButtonElement;
  private readonly deleteButton: HTMLButtonElement;
  private readonly summary: HTMLElement;
  private readonly nameField: HTMLInputElement;
  private readonly chooser: HTMLElement;
  private readonly none: HTMLElement;
  private presets: PresetView[] = [];
  private signature = '';

  constructor(private readonly deps: { post(message: FromWebview): void }) {
    this.select = dropdown({ id: 'preset-select', key: 'preset-select' });
    this.select.addEventListener('change', () => this.renderSummary());
    this.applyButton = textButton(t('Apply'), { key: 'apply-preset', icon: 'check', secondary: true, onClick: () => this.apply() });
    this.deleteButton = iconButton({ icon: 'trash', label: t('Delete preset'), key: 'delete-preset', onClick: () => this.remove() });
    this.summary = h('p', { class: 'section-hint preset-summary', 'aria-live': 'polite' });
    this.chooser = h(
      'div',
      { class: 'preset-chooser' },
      h('label', { class: 'plain-label', for: 'preset-select', text: t('Saved presets') }),
      h('div', { class: 'url-row' }, this.select, this.applyButton, this.deleteButton),
      this.summary,
    );
    this.none = h('p', {
      class: 'section-hint',
      text: t('No presets yet. Save the current prompt, options and images to use them again, on any computer where Settings Sync is on.'),
    });

    const name = textField({ id: 'preset-name', key: 'preset-name', placeholder: t('Preset name'), maxLength: 60 });
    this.nameField = name.input;
    this.nameField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.save();
      }
    });
    const saveRow = h(
      'div',
      { class: 'url-row' },
      name.element,
      textButton(t('Save as preset'), { key: 'save-preset', icon: 'save', secondary: true, onClick: () => this.save() }),
    );

    this.element = h(
      'section',
      { class: 'compose-section presets', 'aria-labelledby': 'presets-heading' },
      h('div', { class: 'section-heading' }, h('h2', { id: 'presets-heading', text: t('Presets') })),
      this.none,
      this.chooser,
      h('label', { class: 'plain-label', for: 'preset-name', text: t('Save this prompt, options and images as a preset') }),
      saveRow,
    );
    this.update([]);
  }

  update(presets: readonly PresetView[]): void {
    const signature = JSON.stringify(presets);
    if (signature === this.signature) return;
    this.signature = signature;
    const previous = this.select.value;
    this.presets = [...presets];
    this.none.hidden = presets.length > 0;
    this.chooser.hidden = presets.length === 0;
    fillDropdown(
      this.select,
      presets.map((preset) => ({ value: preset.id, label: preset.name })),
      previous,
    );
    this.renderSummary();
  }

  private chosen(): PresetView | undefined {
    return this.presets.find((p) => p.id === this.select.value) ?? this.presets[0];
  }

  private renderSummary(): void {
    const preset = this.chosen();
    if (!preset) {
      this.summary.textContent = '';
      return;
    }
    const images = preset.images.length > 0 ? preset.images.join(', ') : t('no images');
    // Every part is outside text (names, prompts): set as text, never markup.
    this.summary.textContent = `“${preset.prompt}” · ${preset.options} · ${images}`;
  }

  private apply(): void {
    const preset = this.chosen();
    if (preset) this.deps.post({ type: 'applyPreset', id: preset.id });
  }

  private remove(): void {
    const preset = this.chosen();
    if (preset) this.deps.post({ type: 'deletePreset', id: preset.id });
  }

  private save(): void {
    const name = this.nameField.value.trim();
    if (name === '') {
      setInvalid(this.nameField, true);
      this.nameField.focus();
      return;
    }
    setInvalid(this.nameField, false);
    this.deps.post({ type: 'savePreset', name });
    this.nameField.value = '';
  }
}

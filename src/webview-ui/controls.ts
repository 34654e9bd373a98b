// The panel's form fields: native inputs, selects and a switch drawn in VS Code's look (panel.css), so the page
// loads no component library before its first paint.
import { codicon, h } from './dom';

export interface TextFieldOptions {
  id: string;
  key: string;
  placeholder?: string;
  /** For a field without a visible <label for>. */
  ariaLabel?: string;
  /** A codicon drawn inside the field, before the text. */
  icon?: string;
  maxLength?: number;
}

/** A one-line text field; `element` is its frame (with the icon) to place in the page, `input` the field itself. */
export function textField(options: TextFieldOptions): { element: HTMLElement; input: HTMLInputElement } {
  const input = h('input', {
    type: 'text',
    id: options.id,
    class: 'textfield-input',
    'data-key': options.key,
    placeholder: options.placeholder,
    'aria-label': options.ariaLabel,
    maxlength: options.maxLength,
    spellcheck: 'false',
  });
  const element = h('div', { class: 'textfield' }, options.icon ? codicon(options.icon, 'field-icon') : null, input);
  // A click on the frame or its icon lands in the field, as in VS Code's inputs.
  element.addEventListener('mousedown', (event) => {
    if (event.target !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  return { element, input };
}

/** Marks a field (input, textarea or select) as holding a value that cannot be used, for the eye and for screen readers. */
export function setInvalid(field: HTMLElement, invalid: boolean): void {
  if (invalid) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
  field.closest('.textfield')?.classList.toggle('invalid', invalid);
}

/** A drop-down list; the browser draws its open list, the page its closed box in the theme's colours. */
export function dropdown(options: { id: string; key: string }): HTMLSelectElement {
  return h('select', { id: options.id, class: 'dropdown', 'data-key': options.key });
}

/** Replaces a drop-down's choices and selects `value` (or the first choice when `value` is not among them). */
export function fillDropdown(select: HTMLSelectElement, choices: readonly { value: string; label: string }[], value: string): void {
  select.replaceChildren(...choices.map((choice) => h('option', { value: choice.value, text: choice.label })));
  if (choices.some((choice) => choice.value === value)) select.value = value;
}

/** An on/off switch with its label; `input` is a checkbox with the switch role. */
export function toggle(options: { key: string; label: string }): { element: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', class: 'toggle-input', role: 'switch', 'data-key': options.key });
  const element = h('label', { class: 'toggle' }, input, h('span', { class: 'toggle-label', text: options.label }));
  return { element, input };
}

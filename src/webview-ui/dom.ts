// Small DOM helpers for the panel: element building without innerHTML, icon buttons, and keyed lists that keep focus.
type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;

/** Attributes by name; `class` and `text` are shorthands, and a function under `onX` becomes a listener for `x`. */
export type Props = Record<string, AttrValue | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) applyProps(element, props);
  append(element, children);
  return element;
}

export function applyProps(element: HTMLElement, props: Props): void {
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'text') {
      element.textContent = value === null || value === undefined ? '' : String(value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * Puts elements into a translated sentence at its `{0}`, `{1}`… placeholders, so markup such as a <kbd> can sit
 * wherever each language needs it.
 */
export function fillIn(message: string, ...nodes: Node[]): (Node | string)[] {
  return message
    .split(/(\{\d+\})/)
    .filter((part) => part !== '')
    .map((part) => {
      const m = /^\{(\d+)\}$/.exec(part);
      return m && nodes[Number(m[1])] ? nodes[Number(m[1])] : part;
    });
}

/** A decorative codicon; the text next to it, or the button's aria-label, carries the meaning. */
export function codicon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
}

export interface IconButtonOptions {
  icon: string;
  label: string;
  /** Identifies the button across re-renders, so focus can return to it. */
  key: string;
  disabled?: boolean;
  onClick: () => void;
}

/** A toolbar-style icon button (like VS Code's action bars), native so it can be disabled and focused reliably. */
export function iconButton(options: IconButtonOptions): HTMLButtonElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'action',
      'aria-label': options.label,
      title: options.label,
      'data-key': options.key,
      disabled: options.disabled === true,
    },
    codicon(options.icon),
  );
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    options.onClick();
  });
  return button;
}

/**
 * A button with a label in the look of VS Code's own buttons; `secondary` for everything but the one main action of a
 * view (see setSecondary). Native, so the page needs no component library before its first paint.
 */
export function textButton(label: string, options: { key: string; icon?: string; secondary?: boolean; onClick: () => void }): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button', 'data-key': options.key }, options.icon ? codicon(options.icon, 'button-icon') : null, label);
  setSecondary(button, options.secondary === true);
  button.addEventListener('click', () => options.onClick());
  return button;
}

export function setSecondary(button: HTMLButtonElement, secondary: boolean): void {
  button.classList.toggle('secondary', secondary);
}

// ---- focus that survives re-rendering ----

function focusedKey(container: HTMLElement): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !container.contains(active)) return undefined;
  return active.closest<HTMLElement>('[data-key]')?.dataset.key;
}

function findKey(container: HTMLElement, key: string): HTMLElement | undefined {
  for (const element of container.querySelectorAll<HTMLElement>('[data-key]')) {
    if (element.dataset.key === key) return element;
  }
  return undefined;
}

/**
 * Remembers which keyed control inside `container` has focus and returns a function that puts focus back on the
 * control with the same key after a re-render, or on `fallback` when that control is gone (a removed card).
 */
export function preserveFocus(container: HTMLElement, fallback?: () => HTMLElement | undefined): () => void {
  const key = focusedKey(container);
  if (key === undefined) return () => undefined;
  return () => {
    if (document.activeElement instanceof HTMLElement && container.contains(document.activeElement) && document.activeElement.dataset.key === key) return;
    const target = findKey(container, key) ?? fallback?.();
    if (target && !isDisabled(target)) {
      target.focus({ preventScroll: true });
    } else {
      fallback?.()?.focus({ preventScroll: true });
    }
  };
}

function isDisabled(element: HTMLElement): boolean {
  return element.hasAttribute('disabled');
}

interface Cached {
  signature: string;
  node: HTMLElement;
}

/**
 * A list whose items are rebuilt only when their data changed (by a signature), so images are not reloaded and
 * untouched rows keep their DOM; focus is restored by key after any reordering.
 */
export class KeyedList<T> {
  private cache = new Map<string, Cached>();

  constructor(
    readonly container: HTMLElement,
    private readonly keyOf: (item: T) => string,
    private readonly signatureOf: (item: T, index: number, all: readonly T[]) => string,
    private readonly build: (item: T, index: number, all: readonly T[]) => HTMLElement,
    private readonly fallbackFocus?: () => HTMLElement | undefined,
  ) {}

  update(items: readonly T[]): void {
    const next = new Map<string, Cached>();
    const nodes = items.map((item, index) => {
      const key = this.keyOf(item);
      const signature = this.signatureOf(item, index, items);
      const cached = this.cache.get(key);
      const node = cached && cached.signature === signature ? cached.node : this.build(item, index, items);
      next.set(key, { signature, node });
      return node;
    });
    this.cache = next;
    const current = Array.from(this.container.children);
    if (current.length === nodes.length && current.every((node, i) => node === nodes[i])) return;
    const restore = preserveFocus(this.container, this.fallbackFocus);
    this.container.replaceChildren(...nodes);
    restore();
  }

  /** The node currently shown for an item, for small in-place updates such as a ticking clock. */
  nodeFor(key: string): HTMLElement | undefined {
    return this.cache.get(key)?.node;
  }
}

// Where images come from besides the picker: files dropped from the Explorer, and https addresses typed or pasted.
import { t } from '../common/l10n';
import type { FromWebview } from '../protocol/messages';
import { setInvalid, textField } from './controls';
import { codicon, fillIn, h, textButton } from './dom';
import { readImageFiles } from './imageBytes';
import { parseUriList, parseUrlInput } from './viewModel';

const URI_LIST_TYPES = ['text/uri-list', 'application/vnd.code.uri-list'];

export class ImageSources {
  readonly addButton: HTMLButtonElement;
  readonly dropZone: HTMLElement;
  readonly dropMessage: HTMLElement;
  /** The address field with its label and message. */
  readonly urlBlock: HTMLElement;
  private readonly urlField: HTMLInputElement;
  private readonly urlMessage: HTMLElement;

  constructor(private readonly deps: { post(message: FromWebview): void }) {
    this.addButton = textButton(t('Add images…'), { key: 'add-images', icon: 'add', onClick: () => this.deps.post({ type: 'pickImages' }) });
    this.dropMessage = h('p', { class: 'field-message warning', role: 'status', hidden: true });
    this.dropZone = h(
      'div',
      { class: 'drop-zone' },
      codicon('cloud-upload', 'drop-icon'),
      h(
        'div',
        { class: 'drop-text' },
        h('span', { text: t('Drop images here from the Explorer') }),
        h('span', { class: 'hint' }, ...fillIn(t('Hold {0} while dropping: VS Code needs it to let files into a panel.'), h('kbd', { text: 'Shift' }))),
      ),
      this.addButton,
    );
    const url = textField({ id: 'url-field', key: 'url-field', placeholder: 'https://example.com/photo.png', icon: 'link' });
    this.urlField = url.input;
    this.urlField.title = t('Image addresses, separated by spaces or commas');
    this.urlField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.addUrls();
      }
    });
    this.urlField.addEventListener('input', () => this.showUrlMessage(undefined));
    this.urlMessage = h('p', { class: 'field-message error', 'aria-live': 'polite', hidden: true });
    const urlRow = h('div', { class: 'url-row' }, url.element, textButton(t('Add URL'), { key: 'add-url', secondary: true, onClick: () => this.addUrls() }));
    this.urlBlock = h(
      'div',
      { class: 'url-block' },
      h('label', { class: 'plain-label', for: 'url-field', text: t('Or add images by address') }),
      urlRow,
      this.urlMessage,
    );
  }

  /** Lets files dropped on `zone` (from the Explorer, with Shift) in; `cardDrag` says a card is being moved instead. */
  acceptDrops(zone: HTMLElement, cardDrag: () => boolean): void {
    const carriesFiles = (event: DragEvent): boolean => {
      const types = Array.from(event.dataTransfer?.types ?? []);
      return !cardDrag() && (types.some((type) => URI_LIST_TYPES.includes(type)) || types.includes('Files'));
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
      } else if (data.files.length > 0) {
        // Files from outside VS Code arrive without a path: their bytes go to the host, which copies them to inputs/.
        void readImageFiles(Array.from(data.files), 'drop').then(({ message, refused }) => {
          if (message) this.deps.post(message);
          this.showDropMessage(refused.length > 0 ? refused.join(' ') : undefined);
        });
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
    setInvalid(this.urlField, first !== undefined);
  }

  private showUrlMessage(message: string | undefined): void {
    this.urlMessage.hidden = message === undefined;
    this.urlMessage.replaceChildren(...(message ? [codicon('error'), ` ${message}`] : []));
    if (message === undefined) setInvalid(this.urlField, false);
  }
}

// The question "Run again" asks in the panel before anything is paid: the price and everything that will be sent.
import { t } from '../common/l10n';
import type { FromWebview, ToWebview } from '../protocol/messages';
import { codicon, h, textButton } from './dom';

type Question = Extract<ToWebview, { type: 'confirmRunAgain' }>;

export class RunAgainQuestion {
  readonly element: HTMLDialogElement;
  private token: string | undefined;
  private readonly body: HTMLElement;
  private readonly confirm: HTMLButtonElement;

  constructor(private readonly post: (message: FromWebview) => void) {
    this.body = h('div', { class: 'confirm-body' });
    this.confirm = textButton(t('Run again'), { key: 'confirm-run-again', icon: 'debug-rerun', onClick: () => this.answer(true) });
    const cancel = textButton(t('Cancel'), { key: 'cancel-run-again', secondary: true, onClick: () => this.answer(false) });
    this.element = h(
      'dialog',
      { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title', text: t('Run this edit again?') }),
      this.body,
      h('div', { class: 'confirm-actions' }, this.confirm, cancel),
    );
    // Escape closes the dialog natively; that is a no.
    this.element.addEventListener('close', () => (this.token = undefined));
  }

  /** Shows the host's question; a newer one replaces an open one. */
  ask(question: Question): void {
    this.token = question.token;
    const prompt = question.prompt.trim() === '' ? t('(no prompt)') : question.prompt;
    this.body.replaceChildren(
      h(
        'p',
        { class: 'confirm-price' },
        codicon('tag'),
        ` ${question.price ? t('Price: {0}', question.price) : t('The price could not be read; RunComfy charges per output image.')}`,
      ),
      h('p', { class: 'confirm-note', text: t('This starts a new paid job with the same inputs, prompt and options:') }),
      h('ol', { class: 'confirm-inputs' }, ...question.inputs.map((label) => h('li', { text: label }))),
      h('p', { class: 'confirm-prompt', text: prompt }),
      h('p', { class: 'confirm-options', text: question.options }),
    );
    if (!this.element.open) this.element.showModal();
    this.confirm.focus();
  }

  private answer(yes: boolean): void {
    const token = this.token;
    this.token = undefined;
    this.element.close();
    if (yes && token) this.post({ type: 'confirmRunAgain', token });
  }
}

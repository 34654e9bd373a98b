// Which of the host's draft values may replace what the panel shows, by the numbers of the panel's own edits.

/**
 * Numbers the panel's draft edits. Every updateDraft carries the next number, and every draft the host writes says
 * the number of the last edit it had applied. The numbering goes on from the highest number the host has reported,
 * so a reloaded page never reuses a number the host already holds.
 */
export class EditSequence {
  private last = 0;

  /** A draft arrived: the host had applied edits up to `seq`. */
  saw(seq: number | undefined): void {
    if (seq !== undefined && seq > this.last) this.last = seq;
  }

  next(): number {
    return ++this.last;
  }
}

/**
 * One field of the draft (the prompt, the size…). A draft the host wrote before applying this field's latest edit
 * (a reply to an older message, e.g. removing a card while the prompt is typed) is older than what the panel shows;
 * any later draft holds the host's value: this panel's own, or one the host chose (a preset, "Edit & run again").
 */
export class DraftField {
  private sentAt = 0;

  constructor(private readonly edits: EditSequence) {}

  /** Numbers an edit of this field about to be sent. */
  sent(): number {
    this.sentAt = this.edits.next();
    return this.sentAt;
  }

  /** Whether a draft in which the host had applied edits up to `seq` may set this field. */
  accepts(seq: number | undefined): boolean {
    return (seq ?? 0) >= this.sentAt;
  }
}

// Keeps the order in which items were selected in a multi-select list that reports its selection in list order.

export class SelectionOrder<T> {
  private order: T[] = [];

  /** The items in the order they were selected. */
  get items(): readonly T[] {
    return this.order;
  }

  /** 1-based place of `item` in the order, or 0 when it is not selected. */
  position(item: T): number {
    return this.order.indexOf(item) + 1;
  }

  /**
   * Folds in a selection as the list reports it: items no longer selected leave the order (the others close up),
   * newly selected ones join at the end. Returns whether the order changed.
   */
  update(selected: readonly T[]): boolean {
    const kept = this.order.filter((item) => selected.includes(item));
    const added = selected.filter((item) => !this.order.includes(item));
    if (added.length === 0 && kept.length === this.order.length) return false;
    this.order = [...kept, ...added];
    return true;
  }
}

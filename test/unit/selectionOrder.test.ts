// The order of selection kept for a multi-select list that reports its selection in list order.
import * as assert from 'node:assert/strict';
import { SelectionOrder } from '../../src/common/selectionOrder';

describe('SelectionOrder', () => {
  it('keeps the order items were selected in, not the list order', () => {
    const order = new SelectionOrder<string>();
    assert.equal(order.update(['c']), true);
    assert.equal(order.update(['a', 'c']), true);
    assert.equal(order.update(['a', 'b', 'c']), true);
    assert.deepEqual(order.items, ['c', 'a', 'b']);
    assert.equal(order.position('a'), 2);
    assert.equal(order.position('z'), 0);
  });

  it('closes up when an item is unselected, and puts it last when selected again', () => {
    const order = new SelectionOrder<string>();
    order.update(['c']);
    order.update(['a', 'c']);
    order.update(['a', 'b', 'c']);
    order.update(['b', 'c']);
    assert.deepEqual(order.items, ['c', 'b']);
    order.update(['a', 'b', 'c']);
    assert.deepEqual(order.items, ['c', 'b', 'a']);
  });

  it('reports no change for the same selection in another order', () => {
    const order = new SelectionOrder<string>();
    order.update(['b', 'a']);
    assert.equal(order.update(['a', 'b']), false);
    assert.deepEqual(order.items, ['b', 'a']);
    assert.equal(order.update([]), true);
    assert.deepEqual(order.items, []);
  });
});

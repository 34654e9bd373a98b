// The duplicate-submit guard in plain node with a hand-moved clock: what counts as the same edit, and for how long.
import * as assert from 'node:assert/strict';
import { REPEAT_WINDOW_MS, RepeatGuard, type SubmitContent } from '../../src/jobs/repeatGuard';

const edit: SubmitContent = {
  refs: [{ kind: 'file', path: '/ws/a.png' }, { kind: 'url', url: 'https://example.com/b.png' }],
  prompt: 'make it blue',
  options: { size: '2048x2048(1:1)', scale: 0.5, forceSingle: false },
};

describe('RepeatGuard', () => {
  let now = 0;
  const guard = () => new RepeatGuard(() => now);
  beforeEach(() => (now = 1_000_000));

  it('calls the same edit again a repeat while it is on its way and for a few seconds after its answer', () => {
    const g = guard();
    assert.equal(g.isRepeat(edit), false);
    const end = g.begin(edit);
    now += 60_000; // a large upload still being sent
    assert.equal(g.isRepeat(edit), true);
    end(true);
    now += REPEAT_WINDOW_MS - 1;
    assert.equal(g.isRepeat(edit), true);
    now += 1;
    assert.equal(g.isRepeat(edit), false);
  });

  it('tells edits apart by inputs and their order, prompt and every option', () => {
    const g = guard();
    g.begin(edit)(true);
    assert.equal(g.isRepeat({ ...edit, options: { ...edit.options } }), true);
    assert.equal(g.isRepeat({ ...edit, refs: [...edit.refs].reverse() }), false);
    assert.equal(g.isRepeat({ ...edit, refs: edit.refs.slice(1) }), false);
    assert.equal(g.isRepeat({ ...edit, prompt: 'make it red' }), false);
    assert.equal(g.isRepeat({ ...edit, options: { ...edit.options, scale: 0.6 } }), false);
    assert.equal(g.isRepeat({ ...edit, options: { ...edit.options, size: '1024x1024(1:1)' } }), false);
    assert.equal(g.isRepeat({ ...edit, options: { ...edit.options, forceSingle: true } }), false);
  });

  it('forgets a submit RunComfy clearly refused (nothing was created), but not one whose answer was lost', () => {
    const g = guard();
    g.begin(edit)(false);
    assert.equal(g.isRepeat(edit), false);
    g.begin(edit)(true);
    assert.equal(g.isRepeat(edit), true);
  });

  it('counts each end once', () => {
    const g = guard();
    const first = g.begin(edit);
    const second = g.begin(edit);
    first(false);
    first(false);
    assert.equal(g.isRepeat(edit), true, 'the second is still in flight');
    second(false);
    assert.equal(g.isRepeat(edit), false);
  });
});

// The panel keeps its newer edits when the host's draft was written before it saw them, and takes the host's choices.
import * as assert from 'node:assert/strict';
import { DraftField, EditSequence } from '../../src/webview-ui/editSequence';

describe('draft edits numbered against the host', () => {
  it('keeps typing that a reply to an older message (removing a card) would undo', () => {
    const edits = new EditSequence();
    edits.saw(0);
    const prompt = new DraftField(edits);
    // The card's removal is sent, then the prompt is typed and sent before the host's reply to the removal arrives.
    const seq = prompt.sent();
    assert.equal(prompt.accepts(0), false, "the host's reply to the removal was written before it saw the typing");
    assert.equal(prompt.accepts(seq), true, 'once the host has the typing, its drafts hold the truth');
  });

  it('takes a value the host chose after applying the edit (a preset, Edit & run again)', () => {
    const edits = new EditSequence();
    const prompt = new DraftField(edits);
    const size = new DraftField(edits);
    const promptSeq = prompt.sent();
    const sizeSeq = size.sent();
    // The host applied the prompt edit only: the prompt may be set, the size not yet.
    assert.equal(prompt.accepts(promptSeq), true);
    assert.equal(size.accepts(promptSeq), false);
    assert.equal(size.accepts(sizeSeq), true);
  });

  it('takes any draft for a field never edited here', () => {
    const field = new DraftField(new EditSequence());
    assert.equal(field.accepts(undefined), true);
    assert.equal(field.accepts(0), true);
  });

  it('numbers on from the highest the host reported, so a reloaded page never reuses a number', () => {
    const edits = new EditSequence();
    edits.saw(41);
    edits.saw(7);
    const field = new DraftField(edits);
    assert.equal(field.sent(), 42);
    assert.equal(field.accepts(41), false, 'a draft from before this edit');
    assert.equal(field.accepts(42), true);
  });
});

// The panel's resource roots only grow, and only by folders its page cannot read yet.
import * as assert from 'node:assert/strict';
import { uncoveredFolders } from '../../src/panel/resourceRoots';

describe('uncoveredFolders', () => {
  const current = ['/ext/dist', '/ext/media', '/home/ann/photos'];

  it('adds nothing for folders inside a root, or a root itself', () => {
    assert.deepEqual(uncoveredFolders(current, ['/home/ann/photos', '/home/ann/photos/runcomfy-results', '/home/ann/photos/a/b']), []);
  });

  it('adds a folder outside every root once, in the order wanted', () => {
    assert.deepEqual(uncoveredFolders(current, ['/tmp/out', '/home/ann/other', '/tmp/out']), ['/tmp/out', '/home/ann/other']);
  });

  it('does not take a sibling with a common prefix for a child', () => {
    assert.deepEqual(uncoveredFolders(current, ['/home/ann/photos-2024']), ['/home/ann/photos-2024']);
  });

  it('adds only the parent when a folder and its child are both wanted, parent first', () => {
    assert.deepEqual(uncoveredFolders([], ['/a', '/a/b']), ['/a']);
  });
});

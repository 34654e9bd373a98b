// What activation stands in for, read from the real package.json: every contributed command, the restorable panel and the chat tool.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { standInIdsOf } from '../../src/activation/manifest';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('stand-in ids', () => {
  it('lists every contributed command, the panel VS Code restores and the chat tool', () => {
    const ids = standInIdsOf(pkg);
    assert.deepEqual(
      ids.commands,
      pkg.contributes.commands.map((c: { command: string }) => c.command),
    );
    assert.ok(ids.commands.includes('runcomfy.edit') && ids.commands.includes('runcomfy.openPanel'));
    assert.deepEqual(ids.webviewPanels, ['runcomfy.panel']);
    assert.deepEqual(ids.tools, ['runcomfy_edit_image']);
  });

  it('reads a manifest with nothing to stand in for, or a malformed one, as empty lists', () => {
    const none = { commands: [], webviewPanels: [], tools: [] };
    assert.deepEqual(standInIdsOf(undefined), none);
    assert.deepEqual(standInIdsOf({ activationEvents: ['onStartupFinished'], contributes: {} }), none);
    assert.deepEqual(standInIdsOf({ activationEvents: 'x', contributes: { commands: [{}, { command: 3 }, null], languageModelTools: {} } }), none);
  });
});

// Smoke test: the extension is installed in the real VS Code, activates, and sees the fixture workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('extension activation', () => {
  it(`finds ${extensionId}`, () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `${extensionId} is not loaded`);
  });

  it('activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('opens a temporary copy of the fixture workspace', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.uri.fsPath, process.env.INTEGRATION_TEST_WORKSPACE);
    assert.ok(!folder.uri.fsPath.startsWith(repoRoot), 'tests must not run in the repository');
    const pngs = await vscode.workspace.findFiles('**/*.png');
    assert.deepEqual(pngs.map((uri) => path.basename(uri.fsPath)).sort(), ['landscape.png', 'portrait.png']);
  });
});

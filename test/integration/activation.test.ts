// Smoke test: the extension is installed in the real VS Code, activates (timed into metrics.json), and sees the fixture workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionId, findExtensionLogFile, mergeMetrics, repoRoot, waitFor } from './support';

describe('extension activation', () => {
  it(`finds ${extensionId}`, () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `${extensionId} is not loaded`);
  });

  it('activates, and records its activation time and bundle size', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    const wasActive = extension.isActive;
    const started = performance.now();
    await extension.activate();
    const activateMs = performance.now() - started;
    assert.equal(extension.isActive, true);

    let activationMs = Math.round(activateMs * 10) / 10;
    let activationSource = 'extension.activate()';
    if (wasActive) {
      // Activated on startup before this test ran: use the time the extension logged for its own activate().
      const logged = await waitFor('the "activated in" log line', () => {
        const file = findExtensionLogFile();
        return file ? /activated in (\d+) ms/.exec(fs.readFileSync(file, 'utf8'))?.[1] : undefined;
      });
      activationMs = Number(logged);
      activationSource = 'extension log';
    }
    const bundle = path.join(repoRoot, 'dist', 'extension.js');
    const extensionBundleKB = Math.round((fs.statSync(bundle).size / 1024) * 10) / 10;
    mergeMetrics({ activationMs, activationSource, extensionBundleKB });
    assert.ok(Number.isFinite(activationMs) && activationMs >= 0, `no activation time: ${activationMs}`);
  });

  it('opens a temporary copy of the fixture workspace', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.uri.fsPath, process.env.INTEGRATION_TEST_WORKSPACE);
    assert.ok(!folder.uri.fsPath.startsWith(repoRoot), 'tests must not run in the repository');
    const pngs = await vscode.workspace.findFiles('*.png');
    const names = pngs.map((uri) => path.basename(uri.fsPath));
    for (const name of ['landscape.png', 'portrait.png']) assert.ok(names.includes(name), `${name} is missing from ${JSON.stringify(names)}`);
  });
});

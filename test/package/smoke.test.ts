// Smoke test of the installed .vsix inside a real VS Code: the packaged extension activates and completes an edit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startEmulator, type Emulator } from '../emulator/server';
import { extensionId } from './names';

interface EditOutcome {
  requestId: string;
  status: string;
  files: string[];
  error?: string;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const token = 'tok';

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('packaged extension (installed from the .vsix)', () => {
  let emulator: Emulator | undefined;

  after(async () => {
    await vscode.workspace
      .getConfiguration('runcomfy')
      .update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global)
      .then(undefined, () => undefined);
    await emulator?.close();
  });

  it('is installed in the extensions folder, not loaded from the repository', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const extensionsDir = process.env.PACKAGE_TEST_EXTENSIONS_DIR;
    const repoRoot = process.env.PACKAGE_TEST_REPO_ROOT;
    assert.ok(extensionsDir && repoRoot, 'PACKAGE_TEST_EXTENSIONS_DIR and PACKAGE_TEST_REPO_ROOT must be set');
    assert.ok(isInside(extension.extensionPath, extensionsDir), `${extension.extensionPath} is not under ${extensionsDir}`);
    assert.ok(!isInside(extension.extensionPath, repoRoot), `${extension.extensionPath} is inside the repository`);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal((extension.packageJSON as { version: string }).version, manifest.version);
  });

  it('activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['runcomfy.edit', 'runcomfy.showJobs', 'runcomfy.setApiToken']) {
      assert.ok(commands.includes(command), `${command} is not registered`);
    }
  });

  it('edits a workspace image against the emulator and saves one PNG', async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace, 'no workspace folder is open');
    emulator = await startEmulator({ queueMs: 300, runMs: 500, requiredToken: token });
    await vscode.workspace.getConfiguration('runcomfy').update('apiBaseUrl', emulator.baseUrl, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('runcomfy.setApiToken', token);

    const outcome = await vscode.commands.executeCommand<EditOutcome>('runcomfy.edit', {
      images: ['landscape.png'],
      prompt: 'smoke',
      forceSingle: true,
      wait: true,
    });
    assert.ok(outcome, 'runcomfy.edit returned nothing');
    assert.equal(outcome.status, 'succeeded', `edit ended ${outcome.status}: ${outcome.error ?? ''}`);
    assert.equal(outcome.files.length, 1, `expected one file, got ${JSON.stringify(outcome.files)}`);
    const [file] = outcome.files;
    assert.ok(isInside(file, workspace.uri.fsPath), `${file} is not in the workspace`);
    assert.match(file, /\.png$/);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.subarray(0, 8).equals(pngSignature), `${file} is not a PNG`);
    assert.equal(emulator.stats.jobsCreated, 1);
  });

  it('fits a BMP through the packaged image worker and sends it as an inline JPEG', async function () {
    this.timeout(60_000);
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace && emulator, 'the previous test set up the workspace and the emulator');
    const file = path.join(workspace.uri.fsPath, 'scan.bmp');
    fs.writeFileSync(file, bmp24(640, 480));
    try {
      const outcome = await vscode.commands.executeCommand<EditOutcome>('runcomfy.edit', { images: ['scan.bmp'], prompt: 'smoke', forceSingle: true });
      assert.ok(outcome?.requestId, 'no request id');
      const body = emulator.stats.submitBodies.at(-1) as { image_urls: string[] };
      assert.match(body.image_urls[0], /^data:image\/jpeg;base64,\/9j\//);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

/** An uncompressed 24-bit BMP with a horizontal gradient: a format only the image worker can read. */
function bmp24(width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + stride * height);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) bmp.fill((x * 255) / width, 54 + y * stride + x * 3, 54 + y * stride + x * 3 + 3);
  return bmp;
}

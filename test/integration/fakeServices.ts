// A Services of its own for a test, over in-memory workspace state, secrets and log, so nothing is shared with the extension's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Services } from '../../src/platform/services';
import { JsonMemento } from '../support/jsonMemento';
import { memorySecrets, recordingChannel } from './fakeHost';
import { repoRoot, testToken } from './support';

export interface OwnServices {
  services: Services;
  log: string[];
  close(): Promise<void>;
}

/**
 * A Services built from the compiled sources starts its image worker from beside them (out/src), where tsc leaves
 * no bundle: a one-line entry there runs the real one from dist/, with its WebAssembly files beside it.
 */
function provideImageWorker(): void {
  const entry = path.join(__dirname, '..', '..', 'src', 'imageWorker.js');
  const bundle = path.join(repoRoot, 'dist', 'imageWorker.js');
  if (!fs.existsSync(entry)) fs.writeFileSync(entry, `require(${JSON.stringify(bundle)});\n`);
}

/** A fresh Services with the test token set; close() shuts it down. Two over one `workspaceState` are a window and its reload. */
export async function openServices(workspaceState: vscode.Memento = new JsonMemento()): Promise<OwnServices> {
  provideImageWorker();
  const secrets = memorySecrets();
  const log: string[] = [];
  const context = {
    secrets: secrets.storage,
    workspaceState,
    // Spending, recent prompts and presets live in global state, whose keys are synced.
    globalState: Object.assign(new JsonMemento(), { setKeysForSync: () => undefined }),
    extensionUri: vscode.Uri.file(repoRoot),
    extension: { packageJSON: { version: 'test' } },
    subscriptions: [],
  } as unknown as vscode.ExtensionContext;
  const window = vscode.window as unknown as Record<string, unknown>;
  const createOutputChannel = window.createOutputChannel;
  // Its log lines stay here: no second "RunComfy" channel, no log file touched.
  window.createOutputChannel = () => recordingChannel(log);
  let services: Services;
  try {
    services = new Services(context);
  } finally {
    window.createOutputChannel = createOutputChannel;
  }
  await services.tokens.set(testToken);
  return {
    services,
    log,
    async close() {
      await services.shutdown();
      services.dispose();
      secrets.dispose();
    },
  };
}

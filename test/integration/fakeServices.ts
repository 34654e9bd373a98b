// A Services of its own for a test, over in-memory workspace state, secrets and log, so nothing is shared with the extension's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { Services } from '../../src/platform/services';
import { JsonMemento } from '../support/jsonMemento';
import { fakeExtensionContext, recordingChannel } from './fakeHost';
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
  const { context, secrets } = fakeExtensionContext(workspaceState);
  // Its log lines stay here: no second "RunComfy" channel, no log file touched.
  const log: string[] = [];
  const services = new Services(context, recordingChannel(log));
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

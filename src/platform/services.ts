// The extension's long-lived pieces: token, log, and the heavy runtime, which is loaded only when something needs it.
import * as vscode from 'vscode';
import type { Runtime, runtimeHelpers as RuntimeHelpers } from '../runtime';
import type { Logger } from '../common/logger';
import { hasUnfinishedWork } from '../storage/jobsKey';
import { affectsConnection, allowedDownloadHosts, apiBaseUrl, fitSettings, proxyUrl } from './config';
import { createLogChannel } from './logChannel';
import { TokenStore } from './secrets';

type RuntimeModule = typeof import('../runtime');

export const TOKEN_HELP_URL = 'https://www.runcomfy.com/profile';

export class Services implements vscode.Disposable {
  readonly tokens: TokenStore;
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
  private runtimePromise: Promise<Runtime> | undefined;
  private loaded: Runtime | undefined;
  private helpersCache: typeof RuntimeHelpers | undefined;
  private readonly runtimeReady = new vscode.EventEmitter<Runtime>();
  /** Fires once, when the runtime has been loaded and its stored jobs restored. */
  readonly onDidLoadRuntime = this.runtimeReady.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.tokens = new TokenStore(context.secrets);
    const { channel, logger } = createLogChannel(() => this.tokens.knownSecrets());
    this.channel = channel;
    this.logger = logger;
    this.disposables.push(
      this.tokens,
      channel,
      this.runtimeReady,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsConnection(e)) this.loaded?.reconnect();
      }),
      vscode.window.onDidChangeWindowState((s) => this.loaded?.engine.setFocused(s.focused)),
    );
  }

  /** Whether stored jobs need the engine right away (to resume tracking or saving). */
  hasUnfinishedWork(): boolean {
    return hasUnfinishedWork(this.context.workspaceState);
  }

  /** The runtime if it is already loaded; never loads it. */
  get current(): Runtime | undefined {
    return this.loaded;
  }

  /** Loads the runtime bundle, builds the engine and restores stored jobs, once. */
  runtime(): Promise<Runtime> {
    this.runtimePromise ??= this.load();
    return this.runtimePromise;
  }

  helpers(): typeof RuntimeHelpers {
    this.helpersCache ??= this.module().runtimeHelpers;
    return this.helpersCache;
  }

  /** The token, or undefined after offering the user to set one (with where to get it). */
  async requireToken(): Promise<string | undefined> {
    const token = await this.tokens.get();
    if (token) return token;
    const set = vscode.l10n.t('Set API Token');
    const get = vscode.l10n.t('Get a Token');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('RunComfy needs your API token. Copy it from your RunComfy profile page (Profile → API token), then set it here. It is kept in VS Code\'s secret storage.'),
      set,
      get,
    );
    if (choice === get) void vscode.env.openExternal(vscode.Uri.parse(TOKEN_HELP_URL));
    if (choice === set) {
      await vscode.commands.executeCommand('runcomfy.setApiToken');
      return this.tokens.get();
    }
    return undefined;
  }

  /** Stops local work only; jobs keep running at RunComfy and are resumed next time. */
  async shutdown(): Promise<void> {
    await this.loaded?.dispose();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private module(): RuntimeModule {
    // A separate bundle, so activation does not pay for undici, zod and image decoding until they are needed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../runtime') as RuntimeModule;
  }

  private async load(): Promise<Runtime> {
    const started = Date.now();
    const runtime = this.module().createRuntime({
      logger: this.logger,
      token: () => this.tokens.get(),
      apiBaseUrl,
      allowedDownloadHosts,
      proxyUrl,
      fitSettings: () => fitSettings(),
      workspaceState: this.context.workspaceState,
      translate: (message, ...args) => vscode.l10n.t(message, ...args),
      userAgent: `runcomfy-dreamina-edit/${this.context.extension.packageJSON.version ?? '0'} vscode/${vscode.version}`,
    });
    this.loaded = runtime;
    runtime.engine.setFocused(vscode.window.state.focused);
    await runtime.engine.restore();
    this.logger.info(`runtime ready in ${Date.now() - started} ms (API ${runtime.baseUrl})`);
    this.runtimeReady.fire(runtime);
    return runtime;
  }
}

// The extension's long-lived pieces: token, log, and the jobs service (which loads the heavy runtime itself when needed).
import * as vscode from 'vscode';
import { showWarning } from '../ui/messages';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { PromptLibrary } from '../storage/promptLibrary';
import { defaultOptions } from './config';
import { JobsService } from './jobsService';
import { createLogChannel } from './logChannel';
import { SpendingService } from './spending';
import { TokenStore } from './secrets';

export const TOKEN_HELP_URL = 'https://www.runcomfy.com/profile';

export class Services extends Disposable {
  readonly tokens: TokenStore;
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
  readonly jobs: JobsService;
  readonly spending: SpendingService;
  /** Recent prompts and presets, shared by the panel and the wizard and synced by Settings Sync. */
  readonly library: PromptLibrary;

  /** `openedChannel`: the log the activation entry opened (and disposes); without it, Services opens and owns its own. */
  constructor(context: vscode.ExtensionContext, openedChannel?: vscode.LogOutputChannel) {
    super();
    this.tokens = this._register(new TokenStore(context.secrets));
    const { channel, logger } = createLogChannel(() => this.tokens.knownSecrets(), openedChannel);
    this.channel = openedChannel ?? this._register(channel);
    this.logger = logger;
    this.jobs = this._register(new JobsService({ context, logger, tokens: this.tokens }));
    this.spending = this._register(new SpendingService({ globalState: context.globalState, jobs: this.jobs, logger }));
    this.library = this._register(new PromptLibrary(context.globalState, () => defaultOptions()));
  }

  /** The token, or undefined after offering the user to set one (with where to get it). */
  async requireToken(): Promise<string | undefined> {
    const token = await this.tokens.get();
    if (token) return token;
    const set = vscode.l10n.t('Set API Token');
    const get = vscode.l10n.t('Get a Token');
    const choice = await showWarning(
      vscode.l10n.t(
        "RunComfy needs your API token. Copy it from your RunComfy profile page (Profile → API token), then set it here. It is kept in VS Code's secret storage.",
      ),
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
  shutdown(): Promise<void> {
    return this.jobs.shutdown();
  }
}

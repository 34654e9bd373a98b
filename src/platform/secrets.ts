// The API token: kept in SecretStorage, with RUNCOMFY_API_TOKEN as a fallback; never in settings, logs or webviews.
import * as vscode from 'vscode';
import { normaliseToken } from '../common/token';

const KEY = 'runcomfy.apiToken';
export const TOKEN_ENV = 'RUNCOMFY_API_TOKEN';

export type TokenSource = 'secretStorage' | 'environment' | 'none';

export class TokenStore implements vscode.Disposable {
  private cached: string | undefined;
  private loaded = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = storage.onDidChange((e) => {
      if (e.key !== KEY) return;
      this.loaded = false;
      void this.get().then(() => this.changed.fire());
    });
  }

  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      this.cached = normaliseToken(await this.storage.get(KEY));
      this.loaded = true;
    }
    return this.cached ?? normaliseToken(this.env[TOKEN_ENV]);
  }

  /** Whether a token exists, answered at once from what was already read; undefined before the first read. */
  peek(): boolean | undefined {
    if (!this.loaded) return undefined;
    return !!(this.cached ?? normaliseToken(this.env[TOKEN_ENV]));
  }

  async source(): Promise<TokenSource> {
    await this.get();
    if (this.cached) return 'secretStorage';
    return normaliseToken(this.env[TOKEN_ENV]) ? 'environment' : 'none';
  }

  /** Every value that must never appear in a log line (stored token and environment token). */
  knownSecrets(): string[] {
    return [this.cached, normaliseToken(this.env[TOKEN_ENV])].filter((s): s is string => !!s);
  }

  async set(raw: string): Promise<void> {
    const token = normaliseToken(raw);
    if (!token) throw new Error(vscode.l10n.t('The API token is empty.'));
    await this.storage.store(KEY, token);
    this.cached = token;
    this.loaded = true;
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.storage.delete(KEY);
    this.cached = undefined;
    this.loaded = true;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

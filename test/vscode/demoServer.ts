// VS Code as the demo serves it, and as users see it: the extension installed from its .vsix, no test driver.
import { installVsix } from '../package/vsix';
import { startCodeServer, type CodeServer } from './codeServer';

export interface DemoServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** The packaged extension, installed into `extensionsDir` before the server starts. */
  vsix: string;
  /** Extensions folder (the caller owns it). */
  extensionsDir: string;
  /** The RunComfy API the extension talks to (user setting runcomfy.apiBaseUrl). */
  apiBaseUrl: string;
  /** Given to the extension host as RUNCOMFY_API_TOKEN. */
  token: string;
  /** Merged over the demo's own user settings. */
  userSettings?: Record<string, unknown>;
  port?: number;
}

/** The demo's user settings, over the quiet defaults of every test instance. */
export function demoUserSettings(apiBaseUrl: string): Record<string, unknown> {
  return {
    'runcomfy.apiBaseUrl': apiBaseUrl,
    'workbench.colorTheme': 'Default Dark Modern',
    // Local servers coming and going (the emulator among them) would each announce a forwarded port.
    'remote.autoForwardPorts': false,
  };
}

/**
 * Installs the .vsix and starts code-server the way a user runs VS Code: no smoke-test driver, so notifications pop
 * up as toasts, and the extension loads because it is installed, not through a development payload.
 */
export async function startDemoServer(options: DemoServerOptions): Promise<CodeServer> {
  await installVsix(options.vsix, options.extensionsDir);
  return startCodeServer({
    workspace: options.workspace,
    extensionsDir: options.extensionsDir,
    ...(options.port === undefined ? {} : { port: options.port }),
    userSettings: { ...demoUserSettings(options.apiBaseUrl), ...options.userSettings },
    env: { RUNCOMFY_API_TOKEN: options.token },
  });
}

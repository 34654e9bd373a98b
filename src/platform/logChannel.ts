// Routes the pure Logger port to VS Code's LogOutputChannel, scrubbing the API token from every line.
import * as vscode from 'vscode';
import { type Logger, redactingLogger } from '../common/logger';

/** Opens the "RunComfy" log, or wraps the one `channel` already opened. */
export function createLogChannel(
  secrets: () => readonly string[],
  channel: vscode.LogOutputChannel = vscode.window.createOutputChannel('RunComfy', { log: true }),
): { channel: vscode.LogOutputChannel; logger: Logger } {
  const inner: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger: redactingLogger(inner, secrets) };
}

// What every command handler receives from the composition root.
import type * as vscode from 'vscode';
import type { Services } from '../platform/services';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  services: Services;
}

export type CommandHandler = (...args: unknown[]) => unknown;

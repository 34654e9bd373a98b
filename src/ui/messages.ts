// The only way the extension shows a notification or a modal message: every text goes through plainText, so nothing in it is a link.
import * as vscode from 'vscode';
import { plainText } from '../common/plainText';

type Level = 'error' | 'warning' | 'info';

function show<T extends string>(level: Level, message: string, options: vscode.MessageOptions | undefined, items: T[]): Thenable<T | undefined> {
  const text = plainText(message);
  const safeOptions = options?.detail !== undefined ? { ...options, detail: plainText(options.detail) } : options;
  const args: [string, ...unknown[]] = safeOptions ? [text, safeOptions, ...items] : [text, ...items];
  const window = vscode.window as unknown as Record<string, (...a: unknown[]) => Thenable<T | undefined>>;
  // Looked up at each call, not captured, so whatever VS Code (or a test's spy) has installed is what is called.
  const name = level === 'error' ? 'showErrorMessage' : level === 'warning' ? 'showWarningMessage' : 'showInformationMessage';
  return window[name](...args);
}

function split<T extends string>(rest: Array<vscode.MessageOptions | T>): { options?: vscode.MessageOptions; items: T[] } {
  const first = rest[0];
  if (first !== undefined && typeof first === 'object') return { options: first, items: rest.slice(1) as T[] };
  return { items: rest as T[] };
}

export function showError<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  const { options, items } = split(rest);
  return show('error', message, options, items);
}

export function showWarning<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  const { options, items } = split(rest);
  return show('warning', message, options, items);
}

export function showInfo<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  const { options, items } = split(rest);
  return show('info', message, options, items);
}

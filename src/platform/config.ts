// Typed getters for the extension's settings; the API URL and download hosts are read from user (application) scope only.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_BASE_URL, DEFAULT_SCALE, DEFAULT_SIZE, type EditOptions, SIZE_OPTIONS, type SizeOption } from '../api/model';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MIN_CONCURRENCY } from '../batch/batch';
import { isLoopbackUrl } from '../common/loopback';
import { resolveOutputPlace } from '../common/variables';
import { DEFAULT_FIT, type FitSettings, isFitMode } from '../imaging/fitTypes';
import type { OutputPlace } from '../jobs/outputFolder';

const SECTION = 'runcomfy';

function applicationValue<T>(key: string, fallback: T): T {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<T>(key);
  // Never a workspace value: a cloned repository must not redirect the token or the downloads.
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

export function apiBaseUrl(): string {
  const value = applicationValue<string>('apiBaseUrl', DEFAULT_BASE_URL).trim();
  return value || DEFAULT_BASE_URL;
}

/** The hosts results may come from; the API's own loopback host is trusted when the API itself points there. */
export function allowedDownloadHosts(): string[] {
  const configured = applicationValue<unknown>('allowedDownloadHosts', ['*.runcomfy.net', '*.runcomfy.com']);
  const hosts = Array.isArray(configured) ? configured.filter((h): h is string => typeof h === 'string' && h.trim() !== '') : [];
  const base = apiBaseUrl();
  if (isLoopbackUrl(base)) hosts.push(new URL(base).hostname, '127.0.0.1', 'localhost');
  return [...new Set(hosts)];
}

export function defaultOptions(scope?: vscode.Uri): Required<EditOptions> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const size = config.get<string>('defaultSize', DEFAULT_SIZE);
  const scale = config.get<number>('defaultScale', DEFAULT_SCALE);
  return {
    size: (SIZE_OPTIONS as readonly string[]).includes(size) ? (size as SizeOption) : DEFAULT_SIZE,
    scale: typeof scale === 'number' && scale >= 0 && scale <= 1 ? scale : DEFAULT_SCALE,
    forceSingle: config.get<boolean>('defaultForceSingle', false) === true,
  };
}

/** Whether saved results carry their prompt inside the file (runcomfy.embedPromptInResults, on unless turned off). */
export function embedPromptInResults(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('embedPromptInResults', true) !== false;
}

export function openResultsWhenDone(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('openResultsWhenDone', true) !== false;
}

/** How local images are fitted before they are sent (runcomfy.fitInputs, runcomfy.stripMetadata). */
export function fitSettings(scope?: vscode.Uri): FitSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const mode = config.get<unknown>('fitInputs', DEFAULT_FIT.mode);
  // User settings only: a cloned repository must not be able to send your photos' location along.
  return { mode: isFitMode(mode) ? mode : DEFAULT_FIT.mode, stripMetadata: applicationValue<unknown>('stripMetadata', true) !== false };
}

/** How many jobs of a batch may be submitted and unfinished at once (runcomfy.batchConcurrency, 1–10). */
export function batchConcurrency(scope?: vscode.Uri): number {
  const value = vscode.workspace.getConfiguration(SECTION, scope).get<unknown>('batchConcurrency', DEFAULT_CONCURRENCY);
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_CONCURRENCY && value <= MAX_CONCURRENCY ? value : DEFAULT_CONCURRENCY;
}

export function proxyUrl(): string | undefined {
  const value = vscode.workspace.getConfiguration('http').get<string>('proxy');
  return value?.trim() || undefined;
}

/**
 * Where results of a job whose first input is `firstFile` (if any) are saved, and the folder they must stay in.
 * Where the value came from decides: only the user's own settings may send results outside the workspace.
 */
export function outputFolderFor(firstFile: vscode.Uri | undefined): OutputPlace {
  const folder = firstFile ? vscode.workspace.getWorkspaceFolder(firstFile) : vscode.workspace.workspaceFolders?.[0];
  const inspected = vscode.workspace.getConfiguration(SECTION, firstFile ?? folder?.uri).inspect<string>('outputFolder');
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const setting = fromWorkspace ?? inspected?.globalValue ?? inspected?.defaultValue;
  return resolveOutputPlace(setting, {
    workspaceFolder: folder?.uri.fsPath,
    fileDirname: firstFile ? vscode.Uri.joinPath(firstFile, '..').fsPath : undefined,
    userHome: os.homedir(),
    now: new Date(),
  }, fromWorkspace === undefined && inspected?.globalValue !== undefined);
}

export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('runcomfy.apiBaseUrl') || e.affectsConfiguration('http.proxy');
}

// The code-server, browser page, workspace and API emulator that test/ui/run.ts shares with the UI test files.
import type { Page } from 'playwright-core';
import type { Emulator } from '../emulator/server';
import type { CodeServer } from '../vscode/codeServer';
import type { Configuration } from './sessions';

export interface UiSession {
  /** How VS Code runs: the development configuration (test/ui/*.test.ts) or as installed (test/ui/installed/). */
  configuration: Configuration;
  /** The workbench page, with the extension loaded from the repository (development) or its installed .vsix. */
  page: Page;
  server: CodeServer;
  /** The workspace the workbench has open: a copy of test/fixtures/workspace, or the demo's sample images. */
  workspace: string;
  /** The RunComfy API emulator the extension talks to (user setting runcomfy.apiBaseUrl), in real time. */
  emulator: Emulator;
  /** The API token the extension host got through RUNCOMFY_API_TOKEN; the emulator accepts only this one. */
  token: string;
}

let current: UiSession | undefined;

/** The running session; only valid while test/ui/run.ts runs the tests. */
export function uiSession(): UiSession {
  if (current === undefined) {
    throw new Error('no UI session: run UI tests through out/test/ui/run.js');
  }
  return current;
}

export function setUiSession(session: UiSession | undefined): void {
  current = session;
}

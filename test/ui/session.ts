// The code-server, browser page and workspace that test/ui/run.ts shares with the UI test files.
import type { Page } from 'playwright-core';
import type { CodeServer } from '../vscode/codeServer';

export interface UiSession {
  /** The workbench page, with the extension loaded from the repository in development mode. */
  page: Page;
  server: CodeServer;
  /** Absolute path of the temporary copy of test/fixtures/workspace the workbench has open. */
  workspace: string;
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

// Where batches live in workspaceState, and a cheap look at them for activation, before the engine is loaded.
import type * as vscode from 'vscode';

export const BATCHES_KEY = 'runcomfy.batches.v1';

/** Whether a stored batch is not finished, so activation restores (and continues) it at once. */
export function hasUnfinishedBatch(memento: vscode.Memento): boolean {
  const raw = memento.get<unknown>(BATCHES_KEY, []);
  return Array.isArray(raw) && raw.some((b) => !!b && typeof b === 'object' && (b as { state?: unknown }).state !== 'finished');
}

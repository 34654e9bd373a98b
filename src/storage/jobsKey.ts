// Where jobs live in workspaceState, and a cheap look at them for activation, before the engine is loaded.
import type * as vscode from 'vscode';

export const JOBS_KEY = 'runcomfy.jobs.v1';

interface StoredJobPeek {
  state?: string;
  seen?: boolean;
  retryable?: boolean;
  /** Records of the first version kept the download apart. */
  download?: { state?: string };
}

/** States in which the engine has work to do at once (poll, save) or something to show the user. */
const WORK = new Set(['submitting', 'queued', 'running', 'saving']);
const NEEDS_USER = new Set(['submissionUnknown', 'failed', 'saveFailed']);

/** Whether anything stored still needs tracking, saving or the user, so activation knows if the engine must start now. */
export function hasUnfinishedWork(memento: vscode.Memento): boolean {
  const raw = memento.get<unknown>(JOBS_KEY, []);
  if (!Array.isArray(raw)) return false;
  return raw.some((item) => {
    const job = (item ?? {}) as StoredJobPeek;
    const state = job.state ?? '';
    if (WORK.has(state)) return true;
    if (NEEDS_USER.has(state) && !job.seen) return true;
    const download = job.download?.state;
    return state === 'succeeded' && (download === 'pending' || download === 'downloading' || download === 'failed');
  });
}

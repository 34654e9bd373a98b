// Where jobs live in workspaceState, and a cheap look at them for activation, before the engine is loaded.
import type * as vscode from 'vscode';

export const JOBS_KEY = 'runcomfy.jobs.v1';

interface StoredJobPeek {
  state?: string;
  download?: { state?: string };
}

/** Whether anything stored still needs tracking or saving, so activation knows if the engine must start now. */
export function hasUnfinishedWork(memento: vscode.Memento): boolean {
  const raw = memento.get<unknown>(JOBS_KEY, []);
  if (!Array.isArray(raw)) return false;
  return raw.some((item) => {
    const job = (item ?? {}) as StoredJobPeek;
    const download = job.download?.state;
    return (
      job.state === 'submitting' ||
      job.state === 'queued' ||
      job.state === 'running' ||
      (job.state === 'succeeded' && (download === 'pending' || download === 'downloading' || download === 'failed'))
    );
  });
}

export function hasStoredJobs(memento: vscode.Memento): boolean {
  const raw = memento.get<unknown>(JOBS_KEY, []);
  return Array.isArray(raw) && raw.length > 0;
}

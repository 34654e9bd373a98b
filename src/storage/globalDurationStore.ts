// Keeps the learned job durations in global state: how long this model's jobs take does not depend on the workspace.
import type * as vscode from 'vscode';
import type { DurationSnapshot, DurationStore } from '../jobs/durationModel';

export const DURATIONS_KEY = 'runcomfy.durations.v1';

export class GlobalDurationStore implements DurationStore {
  constructor(private readonly memento: vscode.Memento) {}

  load(): unknown {
    return this.memento.get<unknown>(DURATIONS_KEY);
  }

  save(snapshot: DurationSnapshot): void {
    void Promise.resolve(this.memento.update(DURATIONS_KEY, snapshot)).catch(() => undefined);
  }
}

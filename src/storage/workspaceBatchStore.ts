// Stores batches in workspaceState, validating every record when it is read back.
import type * as vscode from 'vscode';
import type { BatchRecord } from '../batch/batch';
import { parseStoredBatches } from '../batch/batchSchema';
import type { BatchStore } from '../batch/runner';
import type { Logger } from '../common/logger';
import { BATCHES_KEY } from './batchesKey';

export class WorkspaceBatchStore implements BatchStore {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly logger: Logger,
  ) {}

  load(): Promise<BatchRecord[]> {
    return Promise.resolve(parseStoredBatches(this.memento.get<unknown>(BATCHES_KEY, []), (reason) => this.logger.warn(`dropped a stored batch that no longer validates: ${reason}`)));
  }

  async save(batches: readonly BatchRecord[]): Promise<void> {
    await this.memento.update(BATCHES_KEY, batches);
  }
}

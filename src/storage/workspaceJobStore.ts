// Stores jobs in workspaceState, validating every record when it is read back.
import type * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import type { Job } from '../jobs/job';
import { parseStoredJobs } from '../jobs/jobSchema';
import type { JobStore } from '../jobs/ports';
import { JOBS_KEY } from './jobsKey';

export class WorkspaceJobStore implements JobStore {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly logger: Logger,
  ) {}

  load(): Promise<Job[]> {
    return Promise.resolve(
      parseStoredJobs(this.memento.get<unknown>(JOBS_KEY, []), (reason) => this.logger.warn(`dropped a stored job that no longer validates: ${reason}`)),
    );
  }

  async save(jobs: readonly Job[]): Promise<void> {
    await this.memento.update(JOBS_KEY, jobs);
  }
}

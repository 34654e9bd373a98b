// The persistence port for jobs; the VS Code adapter stores them in workspaceState, tests use the in-memory store.
import { JobRecord, parseStoredJobs } from './job';

export interface JobStore {
  /** All stored jobs, already validated. */
  load(): Promise<JobRecord[]>;
  /** Persists the complete list; resolves once it is durable. */
  save(jobs: readonly JobRecord[]): Promise<void>;
}

/** Keeps jobs as a JSON round trip so tests see exactly what a real store would give back. */
export class MemoryJobStore implements JobStore {
  private raw: unknown = [];
  saves = 0;

  constructor(initial?: readonly JobRecord[]) {
    if (initial) this.raw = JSON.parse(JSON.stringify(initial));
  }

  async load(): Promise<JobRecord[]> {
    return parseStoredJobs(JSON.parse(JSON.stringify(this.raw)));
  }

  async save(jobs: readonly JobRecord[]): Promise<void> {
    this.saves++;
    this.raw = JSON.parse(JSON.stringify(jobs));
  }

  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.raw));
  }
}

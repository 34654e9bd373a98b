// An in-memory job store for tests: a JSON round trip, so tests see exactly what a real store would give back.
import type { Job } from '../../src/jobs/job';
import { parseStoredJobs } from '../../src/jobs/jobSchema';
import type { JobStore } from '../../src/jobs/ports';

export class MemoryJobStore implements JobStore {
  private raw: unknown = [];
  saves = 0;

  constructor(initial?: readonly unknown[]) {
    if (initial) this.raw = JSON.parse(JSON.stringify(initial));
  }

  async load(): Promise<Job[]> {
    return parseStoredJobs(JSON.parse(JSON.stringify(this.raw)));
  }

  async save(jobs: readonly Job[]): Promise<void> {
    this.saves++;
    this.raw = JSON.parse(JSON.stringify(jobs));
  }

  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.raw));
  }
}

// The small ports the job engine depends on: the RunComfy API, the result saver and the job store, so tests can swap any.
import type { CallOptions, CancelView, ResultView, StatusView } from '../api/client';
import type { EditRequest, SubmitResponse } from '../api/schemas';
import type { Job } from './job';
import type { SaveJob, SaveOutcome } from './resultSaver';

export type { CallOptions } from '../api/client';

export interface ApiPort {
  submit(body: EditRequest, options?: CallOptions): Promise<SubmitResponse>;
  status(requestId: string, options?: CallOptions): Promise<StatusView>;
  result(requestId: string, options?: CallOptions & { includeCost?: boolean }): Promise<ResultView>;
  cancel(requestId: string, options?: CallOptions): Promise<CancelView>;
}

export interface SaverPort {
  save(job: SaveJob, signal?: AbortSignal): Promise<SaveOutcome>;
}

/** Persistence for jobs; the VS Code adapter keeps them in workspaceState. */
export interface JobStore {
  /** All stored jobs, already validated. */
  load(): Promise<Job[]>;
  /** Persists the complete list; resolves once it is durable. */
  save(jobs: readonly Job[]): Promise<void>;
}

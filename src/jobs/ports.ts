// The small ports the job engine depends on: the RunComfy API and the result saver, so tests can swap either.
import type { CancelView, ResultView, StatusView } from '../api/client';
import type { EditRequest, SubmitResponse } from '../api/schemas';
import type { SaveJob, SaveOutcome } from './resultSaver';

export interface ApiPort {
  submit(body: EditRequest, signal?: AbortSignal): Promise<SubmitResponse>;
  status(requestId: string, signal?: AbortSignal): Promise<StatusView>;
  result(requestId: string, options?: { includeCost?: boolean }, signal?: AbortSignal): Promise<ResultView>;
  cancel(requestId: string, signal?: AbortSignal): Promise<CancelView>;
}

export interface SaverPort {
  save(job: SaveJob, signal?: AbortSignal): Promise<SaveOutcome>;
}

// The small ports the job engine depends on: the RunComfy API and the result saver, so tests can swap either.
import type { CancelView, ResultView, StatusView } from '../api/client';
import type { RunComfyError } from '../api/errors';
import type { EditRequest, SubmitResponse } from '../api/schemas';
import type { SidecarData } from './sidecar';

export interface ApiPort {
  submit(body: EditRequest, signal?: AbortSignal): Promise<SubmitResponse>;
  status(requestId: string, signal?: AbortSignal): Promise<StatusView>;
  result(requestId: string, options?: { includeCost?: boolean }, signal?: AbortSignal): Promise<ResultView>;
  cancel(requestId: string, signal?: AbortSignal): Promise<CancelView>;
}

export interface SaveRequest {
  requestId: string;
  outputDir: string;
  baseName: string;
  urls: readonly string[];
  sidecar: SidecarData;
  alreadySaved?: Readonly<Record<string, string>>;
}

export interface SaveResult {
  saved: Array<{ url: string; path: string; sidecarPath: string; bytes: number }>;
  failed: Array<{ url: string; error: RunComfyError }>;
}

export interface SaverPort {
  save(job: SaveRequest, signal?: AbortSignal): Promise<SaveResult>;
}

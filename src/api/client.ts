// The RunComfy Model API client: submit (never retried), status, result, cancel and model metadata over an injected undici dispatcher.
import { Dispatcher, request } from 'undici';
import { Clock, systemClock } from '../common/clock';
import { t } from '../common/l10n';
import { Logger, nullLogger } from '../common/logger';
import { normaliseToken } from '../common/token';
import { errorFromResponse } from './errorMapping';
import {
  AbortedError,
  InputError,
  NetworkError,
  ProtocolError,
  RunComfyError,
  SubmissionUnknownError,
  TimeoutError,
} from './errors';
import { DEFAULT_READ_RETRY, RetryPolicy, withRetry } from './retry';
import {
  CancelOutcome,
  CancelResponseSchema,
  DEFAULT_BASE_URL,
  EditRequest,
  EditRequestSchema,
  MODEL_ID,
  ModelMetadata,
  ModelMetadataSchema,
  RemoteState,
  ResultResponse,
  ResultResponseSchema,
  StatusResponse,
  StatusResponseSchema,
  SubmitResponse,
  SubmitResponseSchema,
  describeRemoteError,
  normaliseCancelOutcome,
  normaliseState,
  outputImageUrls,
  outputVideoUrls,
  parseCost,
} from './schemas';

export interface ClientOptions {
  baseUrl?: string;
  /** Read at every call, so a token set or cleared later takes effect at once. */
  token: () => string | undefined | Promise<string | undefined>;
  dispatcher: Dispatcher;
  clock?: Clock;
  logger?: Logger;
  retry?: RetryPolicy;
  random?: () => number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  userAgent?: string;
}

export interface StatusView {
  requestId: string;
  state: RemoteState;
  rawStatus: string;
  queuePosition?: number;
  raw: StatusResponse;
}

export interface ResultView {
  requestId: string;
  state: RemoteState;
  rawStatus: string;
  imageUrls: string[];
  videoUrls: string[];
  error?: string;
  cost?: number;
  createdAt?: string;
  finishedAt?: string;
  raw: ResultResponse;
}

export interface CancelView {
  requestId: string;
  outcome: CancelOutcome;
  rawStatus?: string;
}

export { normaliseToken };

type CallKind = 'submit' | 'read' | 'cancel';

/** Errors raised before a connection existed: nothing can have reached the service. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  return !!signal?.aborted || name === 'AbortError' || errorCode(e) === 'UND_ERR_ABORTED';
}

/** Request ids go into URL paths: anything but a plain token shape is refused before a request is made. */
export function assertRequestId(requestId: string): string {
  const id = requestId.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{2,127}$/.test(id)) {
    throw new InputError(requestId, 'requestId', t('"{0}" is not a valid RunComfy request_id.', requestId));
  }
  return id;
}

export class RunComfyClient {
  readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = (options.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.retry = options.retry ?? DEFAULT_READ_RETRY;
  }

  /**
   * Submits a paid job. Never retried: an answer that never came becomes SubmissionUnknownError so the caller
   * can tell the user to look it up instead of paying twice.
   */
  async submit(body: EditRequest, signal?: AbortSignal): Promise<SubmitResponse> {
    const parsed = EditRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'request';
      throw new InputError(where, 'schema', t('The edit request is invalid at "{0}": {1}.', where, issue?.message ?? '?'));
    }
    const summary = `${body.image_urls.length} image(s), prompt ${body.prompt.length} chars`;
    const answer = await this.call('submit', 'POST', `/v1/models/${MODEL_ID}`, signal, JSON.stringify(parsed.data), summary);
    return this.parse(SubmitResponseSchema, answer, 'submit');
  }

  status(requestId: string, signal?: AbortSignal): Promise<StatusView> {
    const id = assertRequestId(requestId);
    return this.read(signal, async () => {
      const answer = await this.call('read', 'GET', `/v1/requests/${encodeURIComponent(id)}/status`, signal);
      const raw = this.parse(StatusResponseSchema, answer, 'status');
      const state = normaliseState(raw.status);
      if (state === 'unknown') this.logger.warn(`status of ${id} is "${raw.status}", which is not a known state; polling goes on`);
      return {
        requestId: raw.request_id ?? id,
        state,
        rawStatus: raw.status,
        queuePosition: toPosition(raw.queue_position),
        raw,
      };
    });
  }

  result(requestId: string, options: { includeCost?: boolean } = {}, signal?: AbortSignal): Promise<ResultView> {
    const id = assertRequestId(requestId);
    const query = options.includeCost === false ? '' : '?include_cost=true';
    return this.read(signal, async () => {
      const answer = await this.call('read', 'GET', `/v1/requests/${encodeURIComponent(id)}/result${query}`, signal);
      const raw = this.parse(ResultResponseSchema, answer, 'result');
      const state = normaliseState(raw.status);
      if (state === 'unknown') this.logger.warn(`result of ${id} has status "${raw.status}", which is not a known state; polling goes on`);
      return {
        requestId: raw.request_id ?? id,
        state,
        rawStatus: raw.status,
        imageUrls: outputImageUrls(raw.output),
        videoUrls: outputVideoUrls(raw.output),
        error: describeRemoteError(raw.error),
        cost: parseCost(raw.cost),
        createdAt: typeof raw.created_at === 'string' ? raw.created_at : undefined,
        finishedAt: typeof raw.finished_at === 'string' ? raw.finished_at : undefined,
        raw,
      };
    });
  }

  /** Cancel is safe to repeat (it can only stop a queued job), so it is retried like a read. */
  cancel(requestId: string, signal?: AbortSignal): Promise<CancelView> {
    const id = assertRequestId(requestId);
    return this.read(signal, async () => {
      const answer = await this.call('cancel', 'POST', `/v1/requests/${encodeURIComponent(id)}/cancel`, signal);
      const raw = this.parse(CancelResponseSchema, answer, 'cancel');
      return { requestId: raw.request_id ?? id, outcome: normaliseCancelOutcome(raw), rawStatus: raw.status ?? undefined };
    });
  }

  model(signal?: AbortSignal): Promise<ModelMetadata> {
    return this.read(signal, async () => {
      const answer = await this.call('read', 'GET', `/v1/models/${MODEL_ID}`, signal);
      return this.parse(ModelMetadataSchema, answer, 'model');
    });
  }

  private read<T>(signal: AbortSignal | undefined, op: () => Promise<T>): Promise<T> {
    return withRetry(op, {
      policy: this.retry,
      clock: this.clock,
      signal,
      random: this.options.random,
      onRetry: (error, attempt, delay) =>
        this.logger.info(`retry ${attempt}/${this.retry.retries} in ${delay} ms after ${error.name}: ${error.message}`),
    });
  }

  private parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ProtocolError(t('the {0} answer has an unexpected shape', what));
    return parsed.data;
  }

  private async call(
    kind: CallKind,
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal | undefined,
    body?: string,
    summary?: string,
  ): Promise<unknown> {
    if (signal?.aborted) throw new AbortedError();
    const token = normaliseToken(await this.options.token());
    const url = `${this.baseUrl}${path}`;
    const started = this.clock.now();
    this.logger.info(`→ ${method} ${path}${summary ? ` (${summary})` : ''}`);
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await request(url, {
        method,
        dispatcher: this.options.dispatcher,
        signal,
        headersTimeout: this.options.headersTimeoutMs ?? 30_000,
        bodyTimeout: this.options.bodyTimeoutMs ?? 60_000,
        headers: {
          accept: 'application/json',
          'user-agent': this.options.userAgent ?? 'runcomfy-dreamina-edit',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body,
      });
      text = await response.body.text();
    } catch (e) {
      throw this.transportError(kind, method, path, e, signal);
    }
    const ms = this.clock.now() - started;
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const retryAfter = headerValue(response.headers['retry-after']);
    const error = errorFromResponse(response.statusCode, json ?? text.slice(0, 200), retryAfter, this.clock.now());
    if (error) {
      this.logger.warn(`← ${response.statusCode} ${method} ${path} in ${ms} ms: ${error.name}: ${error.message}`);
      throw error;
    }
    if (json === undefined) {
      this.logger.warn(`← ${response.statusCode} ${method} ${path} in ${ms} ms: body is not JSON`);
      throw new ProtocolError(t('the answer is not JSON'), response.statusCode);
    }
    this.logger.info(`← ${response.statusCode} ${method} ${path} in ${ms} ms`);
    return json;
  }

  private transportError(kind: CallKind, method: string, path: string, e: unknown, signal?: AbortSignal): RunComfyError {
    const code = errorCode(e);
    const detail = `${method} ${path}: ${code ?? (e as Error)?.message ?? String(e)}`;
    if (kind === 'submit' && !CONNECT_PHASE_CODES.has(code ?? '')) {
      // The request may have reached the service: whether the job exists (and is billed) is unknown.
      this.logger.error(`submission unknown after ${detail}`);
      return new SubmissionUnknownError(`no answer to the submit (${code ?? 'aborted'})`);
    }
    if (isAbort(e, signal)) return new AbortedError();
    this.logger.warn(`transport error on ${detail}`);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new TimeoutError(detail);
    }
    return new NetworkError(detail, code);
  }
}

function toPosition(value: number | string | null | undefined): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

// The RunComfy Model API client: submit (never retried), status, result, cancel and model metadata over an injected undici dispatcher.
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../common/clock';
import { t } from '../common/l10n';
import { type Logger, nullLogger } from '../common/logger';
import { clause } from '../common/sentence';
import { normaliseToken } from '../common/token';
import { asInlineImagesRefused, refusesInlineImages } from './errorMapping';
import { InputError, ProtocolError, ServerError, SubmissionUnknownError, ValidationError } from './errors';
import { DEFAULT_READ_RETRY, type RetryPolicy, withRetry } from './retry';
import {
  type CancelOutcome,
  CancelResponseSchema,
  DEFAULT_BASE_URL,
  type EditRequest,
  EditRequestSchema,
  MODEL_ID,
  type ModelMetadata,
  ModelMetadataSchema,
  type RemoteState,
  type ResultResponse,
  ResultResponseSchema,
  type StatusResponse,
  StatusResponseSchema,
  type SubmitResponse,
  SubmitResponseSchema,
  describeRemoteError,
  normaliseCancelOutcome,
  normaliseState,
  outputImageUrls,
  outputVideoUrls,
  parseCost,
} from './schemas';
import { Transport } from './transport';

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

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Retry transient failures inside the call (default true; a submit is never retried). Polls pass false: the
   * scheduler's own backoff is their retry, and counting each failed poll is what tells a stalled job from a slow one.
   */
  retry?: boolean;
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

/**
 * The one rule for a request_id, whether typed by a user, passed by a script or read from a submit answer: it goes
 * into URL paths and Markdown, so anything but a plain token shape is refused before a request is made.
 */
export function isRequestId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{2,127}$/.test(value.trim());
}

export function assertRequestId(requestId: string): string {
  if (!isRequestId(requestId)) {
    throw new InputError(requestId, 'requestId', t('"{0}" is not a valid RunComfy request_id.', requestId));
  }
  return requestId.trim();
}

export class RunComfyClient {
  readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly transport: Transport;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = (options.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? nullLogger;
    this.retry = options.retry ?? DEFAULT_READ_RETRY;
    this.transport = new Transport({ ...options, baseUrl: this.baseUrl, clock: this.clock, logger: this.logger });
  }

  /**
   * Submits a paid job. Never retried. Only a clear refusal (RunComfy's own error body, 401/402/422, 429) means
   * nothing was created; an answer that never came, a gateway's 5xx page or an unreadable 200 becomes
   * SubmissionUnknownError, so the caller can tell the user to look it up instead of paying twice.
   */
  async submit(body: EditRequest, options: CallOptions = {}): Promise<SubmitResponse> {
    const parsed = EditRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'request';
      throw new InputError(where, 'schema', t('The edit request is invalid at "{0}": {1}.', where, clause(issue?.message ?? '?')));
    }
    const summary = `${body.image_urls.length} image(s), prompt ${body.prompt.length} chars`;
    let answer: unknown;
    try {
      answer = await this.transport.call('submit', 'POST', `/v1/models/${MODEL_ID}`, options.signal, JSON.stringify(parsed.data), summary);
    } catch (error) {
      throw this.submitError(error, parsed.data.image_urls);
    }
    const response = SubmitResponseSchema.safeParse(answer);
    if (!response.success) {
      this.logger.error('submission unknown: the submit answer has no request_id');
      throw new SubmissionUnknownError(t('it has no request_id'), 'badAnswer');
    }
    if (!isRequestId(response.data.request_id)) {
      // Never polled, shown or stored as an id: the job may exist, but not under a name that can be used safely.
      const shown = JSON.stringify(response.data.request_id.slice(0, 80));
      this.logger.error(`submission unknown: the submit answer has a malformed request_id ${shown}`);
      throw new SubmissionUnknownError(t('its request_id {0} is not a valid RunComfy request_id', shown), 'badAnswer');
    }
    return { ...response.data, request_id: response.data.request_id.trim() };
  }

  private submitError(error: unknown, imageUrls: readonly string[]): unknown {
    if (error instanceof ValidationError && refusesInlineImages(error, imageUrls)) {
      this.logger.warn(`the submit's inline images were refused: ${error.message}`);
      return asInlineImagesRefused(error);
    }
    // A 5xx without RunComfy's error_code is a gateway's page: the service behind it may have created the job.
    if (error instanceof ServerError && error.errorCode === undefined) {
      this.logger.error(`submission unknown after a gateway answer: ${error.message}`);
      return new SubmissionUnknownError(t('HTTP {0} from a gateway', error.httpStatus ?? '?'), 'badAnswer');
    }
    if (error instanceof ProtocolError) {
      this.logger.error(`submission unknown after an unreadable answer: ${error.message}`);
      return new SubmissionUnknownError(error.message, 'badAnswer');
    }
    return error;
  }

  status(requestId: string, options: CallOptions = {}): Promise<StatusView> {
    const id = assertRequestId(requestId);
    return this.read(options, async () => {
      const answer = await this.transport.call('read', 'GET', `/v1/requests/${encodeURIComponent(id)}/status`, options.signal);
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

  result(requestId: string, options: CallOptions & { includeCost?: boolean } = {}): Promise<ResultView> {
    const id = assertRequestId(requestId);
    const query = options.includeCost === false ? '' : '?include_cost=true';
    return this.read(options, async () => {
      const answer = await this.transport.call('read', 'GET', `/v1/requests/${encodeURIComponent(id)}/result${query}`, options.signal);
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
  cancel(requestId: string, options: CallOptions = {}): Promise<CancelView> {
    const id = assertRequestId(requestId);
    return this.read(options, async () => {
      const answer = await this.transport.call('cancel', 'POST', `/v1/requests/${encodeURIComponent(id)}/cancel`, options.signal);
      const raw = this.parse(CancelResponseSchema, answer, 'cancel');
      return { requestId: raw.request_id ?? id, outcome: normaliseCancelOutcome(raw), rawStatus: raw.status ?? undefined };
    });
  }

  model(options: CallOptions = {}): Promise<ModelMetadata> {
    return this.read(options, async () => {
      const answer = await this.transport.call('read', 'GET', `/v1/models/${MODEL_ID}`, options.signal);
      return this.parse(ModelMetadataSchema, answer, 'model');
    });
  }

  private read<T>(options: CallOptions, op: () => Promise<T>): Promise<T> {
    return withRetry(op, {
      policy: options.retry === false ? { ...this.retry, retries: 0 } : this.retry,
      clock: this.clock,
      signal: options.signal,
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
}

function toPosition(value: number | string | null | undefined): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

// One HTTP exchange with the RunComfy API: headers and token, JSON in and out, and every failure mapped to its typed error.
import { type Dispatcher, request } from 'undici';
import type { Clock } from '../common/clock';
import { t } from '../common/l10n';
import type { Logger } from '../common/logger';
import { isLoopbackUrl } from '../common/loopback';
import { withoutQuery } from '../common/privateUrl';
import { normaliseToken } from '../common/token';
import { errorFromResponse } from './errorMapping';
import { AbortedError, InputError, NetworkError, ProtocolError, type RunComfyError, SubmissionUnknownError, TimeoutError } from './errors';

export type CallKind = 'submit' | 'read' | 'cancel';

export interface TransportOptions {
  baseUrl: string;
  /** Read at every call, so a token set or cleared later takes effect at once. */
  token: () => string | undefined | Promise<string | undefined>;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  userAgent?: string;
}

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

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Why requests must not go to this base URL, or undefined. The bearer token rides on every request, so it never
 * travels in clear text: https:// only, plain http:// solely to this computer (a local stand-in of the service).
 */
export function baseUrlProblem(baseUrl: string): string | undefined {
  const shown = withoutQuery(baseUrl);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return t('The setting runcomfy.apiBaseUrl ("{0}") is not a web address, so nothing was sent. Use https://model-api.runcomfy.net or remove the setting.', shown);
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackUrl(baseUrl)) return undefined;
  return t('The setting runcomfy.apiBaseUrl ({0}) is not an https:// address, and your API token would travel unencrypted, so nothing was sent. Use an https:// address; plain http:// is allowed only for this computer (localhost, 127.0.0.1, ::1).', shown);
}

export class Transport {
  private readonly refusal: string | undefined;

  constructor(private readonly options: TransportOptions) {
    this.refusal = baseUrlProblem(options.baseUrl);
  }

  /** Sends one request and returns its parsed JSON body; any failure throws the RunComfyError it stands for. */
  async call(kind: CallKind, method: 'GET' | 'POST', path: string, signal: AbortSignal | undefined, body?: string, summary?: string): Promise<unknown> {
    const { clock, logger } = this.options;
    if (signal?.aborted) throw new AbortedError();
    if (this.refusal) {
      logger.warn(`refused ${method} ${path}: runcomfy.apiBaseUrl is not https:// nor loopback`);
      throw new InputError('apiBaseUrl', 'apiBaseUrl', this.refusal);
    }
    const token = normaliseToken(await this.options.token());
    const url = `${this.options.baseUrl}${path}`;
    const started = clock.monotonic();
    logger.info(`→ ${method} ${path}${summary ? ` (${summary})` : ''}`);
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
    } catch (e) {
      throw this.transportError(kind, method, path, e, signal, false);
    }
    try {
      text = await response.body.text();
    } catch (e) {
      // The answer had begun: the connection dropped mid-body, it did not fail to reach the service.
      throw this.transportError(kind, method, path, e, signal, true);
    }
    const ms = Math.round(clock.monotonic() - started);
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const retryAfter = headerValue(response.headers['retry-after']);
    const error = errorFromResponse(response.statusCode, json ?? text.slice(0, 200), retryAfter, clock.now());
    if (error) {
      logger.warn(`← ${response.statusCode} ${method} ${path} in ${ms} ms: ${error.name}: ${error.message}`);
      throw error;
    }
    if (json === undefined) {
      logger.warn(`← ${response.statusCode} ${method} ${path} in ${ms} ms: body is not JSON`);
      throw new ProtocolError(t('the answer is not JSON'), response.statusCode);
    }
    logger.info(`← ${response.statusCode} ${method} ${path} in ${ms} ms`);
    return json;
  }

  private transportError(kind: CallKind, method: string, path: string, e: unknown, signal: AbortSignal | undefined, midBody: boolean): RunComfyError {
    const code = errorCode(e);
    const detail = `${method} ${path}: ${code ?? (e as Error)?.message ?? String(e)}`;
    const connected = midBody || (code !== undefined && !CONNECT_PHASE_CODES.has(code));
    if (kind === 'submit' && (midBody || !CONNECT_PHASE_CODES.has(code ?? ''))) {
      // The request may have reached the service: whether the job exists (and is billed) is unknown.
      this.options.logger.error(`submission unknown after ${detail}`);
      return new SubmissionUnknownError(`no answer to the submit (${code ?? 'aborted'})`);
    }
    if (isAbort(e, signal)) return new AbortedError();
    this.options.logger.warn(`transport error on ${detail}`);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new TimeoutError(detail);
    }
    return new NetworkError(detail, code, connected);
  }
}

// Turns an HTTP answer (status, headers, parsed body) into the typed error it stands for, or undefined when it is a success.
import {
  AuthError,
  BadRequestError,
  BalanceError,
  ForbiddenRequestError,
  GatewayError,
  InlineImagesRefusedError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  type RunComfyError,
  ServerError,
  ValidationError,
} from './errors';
import { t } from '../common/l10n';

interface ErrorBody {
  code?: number;
  message?: string;
  detail?: unknown;
}

function readErrorBody(body: unknown): ErrorBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const o = body as Record<string, unknown>;
  const rawCode = o.error_code ?? o.code;
  const code = typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' && /^\d+$/.test(rawCode) ? Number(rawCode) : undefined;
  const rawMessage = o.error_message ?? o.message ?? o.error;
  const message = typeof rawMessage === 'string' ? rawMessage : undefined;
  return { code, message, detail: o.detail };
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Maps an answer to an error. An HTTP 200 whose body carries a top-level `error_code` is an error too.
 * Returns undefined for a genuine success.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  retryAfterHeader: string | null | undefined,
  now: number,
): RunComfyError | undefined {
  const hasTopLevelCode =
    !!body && typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>).error_code !== undefined;
  if (status >= 200 && status < 300 && !hasTopLevelCode) return undefined;

  const { code, message: bodyMessage, detail } = readErrorBody(body);
  const message = `${bodyMessage ?? `HTTP ${status}`}${code !== undefined ? ` (error_code ${code})` : ''}`;

  // The six-digit code is more specific than the HTTP status, so it decides first.
  switch (code) {
    case 400002:
      return new BalanceError(message, status, code);
    case 400004:
      return new AuthError(message, status, code);
    case 403001:
      return new ForbiddenRequestError(message, status, code);
    case 404001:
      return new NotFoundError(message, status, code);
    case 400001:
      return new BadRequestError(message, status, code);
    case undefined:
      // No code: the HTTP status decides below.
      break;
  }
  // A 200 with a server-side code (5xxxxx) is RunComfy saying "try again later", not a refusal.
  if (status >= 200 && status < 300 && code !== undefined && code >= 500_000 && code < 600_000) {
    return new ServerError(message, status, code);
  }
  if (status === 401 || status === 403) return new AuthError(message, status, code);
  if (status === 402) return new BalanceError(message, status, code);
  // Only RunComfy's own 404001 (handled above) says a request does not exist; a bare 404 is a proxy's or gateway's page.
  if (status === 404) return new GatewayError(message, status);
  if (status === 422) return new ValidationError(message, detail, status, code);
  if (status === 429) return new RateLimitError(message, parseRetryAfter(retryAfterHeader, now), status, code);
  if (status >= 500) return new ServerError(message, status, code, parseRetryAfter(retryAfterHeader, now));
  if (status >= 400) {
    return detail !== undefined ? new ValidationError(message, detail, status, code) : new BadRequestError(message, status, code);
  }
  if (status >= 200 && status < 300) {
    // 200 with an error_code we do not know: still an error, never a success.
    return new BadRequestError(message, status, code);
  }
  return new ProtocolError(t('unexpected HTTP {0}', status), status);
}

/** Words a refusal of inline images uses; a documented per-image rule (size, resolution, aspect, type) is not one. */
const INLINE_WORDS = /\binline\b|\bdata:|\bdata[ -]?ur[il]s?\b|\bbase64\b|\burls?\b|\bhttps?\b/i;
const IMAGE_RULE_WORDS = /\b15 ?MB\b|\bresolution\b|\baspect ratio\b|\bmalformed\b|\bJPEG\b|\bPNG\b/i;

function refusesInline(text: string): boolean {
  return INLINE_WORDS.test(text) && !IMAGE_RULE_WORDS.test(text);
}

/**
 * Whether a 422 refuses the way images were sent (inline `data:` URIs) rather than one picture: each complaint is
 * about an `image_urls` item that was sent inline, and says so (an "inline", "data:", "base64" or "URL" refusal),
 * not one of the documented image rules. A plain-string `detail` counts when some image was sent inline.
 */
export function refusesInlineImages(error: RunComfyError, imageUrls: readonly string[]): boolean {
  if (!(error instanceof ValidationError) || error.httpStatus !== 422) return false;
  const inline = (i: unknown) => {
    const n = typeof i === 'number' ? i : typeof i === 'string' && /^\d+$/.test(i) ? Number(i) : -1;
    return /^data:/i.test(imageUrls[n] ?? '');
  };
  const { detail } = error;
  if (typeof detail === 'string') return imageUrls.some((u) => /^data:/i.test(u)) && refusesInline(detail);
  if (!Array.isArray(detail) || detail.length === 0) return false;
  return detail.every((d) => {
    if (!d || typeof d !== 'object') return false;
    const o = d as Record<string, unknown>;
    const loc = Array.isArray(o.loc) ? o.loc : [];
    const at = loc.indexOf('image_urls');
    if (at < 0 || !inline(loc[at + 1])) return false;
    const text = [o.type, o.msg, o.message].filter((v): v is string => typeof v === 'string').join(' ');
    return typeof o.type === 'string' && /^url_/.test(o.type) || refusesInline(text);
  });
}

/** The same refusal, as the error the user is shown (it names the cause and the way out). */
export function asInlineImagesRefused(error: ValidationError): InlineImagesRefusedError {
  return new InlineImagesRefusedError(error.message, error.detail, error.httpStatus, error.errorCode);
}

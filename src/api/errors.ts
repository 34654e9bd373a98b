// Typed errors for every way a RunComfy call or a local check can fail, each with a sentence telling the user what to do.
import { t } from '../common/l10n';
import { clause } from '../common/sentence';

export type ErrorKind =
  | 'auth'
  | 'forbidden'
  | 'balance'
  | 'notFound'
  | 'badRequest'
  | 'validation'
  | 'inlineImagesRefused'
  | 'rateLimit'
  | 'server'
  | 'gateway'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'protocol'
  | 'input'
  | 'download'
  | 'submissionUnknown';

export abstract class RunComfyError extends Error {
  abstract readonly kind: ErrorKind;
  /** Whether a read (never a submit) may be tried again after this error. */
  readonly retryable: boolean = false;
  constructor(
    message: string,
    /** A complete sentence for the user: what went wrong and what to do. */
    readonly userMessage: string,
    readonly httpStatus?: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class AuthError extends RunComfyError {
  readonly kind = 'auth';
  constructor(message: string, httpStatus?: number, errorCode?: number) {
    super(
      message,
      t('RunComfy refused the API token (missing, expired, revoked, or the account is inactive). Set a valid token from your RunComfy profile page with "RunComfy: Set API Token".'),
      httpStatus,
      errorCode,
    );
  }
}

export class ForbiddenRequestError extends RunComfyError {
  readonly kind = 'forbidden';
  constructor(message: string, httpStatus?: number, errorCode?: number) {
    super(
      message,
      t('This request belongs to another RunComfy account. Use the token of the account that submitted it.'),
      httpStatus,
      errorCode,
    );
  }
}

export class BalanceError extends RunComfyError {
  readonly kind = 'balance';
  constructor(message: string, httpStatus?: number, errorCode?: number) {
    super(
      message,
      t('Your RunComfy balance is too low for this job. Top up your account on runcomfy.com, then submit again.'),
      httpStatus,
      errorCode,
    );
  }
}

export class NotFoundError extends RunComfyError {
  readonly kind = 'notFound';
  constructor(message: string, httpStatus?: number, errorCode?: number) {
    super(
      message,
      t('RunComfy does not know this request (wrong request_id, deleted, or its result has expired). Check the request_id; an expired result cannot be fetched again.'),
      httpStatus,
      errorCode,
    );
  }
}

export class BadRequestError extends RunComfyError {
  readonly kind = 'badRequest';
  constructor(message: string, httpStatus?: number, errorCode?: number) {
    super(message, t('RunComfy rejected the request: {0}. Check the request and try again.', clause(message)), httpStatus, errorCode);
  }
}

export class ValidationError extends RunComfyError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly detail: unknown,
    httpStatus?: number,
    errorCode?: number,
  ) {
    super(
      message,
      t('RunComfy refused the inputs: {0}. Fix the inputs and submit again.', clause(describeDetail(detail) || message)),
      httpStatus,
      errorCode,
    );
  }
}

/**
 * A 422 refusing the inline `data:` images this extension sends for workspace files. RunComfy never documented
 * accepting them for this model, so this is a refusal of the way images are sent, not of one picture: every later
 * submit with inline images would be refused the same way.
 */
export class InlineImagesRefusedError extends RunComfyError {
  readonly kind = 'inlineImagesRefused';
  constructor(
    message: string,
    readonly detail: unknown,
    httpStatus?: number,
    errorCode?: number,
  ) {
    super(
      message,
      t('RunComfy refused the inline images ({0}). Workspace files are sent inline, which this model does not accept now: use public https:// URLs of the images instead (for example, upload them to your own storage first).', clause(describeDetail(detail) || message)),
      httpStatus,
      errorCode,
    );
  }
}

export class RateLimitError extends RunComfyError {
  readonly kind = 'rateLimit';
  override readonly retryable = true;
  constructor(
    message: string,
    /** The delay the service asked for through Retry-After, when it gave one. */
    readonly retryAfterMs: number | undefined,
    httpStatus?: number,
    errorCode?: number,
  ) {
    super(
      message,
      retryAfterMs !== undefined
        ? t('RunComfy is rate limiting requests (it asked to wait {0} s). Wait a moment and try again.', Math.ceil(retryAfterMs / 1000))
        : t('RunComfy is rate limiting requests. Wait a moment and try again.'),
      httpStatus,
      errorCode,
    );
  }
}

export class ServerError extends RunComfyError {
  readonly kind = 'server';
  override readonly retryable = true;
  constructor(
    message: string,
    httpStatus?: number,
    errorCode?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, t('RunComfy had a server error ({0}). Try again in a minute.', httpStatus ?? '?'), httpStatus, errorCode);
  }
}

/** An HTTP answer that did not come from RunComfy itself (no six-digit error_code): a proxy's or gateway's page. */
export class GatewayError extends RunComfyError {
  readonly kind = 'gateway';
  override readonly retryable = true;
  constructor(message: string, httpStatus: number) {
    super(
      message,
      t('Something between VS Code and RunComfy (a proxy or gateway) answered HTTP {0} instead of RunComfy. It is tried again; check your connection or proxy settings if it persists.', httpStatus),
      httpStatus,
    );
  }
}

export class NetworkError extends RunComfyError {
  readonly kind = 'network';
  override readonly retryable = true;
  constructor(
    message: string,
    readonly causeCode?: string,
    /** The connection was made and then dropped (RunComfy was reached), rather than never made. */
    readonly dropped = false,
  ) {
    super(
      message,
      dropped
        ? t('The connection to RunComfy dropped before its answer arrived in full ({0}). It is tried again; check your connection or proxy if it keeps happening.', causeCode ?? message)
        : t('Could not reach RunComfy ({0}). Check your connection or proxy settings and try again.', causeCode ?? message),
    );
  }
}

export class TimeoutError extends RunComfyError {
  readonly kind = 'timeout';
  override readonly retryable = true;
  constructor(message: string) {
    super(message, t('RunComfy did not answer in time. Check your connection and try again.'));
  }
}

export class AbortedError extends RunComfyError {
  readonly kind = 'aborted';
  constructor(message = 'The operation was cancelled.') {
    super(message, t('The operation was cancelled.'));
  }
}

/** The service answered, but not with something this client understands. */
export class ProtocolError extends RunComfyError {
  readonly kind = 'protocol';
  constructor(message: string, httpStatus?: number) {
    super(message, t('RunComfy sent an answer this extension does not understand ({0}). Try again; if it persists, report it.', message), httpStatus);
  }
}

/** A local input broke a rule; raised before anything is sent. */
export class InputError extends RunComfyError {
  readonly kind = 'input';
  constructor(
    /** The file, URL or field the message is about. */
    readonly subject: string,
    /** Which rule was broken, e.g. `type`, `fileSize`, `resolution`, `aspectRatio`. */
    readonly rule: string,
    sentence: string,
  ) {
    super(sentence, sentence);
  }
}

/**
 * Why a download failed, by cause: `network` (a dropped or reset connection, a body cut short, a timeout, a 5xx) is
 * worth retrying; `expired` (storage answered 403/404/410) needs fresh URLs from /result first; `permanent` (a host
 * outside the allowed list, a file too big, not an image, the disk refusing the file) will not get better by itself.
 */
export type DownloadFailure = 'network' | 'expired' | 'permanent';

export class DownloadError extends RunComfyError {
  readonly kind = 'download';
  override readonly retryable: boolean;
  constructor(message: string, readonly url: string, readonly failure: DownloadFailure) {
    super(
      message,
      failure === 'network'
        ? t('The result could not be saved ({0}). It will be retried without a new submit; use "Retry Download" to try now.', message)
        : failure === 'expired'
          ? t('The result could not be saved ({0}): its download links have expired and RunComfy gave no fresh ones. The request_id is kept; "Retry Download" asks RunComfy again.', message)
          : t('The result could not be saved ({0}). Retrying will not help; the request_id is kept so the result can be fetched again while RunComfy still has it.', message),
    );
    this.retryable = failure === 'network';
  }
}

/**
 * A submit that may have reached RunComfy but whose answer was lost (`noAnswer`) or could not be read (`badAnswer`):
 * the job may or may not exist, and it is never resent silently.
 */
export class SubmissionUnknownError extends RunComfyError {
  readonly kind = 'submissionUnknown';
  constructor(message: string, readonly why: 'noAnswer' | 'badAnswer' = 'noAnswer') {
    super(
      message,
      why === 'noAnswer'
        ? t('The submit was sent but no answer came back, so it is not known whether RunComfy accepted (and charged for) the job. It was not resent. Look it up on your RunComfy dashboard and use "RunComfy: Resume by Request ID" with its request_id to fetch the result.')
        : t('The submit was sent but the answer could not be read ({0}), so it is not known whether RunComfy accepted (and charged for) the job. It was not resent. Look it up on your RunComfy dashboard and use "RunComfy: Resume by Request ID" with its request_id to fetch the result.', message),
    );
  }
}

export function describeDetail(detail: unknown): string {
  if (detail === undefined || detail === null) return '';
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        if (d && typeof d === 'object') {
          const o = d as Record<string, unknown>;
          const loc = Array.isArray(o.loc) ? o.loc.join('.') : undefined;
          const msg = typeof o.msg === 'string' ? o.msg : typeof o.message === 'string' ? o.message : JSON.stringify(d);
          return loc ? `${loc}: ${msg}` : msg;
        }
        return String(d);
      })
      .join('; ');
  }
  try {
    return JSON.stringify(detail);
  } catch {
    // Only a circular object or a BigInt gets here.
    return typeof detail === 'bigint' ? detail.toString() : Object.prototype.toString.call(detail);
  }
}

/** The user-facing sentence for any thrown value. */
export function userMessageOf(e: unknown): string {
  if (e instanceof RunComfyError) return e.userMessage;
  if (e instanceof Error) return e.message;
  return String(e);
}

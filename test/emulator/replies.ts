// The answers the emulator sends, as plain values: JSON, RunComfy error bodies, FastAPI 422s and injected faults.
import * as http from 'node:http';
import type { Fault } from './faults';
import type { FileBody } from './outputFiles';
import type { ValidationDetail } from './validation';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** A JSON value (when `raw` and `file` are absent). */
  json?: unknown;
  raw?: Buffer;
  file?: { body: FileBody; start: number; end: number };
}

export function jsonReply(status: number, json: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers, json };
}

export function errorReply(status: number, errorCode: number, message: string): Reply {
  return jsonReply(status, { error_code: errorCode, error_message: message });
}

export const notFoundRequest = (): Reply => errorReply(404, 404001, 'Request not found');

export function validationReply(detail: ValidationDetail[]): Reply {
  return jsonReply(422, { detail });
}

/** The body an `http` fault sends when the test gave none: what RunComfy (or a proxy in front of it) would send. */
function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 400:
      return { error_code: 400001, error_message: 'Invalid request' };
    case 401:
      return { error_code: 400004, error_message: 'Invalid, expired or revoked API token' };
    case 402:
      return { error_code: 400002, error_message: 'Insufficient balance' };
    case 403:
      return { error_code: 403001, error_message: 'The request belongs to another user' };
    case 404:
      return { error_code: 404001, error_message: 'Request not found' };
    default:
      return { detail: http.STATUS_CODES[status] ?? 'Error' };
  }
}

function httpFaultReply(fault: Extract<Fault, { kind: 'http' }>): Reply {
  const headers = { ...(fault.headers ?? {}) };
  const body = fault.body === undefined ? defaultFaultBody(fault.status) : fault.body;
  if (typeof body === 'string') {
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    if (!hasType) headers['content-type'] = body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
    return { status: fault.status, headers, raw: Buffer.from(body, 'utf8') };
  }
  return { status: fault.status, headers, json: body };
}

/** The messages RunComfy documents for its error codes; the 5xxxxx family is its own side failing. */
export function errorCodeMessage(code: number): string {
  const known: Record<number, string> = {
    400001: 'Invalid request',
    400002: 'Insufficient balance',
    400004: 'Invalid, expired or revoked API token',
    403001: 'The request belongs to another user',
    404001: 'Request not found',
  };
  if (known[code]) return known[code];
  return code >= 500000 && code < 600000 ? 'Internal server error, please try again later' : `Emulated error ${code}`;
}

/** nginx's page for an error status, as a gateway in front of a service sends it. */
function htmlPageReply(status: number): Reply {
  const words = status === 504 ? 'Gateway Time-out' : (http.STATUS_CODES[status] ?? 'Error');
  const page = `<html>\r\n<head><title>${status} ${words}</title></head>\r\n<body>\r\n<center><h1>${status} ${words}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { 'content-type': 'text/html', server: 'nginx' }, raw: Buffer.from(page, 'utf8') };
}

const CHALLENGE_PAGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>' +
  '<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>';

function unreadableReply(fault: Extract<Fault, { kind: 'unreadable' }>): Reply {
  const body = fault.body ?? CHALLENGE_PAGE;
  const type = fault.contentType ?? (fault.body === undefined || body.trimStart().startsWith('<') ? 'text/html; charset=UTF-8' : 'application/json');
  return { status: 200, headers: { 'content-type': type }, raw: Buffer.from(body, 'utf8') };
}

/** Faults whose answer replaces the real one. */
export type AnswerFault = Extract<Fault, { kind: 'http' | 'errorCode200' | 'htmlPage' | 'unreadable' }>;

export function isAnswerFault(fault: Fault): fault is AnswerFault {
  return fault.kind === 'http' || fault.kind === 'errorCode200' || fault.kind === 'htmlPage' || fault.kind === 'unreadable';
}

export function faultReply(fault: AnswerFault): Reply {
  switch (fault.kind) {
    case 'http':
      return httpFaultReply(fault);
    case 'errorCode200':
      return errorReply(200, fault.errorCode, fault.message ?? errorCodeMessage(fault.errorCode));
    case 'htmlPage':
      return htmlPageReply(fault.status ?? 502);
    case 'unreadable':
      return unreadableReply(fault);
  }
}

const WRONG_CONTENT_HTML = Buffer.from(
  '<!DOCTYPE html>\n<html><head><title>Access denied</title></head>' +
    '<body><h1>Access denied</h1><p>This page is served instead of the image you asked for.</p></body></html>\n',
  'utf8',
);

export function wrongContentReply(): Reply {
  return { status: 200, headers: { 'content-type': 'image/png' }, raw: WRONG_CONTENT_HTML };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

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

export function faultReply(fault: Extract<Fault, { kind: 'http' }>): Reply {
  const headers = { ...(fault.headers ?? {}) };
  const body = fault.body === undefined ? defaultFaultBody(fault.status) : fault.body;
  if (typeof body === 'string') {
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    if (!hasType) headers['content-type'] = body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
    return { status: fault.status, headers, raw: Buffer.from(body, 'utf8') };
  }
  return { status: fault.status, headers, json: body };
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

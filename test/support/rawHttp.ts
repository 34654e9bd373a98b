// One HTTP exchange over node:http that reports what really arrived: status, headers, bytes, and whether it was cut.
import * as http from 'node:http';

export interface RawAnswer {
  /** Undefined when the connection dropped before any answer. */
  status?: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  /** The body arrived whole (as long as its Content-Length said). */
  complete: boolean;
  /** The connection error, when one ended the exchange. */
  error?: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request on a fresh connection and resolves (never rejects) once the exchange is over. */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (!settled) resolve(answer);
      settled = true;
    };
    const headers = { ...(request.headers ?? {}) };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = http.request(url, { method: request.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = (error?: string) => finish({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks), complete: res.complete, error });
      res.on('end', () => done());
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      res.on('close', () => done(res.complete ? undefined : 'closed'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ headers: {}, bytes: Buffer.alloc(0), complete: false, error: e.code ?? e.message }));
    req.end(request.body);
  });
}

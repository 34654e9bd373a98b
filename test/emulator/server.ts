// A local HTTP emulator of RunComfy's Model API for bytedance/dreamina-4-0/edit, with fault injection and counters.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../src/common/clock';
import { assertValidFault, FaultQueue, type ApiRoute, type Fault } from './faults';
import { checkImageRef } from './imageChecks';
import { DEFAULT_FAILURE, FAIL_MARKER, Job, SLOW_FACTOR, SLOW_MARKER, statusWord, type EmulatedJob, type JobBehaviour } from './jobs';
import { EMULATED_MODEL_ID, INPUT_SCHEMA, OUTPUT_SCHEMA } from './modelSchema';
import { FileBody, makeOutputFile, outputExtension, type OutputFormat } from './outputFiles';
import { StatsRecorder, type EmulatorStats } from './stats';
import { validateBody, type ValidationDetail } from './validation';

export type { Fault, FaultRoute, FaultKind, FaultTarget } from './faults';
export type { EmulatedJob, JobBehaviour, JobState } from './jobs';
export type { EmulatorStats, EmulatorStatsSnapshot, RecordedRequest } from './stats';
export type { OutputFormat } from './outputFiles';

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** All job timing reads this clock (default systemClock), so tests can run in simulated time. */
  clock?: Clock;
  /** How long a job stays in_queue once submitted (default 3000). */
  queueMs?: number;
  /** How long it then stays in_progress (default 5000). */
  runMs?: number;
  /** When set, any other bearer token gets 401 {error_code: 400004}; when unset any non-empty bearer is accepted. */
  requiredToken?: string;
  /** Images produced when force_single is not true (default 2). */
  outputCount?: number;
  /** Default 'png'. */
  outputFormat?: OutputFormat;
  /** Pads each output file to at least this many bytes, still a valid image (default 0). */
  outputPadBytes?: number;
  /** Default 0.03; in the model metadata and as `cost` with ?include_cost=true. */
  pricePerImageUsd?: number;
  /** Largest submit body accepted before a 413 (default 100 MiB). */
  maxBodyBytes?: number;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly baseUrl: string;
  readonly stats: EmulatorStats;
  /** Queues a fault (one-shot unless `times` is given). */
  inject(fault: Fault): void;
  /** The next submitted job behaves like this (behaviours are used in order, one per created job). */
  nextJob(behaviour: JobBehaviour): void;
  job(requestId: string): EmulatedJob | undefined;
  /** Clears jobs, faults, queued behaviours and stats. */
  reset(): void;
  /** Closes the server and destroys open sockets. */
  close(): Promise<void>;
}

export const MODEL_PATH = `/v1/models/${EMULATED_MODEL_ID}`;

interface Reply {
  status: number;
  headers: Record<string, string>;
  /** A JSON value (when `raw` and `file` are absent). */
  json?: unknown;
  raw?: Buffer;
  file?: { body: FileBody; start: number; end: number };
}

/** How the bytes of an answer go out. */
interface Delivery {
  bytesPerSecond?: number;
  truncateAfter?: number;
}

function jsonReply(status: number, json: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers, json };
}

function errorReply(status: number, errorCode: number, message: string): Reply {
  return jsonReply(status, { error_code: errorCode, error_message: message });
}

const NOT_FOUND_REQUEST = () => errorReply(404, 404001, 'Request not found');

function validationReply(detail: ValidationDetail[]): Reply {
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

function faultReply(fault: Extract<Fault, { kind: 'http' }>): Reply {
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

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

type BodyText = { text: string } | { tooLarge: true } | { aborted: true };

/** Reads a request body up to `limit` bytes; a client that goes away mid-body gives `aborted`. */
function readBody(req: http.IncomingMessage, limit: number): Promise<BodyText> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > limit) {
        done = true;
        req.pause();
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve({ text: Buffer.concat(chunks).toString('utf8') });
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve({ aborted: true });
      done = true;
    });
    req.on('close', () => {
      if (!done) resolve({ aborted: true });
      done = true;
    });
  });
}

type Matched =
  | { route: ApiRoute; requestId?: string; fileName?: string }
  | { route: undefined; reply: Reply; needsAuth: boolean };

class RunComfyEmulator implements Emulator {
  readonly stats = new StatsRecorder();
  baseUrl = '';
  private readonly clock: Clock;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly faults = new FaultQueue();
  private behaviours: JobBehaviour[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly files = new Map<string, FileBody>();
  private seq = 0;
  private closed = false;

  constructor(private readonly options: EmulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        process.stderr.write(`RunComfy emulator: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        if (!res.headersSent && !res.destroyed) this.sendNow(req, res, jsonReply(500, { detail: 'Internal Server Error' }));
        else res.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.stats.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const port = (this.server.address() as AddressInfo).port;
    this.baseUrl = `http://${hostForUrl(host)}:${port}`;
  }

  // ---- public API ----

  inject(fault: Fault): void {
    this.faults.add(fault);
  }

  nextJob(behaviour: JobBehaviour): void {
    if (typeof behaviour !== 'object' || behaviour === null) throw new Error('a job behaviour must be an object');
    this.behaviours.push({ ...behaviour });
  }

  job(requestId: string): EmulatedJob | undefined {
    return this.jobs.get(requestId);
  }

  reset(): void {
    this.jobs.clear();
    this.files.clear();
    this.faults.clear();
    this.behaviours = [];
    this.stats.reset();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  // ---- routing ----

  private match(method: string, path: string): Matched {
    const methodNotAllowed = (): Matched => ({ route: undefined, reply: jsonReply(405, { detail: 'Method Not Allowed' }), needsAuth: false });
    if (path === MODEL_PATH) {
      if (method === 'POST') return { route: 'submit' };
      if (method === 'GET') return { route: 'model' };
      return methodNotAllowed();
    }
    if (path.startsWith('/v1/models/')) {
      return { route: undefined, reply: errorReply(400, 400001, `Invalid model id: ${decodeURIComponent(path.slice('/v1/models/'.length))}`), needsAuth: true };
    }
    let m = /^\/v1\/requests\/([^/]+)\/(status|result|cancel)$/.exec(path);
    if (m) {
      const requestId = decodeURIComponent(m[1]);
      const action = m[2] as 'status' | 'result' | 'cancel';
      if ((action === 'cancel') !== (method === 'POST')) return methodNotAllowed();
      return { route: action, requestId };
    }
    m = /^\/files\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed();
      return { route: 'download', requestId: decodeURIComponent(m[1]), fileName: decodeURIComponent(m[2]) };
    }
    return { route: undefined, reply: jsonReply(404, { detail: 'Not Found' }), needsAuth: false };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();

    if (path.startsWith('/__emulator/')) {
      await this.handleAdmin(req, res, method, path);
      return;
    }

    const hasAuth = req.headers.authorization !== undefined;
    this.stats.requests.push({ method, path, url: target, authorization: hasAuth, at: this.clock.now() });

    const matched = this.match(method, path);
    if (matched.route === undefined) {
      req.resume();
      const reply = (matched.needsAuth && this.authFailure(req)) || matched.reply;
      this.sendNow(req, res, reply);
      return;
    }
    const { route, requestId } = matched;

    // Count first, so a request answered by a fault, a 401 or a 422 is counted too.
    let submitText: { text: string } | { tooLarge: true } | undefined;
    switch (route) {
      case 'submit': {
        const read = await readBody(req, this.options.maxBodyBytes ?? 100 * 1024 * 1024);
        if ('aborted' in read) return; // the client left before its body arrived: nothing was submitted
        submitText = read;
        let parsed: unknown = undefined;
        if ('text' in submitText) {
          try {
            parsed = JSON.parse(submitText.text);
          } catch {
            parsed = submitText.text;
          }
        }
        this.stats.recordSubmit(parsed);
        break;
      }
      case 'status':
        this.stats.recordStatus(requestId!);
        break;
      case 'result':
        this.stats.recordResult(requestId!);
        break;
      case 'cancel':
        this.stats.recordCancel(requestId!);
        break;
      case 'download':
        this.stats.recordDownload(requestId!, hasAuth);
        break;
      case 'model':
        this.stats.modelReads += 1;
        break;
    }
    if (route !== 'submit') req.resume();

    const fault = this.faults.take(route, requestId);
    if (fault?.kind === 'http') {
      this.sendNow(req, res, faultReply(fault));
      return;
    }
    if (fault?.kind === 'errorCode200') {
      this.sendNow(req, res, errorReply(200, fault.errorCode, fault.message ?? `Emulated error ${fault.errorCode}`));
      return;
    }
    if (fault?.kind === 'reset' && fault.after !== 'accept') {
      this.resetSocket(req);
      return;
    }

    let reply: Reply;
    const authFailure = route === 'download' ? undefined : this.authFailure(req);
    if (authFailure) {
      reply = authFailure;
    } else {
      switch (route) {
        case 'submit':
          reply = await this.submit(req, submitText!);
          break;
        case 'status':
          reply = this.status(requestId!);
          break;
        case 'result':
          reply = this.result(requestId!, (query.get('include_cost') ?? '').toLowerCase() === 'true');
          break;
        case 'cancel':
          reply = this.cancel(requestId!);
          break;
        case 'model':
          reply = this.model();
          break;
        case 'download':
          reply = this.download(requestId!, matched.fileName!, req.headers.range);
          break;
      }
    }
    if (submitText && 'tooLarge' in submitText) reply.headers.connection = 'close';

    if (!fault) {
      await this.send(req, res, reply, {});
      return;
    }
    switch (fault.kind) {
      case 'reset':
        this.resetSocket(req);
        return;
      case 'delay':
        await this.realDelay(fault.ms);
        if (this.closed || res.destroyed) return;
        await this.send(req, res, reply, {});
        return;
      case 'unknownStatus':
        if (reply.status === 200 && reply.json && typeof reply.json === 'object') {
          reply.json = { ...(reply.json as Record<string, unknown>), status: fault.status };
        }
        await this.send(req, res, reply, {});
        return;
      case 'slow':
        await this.send(req, res, reply, { bytesPerSecond: fault.bytesPerSecond });
        return;
      case 'truncate':
        await this.send(req, res, reply, { truncateAfter: fault.afterBytes });
        return;
      case 'wrongContent':
        await this.send(req, res, { status: 200, headers: { 'content-type': 'image/png' }, raw: WRONG_CONTENT_HTML }, {});
        return;
    }
  }

  private authFailure(req: http.IncomingMessage): Reply | undefined {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^\s*Bearer\s+(\S.*?)\s*$/i.exec(header) : null;
    const headers = { 'www-authenticate': 'Bearer' };
    if (!m) {
      return jsonReply(401, { error_code: 400004, error_message: 'Missing API token: send Authorization: Bearer <token>' }, headers);
    }
    if (this.options.requiredToken !== undefined && m[1] !== this.options.requiredToken) {
      return jsonReply(401, { error_code: 400004, error_message: 'Invalid, expired or revoked API token' }, headers);
    }
    return undefined;
  }

  // ---- handlers ----

  private urlsFor(id: string): { status_url: string; result_url: string; cancel_url: string } {
    const base = `${this.baseUrl}/v1/requests/${encodeURIComponent(id)}`;
    return { status_url: `${base}/status`, result_url: `${base}/result`, cancel_url: `${base}/cancel` };
  }

  private async submit(req: http.IncomingMessage, text: { text: string } | { tooLarge: true }): Promise<Reply> {
    if ('tooLarge' in text) return jsonReply(413, { detail: 'Request body too large' });
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let body: unknown;
    if (contentType && !contentType.includes('json')) {
      return validationReply([
        { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' },
      ]);
    }
    try {
      body = JSON.parse(text.text);
    } catch (e) {
      return validationReply([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', ctx: { error: e instanceof Error ? e.message : String(e) } }]);
    }
    const details = validateBody(body);
    if (details.length > 0) return validationReply(details);

    const input = body as { image_urls: string[]; prompt: string; force_single?: boolean };
    const imageErrors = await Promise.all(input.image_urls.map((ref) => checkImageRef(ref)));
    const imageDetails: ValidationDetail[] = [];
    imageErrors.forEach((msg, i) => {
      if (msg) imageDetails.push({ type: 'value_error', loc: ['body', 'image_urls', i], msg, ctx: { error: msg } });
    });
    if (imageDetails.length > 0) return validationReply(imageDetails);
    if (this.closed) return jsonReply(503, { detail: 'Service Unavailable' });

    const behaviour = this.behaviours.shift() ?? {};
    const slow = input.prompt.includes(SLOW_MARKER) ? SLOW_FACTOR : 1;
    const queueMs = (behaviour.queueMs ?? this.options.queueMs ?? 3000) * slow;
    const runMs = (behaviour.runMs ?? this.options.runMs ?? 5000) * slow;
    const outputs = behaviour.outputs ?? (input.force_single === true ? 1 : (this.options.outputCount ?? 2));
    const error = behaviour.fail !== undefined ? behaviour.fail : input.prompt.includes(FAIL_MARKER) ? { ...DEFAULT_FAILURE } : undefined;
    const id = randomUUID();
    const ext = outputExtension(this.format);
    const outputUrls = Array.from({ length: outputs }, (_, n) => `${this.baseUrl}/files/${id}/${n}.${ext}`);
    const job = new Job(this.clock, ++this.seq, id, body, this.clock.now(), queueMs, runMs, outputs, error, behaviour, outputUrls);
    this.jobs.set(id, job);
    this.stats.jobsCreated += 1;
    return jsonReply(200, { request_id: id, ...this.urlsFor(id) });
  }

  private get format(): OutputFormat {
    return this.options.outputFormat ?? 'png';
  }

  private queuePosition(job: Job, now: number): number {
    let ahead = 0;
    for (const other of this.jobs.values()) {
      if (other.seq < job.seq && other.stateAt(now) === 'in_queue') ahead += 1;
    }
    return ahead + 1;
  }

  private status(id: string): Reply {
    const job = this.jobs.get(id);
    if (!job) return NOT_FOUND_REQUEST();
    const now = this.clock.now();
    const state = job.stateAt(now);
    const { status_url, result_url } = this.urlsFor(id);
    const body: Record<string, unknown> = { request_id: id, status: statusWord(state) };
    if (state === 'in_queue') body.queue_position = this.queuePosition(job, now);
    if (state === 'in_progress') body.instance_id = `emu-${id.slice(0, 8)}`;
    body.status_url = status_url;
    body.result_url = result_url;
    return jsonReply(200, body);
  }

  private isGone(job: Job, now: number): boolean {
    const state = job.stateAt(now);
    return job.expired && (state === 'succeeded' || state === 'failed' || state === 'cancelled');
  }

  private result(id: string, includeCost: boolean): Reply {
    const job = this.jobs.get(id);
    if (!job) return NOT_FOUND_REQUEST();
    const now = this.clock.now();
    if (this.isGone(job, now)) return NOT_FOUND_REQUEST();
    const state = job.stateAt(now);
    const body: Record<string, unknown> = { request_id: id, status: state };
    if (state === 'succeeded') {
      body.output = job.outputs === 1 ? { image: job.outputUrls[0], images: [...job.outputUrls] } : { images: [...job.outputUrls] };
    }
    body.created_at = isoTime(job.submittedAt);
    const finished = state === 'succeeded' || state === 'failed' || state === 'cancelled';
    if (finished && job.finishedAt !== undefined) body.finished_at = isoTime(job.finishedAt);
    if (state === 'failed') body.error = job.error;
    if (includeCost && finished) {
      body.cost = state === 'succeeded' ? Math.round(job.outputs * this.price * 1e6) / 1e6 : 0;
    }
    return jsonReply(200, body);
  }

  private get price(): number {
    return this.options.pricePerImageUsd ?? 0.03;
  }

  private cancel(id: string): Reply {
    const job = this.jobs.get(id);
    if (!job) return NOT_FOUND_REQUEST();
    const now = this.clock.now();
    const state = job.stateAt(now);
    if (state === 'in_queue') job.cancelledAt = now;
    const after = job.stateAt(now);
    const outcome = after === 'cancelled' ? 'cancelled' : 'not_cancellable';
    return jsonReply(202, { request_id: id, status: statusWord(after), outcome });
  }

  private model(): Reply {
    return jsonReply(200, {
      model_id: EMULATED_MODEL_ID,
      input_schema: INPUT_SCHEMA,
      output_schema: OUTPUT_SCHEMA,
      base_price_usd: this.price,
      price_unit: 'per image',
    });
  }

  private download(id: string, fileName: string, range: string | undefined): Reply {
    const job = this.jobs.get(id);
    const now = this.clock.now();
    if (!job || job.stateAt(now) !== 'succeeded' || this.isGone(job, now)) return NOT_FOUND_REQUEST();
    const m = /^(\d+)\.(png|jpg)$/.exec(fileName);
    if (!m || m[2] !== outputExtension(this.format) || Number(m[1]) >= job.outputs) return NOT_FOUND_REQUEST();
    const key = `${id}/${fileName}`;
    let file = this.files.get(key);
    if (!file) {
      file = makeOutputFile(id, Number(m[1]), this.format, this.options.outputPadBytes ?? 0);
      this.files.set(key, file);
    }
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=86400',
    };
    const r = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
    if (r && (r[1] !== '' || r[2] !== '')) {
      let start: number;
      let end: number; // exclusive
      if (r[1] === '') {
        start = Math.max(0, file.size - Number(r[2]));
        end = file.size;
      } else {
        start = Number(r[1]);
        end = r[2] === '' ? file.size : Math.min(file.size, Number(r[2]) + 1);
      }
      if (start >= file.size || start >= end) {
        return { status: 416, headers: { 'content-range': `bytes */${file.size}` }, raw: Buffer.alloc(0) };
      }
      headers['content-range'] = `bytes ${start}-${end - 1}/${file.size}`;
      return { status: 206, headers, file: { body: file, start, end } };
    }
    return { status: 200, headers, file: { body: file, start: 0, end: file.size } };
  }

  // ---- admin endpoints (for tests in another process) ----

  private async handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string): Promise<void> {
    const text = await readBody(req, 1024 * 1024);
    if ('aborted' in text) return;
    const parse = (): unknown => {
      if (!('text' in text)) throw new Error('body too large');
      return text.text.trim() === '' ? {} : JSON.parse(text.text);
    };
    try {
      if (method === 'GET' && path === '/__emulator/stats') {
        this.sendNow(req, res, jsonReply(200, this.stats.snapshot({ maxStringLength: 512 })));
      } else if (method === 'POST' && path === '/__emulator/faults') {
        const body = parse();
        const faults = Array.isArray(body) ? body : [body];
        faults.forEach((f) => assertValidFault(f));
        for (const f of faults) this.inject(f as Fault);
        this.sendNow(req, res, jsonReply(200, { ok: true, pending: this.faults.pending.length }));
      } else if (method === 'POST' && path === '/__emulator/next-job') {
        const body = parse();
        this.nextJob(body as JobBehaviour);
        this.sendNow(req, res, jsonReply(200, { ok: true }));
      } else if (method === 'POST' && path === '/__emulator/reset') {
        this.reset();
        this.sendNow(req, res, jsonReply(200, { ok: true }));
      } else if (method === 'GET' && path.startsWith('/__emulator/jobs/')) {
        const job = this.jobs.get(decodeURIComponent(path.slice('/__emulator/jobs/'.length)));
        if (!job) this.sendNow(req, res, NOT_FOUND_REQUEST());
        else
          this.sendNow(
            req,
            res,
            jsonReply(200, {
              requestId: job.requestId,
              state: job.state,
              submittedAt: job.submittedAt,
              queueMs: job.queueMs,
              runMs: job.runMs,
              outputs: job.outputs,
              expired: job.expired,
              cancelledAt: job.cancelledAt ?? null,
              outputUrls: job.outputUrls,
            }),
          );
      } else {
        this.sendNow(req, res, jsonReply(404, { detail: 'Not Found' }));
      }
    } catch (e) {
      this.sendNow(req, res, jsonReply(400, { error: e instanceof Error ? e.message : String(e) }));
    }
  }

  // ---- sending ----

  private resetSocket(req: http.IncomingMessage): void {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  private realDelay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private sendNow(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    void this.send(req, res, reply, {});
  }

  /** Writes a reply; a slow delivery trickles it, a truncated one stops early and drops the socket. */
  private async send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, delivery: Delivery): Promise<void> {
    if (res.destroyed || res.headersSent) return;
    let chunks: Iterable<Buffer>;
    let length: number;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.file) {
      chunks = reply.file.body.slices(reply.file.start, reply.file.end);
      length = reply.file.end - reply.file.start;
    } else {
      const raw = reply.raw ?? Buffer.from(JSON.stringify(reply.json ?? null), 'utf8');
      if (!reply.raw && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      chunks = [raw];
      length = raw.length;
    }
    headers['content-length'] = String(length);
    res.writeHead(reply.status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const limit = delivery.truncateAfter ?? Infinity;
    const piece = delivery.bytesPerSecond ? Math.max(1, Math.floor(delivery.bytesPerSecond / 20)) : Infinity;
    let sent = 0;
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        if (sent >= limit) break;
        const take = Math.min(chunk.length - offset, piece, limit - sent);
        const slice = offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take);
        if (delivery.bytesPerSecond) {
          // Each piece goes out once the time it takes at that rate has passed, so the whole body takes size / rate.
          await this.realDelay((take / delivery.bytesPerSecond) * 1000);
          if (this.closed || res.destroyed) return;
        }
        if (!(await this.write(res, slice))) return;
        offset += take;
        sent += take;
      }
      if (sent >= limit) break;
    }
    if (sent < length) {
      // Truncated: what was written is flushed, then the connection drops mid-body.
      const socket = req.socket;
      socket.end();
      const t = setTimeout(() => {
        this.timers.delete(t);
        socket.destroy();
      }, 1000);
      this.timers.add(t);
      socket.once('close', () => {
        clearTimeout(t);
        this.timers.delete(t);
      });
      return;
    }
    res.end();
  }

  /** Writes with backpressure; false when the client went away. */
  private write(res: http.ServerResponse, chunk: Buffer): Promise<boolean> {
    if (res.destroyed) return Promise.resolve(false);
    if (res.write(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  }
}

/** Starts an emulator on loopback (127.0.0.1, an ephemeral port unless told otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new RunComfyEmulator(options);
  await emulator.listen();
  return emulator;
}

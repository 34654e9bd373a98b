// A local HTTP emulator of RunComfy's Model API for bytedance/dreamina-4-0/edit, with fault injection and counters.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock } from '../../src/common/clock';
import { handleAdmin } from './admin';
import { FaultQueue, type Fault } from './faults';
import type { EmulatedJob, JobBehaviour } from './jobs';
import { errorReply, faultReply, jsonReply, wrongContentReply, type Reply } from './replies';
import { matchRoute } from './routing';
import { downloadRoute } from './routes/downloadRoute';
import { cancelRoute, modelRoute, resultRoute, statusRoute } from './routes/requestRoutes';
import { submitRoute } from './routes/submitRoute';
import { EmulatorState, type EmulatorOptions } from './state';
import type { EmulatorStats } from './stats';
import { readBody, Sender } from './transport';

export type { Fault, FaultRoute, FaultKind, FaultTarget } from './faults';
export type { EmulatedJob, JobBehaviour, JobState } from './jobs';
export type { EmulatorStats, EmulatorStatsSnapshot, RecordedRequest } from './stats';
export type { OutputFormat } from './outputFiles';
export type { EmulatorOptions } from './state';
export { MODEL_PATH } from './routing';

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

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

class RunComfyEmulator implements Emulator {
  private readonly state: EmulatorState;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly sender = new Sender();
  private readonly faults = new FaultQueue();

  constructor(private readonly options: EmulatorOptions) {
    this.state = new EmulatorState(options, options.clock ?? systemClock);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        process.stderr.write(`RunComfy emulator: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        if (!res.headersSent && !res.destroyed) this.sender.sendNow(req, res, jsonReply(500, { detail: 'Internal Server Error' }));
        else res.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.stats.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get stats() {
    return this.state.stats;
  }

  get baseUrl(): string {
    return this.state.baseUrl;
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
    this.state.baseUrl = `http://${hostForUrl(host)}:${port}`;
  }

  // ---- public API ----

  inject(fault: Fault): void {
    this.faults.add(fault);
  }

  pendingFaults(): number {
    return this.faults.pending.length;
  }

  nextJob(behaviour: JobBehaviour): void {
    if (typeof behaviour !== 'object' || behaviour === null) throw new Error('a job behaviour must be an object');
    this.state.behaviours.push({ ...behaviour });
  }

  job(requestId: string): EmulatedJob | undefined {
    return this.state.jobs.get(requestId);
  }

  reset(): void {
    this.state.reset();
    this.faults.clear();
  }

  close(): Promise<void> {
    if (this.state.closed) return Promise.resolve();
    this.state.closed = true;
    this.sender.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  // ---- dispatch ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();

    if (path.startsWith('/__emulator/')) {
      await handleAdmin(this, this.sender, req, res, method, path);
      return;
    }

    const hasAuth = req.headers.authorization !== undefined;
    this.stats.requests.push({ method, path, url: target, authorization: hasAuth, at: this.state.clock.now() });

    const matched = matchRoute(method, path);
    if (matched.route === undefined) {
      req.resume();
      const reply = (matched.needsAuth && this.authFailure(req)) || matched.reply;
      this.sender.sendNow(req, res, reply);
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
      this.sender.sendNow(req, res, faultReply(fault));
      return;
    }
    if (fault?.kind === 'errorCode200') {
      this.sender.sendNow(req, res, errorReply(200, fault.errorCode, fault.message ?? `Emulated error ${fault.errorCode}`));
      return;
    }
    if (fault?.kind === 'reset' && fault.after !== 'accept') {
      this.sender.resetSocket(req);
      return;
    }

    let reply: Reply;
    const authFailure = route === 'download' ? undefined : this.authFailure(req);
    if (authFailure) {
      reply = authFailure;
    } else {
      switch (route) {
        case 'submit':
          reply = await submitRoute(this.state, req, submitText!);
          break;
        case 'status':
          reply = statusRoute(this.state, requestId!);
          break;
        case 'result':
          reply = resultRoute(this.state, requestId!, (query.get('include_cost') ?? '').toLowerCase() === 'true');
          break;
        case 'cancel':
          reply = cancelRoute(this.state, requestId!);
          break;
        case 'model':
          reply = modelRoute(this.state);
          break;
        case 'download':
          reply = downloadRoute(this.state, requestId!, matched.fileName!, req.headers.range);
          break;
      }
    }
    if (submitText && 'tooLarge' in submitText) reply.headers.connection = 'close';

    if (!fault) {
      await this.sender.send(req, res, reply, {});
      return;
    }
    switch (fault.kind) {
      case 'reset':
        this.sender.resetSocket(req);
        return;
      case 'delay':
        await this.sender.realDelay(fault.ms);
        if (this.state.closed || res.destroyed) return;
        await this.sender.send(req, res, reply, {});
        return;
      case 'unknownStatus':
        if (reply.status === 200 && reply.json && typeof reply.json === 'object') {
          reply.json = { ...(reply.json as Record<string, unknown>), status: fault.status };
        }
        await this.sender.send(req, res, reply, {});
        return;
      case 'slow':
        await this.sender.send(req, res, reply, { bytesPerSecond: fault.bytesPerSecond });
        return;
      case 'truncate':
        await this.sender.send(req, res, reply, { truncateAfter: fault.afterBytes });
        return;
      case 'wrongContent':
        await this.sender.send(req, res, wrongContentReply(), {});
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
}

/** Starts an emulator on loopback (127.0.0.1, an ephemeral port unless told otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new RunComfyEmulator(options);
  await emulator.listen();
  return emulator;
}

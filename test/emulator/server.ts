// A local HTTP emulator of RunComfy's Model API for bytedance/dreamina-4-0/edit, with fault injection and counters.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock } from '../../src/common/clock';
import { handleAdmin } from './admin';
import { FaultQueue, type ApiRoute, type Fault } from './faults';
import type { EmulatedJob, JobBehaviour } from './jobs';
import { assertValidModes, type EmulatorModes } from './modes';
import { faultReply, isAnswerFault, jsonReply, wrongContentReply, type Reply } from './replies';
import { matchRoute } from './routing';
import { downloadRoute } from './routes/downloadRoute';
import { cancelRoute, modelRoute, resultRoute, statusRoute } from './routes/requestRoutes';
import { submitRoute } from './routes/submitRoute';
import { EmulatorState, type EmulatorOptions } from './state';
import type { EmulatorStats } from './stats';
import { readBody, Sender } from './transport';

export type { Fault, FaultAfter, FaultRoute, FaultKind, FaultTarget } from './faults';
export type { EmulatorModes, OutputWeight, SingleOutputShape } from './modes';
export type { EmulatedJob, JobBehaviour, JobState, OutputPlan } from './jobs';
export { mostUnfinishedAtOnce } from './jobs';
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
  /** Drops every queued fault (also the ones with times 'always'). */
  clearFaults(): void;
  /** Changes service modes from now on; jobs already created keep the output plan they were given. */
  configure(modes: EmulatorModes): void;
  /** Refuses this token from now on with 401 400004; without one, every token accepted so far (a regenerated key). */
  revokeToken(token?: string): void;
  /** Accepts this token from now on, also one revoked before. */
  acceptToken(token: string): void;
  /** The next submitted job behaves like this (behaviours are used in order, one per created job). */
  nextJob(behaviour: JobBehaviour): void;
  job(requestId: string): EmulatedJob | undefined;
  /** Every job created, oldest first (also the ones whose submit answer a fault replaced). */
  jobs(): EmulatedJob[];
  /** Clears jobs, faults, queued behaviours and stats, and restores the starting modes and tokens. */
  reset(): void;
  /** Closes the server and destroys open sockets. */
  close(): Promise<void>;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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

  clearFaults(): void {
    this.faults.clear();
  }

  configure(modes: EmulatorModes): void {
    assertValidModes(modes);
    this.state.modes = { ...this.state.modes, ...modes };
  }

  revokeToken(token?: string): void {
    this.state.tokens.revoke(token);
  }

  acceptToken(token: string): void {
    this.state.tokens.accept(token);
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

  jobs(): EmulatedJob[] {
    return [...this.state.jobs.values()];
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
      const reply = (matched.needsAuth && this.state.tokens.failure(req)) || matched.reply;
      this.sender.sendNow(req, res, reply);
      return;
    }
    const { route, requestId } = matched;

    // Count first, so a request answered by a fault, a 401 or a 422 is counted too.
    let submitText: { text: string } | { tooLarge: true } | undefined;
    if (route === 'submit') {
      const read = await readBody(req, this.options.maxBodyBytes ?? 100 * 1024 * 1024);
      if ('aborted' in read) return; // the client left before its body arrived: nothing was submitted
      submitText = read;
      this.stats.recordSubmit('text' in read ? parseOrText(read.text) : undefined);
    } else {
      this.stats.recordRead(route, requestId!, hasAuth);
    }
    if (route !== 'submit') req.resume();

    const fault = this.faults.take(route, requestId);
    if (fault && (fault.kind === 'reset' || isAnswerFault(fault)) && fault.after !== 'accept') {
      if (fault.kind === 'reset') this.sender.resetSocket(req);
      else this.sender.sendNow(req, res, faultReply(fault));
      return;
    }

    const reply = await this.answer(req, route, requestId, matched.fileName, query, submitText);
    if (!fault) {
      await this.sender.send(req, res, reply, {});
      return;
    }
    if (isAnswerFault(fault)) {
      await this.sender.send(req, res, faultReply(fault), {});
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
        await this.sender.send(req, res, reply, { truncateAfter: fault.afterBytes ?? 'half' });
        return;
      case 'wrongContent':
        await this.sender.send(req, res, wrongContentReply(), {});
        return;
    }
  }

  /** The service's own answer: the token check, then the route. */
  private async answer(
    req: http.IncomingMessage,
    route: ApiRoute,
    requestId: string | undefined,
    fileName: string | undefined,
    query: URLSearchParams,
    submitText: { text: string } | { tooLarge: true } | undefined,
  ): Promise<Reply> {
    const authFailure = route === 'download' ? undefined : this.state.tokens.failure(req);
    let reply: Reply;
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
          reply = downloadRoute(this.state, requestId!, fileName!, req.headers.range);
          break;
      }
    }
    if (submitText && 'tooLarge' in submitText) reply.headers.connection = 'close';
    return reply;
  }
}

/** Starts an emulator on loopback (127.0.0.1, an ephemeral port unless told otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new RunComfyEmulator(options);
  await emulator.listen();
  return emulator;
}

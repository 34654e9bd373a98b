// Faults a test can queue on the emulator: which request they hit, how often, and what goes wrong.

export type FaultRoute = 'submit' | 'status' | 'result' | 'cancel' | 'model' | 'download' | 'any';
/** The routes a request can be on (`any` is only a fault's wildcard). */
export type ApiRoute = Exclude<FaultRoute, 'any'>;

export interface FaultTarget {
  route: FaultRoute;
  /** Only requests about this job (status, result, cancel, download). */
  requestId?: string;
  /** How many matching requests it hits (default 1); 'always' until the faults are cleared or the emulator reset. */
  times?: number | 'always';
}

/**
 * When an answer-replacing fault strikes: `none` (default) before the request has any effect; `accept` once it took
 * effect (a submit created its job, a cancel cancelled), so the client's answer is lost but the job exists.
 */
export type FaultAfter = 'none' | 'accept';

export type FaultKind =
  /** Answer with this status, body (JSON unless a string) and headers instead of the real answer. */
  | { kind: 'http'; status: number; body?: unknown; headers?: Record<string, string>; after?: FaultAfter }
  /** HTTP 200 whose body is `{error_code, error_message}` (the documented code's message unless one is given). */
  | { kind: 'errorCode200'; errorCode: number; message?: string; after?: FaultAfter }
  /** A proxy's or gateway's HTML error page with this status (default 502), without any RunComfy error_code. */
  | { kind: 'htmlPage'; status?: number; after?: FaultAfter }
  /** HTTP 200 whose body is not the documented answer (default: an HTML page; or this text, typed `contentType`). */
  | { kind: 'unreadable'; body?: string; contentType?: string; after?: FaultAfter }
  /** Destroy the socket without answering. */
  | { kind: 'reset'; after?: FaultAfter }
  /** Handle the request at once but send the answer after `ms` of real time. */
  | { kind: 'delay'; ms: number }
  /** status/result answer with this status string. */
  | { kind: 'unknownStatus'; status: string }
  /** A download sent at this rate (real time). */
  | { kind: 'slow'; bytesPerSecond: number }
  /**
   * The real answer (so a submit creates its job) announced with its full Content-Length, cut after `afterBytes`
   * (default: half of it), then the socket closes: a connection lost mid-body.
   */
  | { kind: 'truncate'; afterBytes?: number }
  /** A download answered 200 with an HTML page labelled image/png. */
  | { kind: 'wrongContent' };

export type Fault = FaultTarget & FaultKind;

const ROUTES: readonly FaultRoute[] = ['submit', 'status', 'result', 'cancel', 'model', 'download', 'any'];
const KINDS = ['http', 'errorCode200', 'htmlPage', 'unreadable', 'reset', 'delay', 'unknownStatus', 'slow', 'truncate', 'wrongContent'];
const ALL_ROUTES: readonly ApiRoute[] = ['submit', 'status', 'result', 'cancel', 'model', 'download'];

/** The routes a kind can act on; a fault for `any` hits the next request on one of them. */
export function routesForKind(kind: Fault['kind']): readonly ApiRoute[] {
  switch (kind) {
    case 'unknownStatus':
      return ['status', 'result'];
    case 'slow':
    case 'wrongContent':
      return ['download'];
    case 'http':
    case 'errorCode200':
    case 'htmlPage':
    case 'unreadable':
    case 'reset':
    case 'delay':
    case 'truncate':
      return ALL_ROUTES;
  }
}

function assertKindFields(kind: Fault['kind'], f: Record<string, unknown>): void {
  const num = (key: string, min: number, optional = false) => {
    if (optional && f[key] === undefined) return;
    if (typeof f[key] !== 'number' || !Number.isFinite(f[key]) || (f[key]) < min) {
      throw new Error(`a '${kind}' fault needs a number ${key} ≥ ${min}`);
    }
  };
  const status = (optional: boolean) => {
    if (optional && f.status === undefined) return;
    if (!Number.isInteger(f.status) || (f.status as number) < 200 || (f.status as number) > 599) throw new Error(`a '${kind}' fault needs a status 200..599`);
  };
  if (f.after !== undefined && f.after !== 'none' && f.after !== 'accept') throw new Error(`a '${kind}' fault's after is 'none' or 'accept'`);
  switch (kind) {
    case 'http':
      status(false);
      if (f.headers !== undefined && (typeof f.headers !== 'object' || f.headers === null)) throw new Error("an 'http' fault's headers must be an object");
      break;
    case 'errorCode200':
      num('errorCode', 0);
      break;
    case 'htmlPage':
      status(true);
      break;
    case 'unreadable':
      if (f.body !== undefined && typeof f.body !== 'string') throw new Error("an 'unreadable' fault's body is a string");
      if (f.contentType !== undefined && typeof f.contentType !== 'string') throw new Error("an 'unreadable' fault's contentType is a string");
      break;
    case 'delay':
      num('ms', 0);
      break;
    case 'unknownStatus':
      if (typeof f.status !== 'string') throw new Error("an 'unknownStatus' fault needs a status string");
      break;
    case 'slow':
      num('bytesPerSecond', 1);
      break;
    case 'truncate':
      num('afterBytes', 0, true);
      break;
    case 'reset':
    case 'wrongContent':
      break;
  }
  const allowsAfter = ['http', 'errorCode200', 'htmlPage', 'unreadable', 'reset'];
  if (f.after !== undefined && !allowsAfter.includes(kind)) throw new Error(`a '${kind}' fault takes no after`);
}

/** Throws a readable error for a fault that could never apply (also used for faults posted over HTTP). */
export function assertValidFault(value: unknown): asserts value is Fault {
  if (typeof value !== 'object' || value === null) throw new Error('a fault must be an object');
  const f = value as Record<string, unknown>;
  if (!ROUTES.includes(f.route as FaultRoute)) throw new Error(`fault route must be one of ${ROUTES.join(', ')}`);
  if (!KINDS.includes(f.kind as string)) throw new Error(`fault kind must be one of ${KINDS.join(', ')}`);
  const kind = f.kind as Fault['kind'];
  if (f.route !== 'any' && !routesForKind(kind).includes(f.route as ApiRoute)) {
    throw new Error(`a '${kind}' fault applies only to routes ${routesForKind(kind).join(', ')} (or any)`);
  }
  if (f.times !== undefined && f.times !== 'always' && !(Number.isInteger(f.times) && (f.times as number) >= 1)) {
    throw new Error("fault times must be an integer ≥ 1 or 'always'");
  }
  if (f.requestId !== undefined && typeof f.requestId !== 'string') throw new Error('fault requestId must be a string');
  if (f.requestId !== undefined && (f.route === 'submit' || f.route === 'model')) {
    throw new Error(`a fault on route '${f.route}' cannot target a requestId`);
  }
  assertKindFields(kind, f);
}

/** Queued faults, matched in the order they were injected. */
export class FaultQueue {
  private entries: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    assertValidFault(fault);
    const times = fault.times ?? 1;
    this.entries.push({ fault: { ...fault }, left: times === 'always' ? Infinity : times });
  }

  /** Takes (uses up one time of) the first fault that hits a request on `route` about `requestId`. */
  take(route: ApiRoute, requestId: string | undefined): Fault | undefined {
    const i = this.entries.findIndex(({ fault }) => {
      if (fault.route !== 'any' && fault.route !== route) return false;
      if (!routesForKind(fault.kind).includes(route)) return false;
      if (fault.requestId !== undefined && fault.requestId !== requestId) return false;
      return true;
    });
    if (i < 0) return undefined;
    const entry = this.entries[i];
    entry.left -= 1;
    if (entry.left <= 0) this.entries.splice(i, 1);
    return entry.fault;
  }

  get pending(): readonly Fault[] {
    return this.entries.map((e) => e.fault);
  }

  clear(): void {
    this.entries = [];
  }
}

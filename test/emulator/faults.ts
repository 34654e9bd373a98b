// Faults a test can queue on the emulator: which request they hit, how often, and what goes wrong.

export type FaultRoute = 'submit' | 'status' | 'result' | 'cancel' | 'model' | 'download' | 'any';
/** The routes a request can be on (`any` is only a fault's wildcard). */
export type ApiRoute = Exclude<FaultRoute, 'any'>;

export interface FaultTarget {
  route: FaultRoute;
  /** Only requests about this job (status, result, cancel, download). */
  requestId?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export type FaultKind =
  /** Answer with this status, body (JSON unless a string) and headers instead of the real answer. */
  | { kind: 'http'; status: number; body?: unknown; headers?: Record<string, string> }
  /** HTTP 200 whose body is `{error_code, error_message}`. */
  | { kind: 'errorCode200'; errorCode: number; message?: string }
  /**
   * Destroy the socket without answering. `after: 'none'` (default) before anything happens;
   * `after: 'accept'` once the request took effect (a submit created its job, a cancel cancelled).
   */
  | { kind: 'reset'; after?: 'none' | 'accept' }
  /** Handle the request at once but send the answer after `ms` of real time. */
  | { kind: 'delay'; ms: number }
  /** status/result answer with this status string. */
  | { kind: 'unknownStatus'; status: string }
  /** A download sent at this rate (real time). */
  | { kind: 'slow'; bytesPerSecond: number }
  /** A download that announces the full Content-Length, sends `afterBytes`, then drops the socket. */
  | { kind: 'truncate'; afterBytes: number }
  /** A download answered 200 with an HTML page labelled image/png. */
  | { kind: 'wrongContent' };

export type Fault = FaultTarget & FaultKind;

const ROUTES: readonly FaultRoute[] = ['submit', 'status', 'result', 'cancel', 'model', 'download', 'any'];
const KINDS = ['http', 'errorCode200', 'reset', 'delay', 'unknownStatus', 'slow', 'truncate', 'wrongContent'];

/** The routes a kind can act on; a fault for `any` hits the next request on one of them. */
export function routesForKind(kind: Fault['kind']): readonly ApiRoute[] {
  switch (kind) {
    case 'unknownStatus':
      return ['status', 'result'];
    case 'slow':
    case 'truncate':
    case 'wrongContent':
      return ['download'];
    default:
      return ['submit', 'status', 'result', 'cancel', 'model', 'download'];
  }
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
  if (f.times !== undefined && !(Number.isInteger(f.times) && (f.times as number) >= 1)) throw new Error('fault times must be an integer ≥ 1');
  if (f.requestId !== undefined && typeof f.requestId !== 'string') throw new Error('fault requestId must be a string');
  if (f.requestId !== undefined && (f.route === 'submit' || f.route === 'model')) {
    throw new Error(`a fault on route '${f.route}' cannot target a requestId`);
  }
  const num = (key: string, min: number) => {
    if (typeof f[key] !== 'number' || !Number.isFinite(f[key]) || (f[key] as number) < min) {
      throw new Error(`a '${kind}' fault needs a number ${key} ≥ ${min}`);
    }
  };
  switch (kind) {
    case 'http':
      if (!Number.isInteger(f.status) || (f.status as number) < 200 || (f.status as number) > 599) throw new Error("an 'http' fault needs a status 200..599");
      if (f.headers !== undefined && (typeof f.headers !== 'object' || f.headers === null)) throw new Error("an 'http' fault's headers must be an object");
      break;
    case 'errorCode200':
      num('errorCode', 0);
      break;
    case 'reset':
      if (f.after !== undefined && f.after !== 'none' && f.after !== 'accept') throw new Error("a 'reset' fault's after is 'none' or 'accept'");
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
      num('afterBytes', 0);
      break;
    case 'wrongContent':
      break;
  }
}

/** Queued faults, matched in the order they were injected. */
export class FaultQueue {
  private entries: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    assertValidFault(fault);
    this.entries.push({ fault: { ...fault }, left: fault.times ?? 1 });
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

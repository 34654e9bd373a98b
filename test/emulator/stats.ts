// Counters the emulator keeps about what clients did, so tests can check retries, polling and leaks.

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The full request target, query included. */
  url: string;
  /** Whether an Authorization header was present. */
  authorization: boolean;
  /** The emulator clock's time when the request arrived. */
  at: number;
}

export interface EmulatorStatsSnapshot {
  submits: number;
  jobsCreated: number;
  submitBodies: unknown[];
  statusPolls: Record<string, number>;
  resultPolls: Record<string, number>;
  cancels: Record<string, number>;
  downloads: Record<string, number>;
  totalDownloads: number;
  modelReads: number;
  connections: number;
  authHeadersOnDownloads: number;
  requests: RecordedRequest[];
}

export interface EmulatorStats {
  /**
   * POSTs to the submit route, counted as soon as one's body has arrived: before injected faults, the token check and
   * validation. So a submit answered by an injected 500, a reset, a 401 or a 422 counts too.
   */
  readonly submits: number;
  /** Submits that created a job (including one whose answer was then lost to a `reset` fault with after 'accept'). */
  readonly jobsCreated: number;
  /**
   * One entry per counted submit, in order: the parsed JSON body, the raw text when it was not JSON, or undefined
   * when it was over the body size limit. A client that hangs up before its body arrived is not counted.
   */
  readonly submitBodies: readonly unknown[];
  /** How many counted submits had this body (compared as canonical JSON: key order does not matter). */
  submitsByBody(body: unknown): number;
  /** Status reads of that job (all jobs when no id is given), unknown ids and faulted reads included. */
  statusPolls(requestId?: string): number;
  resultPolls(requestId?: string): number;
  cancels(requestId?: string): number;
  /** File GETs for that job's outputs (all when no id is given). */
  downloads(requestId?: string): number;
  readonly modelReads: number;
  /** TCP connections the server accepted (admin-endpoint connections included). */
  readonly connections: number;
  /** Every API and file request (admin endpoints excluded), in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Downloads that carried an Authorization header: a correct client never sends its token to file storage. */
  readonly authHeadersOnDownloads: number;
  /** A plain JSON copy; with `maxStringLength`, long strings in bodies (data URIs) are shortened. */
  snapshot(options?: { maxStringLength?: number }): EmulatorStatsSnapshot;
}

/** JSON with object keys sorted at every level, so equal bodies compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function count(map: Map<string, number>, key: string | undefined): number {
  if (key !== undefined) return map.get(key) ?? 0;
  let n = 0;
  for (const v of map.values()) n += v;
  return n;
}

export class StatsRecorder implements EmulatorStats {
  submits = 0;
  jobsCreated = 0;
  submitBodies: unknown[] = [];
  modelReads = 0;
  connections = 0;
  authHeadersOnDownloads = 0;
  requests: RecordedRequest[] = [];
  private readonly bodyKeys: string[] = [];
  readonly statusMap = new Map<string, number>();
  readonly resultMap = new Map<string, number>();
  readonly cancelMap = new Map<string, number>();
  readonly downloadMap = new Map<string, number>();

  recordSubmit(body: unknown): void {
    this.submits += 1;
    this.submitBodies.push(body);
    this.bodyKeys.push(canonicalJson(body));
  }

  /** Counts a request on a route other than submit (`id` is unused for the model route). */
  recordRead(route: 'status' | 'result' | 'cancel' | 'download' | 'model', id: string, withAuth: boolean): void {
    switch (route) {
      case 'status':
        return bump(this.statusMap, id);
      case 'result':
        return bump(this.resultMap, id);
      case 'cancel':
        return bump(this.cancelMap, id);
      case 'download':
        bump(this.downloadMap, id);
        if (withAuth) this.authHeadersOnDownloads += 1;
        return;
      case 'model':
        this.modelReads += 1;
        return;
    }
  }

  submitsByBody(body: unknown): number {
    const key = canonicalJson(body);
    return this.bodyKeys.filter((k) => k === key).length;
  }
  statusPolls(requestId?: string): number {
    return count(this.statusMap, requestId);
  }
  resultPolls(requestId?: string): number {
    return count(this.resultMap, requestId);
  }
  cancels(requestId?: string): number {
    return count(this.cancelMap, requestId);
  }
  downloads(requestId?: string): number {
    return count(this.downloadMap, requestId);
  }

  snapshot(options: { maxStringLength?: number } = {}): EmulatorStatsSnapshot {
    const max = options.maxStringLength;
    const shorten = (body: unknown): unknown =>
      max === undefined
        ? body
        : JSON.parse(
            JSON.stringify(body, (_k, v: unknown) => (typeof v === 'string' && v.length > max ? `${v.slice(0, max)}…(${v.length} chars)` : v)) ?? 'null',
          );
    return {
      submits: this.submits,
      jobsCreated: this.jobsCreated,
      submitBodies: this.submitBodies.map(shorten),
      statusPolls: Object.fromEntries(this.statusMap),
      resultPolls: Object.fromEntries(this.resultMap),
      cancels: Object.fromEntries(this.cancelMap),
      downloads: Object.fromEntries(this.downloadMap),
      totalDownloads: this.downloads(),
      modelReads: this.modelReads,
      connections: this.connections,
      authHeadersOnDownloads: this.authHeadersOnDownloads,
      requests: this.requests.map((r) => ({ ...r })),
    };
  }

  reset(): void {
    this.submits = 0;
    this.jobsCreated = 0;
    this.submitBodies = [];
    this.bodyKeys.length = 0;
    this.modelReads = 0;
    this.connections = 0;
    this.authHeadersOnDownloads = 0;
    this.requests = [];
    this.statusMap.clear();
    this.resultMap.clear();
    this.cancelMap.clear();
    this.downloadMap.clear();
  }
}

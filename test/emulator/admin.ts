// The /__emulator/* endpoints: steering (faults, job behaviours, reset) and stats for tests in another process.
import type * as http from 'node:http';
import { assertValidFault, type Fault } from './faults';
import type { EmulatedJob, JobBehaviour } from './jobs';
import type { EmulatorModes } from './modes';
import { jsonReply, notFoundRequest } from './replies';
import type { EmulatorStats } from './stats';
import { readBody, type Sender } from './transport';

/** The part of the emulator the admin endpoints steer. */
export interface Steerable {
  readonly stats: EmulatorStats;
  inject(fault: Fault): void;
  clearFaults(): void;
  pendingFaults(): number;
  configure(modes: EmulatorModes): void;
  revokeToken(token?: string): void;
  acceptToken(token: string): void;
  nextJob(behaviour: JobBehaviour): void;
  job(requestId: string): EmulatedJob | undefined;
  jobs(): EmulatedJob[];
  reset(): void;
}

function describeJob(job: EmulatedJob): unknown {
  return {
    requestId: job.requestId,
    state: job.state,
    submittedAt: job.submittedAt,
    queueMs: job.queueMs,
    runMs: job.runMs,
    outputs: job.outputs,
    expired: job.expired,
    cancelledAt: job.cancelledAt ?? null,
    outputUrls: job.outputUrls,
    plan: job.plan,
  };
}

/** `{revoke: "T"}` or `{revoke: true}` (every token accepted so far), and/or `{accept: "T"}`; revoking goes first. */
function steerTokens(emulator: Steerable, body: unknown): void {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.revoke === undefined && b.accept === undefined) throw new Error('tokens: give revoke (a token or true) and/or accept (a token)');
  if (b.revoke !== undefined && b.revoke !== true && typeof b.revoke !== 'string') throw new Error('tokens: revoke is a token or true');
  if (b.accept !== undefined && typeof b.accept !== 'string') throw new Error('tokens: accept is a token');
  if (b.revoke !== undefined) emulator.revokeToken(b.revoke === true ? undefined : b.revoke);
  if (b.accept !== undefined) emulator.acceptToken(b.accept);
}

export async function handleAdmin(
  emulator: Steerable,
  sender: Sender,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  method: string,
  path: string,
): Promise<void> {
  const text = await readBody(req, 1024 * 1024);
  if ('aborted' in text) return;
  const parse = (): unknown => {
    if (!('text' in text)) throw new Error('body too large');
    return text.text.trim() === '' ? {} : JSON.parse(text.text);
  };
  const send = (status: number, json: unknown) => sender.sendNow(req, res, jsonReply(status, json));
  try {
    if (method === 'GET' && path === '/__emulator/stats') {
      send(200, emulator.stats.snapshot({ maxStringLength: 512 }));
    } else if (method === 'POST' && path === '/__emulator/faults') {
      const body = parse();
      const faults = Array.isArray(body) ? body : [body];
      faults.forEach((f) => assertValidFault(f));
      for (const f of faults) emulator.inject(f as Fault);
      send(200, { ok: true, pending: emulator.pendingFaults() });
    } else if (method === 'DELETE' && path === '/__emulator/faults') {
      emulator.clearFaults();
      send(200, { ok: true, pending: 0 });
    } else if (method === 'POST' && path === '/__emulator/modes') {
      emulator.configure(parse() as EmulatorModes);
      send(200, { ok: true });
    } else if (method === 'POST' && path === '/__emulator/tokens') {
      steerTokens(emulator, parse());
      send(200, { ok: true });
    } else if (method === 'POST' && path === '/__emulator/next-job') {
      emulator.nextJob(parse() as JobBehaviour);
      send(200, { ok: true });
    } else if (method === 'POST' && path === '/__emulator/reset') {
      emulator.reset();
      send(200, { ok: true });
    } else if (method === 'GET' && path === '/__emulator/jobs') {
      send(200, emulator.jobs().map(describeJob));
    } else if (method === 'GET' && path.startsWith('/__emulator/jobs/')) {
      const job = emulator.job(decodeURIComponent(path.slice('/__emulator/jobs/'.length)));
      if (!job) sender.sendNow(req, res, notFoundRequest());
      else send(200, describeJob(job));
    } else {
      send(404, { detail: 'Not Found' });
    }
  } catch (e) {
    send(400, { error: e instanceof Error ? e.message : String(e) });
  }
}

// Reading request bodies and writing replies: trickled, cut short mid-body, or dropped, with backpressure.
import type * as http from 'node:http';
import type { Reply } from './replies';

export type BodyText = { text: string } | { tooLarge: true } | { aborted: true };

/** Reads a request body up to `limit` bytes; a client that goes away mid-body gives `aborted`. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<BodyText> {
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

/** How the bytes of an answer go out. */
export interface Delivery {
  bytesPerSecond?: number;
  /** Bytes of the body sent before the socket closes; 'half' for half of it. */
  truncateAfter?: number | 'half';
}

/** Sends replies; owns the real-time timers it starts so closing the emulator stops them all. */
export class Sender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  resetSocket(req: http.IncomingMessage): void {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  realDelay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  sendNow(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    void this.send(req, res, reply, {});
  }

  /** Writes a reply; a slow delivery trickles it, a truncated one stops early and drops the socket. */
  async send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, delivery: Delivery): Promise<void> {
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
    const limit = delivery.truncateAfter === 'half' ? Math.floor(length / 2) : (delivery.truncateAfter ?? Infinity);
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
      this.dropAfterFlush(req);
      return;
    }
    res.end();
  }

  /** Truncated: what was written is flushed, then the connection drops mid-body. */
  private dropAfterFlush(req: http.IncomingMessage): void {
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

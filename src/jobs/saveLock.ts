// One saver at a time per request, across windows: a lock file beside the results, refreshed while saving, taken over when stale.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AbortedError } from '../api/errors';
import { type Clock, sleep } from '../common/clock';
import type { Logger } from '../common/logger';
import { assertInside, lockNameFor } from './naming';
import { errnoOf } from './saveFiles';

export interface LockHandle {
  /** False when the lock could not be taken in time: nothing may be downloaded then. */
  readonly held: boolean;
  /** Keeps the lock fresh so other windows do not take it over during a long download; cheap to call often. */
  touch: () => void;
  release(): Promise<void>;
}

export interface LockOptions {
  clock: Clock;
  logger: Logger;
  /** How long to wait for another window that is saving the same request. */
  waitMs: number;
  /** How often to look again while waiting. */
  pollMs: number;
  /** Age after which a lock nobody refreshed is taken over. */
  staleMs: number;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

export async function acquireLock(dir: string, requestId: string, options: LockOptions, signal?: AbortSignal): Promise<LockHandle> {
  const lockPath = assertInside(dir, lockNameFor(requestId));
  const token = randomBytes(8).toString('hex');
  const deadline = options.clock.monotonic() + options.waitMs;
  let announced = false;
  for (;;) {
    try {
      await fs.writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token, createdAt: new Date().toISOString() }), {
        flag: 'wx',
      });
      return heldLock(lockPath, token, options.staleMs);
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') {
        // No lock can be made here (e.g. a read-only folder): saving goes on without it and fails on its own terms.
        options.logger.warn(`cannot create ${path.basename(lockPath)} (${errnoOf(error) ?? String(error)}); saving without a lock`);
        return { held: true, touch: () => undefined, release: () => Promise.resolve() };
      }
    }
    if (await takeOverIfStale(lockPath, options)) continue;
    if (options.clock.monotonic() >= deadline) {
      options.logger.warn(`another window is still saving ${requestId}; gave up waiting after ${options.waitMs} ms`);
      return { held: false, touch: () => undefined, release: () => Promise.resolve() };
    }
    if (!announced) {
      options.logger.info(`another window is saving ${requestId}; waiting for it`);
      announced = true;
    }
    try {
      await sleep(options.clock, options.pollMs, signal);
    } catch {
      throw new AbortedError();
    }
  }
}

async function takeOverIfStale(lockPath: string, options: LockOptions): Promise<boolean> {
  let reason: string | undefined;
  try {
    const stat = await fs.stat(lockPath);
    // File times are wall-clock times, so they are compared with the wall clock, not the injected one.
    if (Date.now() - stat.mtimeMs > options.staleMs) reason = 'it is older than the stale limit';
    if (!reason) {
      const info = JSON.parse(await fs.readFile(lockPath, 'utf8')) as { pid?: unknown; hostname?: unknown };
      if (info.hostname === os.hostname() && typeof info.pid === 'number' && !isPidAlive(info.pid)) {
        reason = `its process ${info.pid} has ended`;
      }
    }
  } catch (error) {
    // Gone in the meantime: trying again will simply take it.
    if (errnoOf(error) === 'ENOENT') return true;
    // Unreadable or half-written content: judged by age alone, which was checked above.
  }
  if (!reason) return false;
  try {
    await fs.unlink(lockPath);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') return false;
  }
  options.logger.info(`took over ${path.basename(lockPath)}: ${reason}`);
  return true;
}

function heldLock(lockPath: string, token: string, staleMs: number): LockHandle {
  let lastTouch = Date.now();
  return {
    held: true,
    // Refreshed from the download loop rather than a timer: no timer to leak, and a stalled download stops refreshing.
    touch: () => {
      const now = Date.now();
      if (now - lastTouch < staleMs / 4) return;
      lastTouch = now;
      void fs.utimes(lockPath, new Date(now), new Date(now)).catch(() => undefined);
    },
    release: async () => {
      try {
        const info = JSON.parse(await fs.readFile(lockPath, 'utf8')) as { token?: unknown };
        // A lock taken over by someone else after ours went stale is theirs to remove.
        if (info.token === token) await fs.unlink(lockPath);
      } catch {
        // Already removed: nothing to release.
      }
    },
  };
}

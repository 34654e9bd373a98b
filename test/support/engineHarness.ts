// Builds a real client, saver and job engine against an in-process emulator that shares one manual clock.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { RunComfyClient } from '../../src/api/client';
import { JobEngine } from '../../src/jobs/engine';
import { ResultSaver } from '../../src/jobs/resultSaver';
import { MemoryJobStore } from './memoryJobStore';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator/server';
import { LogCapture } from './logCapture';
import { ManualClock } from './manualClock';

export const TEST_TOKEN = 'rc_test_token_0123456789abcdef';

export interface Harness {
  clock: ManualClock;
  emulator: Emulator;
  store: MemoryJobStore;
  log: LogCapture;
  outputDir: string;
  agent: Agent;
  engine: JobEngine;
  /** Another engine (a reloaded window, a second window) on the same emulator and clock. */
  newEngine(store?: MemoryJobStore): JobEngine;
  /** Advances simulated time in steps, letting the real HTTP calls each step starts finish. */
  runFor(ms: number, step?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const clock = new ManualClock();
  const emulator = await startEmulator({ clock, queueMs: 3000, runMs: 5000, ...options });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runcomfy-out-'));
  const log = new LogCapture();
  const agent = new Agent({ connections: 6 });
  const store = new MemoryJobStore();
  const engines: JobEngine[] = [];

  const build = (s: MemoryJobStore) => {
    const client = new RunComfyClient({
      baseUrl: emulator.baseUrl,
      token: () => TEST_TOKEN,
      dispatcher: agent,
      clock,
      logger: log,
      retry: { retries: 2, baseMs: 200, maxMs: 1000 },
    });
    const saver = new ResultSaver({
      dispatcher: agent,
      clock,
      logger: log,
      allowedHosts: () => ['127.0.0.1'],
      retry: { retries: 1, baseMs: 100, maxMs: 200 },
      lockWaitMs: 2000,
      lockPollMs: 100,
    });
    const engine = new JobEngine({ api: client, saver, store: s, clock, logger: log, random: () => 0.5 });
    engines.push(engine);
    return engine;
  };

  const engine = build(store);
  return {
    clock,
    emulator,
    store,
    log,
    outputDir,
    agent,
    engine,
    newEngine: (s = store) => build(s),
    async runFor(ms, step = 250) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        await clock.advance(Math.min(step, end - clock.now()));
        // Let the HTTP calls this step started finish; one that sleeps on the clock (a retry) needs time to move on.
        await Promise.race([Promise.all(engines.map((e) => e.idle())), new Promise((r) => setTimeout(r, 25))]);
      }
    },
    async close() {
      for (const e of engines) {
        e.dispose();
        await e.stopped();
      }
      await emulator.close();
      await agent.close();
      fs.rmSync(outputDir, { recursive: true, force: true });
    },
  };
}

export function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

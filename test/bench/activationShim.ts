// The timing shim the activation bench puts in front of an extension's main module: the same code for every extension measured.

/** One extension's activation in one extension host, as the shim writes it (one JSON line per activation). */
export interface ActivationRecord {
  label: string;
  /** require() of the extension's real main module, with everything it loads at the top level. */
  loadMs: number;
  /** The synchronous part of activate(). */
  callMs: number;
  /** From calling activate() until the promise it returned settled (callMs when it returned no promise). */
  resolvedMs: number;
  /**
   * CPU time the extension host process spent in require() plus the synchronous activate() call (process.cpuUsage()):
   * unlike the wall times above, it does not grow while other processes hold the machine's cores.
   */
  cpuMs: number;
  error?: string;
}

/** The shim's file name inside the measured copy of an extension; its package.json `main` points here. */
export const SHIM_FILE = 'activationTimingShim.js';

/**
 * Source of the shim: loads `realMain` (relative to the shim), forwards activate()/deactivate(), and appends an
 * ActivationRecord to `outFile`. Only `label` and `realMain` differ between the extensions measured.
 */
export function shimSource(label: string, realMain: string, outFile: string): string {
  return `// Written by the activation bench (test/bench/activationShim.ts): times require() and activate() of the real main module.
'use strict';
const fs = require('fs');
const { performance } = require('perf_hooks');
const cpuStarted = process.cpuUsage();
const loadStarted = performance.now();
const real = require(${JSON.stringify(realMain)});
const loadMs = performance.now() - loadStarted;
const loadCpu = process.cpuUsage(cpuStarted);
const record = (fields) => {
  fs.appendFileSync(${JSON.stringify(outFile)}, JSON.stringify({ label: ${JSON.stringify(label)}, loadMs, ...fields }) + '\\n');
};
const cpuMsSince = (start) => {
  const used = process.cpuUsage(start);
  return (loadCpu.user + loadCpu.system + used.user + used.system) / 1000;
};
exports.activate = function (context) {
  const cpuCallStarted = process.cpuUsage();
  const started = performance.now();
  let result;
  try {
    result = real.activate(context);
  } catch (error) {
    const ms = performance.now() - started;
    record({ callMs: ms, resolvedMs: ms, cpuMs: cpuMsSince(cpuCallStarted), error: String(error) });
    throw error;
  }
  const callMs = performance.now() - started;
  const cpuMs = cpuMsSince(cpuCallStarted);
  if (!result || typeof result.then !== 'function') {
    record({ callMs, resolvedMs: callMs, cpuMs });
    return result;
  }
  Promise.resolve(result).then(
    () => record({ callMs, resolvedMs: performance.now() - started, cpuMs }),
    (error) => record({ callMs, resolvedMs: performance.now() - started, cpuMs, error: String(error) }),
  );
  return result;
};
exports.deactivate = function () {
  return typeof real.deactivate === 'function' ? real.deactivate() : undefined;
};
`;
}

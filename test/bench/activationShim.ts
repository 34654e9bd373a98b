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
const loadStarted = performance.now();
const real = require(${JSON.stringify(realMain)});
const loadMs = performance.now() - loadStarted;
const record = (fields) => {
  fs.appendFileSync(${JSON.stringify(outFile)}, JSON.stringify({ label: ${JSON.stringify(label)}, loadMs, ...fields }) + '\\n');
};
exports.activate = function (context) {
  const started = performance.now();
  let result;
  try {
    result = real.activate(context);
  } catch (error) {
    const ms = performance.now() - started;
    record({ callMs: ms, resolvedMs: ms, error: String(error) });
    throw error;
  }
  const callMs = performance.now() - started;
  if (!result || typeof result.then !== 'function') {
    record({ callMs, resolvedMs: callMs });
    return result;
  }
  Promise.resolve(result).then(
    () => record({ callMs, resolvedMs: performance.now() - started }),
    (error) => record({ callMs, resolvedMs: performance.now() - started, error: String(error) }),
  );
  return result;
};
exports.deactivate = function () {
  return typeof real.deactivate === 'function' ? real.deactivate() : undefined;
};
`;
}

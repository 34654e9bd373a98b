// The logging port pure code receives; adapters route it to a LogOutputChannel or a test buffer.
import { scrubUrls } from './privateUrl';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = keyof Logger;

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Prefixes every line with a component tag, e.g. `[client]`. */
export function taggedLogger(inner: Logger, tag: string): Logger {
  return {
    trace: (m) => inner.trace(`[${tag}] ${m}`),
    debug: (m) => inner.debug(`[${tag}] ${m}`),
    info: (m) => inner.info(`[${tag}] ${m}`),
    warn: (m) => inner.warn(`[${tag}] ${m}`),
    error: (m) => inner.error(`[${tag}] ${m}`),
  };
}

/** Wraps a logger so no line ever carries one of the given secrets, nor a URL's query, whatever a caller passes in. */
export function redactingLogger(inner: Logger, secrets: () => readonly string[]): Logger {
  const scrub = (m: string) => scrubUrls(redactSecrets(m, secrets()));
  return {
    trace: (m) => inner.trace(scrub(m)),
    debug: (m) => inner.debug(scrub(m)),
    info: (m) => inner.info(scrub(m)),
    warn: (m) => inner.warn(scrub(m)),
    error: (m) => inner.error(scrub(m)),
  };
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('«redacted»');
  }
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1«redacted»');
}

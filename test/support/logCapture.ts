// A Logger that keeps every line, so tests can assert what was (and was not) logged.
import type { Logger } from '../../src/common/logger';

export class LogCapture implements Logger {
  readonly lines: string[] = [];
  trace(m: string) {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string) {
    this.lines.push(`debug ${m}`);
  }
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

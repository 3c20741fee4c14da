/**
 * The worker's logger: every line goes through the language client's console (the
 * "Conexus" output channel), never stdout. Levels follow the house rule: info for
 * lifecycle with counts and times, debug per request, trace per file.
 */
import type { Logger } from '../engine/logger';
import type { WorkerLogLevel } from '../../protocol/requests';

/** The part of `connection.console` the logger writes to. */
export interface ConsoleSink {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  log(message: string): void;
}

const ORDER: WorkerLogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];

/**
 * A logger over the connection's console whose level can change after `initialize`
 * (the level arrives with the init options, but logging starts before them).
 */
export class ConnectionLogger implements Logger {
  private max = ORDER.indexOf('info');

  constructor(private readonly sink: ConsoleSink) {}

  /** Sets the most detailed level that is still written. */
  setLevel(level: WorkerLogLevel): void {
    this.max = ORDER.indexOf(level);
  }

  error(message: string, error?: unknown): void {
    // Bugs are logged once with their stack so the log alone is enough to report them.
    const detail = error instanceof Error ? `: ${error.stack ?? error.message}` : error !== undefined ? `: ${String(error)}` : '';
    this.sink.error(message + detail);
  }

  warn(message: string): void {
    if (this.enabled('warn')) this.sink.warn(message);
  }

  info(message: string): void {
    if (this.enabled('info')) this.sink.info(message);
  }

  debug(message: string): void {
    if (this.enabled('debug')) this.sink.log(`[debug] ${message}`);
  }

  trace(message: string): void {
    if (this.enabled('trace')) this.sink.log(`[trace] ${message}`);
  }

  private enabled(level: WorkerLogLevel): boolean {
    return ORDER.indexOf(level) <= this.max;
  }
}

/**
 * The logger every engine part writes to. The worker routes it to the language
 * client's console and the CLI to stderr: never to stdout, which may carry a protocol.
 */

/** Levels: info for lifecycle with counts and times, debug per request, trace per file. */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = {
  error() {}, warn() {}, info() {}, debug() {}, trace() {},
};

/** A logger writing `[level] message` lines to stderr, filtered by level. */
export function stderrLogger(level: 'error' | 'warn' | 'info' | 'debug' | 'trace' = 'info'): Logger {
  const order = ['error', 'warn', 'info', 'debug', 'trace'];
  const max = order.indexOf(level);
  const write = (lvl: string, msg: string) => {
    if (order.indexOf(lvl) <= max) process.stderr.write(`[conexus ${lvl}] ${msg}\n`);
  };
  return {
    error: (m, e) => write('error', e instanceof Error ? `${m}: ${e.stack ?? e.message}` : e ? `${m}: ${String(e)}` : m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    trace: (m) => write('trace', m),
  };
}

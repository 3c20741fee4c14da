/**
 * How many worker crashes are survived: a crash is answered with a restart while
 * fewer than `max` crashes fell within the last `windowMs`; past that the worker is
 * left down and the user gets one clear error. Plain logic, no `vscode`, so it is
 * unit-tested directly; `workerClient.ts` plugs it into the language client.
 */

/** Default: up to 4 restarts in 3 minutes. */
export const DEFAULT_MAX_RESTARTS = 4;
/** Default window over which crashes are counted. */
export const DEFAULT_RESTART_WINDOW_MS = 3 * 60 * 1000;

/** What to do after a crash. */
export interface CrashDecision {
  restart: boolean;
  /** Crashes within the window, this one included. */
  recent: number;
}

export class CrashBudget {
  private crashes: number[] = [];

  constructor(
    readonly max = DEFAULT_MAX_RESTARTS,
    readonly windowMs = DEFAULT_RESTART_WINDOW_MS,
  ) {}

  /** Records a crash at `now` (ms) and decides whether to restart. */
  record(now: number): CrashDecision {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return { restart: this.crashes.length <= this.max, recent: this.crashes.length };
  }

  /** Forgets past crashes: a deliberate restart (settings, trust, command) starts afresh. */
  reset(): void {
    this.crashes = [];
  }
}

/**
 * Drives the `conexus` CLI as a user or an agent would: separate processes for
 * `index`, `search --queries` and `status`, and a long-running `serve` spoken to over
 * JSON lines. The benchmark measures the product through this boundary only, so
 * process start-up, argument parsing and JSON output are part of every figure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How to start the CLI: the program and its leading arguments. */
export interface CliCommandLine {
  cmd: string;
  args: string[];
  cwd: string;
  /**
   * Options for every command that opens an index (e.g. `--model DIR`), placed right
   * after the subcommand so a later, per-call value (`--model none`) still wins.
   */
  engineArgs?: string[];
}

/** The full argument list for one subcommand call. */
function argvFor(cli: CliCommandLine, args: string[]): string[] {
  const [sub, ...rest] = args;
  const extra = rest.includes('--help') ? [] : (cli.engineArgs ?? []);
  return [...cli.args, sub, ...extra, ...rest];
}

/** What one finished CLI process produced. */
export interface CliRun {
  code: number | null;
  stdout: string;
  /** The last lines of stderr, kept for error reports (progress can be long). */
  stderrTail: string;
  wallMs: number;
  /** Peak resident set of the process tree, summed over processes, polled from /proc (KiB). */
  peakTreeRssKb: number;
  /** The CLI process's own high-water mark (VmHWM) at its last poll (KiB). */
  peakHwmKb: number;
  /** From GNU time when `measure` was asked for: CPU seconds and exact max RSS (KiB) of the CLI process. */
  time: { userS: number; sysS: number; maxRssKb: number } | null;
}

/** Process groups still running, killed if the bench itself is interrupted so no indexer is left behind. */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
process.on('exit', killLiveGroups);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { killLiveGroups(); process.exit(130); });

/** GNU time (Debian package `time`): exact CPU time and max RSS of a child, which load does not distort. */
const GNU_TIME = '/usr/bin/time';

/** Reads one `Vm…` field of /proc/<pid>/status in KiB (0 when the process is gone). */
function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // The process exited between polls; the previous sample stands.
  }
}

/**
 * CPU milliseconds (user + system, all threads) a live process has used so far, from
 * /proc/<pid>/stat; null when it is gone. Clock ticks are 1/100 s on Linux.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null; // Process exited.
  }
}

/** The pid and its descendants, found through /proc/<pid>/task/<tid>/children. */
function processTree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children) stack.push(...children.split(/\s+/).map(Number));
    } catch {
      // Gone already: nothing below it to count.
    }
  }
  return out;
}

/**
 * Samples memory of a running process every `everyMs`. The tree sum catches an engine
 * that forks helpers (embedding workers); VmHWM catches spikes between samples in the
 * main process.
 */
export class RssSampler {
  peakTreeKb = 0;
  peakHwmKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 50) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): void {
    const tree = processTree(this.pid).reduce((sum, p) => sum + procStatusKb(p, 'VmRSS'), 0);
    this.peakTreeKb = Math.max(this.peakTreeKb, tree);
    this.peakHwmKb = Math.max(this.peakHwmKb, procStatusKb(this.pid, 'VmHWM'));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Keeps the last `max` characters of a stream, so a chatty child cannot fill memory. */
function tailKeeper(max: number) {
  let text = '';
  return {
    push(chunk: Buffer | string) {
      text += chunk.toString();
      if (text.length > max * 2) text = text.slice(-max);
    },
    get value() {
      return text.slice(-max);
    },
  };
}

/**
 * Runs one CLI invocation to completion. Progress on stderr is forwarded (prefixed)
 * when `echo` is set so a long index pass shows signs of life; it is killed after
 * `timeoutMs`, and the result says so through a null exit code.
 */
export function runCli(cli: CliCommandLine, args: string[], opts: { timeoutMs: number; echo?: string; stdin?: string; measure?: boolean }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timeDir = opts.measure && existsSync(GNU_TIME) ? mkdtempSync(join(tmpdir(), 'conexus-time-')) : null;
    const timeFile = timeDir ? join(timeDir, 'time.txt') : '';
    const [cmd, argv] = timeDir
      ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, cli.cmd, ...argvFor(cli, args)]]
      : [cli.cmd, argvFor(cli, args)];
    // A process group of its own, so a timeout kills the CLI and not only GNU time.
    const child = spawn(cmd, argv, { cwd: cli.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const sampler = new RssSampler(child.pid!);
    liveGroups.add(child.pid!);
    const out: Buffer[] = [];
    const err = tailKeeper(4000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (opts.echo) for (const line of d.toString().split('\n')) if (line.trim()) process.stderr.write(`  ${opts.echo}| ${line}\n`);
    });
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      sampler.stop();
      reject(new Error(`bench: could not start ${cli.cmd}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      sampler.stop();
      liveGroups.delete(child.pid!);
      let time: CliRun['time'] = null;
      if (timeDir) {
        // GNU time writes "Command exited with non-zero status N" before the figures on failure.
        const last = (existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '').trim().split('\n').pop() ?? '';
        const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(last);
        if (m) time = { userS: Number(m[1]), sysS: Number(m[2]), maxRssKb: Number(m[3]) };
        rmSync(timeDir, { recursive: true, force: true });
      }
      resolve({
        time,
        // GNU time reports a child killed by a signal as exit 128+N.
        code: signal || (timeDir && code !== null && code > 128) ? null : code,
        stdout: Buffer.concat(out).toString(),
        stderrTail: err.value,
        wallMs: performance.now() - started,
        peakTreeRssKb: sampler.peakTreeKb,
        peakHwmKb: sampler.peakHwmKb,
      });
    });
  });
}

/** Parses the last JSON object printed on stdout (the `--json` summary). */
export function lastJson<T>(stdout: string): T | null {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t) as T;
    } catch {
      continue; // A partial or non-JSON line: keep looking further up.
    }
  }
  // Pretty-printed JSON spans lines: try the whole output as one document.
  try {
    return JSON.parse(stdout) as T;
  } catch {
    return null;
  }
}

/** Picks how to run the CLI: the built bundle when present and current, else tsx on the sources. */
export function defaultCli(repo: string, prefer: 'built' | 'dev'): CliCommandLine {
  if (prefer === 'built' && existsSync(`${repo}/dist/cli.js`)) return { cmd: process.execPath, args: [`${repo}/bin/conexus.js`], cwd: repo };
  return { cmd: process.execPath, args: ['--import', 'tsx', `${repo}/server/cli/main.ts`], cwd: repo };
}

/** A response from `serve`. */
export interface ServeReply {
  id?: number;
  hits?: Array<{ path: string }>;
  tookMs?: number;
  mode?: string;
  notice?: string;
  error?: unknown;
  event?: string;
  [key: string]: unknown;
}

/**
 * A running `conexus serve`: requests go in on stdin as JSON lines, replies (matched
 * by id) and events come back on stdout. Events are kept with the time they arrived so
 * the one-file-change measurement can tell "indexed" from "searchable".
 */
export class ServeSession {
  readonly events: Array<{ at: number; msg: ServeReply }> = [];
  readonly sampler: RssSampler;
  private readonly pending = new Map<number, (r: ServeReply) => void>();
  private readonly eventWaiters: Array<{ test: (m: ServeReply) => boolean; resolve: (m: ServeReply | null) => void }> = [];
  private nextId = 1;
  private readonly err = tailKeeper(4000);
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams, echo: string) {
    this.sampler = new RssSampler(child.pid!, 200);
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.stderr.on('data', (d: Buffer) => {
      this.err.push(d);
      for (const l of d.toString().split('\n')) if (l.trim()) process.stderr.write(`  ${echo}| ${l}\n`);
    });
    child.on('close', (code, signal) => {
      this.exited = `exited with ${signal ?? code}`;
      for (const resolve of this.pending.values()) resolve({ error: this.exited });
      this.pending.clear();
      // Nobody will send the awaited event now: release the waiters instead of letting them time out.
      for (const w of this.eventWaiters.splice(0)) w.resolve(null);
    });
  }

  static start(cli: CliCommandLine, args: string[], echo = 'serve'): ServeSession {
    const child = spawn(cli.cmd, argvFor(cli, ['serve', ...args]), { cwd: cli.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    return new ServeSession(child, echo);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderrTail(): string {
    return this.err.value;
  }

  private onLine(line: string): void {
    const t = line.trim();
    if (!t.startsWith('{')) return;
    let msg: ServeReply;
    try {
      msg = JSON.parse(t) as ServeReply;
    } catch {
      return; // Not ours to interpret; stdout should only carry JSON lines.
    }
    if (typeof msg.id === 'number' && this.pending.has(msg.id)) {
      const resolve = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      resolve(msg);
      return;
    }
    this.events.push({ at: performance.now(), msg });
    for (let i = this.eventWaiters.length - 1; i >= 0; i--) {
      if (this.eventWaiters[i].test(msg)) {
        this.eventWaiters[i].resolve(msg);
        this.eventWaiters.splice(i, 1);
      }
    }
  }

  /** Sends one search and resolves with the reply and the round trip seen by the client. */
  search(query: string, k: number, mode: string): Promise<{ reply: ServeReply; rttMs: number }> {
    if (this.exited) return Promise.resolve({ reply: { error: this.exited }, rttMs: 0 });
    const id = this.nextId++;
    const started = performance.now();
    return new Promise((resolve) => {
      this.pending.set(id, (reply) => resolve({ reply, rttMs: performance.now() - started }));
      this.child.stdin.write(JSON.stringify({ id, query, k, mode }) + '\n');
    });
  }

  /** Resolves with the first event (already seen since `since`, or future) that passes `test`, or null on timeout. */
  waitForEvent(test: (m: ServeReply) => boolean, timeoutMs: number, since = 0): Promise<ServeReply | null> {
    const seen = this.events.find((e) => e.at >= since && test(e.msg));
    if (seen) return Promise.resolve(seen.msg);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = { test, resolve: (m: ServeReply | null) => { clearTimeout(timer); resolve(m); } };
      const timer = setTimeout(() => {
        const i = this.eventWaiters.indexOf(waiter);
        if (i >= 0) this.eventWaiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      this.eventWaiters.push(waiter);
    });
  }

  /** Closes stdin (the polite stop), then kills the process if it lingers. */
  async stop(): Promise<void> {
    this.sampler.stop();
    if (this.exited) return;
    this.child.stdin.end();
    const closed = new Promise<void>((r) => this.child.once('close', () => r()));
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5000);
    const hard = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await closed;
    clearTimeout(timer);
    clearTimeout(hard);
  }
}

/**
 * Facts about the machine and the run that every figure depends on: cores, load
 * (the bench machine is shared, so load is recorded next to each timed stage), memory,
 * versions and the commit under test. Also the small filesystem helpers the sections share.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, lstatSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** The 1/5/15-minute load averages at one moment, with the time. */
export interface LoadSnapshot {
  at: string;
  load1: number;
  load5: number;
  load15: number;
}

/** Describes the machine once per run. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memGiB: number;
  freeMemGiB: number;
  node: string;
  platform: string;
  commit: string;
  dirty: boolean;
  ripgrep: string | null;
  /**
   * How fast this process could touch memory it had never used, in MB/s. Virtual
   * machines that hand memory to the guest lazily make every first touch of a page a
   * trip to the host; on such a machine (seen here: about 170 MB/s against several
   * GB/s elsewhere) everything that allocates runs slower, so timings from different
   * machines are only comparable next to this figure.
   */
  freshMemoryMBps: number;
}

/** Progress goes to stderr so stdout carries only the results table. */
export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function loadSnapshot(): LoadSnapshot {
  const [load1, load5, load15] = loadavg();
  return { at: new Date().toISOString(), load1: round2(load1), load5: round2(load5), load15: round2(load15) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Runs a command and returns its trimmed stdout, or null when it is missing or fails. */
export function tryExec(cmd: string, args: string[], cwd?: string): string | null {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // Absent tool or not a git checkout: the report says "unknown" instead.
  }
}

export function machineInfo(repo: string): MachineInfo {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memGiB: round2(totalmem() / 2 ** 30),
    freeMemGiB: round2(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: tryExec('git', ['rev-parse', '--short', 'HEAD'], repo) ?? 'unknown',
    // Only engine sources matter for "what was measured"; other people's edits elsewhere do not.
    dirty: (tryExec('git', ['status', '--porcelain', '--', 'server', 'protocol'], repo) ?? '') !== '',
    ripgrep: tryExec('rg', ['--version'])?.split('\n')[0] ?? null,
    freshMemoryMBps: freshMemoryRate(),
  };
}

/** MB/s for filling 256 MB of new memory, best of two tries (see `freshMemoryMBps`). */
function freshMemoryRate(): number {
  let best = 0;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const buf = Buffer.alloc(256 * 2 ** 20, 1);
    const ms = performance.now() - t0;
    best = Math.max(best, (buf.length / 1e6) / (ms / 1000));
  }
  return Math.round(best);
}

/** Bytes of every regular file under a directory (symlinks not followed), like `du -b`. */
export function dirBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0; // Missing index directory: nothing on disk.
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) total += dirBytes(p);
    else if (st.isFile()) total += st.size;
  }
  return total;
}

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
  };
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

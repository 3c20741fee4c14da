/**
 * One writer per index. The writer holds `<indexDir>/lock`, a file created exclusively
 * that names its process. A lock whose process is gone (crashed, killed) is reclaimed,
 * so a crash never leaves an index stuck; a live owner makes every other process a reader.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held writer lock. */
export class WriterLock {
  private released = false;
  private constructor(readonly file: string) {}

  /**
   * Takes the lock if it is free or its owner is dead; returns null when a live
   * process holds it (the caller then opens the index read-only).
   */
  static tryAcquire(indexDir: string): WriterLock | null {
    const file = path.join(indexDir, 'lock');
    const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
        return new WriterLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(file);
      // A lock of our own pid belongs to another engine in this process: still one writer.
      if (owner && isAlive(owner)) return null;
      // An empty or half-written lock is being created by another process right now
      // (exclusive create, then write): it is theirs unless it has been that way too long.
      if (!owner && ageMs(file) < UNREADABLE_LOCK_GRACE_MS) return null;
      // The owner is gone. Rename the stale lock away atomically: of two processes
      // reclaiming at once, only one rename succeeds, then both retry the exclusive create.
      try {
        fs.renameSync(file, `${file}.stale.${process.pid}`);
        fs.rmSync(`${file}.stale.${process.pid}`, { force: true });
      } catch {
        /* another process reclaimed it first; retry */
      }
    }
    return null;
  }

  /** The process holding the lock on `indexDir`, if any live one does. */
  static owner(indexDir: string): number | null {
    const owner = readOwner(path.join(indexDir, 'lock'));
    return owner && isAlive(owner) ? owner.pid : null;
  }

  /** Releases the lock (idempotent); only removes it if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const owner = readOwner(this.file);
    if (owner && owner.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

/** How long a lock file may stay unreadable before it is considered abandoned. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function readOwner(file: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null; // missing or half-written: treated as free
  }
}

function isAlive(info: LockInfo): boolean {
  // A lock written on another host (shared folder) cannot be checked; respect it.
  if (info.host !== os.hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

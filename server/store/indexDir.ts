/**
 * Where an index lives and what version it is. One directory per workspace; a
 * `meta.json` records the schema version, and an index of another version (or one
 * whose metadata cannot be read) is moved aside into `quarantine/` and rebuilt rather
 * than crashed on or silently misread.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import type { Logger } from '../engine/logger';

/** Bump when anything persisted changes shape; older indexes are rebuilt. */
export const SCHEMA_VERSION = 1;

/** What `meta.json` holds. */
export interface IndexMeta {
  schemaVersion: number;
  roots: string[];
  createdAt: string;
}

/** The user's cache folder (XDG on Linux, the platform's convention elsewhere). */
export function userCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  return path.join(os.homedir(), '.cache');
}

/** The default index folder for a set of roots: `<cache>/conexus/<name>-<hash>`. */
export function defaultIndexDir(rootAbsPaths: string[]): string {
  const sorted = [...rootAbsPaths].sort();
  const hash = createHash('sha1').update(sorted.join('\0')).digest('hex').slice(0, 12);
  const name = path.basename(sorted[0] ?? 'workspace').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'workspace';
  return path.join(userCacheDir(), 'conexus', `${name}-${hash}`);
}

/**
 * Makes sure `dir` exists and holds an index of this schema version. Returns whether
 * the index is new (empty) and, if an old one was moved aside, where it went.
 */
export function prepareIndexDir(dir: string, roots: string[], logger: Logger, readOnly = false): { fresh: boolean; quarantined?: string } {
  ensureIndexFolder(dir);
  const metaPath = path.join(dir, 'meta.json');
  let meta: IndexMeta | null = null;
  let problem: string | null = null;
  if (fs.existsSync(metaPath)) {
    try {
      meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as IndexMeta;
      if (meta.schemaVersion !== SCHEMA_VERSION) problem = `schema version ${meta.schemaVersion} (this build uses ${SCHEMA_VERSION})`;
    } catch (err) {
      problem = `unreadable meta.json (${(err as Error).message})`;
    }
  } else if (fs.readdirSync(dir).some((n) => n !== 'lock' && n !== 'quarantine' && !n.startsWith('.'))) {
    problem = 'files without meta.json';
  }
  if (readOnly) return { fresh: !meta || problem !== null };
  let quarantined: string | undefined;
  if (problem) {
    quarantined = quarantine(dir, problem, logger);
    meta = null;
  }
  if (!meta) {
    writeFileAtomic(metaPath, JSON.stringify({ schemaVersion: SCHEMA_VERSION, roots, createdAt: new Date().toISOString() } satisfies IndexMeta, null, 2));
    return { fresh: true, quarantined };
  }
  return { fresh: false };
}

/** Creates the index folder, or says clearly why it cannot be used. */
export function ensureIndexFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK);
  } catch (err) {
    throw new ConexusError(ErrorCode.IndexUnavailable,
      `cannot use the index folder ${dir} (${(err as NodeJS.ErrnoException).code ?? err}); choose another with --index-dir`, { cause: err });
  }
}

/**
 * Moves everything in the index folder except the lock (or only the entries `only`
 * accepts) into `quarantine/<time>/` so a broken index can be inspected later but never
 * blocks a rebuild. Older quarantines
 * beyond the newest two are deleted to bound disk use.
 */
export function quarantine(dir: string, reason: string, logger: Logger, only?: (name: string) => boolean): string {
  const qRoot = path.join(dir, 'quarantine');
  const target = path.join(qRoot, new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(dir)) {
    if (name === 'lock' || name === 'quarantine' || name === 'mcp.sock') continue;
    if (only && !only(name)) continue;
    try {
      fs.renameSync(path.join(dir, name), path.join(target, name));
    } catch (err) {
      logger.warn(`could not move ${name} into quarantine: ${(err as Error).message}`);
    }
  }
  const old = fs.readdirSync(qRoot).sort();
  for (const name of old.slice(0, Math.max(0, old.length - 2))) fs.rmSync(path.join(qRoot, name), { recursive: true, force: true });
  logger.warn(`index at ${dir} had ${reason}; moved it to ${target} and rebuilding from scratch`);
  return target;
}

/** Writes a file so that readers see the old or the new content, never a mix. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Total bytes of the files under a folder (for status). */
export function folderBytes(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'quarantine') stack.push(p);
      } else if (e.isFile()) {
        try { total += fs.statSync(p).size; } catch { /* vanished while counting: ignore */ }
      }
    }
  }
  return total;
}

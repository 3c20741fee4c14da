/**
 * The workspace walk: every file of every root that the ignore rules let through, with
 * its size and mtime, plus a record for each file left out for a reason a person may
 * want to know (too large, secret, unreadable, a bad symlink...).
 *
 * Folders are listed concurrently with a bound on open filesystem operations, so a
 * walk keeps the libuv pool busy without opening thousands of handles at once. No
 * per-file problem ever throws: it becomes a skip record and the walk goes on.
 *
 * Symlinks: only real folders are descended into. A link whose target lies inside the
 * same root adds nothing, because the walk reaches that target under its real path and
 * indexing it twice would duplicate every hit; a link to one of its own ancestors is a
 * `symlink-loop`, a link leaving the root is `symlink-outside-root`, a dangling link is
 * `vanished`, and a link to a secret is `secret`.
 */
import { promises as fsp, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import type { Settings } from '../../protocol/settings';
import type { SkipReason } from '../../protocol/status';
import type { Logger } from '../engine/logger';
import { reasonFor } from './content';
import { IgnoreRules } from './ignoreRules';
import { toDisplayPath } from './roots';
import type { Root, SkipRecord, WalkedFile } from './types';

/** The filesystem calls the walk makes; tests inject failures through this. */
export interface WalkFs {
  readdir(absDir: string): Promise<Dirent[]>;
  stat(absPath: string): Promise<Stats>;
  lstat(absPath: string): Promise<Stats>;
  realpath(absPath: string): Promise<string>;
}

/** The real filesystem. */
export const nodeWalkFs: WalkFs = {
  readdir: (d) => fsp.readdir(d, { withFileTypes: true }),
  stat: (p) => fsp.stat(p),
  lstat: (p) => fsp.lstat(p),
  realpath: (p) => fsp.realpath(p),
};

/** Options of a walk. */
export interface WalkOptions {
  settings: Settings;
  logger: Logger;
  signal?: AbortSignal;
  /** The rules per root; pass the watcher's so both share one cache. Default: fresh rules per root. */
  rules?: (root: Root) => IgnoreRules;
  /** Filesystem access (tests). */
  fs?: WalkFs;
  /** Filesystem operations in flight at once (default 32). */
  concurrency?: number;
  /** Called for each file as it is found, before the sorted result exists (to start work early). */
  onFile?: (f: WalkedFile) => void;
}

/** What a walk found. Both lists are sorted by display path. */
export interface WalkResult {
  files: WalkedFile[];
  skipped: SkipRecord[];
}

/**
 * Walks every root and returns the files to index and the skip records, sorted by path.
 * Throws only `ConexusError(Cancelled)` when `signal` aborts.
 */
export async function walk(roots: Root[], opts: WalkOptions): Promise<WalkResult> {
  const started = Date.now();
  const state: WalkState = {
    roots,
    opts,
    fs: opts.fs ?? nodeWalkFs,
    limit: createLimiter(opts.concurrency ?? 32),
    rootPaths: new Set(roots.map((r) => r.absPath)),
    files: [],
    skipped: [],
    unreadable: 0,
  };
  for (const root of roots) {
    const rules = opts.rules?.(root) ?? new IgnoreRules(root, opts.settings);
    await visitDir(state, root, rules, root.absPath, '');
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  state.files.sort(byPath);
  state.skipped.sort(byPath);
  if (state.unreadable > 0) {
    // Debug only: the index pass adds the files that fail at read time and warns once for all.
    const example = state.skipped.find((s) => s.reason === 'unreadable')?.path;
    opts.logger.debug(
      `${state.unreadable} file(s) or folder(s) could not be read (permission denied), e.g. ${example}; ` +
        'they are left out of the index. Grant read access or exclude them in .conexusignore.',
    );
  }
  opts.logger.info(`Walk: ${state.files.length} files, ${state.skipped.length} skipped, in ${Date.now() - started} ms.`);
  return { files: state.files, skipped: state.skipped };
}

interface WalkState {
  roots: Root[];
  opts: WalkOptions;
  fs: WalkFs;
  limit: Limiter;
  /** Other roots nested inside a root are walked as themselves, not twice. */
  rootPaths: Set<string>;
  files: WalkedFile[];
  skipped: SkipRecord[];
  unreadable: number;
}

function skip(state: WalkState, root: Root, rel: string, reason: SkipReason): void {
  if (reason === 'unreadable') state.unreadable++;
  state.skipped.push({ path: toDisplayPath(state.roots, root, rel), reason });
  state.opts.logger.trace(`Skipped ${rel} (${reason}).`);
}

async function visitDir(state: WalkState, root: Root, rules: IgnoreRules, absDir: string, rel: string): Promise<void> {
  if (state.opts.signal?.aborted) throw new ConexusError(ErrorCode.Cancelled, 'The workspace scan was cancelled.');
  let entries: Dirent[];
  try {
    entries = await state.limit(() => state.fs.readdir(absDir));
  } catch (err) {
    if (rel !== '') skip(state, root, rel, reasonFor(err));
    else state.opts.logger.warn(`Workspace folder ${absDir} cannot be listed (${reasonFor(err)}); check that it exists and is readable.`);
    return;
  }
  rules.noteFolder(absDir, entries.map((e) => e.name));
  const tasks: Promise<void>[] = [];
  for (const entry of entries) {
    const abs = path.join(absDir, entry.name);
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    tasks.push(visitEntry(state, root, rules, entry, abs, childRel));
  }
  await Promise.all(tasks);
}

async function visitEntry(
  state: WalkState, root: Root, rules: IgnoreRules, entry: Dirent, abs: string, rel: string,
): Promise<void> {
  let kind: 'dir' | 'file' | 'link' | 'other' = entry.isDirectory() ? 'dir'
    : entry.isFile() ? 'file'
    : entry.isSymbolicLink() ? 'link'
    : 'other';
  if (kind === 'other' && !(entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice())) {
    // Some filesystems do not report entry types; ask once.
    try {
      const st = await state.limit(() => state.fs.lstat(abs));
      kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other';
    } catch (err) {
      skip(state, root, rel, reasonFor(err));
      return;
    }
  }
  if (kind === 'dir') {
    if (state.rootPaths.has(abs) || rules.isExcludedRel(rel, true)) return;
    await visitDir(state, root, rules, abs, rel);
  } else if (kind === 'file') {
    await visitFile(state, root, rules, abs, rel);
  } else if (kind === 'link') {
    await visitLink(state, root, rules, abs, rel);
  }
}

async function visitFile(state: WalkState, root: Root, rules: IgnoreRules, abs: string, rel: string): Promise<void> {
  const excluded = rules.isExcludedRel(rel, false);
  if (excluded === 'ignored') return;
  if (excluded === 'secret') return skip(state, root, rel, 'secret');
  let st: Stats;
  try {
    st = await state.limit(() => state.fs.stat(abs));
  } catch (err) {
    return skip(state, root, rel, reasonFor(err));
  }
  if (!st.isFile()) return; // Replaced by a folder or a device since it was listed.
  if (st.size > state.opts.settings.maxFileBytes) return skip(state, root, rel, 'too-large');
  const file: WalkedFile = { root, absPath: abs, path: toDisplayPath(state.roots, root, rel), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  state.files.push(file);
  state.opts.onFile?.(file);
}

async function visitLink(state: WalkState, root: Root, rules: IgnoreRules, abs: string, rel: string): Promise<void> {
  let real: string;
  let target: Stats;
  try {
    real = await state.limit(() => state.fs.realpath(abs));
    target = await state.limit(() => state.fs.stat(real));
  } catch (err) {
    // A link whose target is gone is reported like a file deleted during the walk.
    if (rules.isExcluded(abs, false) !== 'ignored') skip(state, root, rel, reasonFor(err));
    return;
  }
  const isDir = target.isDirectory();
  const excluded = rules.isExcluded(abs, isDir);
  if (excluded === 'ignored') return;
  if (excluded === 'secret') return skip(state, root, rel, 'secret');
  if (!isInside(root.absPath, real)) return skip(state, root, rel, 'symlink-outside-root');
  if (isDir && isInside(real, path.dirname(abs))) return skip(state, root, rel, 'symlink-loop');
  // Inside the root: the target is walked under its own path (or excluded there). Only
  // a secret is worth reporting, since the link is a second name for it.
  if (!isDir && rules.isExcluded(real, false) === 'secret') skip(state, root, rel, 'secret');
}

/** True when `child` is `parent` or lies below it. */
function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs at most `max` operations at once; the rest wait in order. */
function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    // A finishing operation hands its slot straight to the next waiter, so the count
    // never overshoots while the waiter's continuation is still queued.
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

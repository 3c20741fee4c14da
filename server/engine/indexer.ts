/**
 * One index pass: compare the files on disk with the catalog, read and re-chunk only
 * what changed, and update the catalog and the text index in place. Unchanged files
 * (same size and mtime) are not read; files whose bytes are unchanged (same hash) are
 * not re-chunked. Vectors are the embedding stage's job (see `embedding.ts`).
 */
import * as fs from 'node:fs';
import type { IndexProgress } from '../../protocol/status';
import type { Settings } from '../../protocol/settings';
import type { ChunkStore, ChunkRecord } from '../store/chunkStore';
import type { TextIndex, TextDoc } from '../text/textIndex';
import { runsEnd } from '../text/termCodes';
import type { IgnoreRules } from '../walk/ignoreRules';
import { locateInRoots, toDisplayPath } from '../walk/roots';
import type { Root, SkipRecord, WalkedFile } from '../walk/types';
import { walk } from '../walk/walker';
import { processFile, type FileJobResult } from './fileJob';
import type { IndexPool } from './indexPool';
import { JobWindow } from './jobWindow';
import type { Logger } from './logger';

/** What a pass needs from the engine. */
export interface PassContext {
  roots: Root[];
  rules: (root: Root) => IgnoreRules;
  settings: Settings;
  store: ChunkStore;
  text: TextIndex;
  /** Where files are read and chunked. */
  pool: Pick<IndexPool, 'run' | 'width'>;
  logger: Logger;
  signal?: AbortSignal;
  /** Called now and then with progress. */
  progress(p: IndexProgress): void;
  /** Loads chunks and the text index if they are not in memory yet (before any change). */
  loadAll(): void;
  /** Returns true when the pass should stop at the next file (pause). */
  shouldStop(): boolean;
}

/** A skip record that remembers the file's size and mtime when it was skipped. */
type SkipMemo = SkipRecord & { size?: number; mtimeMs?: number };

/** What a pass did. */
export interface PassResult {
  changedFiles: number;
  removedFiles: number;
  /** True when catalog metadata (mtimes, skip records) changed without content changes. */
  catalogChanged: boolean;
  /** Paths whose processing was cut short by a pause; they must be indexed later. */
  leftover: string[];
  timings: { walk: number; read: number; parse: number; write: number };
}

/** Passes with at most this many files to read run in-process. */
const SMALL_PASS = 16;
/** Bytes of files being read ahead of the one applied (see the pass loop). */
const READ_AHEAD_BYTES = 16 * 1024 * 1024;
/**
 * Jobs a full walk may start before its sorted list exists, in windows: a cold walk of
 * 10,000 files takes most of a second, in which two parsers get through about 600 files.
 */
const EARLY_WINDOWS = 4;

/**
 * Brings the catalog up to date. With `paths` (absolute), only those are looked at
 * (watcher batches); without, the whole workspace is walked and anything the walk no
 * longer finds is removed.
 */
export async function runIndexPass(ctx: PassContext, paths?: string[]): Promise<PassResult> {
  const t0 = performance.now();
  // A file skipped for its content (binary, minified…) is not read again until its
  // size or mtime changes: a repository full of images must not be re-read every pass.
  const skippedBefore = new Map(ctx.store.skipped.map((s) => [s.path, s as SkipMemo]));
  const carriedSkip = (f: WalkedFile): SkipMemo | null => {
    const memo = skippedBefore.get(f.path);
    return memo && !ctx.store.file(f.path) && memo.size === f.size && memo.mtimeMs === f.mtimeMs ? memo : null;
  };
  const needsWork = (f: WalkedFile): boolean => {
    const known = ctx.store.file(f.path);
    // ctime too: a rename over a file, or a restore with the old mtime, keeps size and mtime.
    if (known) return known.size !== f.size || known.mtimeMs !== f.mtimeMs || (f.ctimeMs !== undefined && known.ctimeMs !== f.ctimeMs);
    return carriedSkip(f) === null;
  };

  // Jobs (reading, chunking, tokenizing: see fileJob.ts) run on other threads while this
  // one applies their results in order (see jobWindow.ts). A handful of files (a watcher
  // batch) is faster in-process than waking workers.
  let runner: Pick<IndexPool, 'run' | 'width'> = ctx.pool;
  const jobFor = (f: WalkedFile) => runner.run({ absPath: f.absPath, path: f.path, maxBytes: ctx.settings.maxFileBytes, knownHash: ctx.store.file(f.path)?.hash ?? null });
  const windowFor = (width: number) => {
    const maxJobs = Math.max(8, width * 64);
    return new JobWindow(jobFor, maxJobs, READ_AHEAD_BYTES, maxJobs * EARLY_WINDOWS);
  };
  let window = windowFor(runner.width);
  // A full walk starts jobs as it finds files, once there are more than a small pass's worth.
  let found = 0;
  const early = paths ? undefined : (f: WalkedFile) => {
    if (!needsWork(f)) return;
    if (++found > SMALL_PASS) window.offer(f);
  };
  let listed: Awaited<ReturnType<typeof walkAll>>;
  try {
    listed = paths ? await statPaths(ctx, paths) : await walkAll(ctx, early);
  } catch (err) {
    await window.settle(); // a cancelled walk may have started jobs already
    throw err;
  }
  const { files, skipped, gone } = listed;
  const tWalk = performance.now() - t0;

  const carriedSkips: SkipRecord[] = [];
  for (const f of files) {
    const memo = carriedSkip(f);
    if (memo) carriedSkips.push(memo);
  }
  const todo = files.filter(needsWork);
  if (todo.length <= SMALL_PASS) {
    runner = { run: processFile, width: 1 };
    window = windowFor(1);
  }
  if (gone.length > 0 || todo.length > 0) ctx.loadAll();
  let removedFiles = 0;
  for (const p of gone) if (removeFile(ctx, p)) removedFiles++;
  let touched = 0;
  const readSkips: SkipRecord[] = [];
  const timings = { walk: tWalk, read: 0, parse: 0, write: 0 };
  let changedFiles = 0;
  const passStart = performance.now();
  const report = (done: number) => {
    const secs = (performance.now() - passStart) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    ctx.progress({ phase: 'chunking', filesDone: done, filesTotal: todo.length, rate, etaSeconds: rate > 0 ? (todo.length - done) / rate : null });
  };
  report(0);

  window.fill(todo, 0);

  let i = 0;
  let lastReport = 0;
  for (; i < todo.length; i++) {
    if (ctx.signal?.aborted || ctx.shouldStop()) break;
    const f = todo[i];
    let r: FileJobResult;
    try {
      r = await window.take(f);
    } catch (err) {
      // A worker crash loses this file for this pass only; it is retried on the next.
      ctx.logger.error(`processing ${f.path} failed`, err);
      r = { kind: 'skipped', reason: 'unreadable' };
    }
    window.fill(todo, i + 1);
    if (r.kind === 'skipped') {
      readSkips.push({ path: f.path, reason: r.reason, size: f.size, mtimeMs: f.mtimeMs } as SkipMemo);
      if (removeFile(ctx, f.path)) removedFiles++;
      continue;
    }
    if (r.kind === 'unchanged') {
      ctx.store.touchFile(f.path, r.size, r.mtimeMs, f.ctimeMs);
      touched++;
      continue;
    }
    timings.read += r.readMs;
    timings.parse += r.parseMs;
    const tw = performance.now();
    const records: Array<Omit<ChunkRecord, 'id'>> = r.chunks.map((c) => ({
      path: f.path, language: r.language, startLine: c.startLine, endLine: c.endLine, startByte: c.startByte, endByte: c.endByte, symbol: c.symbol, kind: c.kind,
      container: c.container, hash: c.hash,
    }));
    const { removed, added } = ctx.store.replaceFile(
      { path: f.path, absPath: f.absPath, language: r.language, size: r.size, mtimeMs: r.mtimeMs, ctimeMs: f.ctimeMs, hash: r.hash, lines: r.lines }, records);
    for (const id of removed) ctx.text.remove(id);
    if (r.codes?.table) {
      const { table, data } = r.codes;
      let at = runsEnd(data, 0);
      for (const c of added) at = ctx.text.addCoded(c.id, table, data, at, 0);
    } else {
      ctx.text.addAll(added.map((c, k) => ({ ...toTextDoc(c, ''), terms: r.chunks[k].terms, symbolTerms: r.chunks[k].symbolTerms, pathTerms: r.pathTerms })));
    }
    timings.write += performance.now() - tw;
    changedFiles++;
    if (i - lastReport >= 100) {
      lastReport = i;
      report(i + 1);
    }
  }
  // Settle jobs started for files we did not get to, so no promise is left dangling.
  await window.settle();
  report(i);

  logReadProblems(ctx.logger, [...skipped, ...readSkips]);
  const leftover = todo.slice(i).map((f) => f.absPath);
  const skipsBefore = JSON.stringify(ctx.store.skipped);
  mergeSkips(ctx.store, [...skipped, ...carriedSkips, ...readSkips], paths ? new Set([...files.map((f) => f.path), ...gone, ...skipped.map((s) => s.path)]) : null);
  const catalogChanged = touched > 0 || JSON.stringify(ctx.store.skipped) !== skipsBefore;
  return { changedFiles, removedFiles, leftover, timings, catalogChanged };
}

/** The text-index document of a chunk: its text, its symbol and container, its path. */
export function toTextDoc(c: ChunkRecord, text: string): TextDoc {
  return { id: c.id, text, symbol: [c.symbol, c.container].filter(Boolean).join(' '), path: c.path };
}

function removeFile(ctx: PassContext, path: string): boolean {
  const removed = ctx.store.removeFile(path);
  for (const id of removed) ctx.text.remove(id);
  return removed.length > 0 || false;
}

async function walkAll(ctx: PassContext, onFile?: (f: WalkedFile) => void): Promise<{ files: WalkedFile[]; skipped: SkipRecord[]; gone: string[] }> {
  const { files, skipped } = await walk(ctx.roots, { settings: ctx.settings, logger: ctx.logger, signal: ctx.signal, rules: ctx.rules, onFile });
  const present = new Set(files.map((f) => f.path));
  const gone = [...ctx.store.allFiles()].map((f) => f.path).filter((p) => !present.has(p));
  return { files, skipped, gone };
}

/** Looks at single paths (from the watcher) with the same rules the walk applies. */
async function statPaths(ctx: PassContext, absPaths: string[]): Promise<{ files: WalkedFile[]; skipped: SkipRecord[]; gone: string[] }> {
  const files: WalkedFile[] = [];
  const skipped: SkipRecord[] = [];
  const gone: string[] = [];
  for (const abs of new Set(absPaths)) {
    const loc = locateInRoots(ctx.roots, abs);
    if (!loc) continue;
    const display = toDisplayPath(ctx.roots, loc.root, loc.relPosix);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch {
      gone.push(display);
      continue;
    }
    if (st.isDirectory()) continue;
    const excluded = ctx.rules(loc.root).isExcluded(abs, false);
    if (excluded) {
      gone.push(display);
      if (excluded === 'secret') skipped.push({ path: display, reason: 'secret' });
      continue;
    }
    if (st.size > ctx.settings.maxFileBytes) {
      gone.push(display);
      skipped.push({ path: display, reason: 'too-large' });
      continue;
    }
    files.push({ root: loc.root, absPath: abs, path: display, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
  }
  return { files, skipped, gone };
}

/**
 * One line per pass for files that could not be read or vanished before their read,
 * with a few examples: enough to act on, never a line per file.
 */
function logReadProblems(logger: Logger, skips: SkipRecord[]): void {
  for (const reason of ['unreadable', 'vanished'] as const) {
    const paths = skips.filter((s) => s.reason === reason).map((s) => s.path);
    if (paths.length === 0) continue;
    const examples = paths.slice(0, 3).join(', ') + (paths.length > 3 ? ', …' : '');
    if (reason === 'unreadable') {
      logger.warn(`${paths.length} file(s) or folder(s) could not be read (permission denied): ${examples}; they are left out of the index. Grant read access or exclude them in .conexusignore.`);
    }
    else logger.info(`${paths.length} file(s) vanished before they could be read: ${examples}`);
  }
}

/** Replaces skip records: all of them after a full walk, only those of `touched` paths otherwise. */
function mergeSkips(store: ChunkStore, fresh: SkipRecord[], touched: Set<string> | null): void {
  const kept = touched ? store.skipped.filter((s) => !touched.has(s.path)) : [];
  const byPath = new Map<string, SkipRecord>();
  for (const s of [...kept, ...fresh]) byPath.set(s.path, s);
  store.skipped = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

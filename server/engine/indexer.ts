/**
 * One index pass: compare the files on disk with the catalog, read and re-chunk only
 * what changed, and update the catalog and the text index in place. Unchanged files
 * (same size and mtime) are not read; files whose bytes are unchanged (same hash) are
 * not re-chunked. Vectors are the embedding stage's job (see `embedding.ts`).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { IndexProgress } from '../../protocol/status';
import type { Settings } from '../../protocol/settings';
import { chunkFile } from '../chunk/chunker';
import { detectLanguage } from '../chunk/languages';
import type { ChunkStore, ChunkRecord } from '../store/chunkStore';
import type { TextIndex, TextDoc } from '../text/textIndex';
import { readFileForIndex } from '../walk/content';
import type { IgnoreRules } from '../walk/ignoreRules';
import { locateInRoots, toDisplayPath } from '../walk/roots';
import type { Root, SkipRecord, WalkedFile } from '../walk/types';
import { walk } from '../walk/walker';
import type { Logger } from './logger';

/** What a pass needs from the engine. */
export interface PassContext {
  roots: Root[];
  rules: (root: Root) => IgnoreRules;
  settings: Settings;
  store: ChunkStore;
  text: TextIndex;
  logger: Logger;
  signal?: AbortSignal;
  /** Called now and then with progress. */
  progress(p: IndexProgress): void;
  /** Returns true when the pass should stop at the next file (pause). */
  shouldStop(): boolean;
}

/** What a pass did. */
export interface PassResult {
  changedFiles: number;
  removedFiles: number;
  /** Paths whose processing was cut short by a pause; they must be indexed later. */
  leftover: string[];
  timings: { walk: number; read: number; parse: number; write: number };
}

/** Read concurrency: enough to hide disk latency, small enough to bound memory. */
const READ_AHEAD = 16;

/**
 * Brings the catalog up to date. With `paths` (absolute), only those are looked at
 * (watcher batches); without, the whole workspace is walked and anything the walk no
 * longer finds is removed.
 */
export async function runIndexPass(ctx: PassContext, paths?: string[]): Promise<PassResult> {
  const t0 = performance.now();
  const { files, skipped, gone } = paths ? await statPaths(ctx, paths) : await walkAll(ctx);
  const tWalk = performance.now() - t0;

  let removedFiles = 0;
  for (const p of gone) if (removeFile(ctx, p)) removedFiles++;

  const todo = files.filter((f) => {
    const known = ctx.store.file(f.path);
    return !known || known.size !== f.size || known.mtimeMs !== f.mtimeMs;
  });
  const readSkips: SkipRecord[] = [];
  const timings = { walk: tWalk, read: 0, parse: 0, write: 0 };
  let changedFiles = 0;
  const started = performance.now();
  const report = (done: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    ctx.progress({ phase: 'chunking', filesDone: done, filesTotal: todo.length, rate, etaSeconds: rate > 0 ? (todo.length - done) / rate : null });
  };
  report(0);

  // Reads run ahead of chunking so disk waits overlap with parsing.
  const reads = new Map<number, ReturnType<typeof readFileForIndex>>();
  const startRead = (i: number) => {
    if (i < todo.length && !reads.has(i)) reads.set(i, readFileForIndex(todo[i].absPath, ctx.settings.maxFileBytes));
  };
  for (let i = 0; i < Math.min(READ_AHEAD, todo.length); i++) startRead(i);

  let i = 0;
  for (; i < todo.length; i++) {
    if (ctx.signal?.aborted || ctx.shouldStop()) break;
    const f = todo[i];
    const tr = performance.now();
    const r = await reads.get(i)!;
    reads.delete(i);
    startRead(i + READ_AHEAD);
    timings.read += performance.now() - tr;
    if (!r.ok) {
      readSkips.push({ path: f.path, reason: r.reason });
      if (removeFile(ctx, f.path)) removedFiles++;
      continue;
    }
    const known = ctx.store.file(f.path);
    if (known && known.hash === r.hash) {
      ctx.store.touchFile(f.path, r.size, r.mtimeMs);
      continue;
    }
    const language = detectLanguage(f.path);
    const tp = performance.now();
    const chunks = await chunkFile({ path: f.path, text: r.text, language });
    timings.parse += performance.now() - tp;
    const tw = performance.now();
    const records: Array<Omit<ChunkRecord, 'id'>> = chunks.map((c) => ({
      path: f.path, language, startLine: c.startLine, endLine: c.endLine, symbol: c.symbol, kind: c.kind,
      container: c.container, text: c.text, hash: chunkHash(c.text), calls: c.calls,
    }));
    const lines = r.text.length === 0 ? 0 : r.text.split('\n').length;
    const { removed, added } = ctx.store.replaceFile(
      { path: f.path, absPath: f.absPath, language, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, lines }, records);
    for (const id of removed) ctx.text.remove(id);
    ctx.text.addAll(added.map(toTextDoc));
    timings.write += performance.now() - tw;
    changedFiles++;
    if (changedFiles % 200 === 0) report(i + 1);
  }
  // Drain reads started for files we did not get to, so no promise is left dangling.
  for (const p of reads.values()) await p.catch(() => undefined);
  report(i);

  const leftover = todo.slice(i).map((f) => f.absPath);
  mergeSkips(ctx.store, [...skipped, ...readSkips], paths ? new Set([...files.map((f) => f.path), ...gone, ...skipped.map((s) => s.path)]) : null);
  return { changedFiles, removedFiles, leftover, timings };
}

/** The text-index document of a chunk: its text, its symbol and container, its path. */
export function toTextDoc(c: ChunkRecord): TextDoc {
  return { id: c.id, text: c.text, symbol: [c.symbol, c.container].filter(Boolean).join(' '), path: c.path };
}

/** Content hash of a chunk's text: the key for vector reuse. */
export function chunkHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function removeFile(ctx: PassContext, path: string): boolean {
  const removed = ctx.store.removeFile(path);
  for (const id of removed) ctx.text.remove(id);
  return removed.length > 0 || false;
}

async function walkAll(ctx: PassContext): Promise<{ files: WalkedFile[]; skipped: SkipRecord[]; gone: string[] }> {
  const { files, skipped } = await walk(ctx.roots, { settings: ctx.settings, logger: ctx.logger, signal: ctx.signal, rules: ctx.rules });
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
    files.push({ root: loc.root, absPath: abs, path: display, size: st.size, mtimeMs: st.mtimeMs });
  }
  return { files, skipped, gone };
}

/** Replaces skip records: all of them after a full walk, only those of `touched` paths otherwise. */
function mergeSkips(store: ChunkStore, fresh: SkipRecord[], touched: Set<string> | null): void {
  const kept = touched ? store.skipped.filter((s) => !touched.has(s.path)) : [];
  const byPath = new Map<string, SkipRecord>();
  for (const s of [...kept, ...fresh]) byPath.set(s.path, s);
  store.skipped = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

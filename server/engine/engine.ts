/**
 * The engine: one workspace, one index folder. It owns the catalog, the text index and
 * the vector table, runs index passes one at a time, keeps the index current from the
 * file watcher, persists snapshots, and answers searches. Only the process holding the
 * writer lock writes; any other opens the same folder read-only and follows the
 * writer's snapshots.
 */
import type { SearchParamsInput, SearchResult } from '../../protocol/search';
import { SettingsSchema, type Settings } from '../../protocol/settings';
import type { IndexProgress, IndexState, IndexStatus } from '../../protocol/status';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import { configureGrammars } from '../chunk/grammars';
import { parseSearchParams, search } from '../search/search';
import { ChunkStore, type ChunkRecord } from '../store/chunkStore';
import { ChunkTexts } from '../store/chunkTexts';
import { defaultIndexDir, ensureIndexFolder, folderBytes, prepareIndexDir, quarantine } from '../store/indexDir';
import { WriterLock } from '../store/lock';
import { CorruptSnapshotError, currentSnapshotStamp, loadSnapshotBody, loadSnapshotHead, saveSnapshot } from '../store/snapshot';
import { TEXT_INDEX_VERSION, TextIndex } from '../text/textIndex';
import { IgnoreRules } from '../walk/ignoreRules';
import { resolveRoots } from '../walk/roots';
import type { Root } from '../walk/types';
import type { CatalogFile, EngineApi, EngineOptions, IndexSummary, StatusListener, StoredChunk } from './api';
import { CatalogView } from './catalogView';
import { runIndexPass, toTextDoc } from './indexer';
import { defaultPoolSize, IndexPool } from './indexPool';
import { silentLogger, type Logger } from './logger';
import { SemanticIndex } from './semantic';
import { summariseSkips } from './skips';
import { Watching } from './watching';
import * as fs from 'node:fs';

/** Quiet period after the last change before a snapshot is written (watch mode). */
const PERSIST_DEBOUNCE_MS = 3000;

/** See the file comment. Open with `Engine.open`. */
export class Engine implements EngineApi {
  readonly roots: Root[];
  private store = new ChunkStore();
  private text = new TextIndex();
  /** Chunk texts, rebuilt from the files of whatever catalog is current. */
  private readonly texts = new ChunkTexts((path) => this.store.file(path)?.absPath);
  private readonly rulesByRoot = new Map<Root, IgnoreRules>();
  private readonly listeners = new Set<StatusListener>();
  private readonly indexedListeners = new Set<(e: { changed: number; removed: number; paths: string[] }) => void>();
  private state: IndexState = 'starting';
  private progress: IndexProgress | null = null;
  private lastError: string | undefined;
  private lastUpdated: string | null = null;
  private indexBytes = 0;
  private paused = false;
  private rescanOnResume = false;
  private closed = false;
  private dirty = false;
  private persistTimer: NodeJS.Timeout | null = null;
  /** Serialises index passes: each pass starts after the previous one settles. */
  private chain: Promise<unknown> = Promise.resolve();
  private snapshotStamp: string | null = null;
  /** The generation on disk whose chunks and text index are not loaded yet. */
  private pendingBody: { generation: number; textIndexVersion: number; counts: { files: number; chunks: number; embedded: number } } | null = null;
  /** The generation the in-memory state was loaded from or last saved as. */
  private generation: number | null = null;
  /** True when only catalog metadata (mtimes, skips) changed since the last save. */
  private catalogDirty = false;
  private readonly watching: Watching;
  private readonly pool: IndexPool;
  private readonly view: CatalogView;
  private lastEmbeddedCount: { at: number; count: number } | null = null;

  private constructor(
    roots: Root[],
    readonly indexDir: string,
    readonly settings: Settings,
    private readonly logger: Logger,
    private readonly lock: WriterLock | null,
    private readonly semantic: SemanticIndex,
  ) {
    this.roots = roots;
    this.pool = new IndexPool(defaultPoolSize(), logger);
    this.watching = new Watching(this.roots, (r) => this.rules(r), logger, (paths, rescan) => this.onWatchBatch(paths, rescan));
    this.view = new CatalogView({ roots, texts: this.texts, store: () => this.store, text: () => this.text, ensureBody: () => this.ensureBody() });
  }

  /** Opens the index for `roots`, creating or repairing it as needed. */
  static async open(opts: EngineOptions): Promise<Engine> {
    const logger = opts.logger ?? silentLogger;
    configureGrammars({ logger });
    const settings = SettingsSchema.parse(opts.settings ?? {});
    const roots = resolveRoots(opts.roots);
    const indexDir = opts.indexDir ?? defaultIndexDir(roots.map((r) => r.absPath));
    let lock: WriterLock | null = null;
    if (!opts.readOnly) {
      ensureIndexFolder(indexDir);
      lock = WriterLock.tryAcquire(indexDir);
      if (!lock) logger.warn(`another process (pid ${WriterLock.owner(indexDir)}) is indexing ${indexDir}; this one opens it read-only`);
    }
    prepareIndexDir(indexDir, roots.map((r) => r.absPath), logger, lock === null);
    const semantic = await SemanticIndex.open(indexDir, settings, logger, lock === null);
    const engine = new Engine(roots, indexDir, settings, logger, lock, semantic);
    engine.loadSnapshot();
    engine.state = 'ready';
    engine.indexBytes = folderBytes(indexDir);
    return engine;
  }

  /** True when this process owns the index for writing. */
  get writer(): boolean {
    return this.lock !== null;
  }

  private rules(root: Root): IgnoreRules {
    let r = this.rulesByRoot.get(root);
    if (!r) this.rulesByRoot.set(root, (r = new IgnoreRules(root, this.settings)));
    return r;
  }

  /**
   * Loads the current snapshot's catalog; the chunks and the text index (most of the
   * bytes) are loaded on first need, so a no-change re-index or a status call stays
   * fast. A damaged snapshot is quarantined and the index rebuilt by the next pass.
   */
  private loadSnapshot(): void {
    try {
      this.snapshotStamp = currentSnapshotStamp(this.indexDir);
      const head = loadSnapshotHead(this.indexDir);
      this.store = new ChunkStore();
      this.text = new TextIndex();
      this.pendingBody = null;
      if (!head) return;
      this.store = ChunkStore.from(head.files, head.skipped, head.nextChunkId);
      this.pendingBody = { generation: head.generation, textIndexVersion: head.textIndexVersion, counts: head.counts };
      this.generation = head.generation;
      this.lastUpdated = head.savedAt;
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      this.resetAfterCorruption(err);
    }
  }

  /** Loads chunks and the text index if they are still on disk only. */
  private ensureBody(): void {
    const pending = this.pendingBody;
    if (!pending) return;
    this.pendingBody = null;
    try {
      const body = loadSnapshotBody(this.indexDir, pending.generation);
      this.store.attachChunks(body.chunks);
      if (pending.textIndexVersion === TEXT_INDEX_VERSION) this.text.load(body.textIndex);
      else {
        // Tokenizing changed since this index was saved: rebuild the text index from the
        // chunks and save it at the next opportunity so the rebuild happens once.
        this.text.addAll(body.chunks.map((c) => toTextDoc(c, savedText(c) ?? this.texts.text(c) ?? '')));
        this.texts.clear();
        if (this.lock) this.dirty = true;
      }
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      this.resetAfterCorruption(err);
    }
  }

  private resetAfterCorruption(err: CorruptSnapshotError): void {
    this.store = new ChunkStore();
    this.text = new TextIndex();
    this.pendingBody = null;
    this.generation = null;
    if (this.lock) {
      // Only the snapshot is suspect. Vectors are keyed by content hash and checked on
      // their own, so they stay and the rebuild reuses them instead of re-embedding.
      quarantine(this.indexDir, err.message, this.logger, (name) => name === 'CURRENT' || /^snap-\d+$/.test(name));
      this.dirty = true;
    } else {
      this.logger.warn(`${err.message}; the writer will rebuild it`);
    }
  }

  index(opts: { signal?: AbortSignal; paths?: string[] } = {}): Promise<IndexSummary> {
    try {
      this.assertWritable('index');
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.chain.then(() => this.runPass(opts.paths, opts.signal));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runPass(paths: string[] | undefined, signal?: AbortSignal): Promise<IndexSummary> {
    const t0 = performance.now();
    this.setState('indexing');
    try {
      const pass = await runIndexPass({
        roots: this.roots, rules: (r) => this.rules(r), settings: this.settings, store: this.store, text: this.text,
        pool: this.pool, logger: this.logger, loadAll: () => this.ensureBody(), signal, progress: (p) => this.setProgress(p), shouldStop: () => this.paused || this.closed,
      }, paths);
      this.text.vacuumIfDirty();
      // Workers hold tree-sitter's WebAssembly heaps; ending them returns that memory.
      await this.pool.close();
      if (pass.leftover.length) this.watching.requeue(pass.leftover);
      const tEmbed = performance.now();
      // Vectors can be missing while the chunks are still on disk: a new model, a vector
      // table rebuilt after damage, or a pass stopped before embedding finished.
      const pb = this.pendingBody;
      if (pb && this.semantic.vectors && (this.semantic.vectors.size === 0 || pb.counts.embedded < pb.counts.chunks)) this.ensureBody();
      // With the chunks still on disk the snapshot says every chunk has its vector, so
      // there is nothing to embed; and pruning against a store without its chunks would
      // take every stored vector for an orphan.
      const embedded = this.pendingBody ? 0 : await this.semantic.embedMissing(this.store, this.texts, {
        signal, progress: (p) => this.setProgress(p), shouldStop: () => this.paused || this.closed,
      });
      const embedMs = performance.now() - tEmbed;
      const changed = pass.changedFiles + pass.removedFiles > 0 || embedded > 0;
      if (changed) this.dirty = true;
      else if (pass.catalogChanged) this.catalogDirty = true;
      const tw = performance.now();
      if (paths === undefined) await this.persist();
      else if (this.dirty || this.catalogDirty) this.schedulePersist();
      const writeMs = pass.timings.write + (performance.now() - tw);
      this.lastUpdated = new Date().toISOString();
      this.progress = null;
      this.setState(this.paused ? 'paused' : 'ready');
      if (changed) for (const l of this.indexedListeners) l({ changed: pass.changedFiles, removed: pass.removedFiles, paths: paths ?? [] });
      return {
        files: this.store.fileCount, chunks: this.pendingBody?.counts.chunks ?? this.store.chunkCount, changedFiles: pass.changedFiles,
        removedFiles: pass.removedFiles, embeddedChunks: embedded, skipped: countSkips(this.store),
        timings: {
          walk: round(pass.timings.walk), read: round(pass.timings.read), parse: round(pass.timings.parse),
          embed: round(embedMs), write: round(writeMs), total: round(performance.now() - t0),
        },
      };
    } catch (err) {
      this.lastError = err instanceof ConexusError ? err.message : `indexing failed: ${(err as Error).message}; see the log, then reindex`;
      if (!(err instanceof ConexusError)) this.logger.error('index pass failed', err);
      this.progress = null;
      this.setState('error');
      throw err;
    }
  }

  /** Writes a snapshot now (and the vector table's queued rows). */
  private async persist(): Promise<void> {
    if (!this.lock || !(this.dirty || this.catalogDirty)) return;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    const full = this.dirty || this.pendingBody === null || this.generation === null;
    const wasDirty = this.dirty;
    this.dirty = false;
    this.catalogDirty = false;
    try {
      await this.semantic.flush(this.store);
      this.generation = await saveSnapshot(this.indexDir, {
        files: [...this.store.allFiles()], skipped: this.store.skipped, nextChunkId: this.store.nextChunkId,
        textIndexVersion: full ? TEXT_INDEX_VERSION : this.pendingBody!.textIndexVersion, embedded: this.embeddedCount(),
        body: full ? { chunks: [...this.store.allChunks()], textParts: this.text.jsonParts() } : null,
        bodyFrom: full ? undefined : this.generation!,
      });
      if (this.pendingBody) this.pendingBody = { ...this.pendingBody, generation: this.generation };
      this.snapshotStamp = currentSnapshotStamp(this.indexDir);
      this.indexBytes = folderBytes(this.indexDir);
    } catch (err) {
      this.dirty = wasDirty;
      this.catalogDirty = true;
      const code = (err as NodeJS.ErrnoException).code;
      this.lastError = `could not save the index (${code ?? (err as Error).message}); the previous index is intact and search keeps working${code === 'ENOSPC' ? '; free disk space' : ''}`;
      this.logger.error('saving the index failed', err);
      throw new ConexusError(ErrorCode.WriteFailed, this.lastError, { cause: err });
    }
  }

  private schedulePersist(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      const run = this.chain.then(() => this.persist()).catch(() => undefined);
      this.chain = run;
    }, PERSIST_DEBOUNCE_MS);
    this.persistTimer.unref?.();
  }

  async search(params: SearchParamsInput, signal?: AbortSignal): Promise<SearchResult> {
    const parsed = parseSearchParams(params);
    if (!this.lock) await this.followWriter();
    this.ensureBody();
    return search({
      store: this.store, text: this.text, texts: this.texts, vectors: this.semantic.vectors, embedder: this.semantic.queryEmbedder(),
      semanticOffReason: this.semantic.offReason,
    }, parsed, signal);
  }

  /** A reader reloads when the writer has saved a newer snapshot. */
  private async followWriter(): Promise<void> {
    const stamp = currentSnapshotStamp(this.indexDir);
    if (stamp === this.snapshotStamp) return;
    this.loadSnapshot();
    await this.semantic.reload();
  }

  status(): IndexStatus {
    return {
      state: this.state,
      roots: this.roots.map((r) => r.absPath),
      indexDir: this.indexDir,
      files: this.store.fileCount,
      chunks: this.pendingBody?.counts.chunks ?? this.store.chunkCount,
      embeddedChunks: this.embeddedCount(true),
      skipped: summariseSkips(this.store.skipped),
      model: this.semantic.modelStatus(),
      indexBytes: this.indexBytes,
      lastUpdated: this.lastUpdated,
      pendingChanges: this.watching.pending,
      progress: this.progress,
      writer: this.lock !== null,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /**
   * Chunks with a vector; read from the snapshot while its chunks are not loaded. Status
   * during a pass may be up to a second old: it is asked on every progress event, and
   * while vectors are being added each count is a walk over every chunk.
   */
  private embeddedCount(forStatus = false): number {
    if (this.pendingBody) return this.semantic.vectors ? this.pendingBody.counts.embedded : 0;
    const now = performance.now();
    const last = this.lastEmbeddedCount;
    if (forStatus && this.state === 'indexing' && last && now - last.at < 1000) return last.count;
    const count = this.semantic.embeddedCount(this.store);
    this.lastEmbeddedCount = { at: now, count };
    return count;
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to "a watcher batch (or pass) changed the index" events. */
  onIndexed(listener: (e: { changed: number; removed: number; paths: string[] }) => void): () => void {
    this.indexedListeners.add(listener);
    return () => this.indexedListeners.delete(listener);
  }

  private setState(state: IndexState): void {
    this.state = state;
    if (state !== 'error') this.lastError = undefined;
    this.emit();
  }

  private setProgress(p: IndexProgress): void {
    this.progress = p;
    this.emit();
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const s = this.status();
    for (const l of this.listeners) {
      try { l(s); } catch (err) { this.logger.error('status listener failed', err); }
    }
  }

  async startWatching(): Promise<void> {
    this.assertWritable('watch');
    await this.watching.start();
    // A long-running engine will be asked semantic queries; have the model ready for the first.
    this.semantic.warm();
  }

  /** A watcher batch: index just those paths, or everything after an overflow or ignore-file change. */
  private onWatchBatch(paths: string[], rescan: boolean): void {
    if (this.closed) return;
    if (this.paused) {
      // Keep the changes for resume(); a rescan request is kept as a full pass then.
      this.watching.requeue(paths);
      if (rescan) this.rescanOnResume = true;
      return;
    }
    if (rescan) this.rulesByRoot.clear();
    this.index({ paths: rescan ? undefined : paths }).catch((err) => this.logger.error('background index pass failed', err));
  }

  pause(): void {
    this.paused = true;
    this.setState('paused');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.setState('ready');
    const queued = this.watching.drain();
    const full = this.rescanOnResume;
    this.rescanOnResume = false;
    if ((queued.length || full) && this.lock) {
      this.index({ paths: full ? undefined : queued }).catch((err) => this.logger.error('index pass after resume failed', err));
    }
  }

  async clear(): Promise<void> {
    this.assertWritable('clear');
    await this.chain;
    this.pendingBody = null;
    this.store.clear();
    this.text = new TextIndex();
    await this.semantic.clear();
    this.dirty = true;
    await this.persist();
    this.setState('ready');
  }

  listFiles(): CatalogFile[] {
    return this.view.listFiles();
  }

  chunksForFile(path: string): StoredChunk[] {
    return this.view.chunksForFile(path);
  }

  allChunks(): Iterable<StoredChunk> {
    return this.view.allChunks();
  }

  chunksMentioning(identifier: string): StoredChunk[] {
    return this.view.chunksMentioning(identifier);
  }

  readFile(path: string): Promise<string | null> {
    return this.view.readFile(path);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watching.close();
    await this.chain.catch(() => undefined);
    try {
      await this.persist();
    } catch {
      /* already logged; the previous snapshot stays current */
    }
    await this.pool.close();
    await this.semantic.close();
    this.lock?.release();
    this.listeners.clear();
  }

  private assertWritable(what: string): void {
    if (this.closed) throw new ConexusError(ErrorCode.IndexUnavailable, `the engine is closed; cannot ${what}`);
    if (!this.lock) {
      throw new ConexusError(ErrorCode.IndexLocked,
        `another process (pid ${WriterLock.owner(this.indexDir) ?? 'unknown'}) owns the index at ${this.indexDir}; it keeps the index current, so ${what} there (or close it first)`);
    }
  }
}

/** The text an index saved by an older version kept with each chunk, if any. */
function savedText(c: ChunkRecord): string | undefined {
  const t = (c as { text?: unknown }).text;
  return typeof t === 'string' ? t : undefined;
}

function countSkips(store: ChunkStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of store.skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}

function round(ms: number): number {
  return Math.round(ms);
}

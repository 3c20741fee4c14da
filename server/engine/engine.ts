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
import type { ChunkStore } from '../store/chunkStore';
import { ChunkTexts } from '../store/chunkTexts';
import { defaultIndexDir, ensureIndexFolder, folderBytes, prepareIndexDir } from '../store/indexDir';
import { WriterLock } from '../store/lock';
import { currentSnapshotStamp } from '../store/snapshot';
import { IgnoreRules } from '../walk/ignoreRules';
import { resolveRoots } from '../walk/roots';
import type { Root } from '../walk/types';
import type { CatalogFile, EngineApi, EngineOptions, IndexSummary, StatusListener, StoredChunk } from './api';
import { CatalogView } from './catalogView';
import { IndexBody } from './indexBody';
import { runIndexPass } from './indexer';
import { defaultPoolSize, IndexPool } from './indexPool';
import { silentLogger, type Logger } from './logger';
import { SemanticIndex } from './semantic';
import { summariseSkips } from './skips';
import { Watching } from './watching';

/** Quiet period after the last change before a snapshot is written (watch mode). */
const PERSIST_DEBOUNCE_MS = 3000;

/** See the file comment. Open with `Engine.open`. */
export class Engine implements EngineApi {
  readonly roots: Root[];
  private readonly body: IndexBody;
  /** Chunk texts, rebuilt from the files of whatever catalog is current. */
  private readonly texts = new ChunkTexts((path) => this.body.store.file(path)?.absPath);
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
  private persistTimer: NodeJS.Timeout | null = null;
  /** Serialises index passes: each pass starts after the previous one settles. */
  private chain: Promise<unknown> = Promise.resolve();
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
    this.body = new IndexBody(indexDir, logger, lock !== null);
    this.pool = new IndexPool(defaultPoolSize(), logger);
    this.watching = new Watching(this.roots, (r) => this.rules(r), logger, (paths, rescan) => this.onWatchBatch(paths, rescan));
    this.view = new CatalogView({ roots, texts: this.texts, store: () => this.body.store, text: () => this.body.text, ensureBody: () => this.ensureBody() });
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
    engine.lastUpdated = engine.body.loadHead();
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

  /** Loads chunks and the text index if they are still on disk only. */
  private ensureBody(): void {
    this.body.ensure(this.texts);
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
        roots: this.roots, rules: (r) => this.rules(r), settings: this.settings, store: this.body.store, text: this.body.text,
        pool: this.pool, logger: this.logger, loadAll: () => this.ensureBody(), signal, progress: (p) => this.setProgress(p), shouldStop: () => this.paused || this.closed,
      }, paths);
      this.body.text.vacuumIfDirty();
      // Workers hold tree-sitter's WebAssembly heaps; ending them returns that memory.
      await this.pool.close();
      if (pass.leftover.length) this.watching.requeue(pass.leftover);
      const tEmbed = performance.now();
      // Vectors can be missing while the chunks are still on disk: a new model, a vector
      // table rebuilt after damage, or a pass stopped before embedding finished.
      const pb = this.body.pending;
      if (pb && this.semantic.vectors && (this.semantic.vectors.size === 0 || pb.counts.embedded < pb.counts.chunks)) this.ensureBody();
      // With the chunks still on disk the snapshot says every chunk has its vector, so
      // there is nothing to embed; and pruning against a store without its chunks would
      // take every stored vector for an orphan.
      const embedded = this.body.pending ? 0 : await this.semantic.embedMissing(this.body.store, this.texts, {
        signal, progress: (p) => this.setProgress(p), shouldStop: () => this.paused || this.closed,
      });
      const embedMs = performance.now() - tEmbed;
      const changed = pass.changedFiles + pass.removedFiles > 0 || embedded > 0;
      if (changed) this.body.dirty = true;
      else if (pass.catalogChanged) this.body.catalogDirty = true;
      const tw = performance.now();
      if (paths === undefined) await this.persist();
      else if (this.body.dirty || this.body.catalogDirty) this.schedulePersist();
      const writeMs = pass.timings.write + (performance.now() - tw);
      this.lastUpdated = new Date().toISOString();
      this.progress = null;
      this.setState(this.paused ? 'paused' : 'ready');
      if (changed) for (const l of this.indexedListeners) l({ changed: pass.changedFiles, removed: pass.removedFiles, paths: paths ?? [] });
      return {
        files: this.body.store.fileCount, chunks: this.body.chunkCount, changedFiles: pass.changedFiles,
        removedFiles: pass.removedFiles, embeddedChunks: embedded, skipped: countSkips(this.body.store),
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
    if (!this.lock || !(this.body.dirty || this.body.catalogDirty)) return;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    try {
      await this.semantic.flush(this.body.store);
      await this.body.save(this.embeddedCount());
      this.indexBytes = folderBytes(this.indexDir);
    } catch (err) {
      this.body.catalogDirty = true;
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
      store: this.body.store, text: this.body.text, texts: this.texts, vectors: this.semantic.vectors, embedder: this.semantic.queryEmbedder(),
      semanticOffReason: this.semantic.offReason,
    }, parsed, signal);
  }

  /** A reader reloads when the writer has saved a newer snapshot. */
  private async followWriter(): Promise<void> {
    const stamp = currentSnapshotStamp(this.indexDir);
    if (stamp === this.body.snapshotStamp) return;
    const savedAt = this.body.loadHead();
    if (savedAt) this.lastUpdated = savedAt;
    await this.semantic.reload();
  }

  status(): IndexStatus {
    return {
      state: this.state,
      roots: this.roots.map((r) => r.absPath),
      indexDir: this.indexDir,
      files: this.body.store.fileCount,
      chunks: this.body.chunkCount,
      embeddedChunks: this.embeddedCount(true),
      skipped: summariseSkips(this.body.store.skipped),
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
    const pending = this.body.pending;
    if (pending) return this.semantic.vectors ? pending.counts.embedded : 0;
    const now = performance.now();
    const last = this.lastEmbeddedCount;
    if (forStatus && this.state === 'indexing' && last && now - last.at < 1000) return last.count;
    const count = this.semantic.embeddedCount(this.body.store);
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
    // A long-running engine will be asked semantic queries; have the model ready for the
    // first. After the pass under way (the start-up pass, usually): keyword search first,
    // and the pass loads the model itself if it has anything to embed.
    void this.chain.then(() => { if (!this.closed) this.semantic.warm(); });
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
    this.body.clear();
    await this.semantic.clear();
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

function countSkips(store: ChunkStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of store.skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}

function round(ms: number): number {
  return Math.round(ms);
}

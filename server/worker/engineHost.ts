/**
 * The worker's one engine: opens it, runs index passes in the background, starts the
 * watcher, forwards status, and closes it within a bounded time so the writer lock is
 * always released when the worker goes away.
 */
import type { EngineApi, EngineOptions } from '../engine/api';
import type { Logger } from '../engine/logger';
import type { IndexStatus } from '../../protocol/status';
import type { Settings } from '../../protocol/settings';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import { WriterLock } from '../store/lock';

/** Opens an engine; the real one is `Engine.open`, tests pass a fake. */
export type OpenEngine = (options: EngineOptions) => Promise<EngineApi>;

/** What the host needs to start. */
export interface HostStart {
  roots: string[];
  indexDir: string;
  settings: Settings;
}

/** Longest a close may take before the worker exits anyway (the parent may be gone). */
export const CLOSE_TIMEOUT_MS = 2000;

/**
 * How long a starting worker waits for a live process to let go of the index before it
 * settles for read-only. The extension restarts its worker (trust granted, settings
 * changed) by stopping the old one and starting the new one at once, while the old
 * process may still be closing its index: without the wait the new worker could find
 * the lock taken, open read-only and never index (most likely what failed an
 * end-to-end run once on a slow machine). Waiting here rather than in the extension
 * also covers any other writer that is just exiting. A second window on the same
 * folder pays this wait once.
 */
export const LOCK_WAIT_MS = 8000;

export class EngineHost {
  private engine: EngineApi | null = null;
  private opening: Promise<EngineApi> | null = null;
  private openError: Error | null = null;
  private start: HostStart | null = null;
  private unsubscribe: (() => void) | null = null;
  private pass: Promise<void> | null = null;
  private passAbort: AbortController | null = null;
  private passAgain = false;
  private closing: Promise<void> | null = null;
  /** Settles when `begin` runs: a request between `initialize` and `initialized` waits for it. */
  private begun!: () => void;
  private readonly begunPromise = new Promise<void>((resolve) => { this.begun = resolve; });

  constructor(
    private readonly open: OpenEngine,
    private readonly logger: Logger,
    private readonly onStatus: (status: IndexStatus) => void,
  ) {}

  /** Opens the engine and, as the settings say, indexes and watches. Never throws. */
  begin(start: HostStart): Promise<EngineApi> {
    this.start = start;
    const t0 = Date.now();
    this.opening = this.openWithFallback(start).then(async (engine) => {
      this.engine = engine;
      this.unsubscribe = engine.onStatus((s) => this.onStatus(s));
      this.logger.info(`Index opened at ${engine.indexDir} for ${engine.roots.length} folder(s) in ${Date.now() - t0} ms.`);
      this.onStatus(engine.status());
      if (!engine.status().writer) {
        // Another process keeps this index current; this worker only searches it.
        this.logger.info('Another process owns this index, so this worker searches it read-only and neither indexes nor watches.');
        return engine;
      }
      if (start.settings.indexOnStartup) this.reindex();
      if (start.settings.watch) {
        await engine.startWatching().catch((e) => this.logger.error('Could not start the file watcher; changes will be picked up by "Conexus: Reindex Workspace"', e));
      }
      return engine;
    });
    this.begun();
    this.opening.catch((e: unknown) => {
      this.openError = e instanceof Error ? e : new Error(String(e));
      this.logger.error(`Could not open the index at ${start.indexDir}`, e);
      this.onStatus(this.status());
    });
    return this.opening;
  }

  /** The open engine; waits while it opens and fails with what to do next if it could not. */
  async ready(): Promise<EngineApi> {
    if (this.engine) return this.engine;
    await this.begunPromise;
    try {
      return await this.opening!;
    } catch (e) {
      throw new ConexusError(ErrorCode.IndexUnavailable,
        `The index could not be opened (${e instanceof Error ? e.message : String(e)}). Run "Conexus: Clear Index" or see "Conexus: Show Log".`, { cause: e });
    }
  }

  /** The engine's status, or a stand-in while it opens or after it failed to. */
  status(): IndexStatus {
    if (this.engine) return this.engine.status();
    return {
      state: this.openError ? 'error' : 'starting',
      roots: this.start?.roots ?? [],
      indexDir: this.start?.indexDir ?? '',
      files: 0, chunks: 0, embeddedChunks: 0, skipped: {},
      model: { id: null, dimension: null, semantic: false },
      indexBytes: 0, lastUpdated: null, pendingChanges: 0, progress: null, writer: false,
      ...(this.openError ? { error: `The index could not be opened: ${this.openError.message}. Run "Conexus: Show Log" for details.` } : {}),
    };
  }

  /**
   * Starts a full pass in the background. A request during a pass queues one more
   * pass after it, so changes made meanwhile are never missed and passes never overlap.
   */
  reindex(): void {
    if (this.pass) {
      this.passAgain = true;
      return;
    }
    const engine = this.engine;
    if (!engine) return;
    const controller = new AbortController();
    this.passAbort = controller;
    this.pass = (async () => {
      try {
        const s = await engine.index({ signal: controller.signal });
        this.logger.info(`Indexed ${s.files} files (${s.changedFiles} changed, ${s.removedFiles} removed), ${s.chunks} chunks, ${s.embeddedChunks} embedded in ${s.timings.total} ms.`);
      } catch (e) {
        if (controller.signal.aborted) this.logger.info('Index pass stopped.');
        else if (e instanceof ConexusError) this.logger.warn(`Index pass failed: ${e.message}`);
        else this.logger.error('Index pass failed', e);
      } finally {
        this.pass = null;
        this.passAbort = null;
      }
      if (this.passAgain && !this.closing) {
        this.passAgain = false;
        this.reindex();
      }
    })();
  }

  /** Stops the running pass (if any) and waits for it to end. */
  async stopPass(): Promise<void> {
    this.passAgain = false;
    this.passAbort?.abort();
    await this.pass;
  }

  /** Deletes the index data and starts a fresh pass. */
  async clear(): Promise<void> {
    const engine = await this.ready();
    await this.stopPass();
    await engine.clear();
    this.reindex();
  }

  /**
   * Stops everything and releases the writer lock. Idempotent; gives up after
   * CLOSE_TIMEOUT_MS so a stuck write cannot keep an orphaned worker alive.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      this.unsubscribe?.();
      this.passAbort?.abort();
      const engine = this.engine ?? (await this.opening?.catch(() => null)) ?? null;
      if (!engine) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS); });
      const result = await Promise.race([engine.close().then(() => 'closed' as const), timeout])
        .catch((e) => { this.logger.error('Closing the index failed', e); return 'failed' as const; });
      clearTimeout(timer);
      if (result === 'timeout') this.logger.warn(`Closing the index took longer than ${CLOSE_TIMEOUT_MS} ms; exiting anyway.`);
      else if (result === 'closed') this.logger.info('Index closed.');
    })();
    return this.closing;
  }

  /** Opens for writing; if another process holds the lock, opens read-only and says so. */
  private async openWithFallback(start: HostStart): Promise<EngineApi> {
    const options: EngineOptions = { roots: start.roots, indexDir: start.indexDir, settings: start.settings, logger: this.logger };
    await this.waitForLock(start.indexDir);
    try {
      return await this.open(options);
    } catch (e) {
      if (!(e instanceof ConexusError) || e.code !== ErrorCode.IndexLocked) throw e;
      this.logger.warn(`${e.message} Opening the index read-only: search works, indexing does not.`);
      return this.open({ ...options, readOnly: true });
    }
  }

  /** Waits up to LOCK_WAIT_MS while another live process holds the index's writer lock. */
  private async waitForLock(indexDir: string): Promise<void> {
    const owner = WriterLock.owner(indexDir);
    if (owner === null || owner === process.pid) return;
    this.logger.info(`Process ${owner} holds the index; waiting up to ${LOCK_WAIT_MS / 1000} s for it to let go (a restarted worker's predecessor is usually still exiting).`);
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (WriterLock.owner(indexDir) === null) return;
    }
  }
}

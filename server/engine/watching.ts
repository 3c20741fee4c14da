/**
 * Between the file watcher and the engine: changed paths are queued here until the
 * engine is free to index them, so nothing is lost while a pass runs, while indexing
 * is paused, or when a pass is cut short (its leftovers are re-queued).
 */
import type { IgnoreRules } from '../walk/ignoreRules';
import type { Root } from '../walk/types';
import type { WorkspaceWatcher } from '../walk/watcher';
import type { Logger } from './logger';

/** Called when queued changes are waiting; `rescan` asks for a full pass. */
export type ChangesReady = (paths: string[], rescan: boolean) => void;

/** A queue of changed paths fed by a watcher. */
export class Watching {
  private watcher: WorkspaceWatcher | null = null;
  private readonly queue = new Set<string>();
  private rescan = false;

  constructor(
    private readonly roots: Root[],
    private readonly rules: (root: Root) => IgnoreRules,
    private readonly logger: Logger,
    private readonly ready: ChangesReady,
  ) {}

  /** Number of paths waiting to be indexed. */
  get pending(): number {
    return this.queue.size;
  }

  /** Starts watching; resolves once events are being delivered. */
  async start(): Promise<void> {
    if (this.watcher) return;
    // Loaded on demand: one-shot CLI commands never watch and should not pay for it.
    const { WorkspaceWatcher } = await import('../walk/watcher');
    // 100 ms of quiet is enough to gather a save or a checkout's burst (max wait 2 s)
    // and keeps an edited file searchable well within half a second.
    this.watcher = new WorkspaceWatcher(this.roots, this.rules, { logger: this.logger, debounceMs: 100 });
    this.watcher.onBatch((batch) => {
      for (const p of batch.changed) this.queue.add(p);
      for (const p of batch.removed) this.queue.add(p);
      if (batch.rescan) this.rescan = true;
      this.flush();
    });
    await this.watcher.start();
  }

  /** Hands what is queued to the engine. */
  flush(): void {
    if (this.queue.size === 0 && !this.rescan) return;
    const rescan = this.rescan;
    const paths = this.drain();
    this.ready(paths, rescan);
  }

  /** Puts paths back (a pass stopped before reaching them). */
  requeue(paths: string[]): void {
    for (const p of paths) this.queue.add(p);
  }

  /** Takes every queued path. */
  drain(): string[] {
    const paths = [...this.queue];
    this.queue.clear();
    this.rescan = false;
    return paths;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
  }
}

/**
 * Turns a stream of single-path change notices into a few batches: a batch goes out
 * once the stream has been quiet for `debounceMs`, or `maxBatchWaitMs` after its first
 * notice however busy the stream stays. A `git checkout` touching thousands of files
 * thus reaches the engine as one or a few batches, never as thousands of callbacks,
 * and a file saved every 100 ms by a build still gets indexed within the max wait.
 */
import type { Logger } from '../engine/logger';

/** One batch of changes: absolute paths, each in at most one list. */
export interface ChangeBatch {
  /** Files that were created or modified. */
  changed: string[];
  /** Files that were deleted (or replaced by something that is not a file). */
  removed: string[];
  /** Events may have been missed or the rules changed: the engine should walk everything. */
  rescan: boolean;
}

/** Receives batches. */
export type BatchListener = (batch: ChangeBatch) => void;

/** Default quiet period before a batch goes out. */
export const DEFAULT_DEBOUNCE_MS = 200;
/** Default longest time a change waits in a batch. */
export const DEFAULT_MAX_BATCH_WAIT_MS = 2000;

/** Collects notices and emits batches; the last notice for a path decides its list. */
export class ChangeBatcher {
  private readonly pending = new Map<string, 'changed' | 'removed'>();
  private rescan = false;
  private quietTimer: NodeJS.Timeout | null = null;
  private maxTimer: NodeJS.Timeout | null = null;
  private readonly listeners: BatchListener[] = [];
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly debounceMs = DEFAULT_DEBOUNCE_MS,
    private readonly maxBatchWaitMs = DEFAULT_MAX_BATCH_WAIT_MS,
  ) {}

  /** Adds a listener; returns a function that removes it. */
  onBatch(listener: BatchListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Notes that a file was created or modified. */
  changed(absPath: string): void {
    this.note(absPath, 'changed');
  }

  /** Notes that a file is gone. */
  removed(absPath: string): void {
    this.note(absPath, 'removed');
  }

  /** Asks for a full rescan in the next batch. */
  requestRescan(): void {
    if (this.closed) return;
    this.rescan = true;
    this.schedule();
  }

  /** Number of paths waiting for the next batch. */
  get size(): number {
    return this.pending.size;
  }

  /** Emits what is pending now (nothing if nothing is). */
  flush(): void {
    this.clearTimers();
    if (this.closed || (this.pending.size === 0 && !this.rescan)) return;
    const batch: ChangeBatch = { changed: [], removed: [], rescan: this.rescan };
    for (const [p, kind] of this.pending) batch[kind].push(p);
    batch.changed.sort();
    batch.removed.sort();
    this.pending.clear();
    this.rescan = false;
    this.logger.debug(`Watcher batch: ${batch.changed.length} changed, ${batch.removed.length} removed${batch.rescan ? ', rescan' : ''}.`);
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch (err) {
        this.logger.error('A watcher batch listener threw; the batch is lost for it', err);
      }
    }
  }

  /** Drops pending changes and stops emitting. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    this.pending.clear();
    this.listeners.length = 0;
  }

  private note(absPath: string, kind: 'changed' | 'removed'): void {
    if (this.closed) return;
    // Re-inserting moves the path to the end, so batch order follows the last event.
    this.pending.delete(absPath);
    this.pending.set(absPath, kind);
    this.schedule();
  }

  private schedule(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.debounceMs);
    if (!this.maxTimer) this.maxTimer = setTimeout(() => this.flush(), this.maxBatchWaitMs);
  }

  private clearTimers(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.quietTimer = null;
    this.maxTimer = null;
  }
}

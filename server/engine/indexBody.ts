/**
 * The engine's in-memory index (catalog, chunks, text index) and its snapshots on disk.
 *
 * Opening reads only the snapshot's head (the catalog); the chunks and the text index,
 * most of the bytes, are loaded on first need, so a no-change re-index or a status call
 * stays fast. A damaged snapshot is quarantined and the index rebuilt by the next pass;
 * a reader that meets one leaves the rebuild to the writer.
 */
import { ChunkStore, type ChunkRecord } from '../store/chunkStore';
import type { ChunkTexts } from '../store/chunkTexts';
import { quarantine } from '../store/indexDir';
import { CorruptSnapshotError, currentSnapshotStamp, loadSnapshotBody, loadSnapshotHead, saveSnapshot } from '../store/snapshot';
import { TEXT_INDEX_VERSION, TextIndex } from '../text/textIndex';
import { toTextDoc } from './indexer';
import type { Logger } from './logger';

/** A generation on disk whose chunks and text index are not loaded yet. */
export interface PendingBody {
  generation: number;
  textIndexVersion: number;
  counts: { files: number; chunks: number; embedded: number };
}

/** See the file comment. */
export class IndexBody {
  store = new ChunkStore();
  text = new TextIndex();
  /** Set while the current generation's chunks and text index are on disk only. */
  pending: PendingBody | null = null;
  /** The generation the in-memory state was loaded from or last saved as. */
  generation: number | null = null;
  /** Identifies the snapshot last loaded or saved, so a reader sees when the writer saved a newer one. */
  snapshotStamp: string | null = null;
  /** Chunks or the text index changed since the last save. */
  dirty = false;
  /** Only catalog metadata (mtimes, skips) changed since the last save. */
  catalogDirty = false;

  constructor(
    private readonly indexDir: string,
    private readonly logger: Logger,
    /** True in the process holding the writer lock: only it repairs and saves. */
    private readonly writer: boolean,
  ) {}

  /** Chunks, counted from the snapshot while they are not loaded. */
  get chunkCount(): number {
    return this.pending?.counts.chunks ?? this.store.chunkCount;
  }

  /** Loads the current snapshot's head; returns when it was saved (null without one). */
  loadHead(): string | null {
    try {
      this.snapshotStamp = currentSnapshotStamp(this.indexDir);
      const head = loadSnapshotHead(this.indexDir);
      this.store = new ChunkStore();
      this.text = new TextIndex();
      this.pending = null;
      if (!head) return null;
      this.store = ChunkStore.from(head.files, head.skipped, head.nextChunkId);
      this.pending = { generation: head.generation, textIndexVersion: head.textIndexVersion, counts: head.counts };
      this.generation = head.generation;
      return head.savedAt;
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      this.resetAfterCorruption(err);
      return null;
    }
  }

  /** Loads chunks and the text index if they are still on disk only. */
  ensure(texts: ChunkTexts): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    try {
      const body = loadSnapshotBody(this.indexDir, pending.generation);
      this.store.attachChunks(body.chunks);
      if (pending.textIndexVersion === TEXT_INDEX_VERSION) this.text.load(body.textIndex);
      else {
        // Tokenizing changed since this index was saved: rebuild the text index from the
        // chunks and save it at the next opportunity so the rebuild happens once.
        this.text.addAll(body.chunks.map((c) => toTextDoc(c, savedText(c) ?? texts.text(c) ?? '')));
        texts.clear();
        if (this.writer) this.dirty = true;
      }
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      this.resetAfterCorruption(err);
    }
  }

  /** Empties the index (Clear Index); the caller saves it. */
  clear(): void {
    this.pending = null;
    this.store.clear();
    this.text = new TextIndex();
    this.dirty = true;
  }

  /**
   * Saves a generation: everything when chunks changed, else the catalog with the body
   * files of the loaded generation linked. Clears the dirty flags first and restores
   * them if the save fails, so changes made meanwhile are saved next time either way.
   */
  async save(embedded: number): Promise<void> {
    const full = this.dirty || this.pending === null || this.generation === null;
    const wasDirty = this.dirty;
    this.dirty = false;
    this.catalogDirty = false;
    try {
      this.generation = await saveSnapshot(this.indexDir, {
        files: [...this.store.allFiles()], skipped: this.store.skipped, nextChunkId: this.store.nextChunkId,
        textIndexVersion: full ? TEXT_INDEX_VERSION : this.pending!.textIndexVersion, embedded,
        body: full ? { chunks: [...this.store.allChunks()], textParts: this.text.jsonParts() } : null,
        bodyFrom: full ? undefined : this.generation!,
      });
    } catch (err) {
      this.dirty = wasDirty;
      this.catalogDirty = true;
      throw err;
    }
    if (this.pending) this.pending = { ...this.pending, generation: this.generation };
    this.snapshotStamp = currentSnapshotStamp(this.indexDir);
  }

  private resetAfterCorruption(err: CorruptSnapshotError): void {
    this.store = new ChunkStore();
    this.text = new TextIndex();
    this.pending = null;
    this.generation = null;
    if (this.writer) {
      // Only the snapshot is suspect. Vectors are keyed by content hash and checked on
      // their own, so they stay and the rebuild reuses them instead of re-embedding.
      quarantine(this.indexDir, err.message, this.logger, (name) => name === 'CURRENT' || /^snap-\d+$/.test(name));
      this.dirty = true;
    } else {
      this.logger.warn(`${err.message}; the writer will rebuild it`);
    }
  }
}

/** The text an index saved by an older version kept with each chunk, if any. */
function savedText(c: ChunkRecord): string | undefined {
  const t = (c as { text?: unknown }).text;
  return typeof t === 'string' ? t : undefined;
}

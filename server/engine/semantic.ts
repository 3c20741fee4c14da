/**
 * The semantic half of the index: the embedding model and its vector table. When the
 * model cannot be loaded the engine keeps working with keyword search and the status
 * says why semantic search is off and what to do.
 */
import * as path from 'node:path';
import type { Settings } from '../../protocol/settings';
import type { IndexProgress, ModelStatus } from '../../protocol/status';
import { ConexusError } from '../../protocol/errors';
import { planModel, type Embedder, type ModelPlan } from '../embed/embedder';
import { LazyModel } from '../embed/lazyModel';
import type { ChunkStore } from '../store/chunkStore';
import type { ChunkTexts } from '../store/chunkTexts';
import { quarantine } from '../store/indexDir';
import { VectorBackendUnavailable, VectorStore } from '../store/vectorStore';
import { embedMissing, vectorTableKey } from './embedding';
import type { Logger } from './logger';

/** The model and vectors, or the reason there are none. */
export class SemanticIndex {
  private countCache: { store: ChunkStore; storeRevision: number; vectors: VectorStore; vectorRevision: number; count: number } | null = null;
  /** The model, loaded on first need (see lazyModel.ts); null when there is none to load. */
  readonly model: LazyModel | null;
  /** Why semantic search is off; set later too, when loading the model fails. */
  offReason: string | undefined;

  private constructor(
    private readonly dir: string,
    plan: ModelPlan | null,
    public vectors: VectorStore | null,
    offReason: string | undefined,
    private readonly logger: Logger,
    private readonly readOnly: boolean,
  ) {
    this.offReason = offReason;
    this.model = plan ? new LazyModel(plan, logger, (reason) => { this.offReason = reason; }) : null;
  }

  /**
   * Finds the configured model and opens its vector table; never throws for a model
   * problem. The model itself is loaded on the first embedding or semantic query.
   */
  static async open(indexDir: string, settings: Settings, logger: Logger, readOnly: boolean): Promise<SemanticIndex> {
    const dir = path.join(indexDir, 'vectors');
    if (settings.model === 'none') {
      return new SemanticIndex(dir, null, null, 'turned off by the model setting ("none"); set it to "" for the built-in model', logger, readOnly);
    }
    let plan: ModelPlan;
    try {
      plan = planModel({ model: settings.model, allowDownload: settings.allowModelDownload });
    } catch (err) {
      const reason = err instanceof ConexusError ? err.message : `the embedding model could not be found: ${(err as Error).message}`;
      logger.warn(`semantic search is off: ${reason}`);
      return new SemanticIndex(dir, null, null, reason, logger, readOnly);
    }
    const index = new SemanticIndex(dir, plan, null, undefined, logger, readOnly);
    const model = index.model!;
    for (let attempt = 0; ; attempt++) {
      try {
        index.vectors = await VectorStore.open(dir, vectorTableKey(model.id), logger, readOnly);
        if (!index.vectors) index.offReason = 'no vectors yet for this model';
        logger.info(`embedding model ${model.id}; ${index.vectors?.size ?? 0} vectors stored`);
        return index;
      } catch (err) {
        // A native-module or table failure must not take keyword search down with it.
        if (err instanceof VectorBackendUnavailable) {
          logger.warn(`semantic search is off: ${err.message}`);
          index.offReason = err.message;
          return index;
        }
        if (attempt === 0 && !readOnly) {
          // A damaged table: set it aside and start an empty one; vectors are recomputed.
          quarantine(indexDir, `an unreadable vector table (${(err as Error).message.split('\n')[0]})`, logger, (name) => name === 'vectors');
          continue;
        }
        logger.error('opening the vector table failed', err);
        index.offReason = `the vector store could not be opened (${(err as Error).message.split('\n')[0]}); keyword search still works`;
        return index;
      }
    }
  }

  /**
   * What a semantic query embeds with, or null when it cannot: no model, or one that
   * failed to load. The model is loaded on the first query that needs it.
   */
  queryEmbedder(): Pick<Embedder, 'embed'> | null {
    const model = this.model;
    if (!model || model.failure !== undefined) return null;
    return { embed: async (texts) => (await model.get(this.vectors?.dimension ?? undefined)).embed(texts) };
  }

  /** Loads the model in the background, so a long-running engine's first query does not wait for it. */
  warm(): void {
    if (this.vectors) this.model?.warm();
  }

  /** Embeds what is missing; once nothing is, drops other models' tables and old orphans. */
  async embedMissing(store: ChunkStore, texts: ChunkTexts, opts: { signal?: AbortSignal; progress(p: IndexProgress): void; shouldStop(): boolean }): Promise<number> {
    const embedder = this.queryEmbedder();
    if (!embedder || !this.vectors || this.readOnly) return 0;
    let n: number;
    try {
      n = await embedMissing({ store, texts, vectors: this.vectors, embedder, logger: this.logger, ...opts });
    } catch (err) {
      // The model failed to load on this first need: `offReason` says why; keyword search is unaffected.
      if (this.model?.failure !== undefined) return 0;
      throw err;
    }
    if (!opts.shouldStop() && !opts.signal?.aborted) {
      const dropped = await this.vectors.dropOtherTables();
      if (dropped.length) this.logger.info(`dropped ${dropped.length} vector table(s) of a previous model`);
      const pruned = await this.vectors.pruneOrphans((h) => store.hasHash(h));
      if (pruned) this.logger.info(`pruned ${pruned} vectors no chunk uses any more`);
    }
    return n;
  }

  /** Writes queued vectors. */
  async flush(_store: ChunkStore): Promise<void> {
    await this.vectors?.flush();
  }

  /** A reader picks up vectors the writer added. */
  async reload(): Promise<void> {
    if (this.vectors) await this.vectors.reloadHashes();
    else if (this.model && this.model.failure === undefined && this.readOnly) {
      this.vectors = await VectorStore.open(this.dir, vectorTableKey(this.model.id), this.logger, true);
    }
  }

  /**
   * Chunks whose content hash has a vector. Status asks on every progress event; counting
   * 70,000 chunks each time took 8 of the 37 s of embedding 10,000 files, so the count is
   * kept until the chunks or the stored hashes change.
   */
  embeddedCount(store: ChunkStore): number {
    if (!this.vectors) return 0;
    const c = this.countCache;
    if (c && c.store === store && c.storeRevision === store.revision && c.vectors === this.vectors && c.vectorRevision === this.vectors.revision) return c.count;
    let n = 0;
    for (const chunk of store.allChunks()) if (this.vectors.has(chunk.hash)) n++;
    this.countCache = { store, storeRevision: store.revision, vectors: this.vectors, vectorRevision: this.vectors.revision, count: n };
    return n;
  }

  /** For status. */
  modelStatus(): ModelStatus {
    const model = this.model;
    if (!model || model.failure !== undefined) return { id: null, dimension: null, semantic: false, reason: this.offReason };
    return {
      id: model.id, dimension: this.vectors?.dimension ?? model.loaded?.dimension ?? null, semantic: this.vectors !== null && this.vectors.size > 0,
      ...(this.vectors && this.vectors.size > 0 ? {} : { reason: this.offReason ?? 'vectors are still being computed' }),
    };
  }

  /** Deletes every stored vector (Clear Index). */
  async clear(): Promise<void> {
    if (!this.vectors || !this.model) return;
    await this.vectors.pruneOrphans(() => false, true);
  }

  async close(): Promise<void> {
    await this.vectors?.close().catch((err) => this.logger.error('closing the vector table failed', err));
    await this.model?.dispose();
  }
}

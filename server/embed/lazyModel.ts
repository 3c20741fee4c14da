/**
 * An embedding model loaded on first need. Starting onnxruntime and reading the weights
 * takes about half a second and 120 MB; a re-index that finds nothing changed, a status
 * call or a keyword search need neither, while the vector table they open is keyed by
 * the model's id, which is known from its files without loading it (`planModel`).
 *
 * One load is shared by every caller; a failed load is kept (the same files would fail
 * again) and reported through `onFailure`, so the engine can say why semantic search
 * is off. Changing the model setting opens a new engine and with it a new `LazyModel`.
 */
import { ConexusError, ErrorCode } from '../../protocol/errors';
import type { Logger } from '../engine/logger';
import { loadEmbedder, type Embedder, type ModelPlan } from './embedder';

/** Loads `loadEmbedder(plan)` once, when something first embeds. */
export class LazyModel {
  private loading: Promise<Embedder> | null = null;
  private ready: Embedder | null = null;
  private disposed = false;
  /** Why the load failed, once it has. */
  failure: string | undefined;

  constructor(
    readonly plan: ModelPlan,
    private readonly logger: Logger,
    /** Called once with the reason when loading fails. */
    private readonly onFailure: (reason: string) => void = () => undefined,
    private readonly load: (plan: ModelPlan, logger: Logger) => Promise<Embedder> = loadEmbedder,
  ) {}

  /** The id vectors of this model are stored under. */
  get id(): string {
    return this.plan.id;
  }

  /** The loaded model, or null before the first load finishes (or after it failed). */
  get loaded(): Embedder | null {
    return this.ready;
  }

  /**
   * The model, loaded on the first call. `dimension`, when given, is the dimension of the
   * vectors already stored under this id: a model whose output differs cannot add to them.
   */
  get(dimension?: number): Promise<Embedder> {
    if (this.disposed) return Promise.reject(new Error('The embedding model was released; reopen the index to load it again.'));
    this.loading ??= this.load(this.plan, this.logger).then(
      async (embedder) => {
        if (this.disposed) {
          await embedder.dispose().catch(() => undefined);
          throw new Error('The embedding model was released while it loaded; reopen the index to load it again.');
        }
        this.ready = embedder;
        return embedder;
      },
      (err: unknown) => {
        if (!(err instanceof ConexusError)) this.logger.error('loading the embedding model failed', err);
        throw this.fail(err instanceof ConexusError ? err.message : `the embedding model failed to load: ${(err as Error).message}`, err);
      },
    );
    if (dimension === undefined) return this.loading;
    return this.loading.then((embedder) => {
      if (embedder.dimension === dimension) return embedder;
      throw this.fail(`embedding model ${this.id} gives ${embedder.dimension}-dimensional vectors but ${dimension}-dimensional ones are stored under its id; ` +
        'run "Conexus: Clear Index" (or delete the index folder) to embed again. Keyword search still works.');
    });
  }

  /** Records why the model cannot be used (once) and returns the error to throw. */
  private fail(reason: string, cause?: unknown): ConexusError {
    if (this.failure === undefined) {
      this.failure = reason;
      this.logger.warn(`semantic search is off: ${reason}`);
      this.onFailure(reason);
    }
    return new ConexusError(ErrorCode.ModelUnavailable, reason, cause === undefined ? undefined : { cause });
  }

  /** Loads the model now, so the first query does not wait for it; failures are reported through `onFailure`. */
  warm(): void {
    if (!this.loading && !this.disposed) this.get().catch(() => undefined);
  }

  /** Releases the ONNX session once any load in flight has settled. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const pending = this.loading;
    if (!pending) return;
    const embedder = await pending.catch(() => null);
    this.ready = null;
    await embedder?.dispose().catch(() => undefined);
  }
}

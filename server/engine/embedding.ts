/**
 * The embedding stage: every chunk content hash without a vector for the current model
 * gets one. It runs after the text index is updated, so keyword search is available
 * while vectors are still being computed, and it stops cleanly on pause or close.
 */
import type { IndexProgress } from '../../protocol/status';
import type { Embedder } from '../embed/embedder';
import type { ChunkRecord, ChunkStore } from '../store/chunkStore';
import type { VectorStore } from '../store/vectorStore';
import type { Logger } from './logger';

/** Texts per embedder call. */
const EMBED_BATCH = 256;

/** What the stage needs. */
export interface EmbedContext {
  store: ChunkStore;
  vectors: VectorStore;
  embedder: Embedder;
  logger: Logger;
  signal?: AbortSignal;
  progress(p: IndexProgress): void;
  shouldStop(): boolean;
}

/**
 * The text given to the model for a chunk: its symbol and container first (names
 * carry meaning the body may not spell out), then the code.
 */
export function embeddingText(c: Pick<ChunkRecord, 'symbol' | 'container' | 'text'>): string {
  const head = [c.container, c.symbol].filter(Boolean).join(' ');
  return head ? `${head}\n${c.text}` : c.text;
}

/** Embeds every missing hash; returns how many vectors were computed. */
export async function embedMissing(ctx: EmbedContext): Promise<number> {
  // One chunk per missing hash; its text is built batch by batch, not all at once (the
  // texts of 55,000 chunks with their headers are some 60 MB held for the whole stage).
  const todo = new Map<string, ChunkRecord>();
  for (const c of ctx.store.allChunks()) {
    if (!ctx.vectors.has(c.hash) && !todo.has(c.hash)) todo.set(c.hash, c);
  }
  if (todo.size === 0) return 0;
  const entries = [...todo.entries()];
  todo.clear();
  const started = performance.now();
  let done = 0;
  for (let i = 0; i < entries.length; i += EMBED_BATCH) {
    if (ctx.signal?.aborted || ctx.shouldStop()) break;
    const batch = entries.slice(i, i + EMBED_BATCH);
    const vectors = await ctx.embedder.embed(batch.map(([, chunk]) => embeddingText(chunk)));
    for (let j = 0; j < batch.length; j++) await ctx.vectors.put(batch[j][0], vectors[j]);
    done += batch.length;
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    ctx.progress({ phase: 'embedding', filesDone: done, filesTotal: entries.length, rate, etaSeconds: rate > 0 ? (entries.length - done) / rate : null });
  }
  await ctx.vectors.flush();
  ctx.logger.info(`embedded ${done} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return done;
}

/**
 * The embedding stage: every chunk content hash without a vector for the current model
 * gets one. It runs after the text index is updated, so keyword search is available
 * while vectors are still being computed, and it stops cleanly on pause or close.
 */
import type { IndexProgress } from '../../protocol/status';
import { docSummary } from '../embed/docSummary';
import type { Embedder } from '../embed/embedder';
import type { ChunkRecord, ChunkStore } from '../store/chunkStore';
import type { ChunkTexts } from '../store/chunkTexts';
import type { VectorStore } from '../store/vectorStore';
import type { Logger } from './logger';

/** Texts per embedder call. */
const EMBED_BATCH = 256;

/** What the stage needs. */
export interface EmbedContext {
  store: ChunkStore;
  /** Where chunk texts are rebuilt from (the files). */
  texts: ChunkTexts;
  vectors: VectorStore;
  /** Loaded on its first call when the model is (lazyModel.ts). */
  embedder: Pick<Embedder, 'embed'>;
  logger: Logger;
  signal?: AbortSignal;
  progress(p: IndexProgress): void;
  shouldStop(): boolean;
}

/**
 * Which recipe built the embedding texts. Vectors are stored per model and recipe, so a
 * change to `embeddingText` re-embeds into a new table instead of mixing vectors of two
 * kinds of text (the old table is dropped once the new one is complete).
 * 1: names + code; 2: names + doc summary + code.
 */
export const EMBEDDING_TEXT_RECIPE = 2;

/** The key vector tables are stored under: the model's id and the text recipe. */
export function vectorTableKey(modelId: string): string {
  return `${modelId}#text${EMBEDDING_TEXT_RECIPE}`;
}

/**
 * The text given to the model for a chunk: its symbol and container first (names
 * carry meaning the body may not spell out), then its doc summary (said twice, since
 * the code below repeats it: see docSummary.ts for why and what it gained), then the code.
 */
export function embeddingText(c: Pick<ChunkRecord, 'symbol' | 'container' | 'language'>, text: string): string {
  const head = [c.container, c.symbol].filter(Boolean).join(' ');
  const summary = c.symbol ? docSummary(text, c.language) : '';
  const lead = [head, summary].filter(Boolean).join('\n');
  return lead ? `${lead}\n${text}` : text;
}

/**
 * The text to embed for a hash: from the first chunk with that hash whose file still
 * holds it. Null when none does (every such file changed after it was chunked; the
 * next pass re-chunks them), so no vector is ever stored under a hash for other text.
 */
function textForHash(ctx: EmbedContext, first: ChunkRecord): string | null {
  const text = ctx.texts.text(first);
  if (text !== null) return embeddingText(first, text);
  for (const id of ctx.store.idsWithHash(first.hash)) {
    const c = ctx.store.chunk(id);
    const other = c && c !== first ? ctx.texts.text(c) : null;
    if (other !== null) return embeddingText(c!, other);
  }
  return null;
}

/** Embeds every missing hash; returns how many vectors were computed. */
export async function embedMissing(ctx: EmbedContext): Promise<number> {
  // One chunk per missing hash; its text is read from its file batch by batch, so no
  // more than a batch of texts is held at once.
  const todo = new Map<string, ChunkRecord>();
  for (const c of ctx.store.allChunks()) {
    if (!ctx.vectors.has(c.hash) && !todo.has(c.hash)) todo.set(c.hash, c);
  }
  if (todo.size === 0) return 0;
  const entries = [...todo.entries()];
  todo.clear();
  const started = performance.now();
  let done = 0;
  let unreadable = 0;
  ctx.vectors.beginBulk();
  try {
    for (let i = 0; i < entries.length; i += EMBED_BATCH) {
      if (ctx.signal?.aborted || ctx.shouldStop()) break;
      const hashes: string[] = [];
      const texts: string[] = [];
      for (const [hash, chunk] of entries.slice(i, i + EMBED_BATCH)) {
        const text = textForHash(ctx, chunk);
        if (text === null) unreadable++;
        else { hashes.push(hash); texts.push(text); }
      }
      const vectors = texts.length ? await ctx.embedder.embed(texts) : [];
      for (let j = 0; j < hashes.length; j++) await ctx.vectors.put(hashes[j], vectors[j]);
      done += hashes.length;
      const seen = Math.min(i + EMBED_BATCH, entries.length);
      const secs = (performance.now() - started) / 1000;
      const rate = secs > 0 ? seen / secs : 0;
      ctx.progress({ phase: 'embedding', filesDone: seen, filesTotal: entries.length, rate, etaSeconds: rate > 0 ? (entries.length - seen) / rate : null });
    }
  } finally {
    await ctx.vectors.endBulk();
  }
  ctx.texts.clear();
  if (unreadable) ctx.logger.info(`${unreadable} chunks not embedded: their files changed since they were chunked (the next pass re-chunks them)`);
  ctx.logger.info(`embedded ${done} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return done;
}

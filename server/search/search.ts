/**
 * Answers a search: keyword (BM25), semantic (vectors) or hybrid (both, fused). The
 * same function serves the panel, the CLI and the MCP tools, so every caller gets the
 * same ranking and the same hit shape.
 */
import { SearchParamsSchema, type SearchHit, type SearchMode, type SearchParams, type SearchParamsInput, type SearchResult } from '../../protocol/search';
import { ConexusError, ErrorCode, describeIssues } from '../../protocol/errors';
import type { Embedder } from '../embed/embedder';
import type { ChunkRecord, ChunkStore } from '../store/chunkStore';
import type { ChunkTexts } from '../store/chunkTexts';
import type { VectorHit, VectorStore } from '../store/vectorStore';
import type { TextHit, TextIndex } from '../text/textIndex';
import { compileFilters, type ChunkFilter } from './filters';
import { DEFAULT_FUSION, fuse, type FusionConfig, type RankedList } from './fusion';
import { exactIdentifierTerm, extractQueryHints, LANGUAGE_HINT_BOOST } from './queryHints';
import { skippedPathHits } from './skippedPaths';

/**
 * Added to the fused score of a chunk holding the exact name a one-identifier query
 * asked for. Fused scores lie in [0, 1] (times the language hint's 1.15), so the tier
 * is strictly above every chunk without the name.
 */
const EXACT_NAME_TIER = 2;

/** Longest snippet returned per hit; longer chunks are cut at a line boundary. */
export const MAX_SNIPPET_CHARS = 4000;

/** What a search reads. */
export interface SearchContext {
  store: ChunkStore;
  text: TextIndex;
  /** Where snippets are read from (the files). */
  texts: ChunkTexts;
  vectors: VectorStore | null;
  /** Null when semantic search has no model; may load the model on its first call. */
  embedder: Pick<Embedder, 'embed'> | null;
  /** Why semantic search is off, when it is. */
  semanticOffReason?: string;
  fusion?: FusionConfig;
}

/** Validates raw parameters with the shared schema; throws InvalidParams naming the field. */
export function parseSearchParams(input: SearchParamsInput | unknown): SearchParams {
  const r = SearchParamsSchema.safeParse(input);
  if (!r.success) throw new ConexusError(ErrorCode.InvalidParams, `invalid search: ${describeIssues(r.error.issues)}`);
  return r.data;
}

/** Runs a validated search. */
export async function search(ctx: SearchContext, params: SearchParams, signal?: AbortSignal): Promise<SearchResult> {
  const started = performance.now();
  const filter = compileFilters(params.filters);
  const semanticOn = ctx.vectors !== null && ctx.embedder !== null && ctx.vectors.size > 0;
  let mode: SearchMode = params.mode;
  let notice: string | undefined;
  if (mode !== 'keyword' && !semanticOn) {
    notice = `semantic search is off (${ctx.semanticOffReason ?? 'no vectors yet'}); answered with keyword search`;
    mode = 'keyword';
  }
  // Fusion needs depth beyond k: a hit ranked 30th by one signal can win on both.
  const pool = Math.max(params.k * 5, 50);
  const hints = extractQueryHints(params.query);
  // The vector half awaits; the keyword half and everything after it run in one
  // synchronous stretch afterwards, so an index pass that replaces chunks while the
  // vectors are searched cannot leave this answer with ids of chunks that are gone.
  let vectorHits: VectorHit[] = [];
  if (mode !== 'keyword') {
    try {
      vectorHits = await semanticSearch(ctx, params.query, pool, filter);
    } catch (err) {
      // The vector side failing (a table compacted under a reader, a model error) costs
      // this query its semantic half, not the answer.
      notice = `semantic search failed for this query (${(err as Error).message.split('\n')[0]}); answered with keyword search`;
      mode = 'keyword';
    }
  }
  throwIfAborted(signal);
  const keywordHits = mode === 'semantic' ? [] : keywordSearch(ctx, hints.text, pool, filter);
  const semantic = expandHashes(ctx, vectorHits, pool, filter);

  const byId = new Map<number, TextHit>(keywordHits.map((h) => [h.id, h]));
  const semanticIds = new Set(semantic.ids);
  let scored: Array<{ id: number; score: number }>;
  if (mode === 'keyword') scored = keywordHits.map((h) => ({ id: h.id, score: h.score }));
  else if (mode === 'semantic') scored = semantic.ids.map((id, i) => ({ id, score: semantic.scores[i] }));
  else {
    const fused = fuse({ ids: keywordHits.map((h) => h.id), scores: keywordHits.map((h) => h.score) }, semantic, ctx.fusion ?? DEFAULT_FUSION);
    // A query that is one compound identifier asks for that name: chunks containing it
    // form a tier above the rest (see exactIdentifierTerm).
    const exact = exactIdentifierTerm(hints.text);
    if (exact) for (const h of keywordHits) if (h.terms.includes(exact)) fused.set(h.id, (fused.get(h.id) ?? 0) + EXACT_NAME_TIER);
    scored = [...fused].map(([id, score]) => ({ id, score }));
  }
  const hits: SearchHit[] = [];
  const hinted = new Set(hints.languages);
  const ranked = scored
    .map((s) => ({ ...s, chunk: ctx.store.chunk(s.id) }))
    .filter((s): s is { id: number; score: number; chunk: ChunkRecord } => s.chunk !== undefined)
    .map((s) => (hinted.has(s.chunk.language) ? { ...s, score: s.score * LANGUAGE_HINT_BOOST } : s))
    .sort(compareHits);
  for (const s of ranked.slice(0, params.k)) {
    const kw = byId.get(s.id);
    hits.push(toHit(s.chunk, s.score, kw, semanticIds.has(s.id), ctx.texts));
  }
  if (params.mode !== 'semantic' && !params.filters?.kinds?.length) mergePathHits(ctx, params, hits, filter);
  return { hits, mode, notice, tookMs: Math.round((performance.now() - started) * 100) / 100 };
}

/**
 * Adds skipped files matched by name: an exact file name goes first (that is what was
 * asked for), other matches take the places left after the content hits.
 */
function mergePathHits(ctx: SearchContext, params: SearchParams, hits: SearchHit[], filter: ChunkFilter): void {
  const accept = (path: string, language: string) =>
    !filter || filter({ path, language, kind: null } as ChunkRecord);
  const found = skippedPathHits(ctx.store.skipped, params.query, accept);
  const q = params.query.trim().toLowerCase();
  for (const h of found) {
    const exact = h.path.toLowerCase().endsWith(`/${q}`) || h.path.toLowerCase() === q;
    if (exact) {
      h.score = (hits[0]?.score ?? 1) + 1e-6;
      hits.unshift(h);
    } else if (hits.length < params.k) {
      h.score = hits.length ? Math.min(...hits.map((x) => x.score)) * 0.99 : 1;
      hits.push(h);
    }
  }
  if (hits.length > params.k) hits.length = params.k;
}

function keywordSearch(ctx: SearchContext, query: string, limit: number, filter: ChunkFilter): TextHit[] {
  const accept = filter ? (id: number) => { const c = ctx.store.chunk(id); return c !== undefined && filter(c); } : undefined;
  return ctx.text.search(query, limit, accept);
}

/**
 * Nearest chunk hashes by vector. Vectors are stored per content hash, so each hash
 * stands for every chunk with that text; filters apply to those chunks, so the search
 * widens until enough pass or the table is exhausted. Returns hashes, not chunk ids:
 * ids are taken later in the same synchronous stretch as the keyword search.
 */
async function semanticSearch(ctx: SearchContext, query: string, limit: number, filter: ChunkFilter): Promise<VectorHit[]> {
  const [qv] = await ctx.embedder!.embed([query]);
  const vectors = ctx.vectors!;
  let fetch = filter ? limit * 4 : limit;
  for (;;) {
    const hits = await vectors.search(qv, fetch);
    if (expandHashes(ctx, hits, limit, filter).ids.length >= limit || hits.length < fetch || fetch >= vectors.size) return hits;
    fetch *= 4;
  }
}

/** The chunks behind vector hits, best first, filtered, at most `limit`. */
function expandHashes(ctx: SearchContext, hits: VectorHit[], limit: number, filter: ChunkFilter): RankedList {
  const ids: number[] = [];
  const scores: number[] = [];
  for (const h of hits) {
    for (const id of [...ctx.store.idsWithHash(h.hash)].sort((a, b) => a - b)) {
      const c = ctx.store.chunk(id);
      if (!c || (filter && !filter(c))) continue;
      ids.push(id);
      scores.push(h.similarity);
      if (ids.length >= limit) return { ids, scores };
    }
  }
  return { ids, scores };
}

/** Best score first; equal scores by path then line so results are stable. */
function compareHits(a: { score: number; chunk: ChunkRecord }, b: { score: number; chunk: ChunkRecord }): number {
  if (b.score !== a.score) return b.score - a.score;
  if (a.chunk.path !== b.chunk.path) return a.chunk.path < b.chunk.path ? -1 : 1;
  return a.chunk.startLine - b.chunk.startLine;
}

function toHit(c: ChunkRecord, score: number, kw: TextHit | undefined, semantic: boolean, texts: ChunkTexts): SearchHit {
  return {
    path: c.path,
    startLine: c.startLine,
    endLine: c.endLine,
    language: c.language,
    symbol: c.symbol,
    kind: c.kind as SearchHit['kind'],
    container: c.container,
    score: Math.round(score * 1e6) / 1e6,
    snippet: snippet(texts.display(c).text),
    matched: { terms: kw?.terms ?? [], semantic, symbol: kw?.symbol ?? false, path: kw?.path ?? false },
  };
}

/** The chunk text, cut at a line boundary when longer than MAX_SNIPPET_CHARS. */
export function snippet(text: string): string {
  if (text.length <= MAX_SNIPPET_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_SNIPPET_CHARS);
  return text.slice(0, cut > 0 ? cut : MAX_SNIPPET_CHARS);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConexusError(ErrorCode.Cancelled, 'search cancelled by a newer request');
}

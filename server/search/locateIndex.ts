/**
 * The whole-file view `locateFiles` ranks with: one BM25 document per indexed file
 * (its text, its path and its definition names), a table of definitions by name, and a
 * table of file-name stems. Built from the engine's stored chunks, so it only ever
 * contains what the engine indexed (excluded files and secrets never appear), and
 * rebuilt when the index changes.
 */
import type { EngineApi, StoredChunk } from '../engine/api';
import { identifierParts, isTopicTerm, tokenize } from './locateQuery';

/** A definition as the chunks name it. */
export interface Definition {
  path: string;
  name: string;
  kind: string | null;
  container: string | null;
  startLine: number;
  endLine: number;
}

/** The part of the engine file ranking needs (so tests and benchmarks can supply their own). */
export type LocateSource = Pick<EngineApi, 'allChunks' | 'status'> & Partial<Pick<EngineApi, 'search'>>;

/** BM25 parameters: the usual defaults; path and symbol names count as repeated text. */
const K1 = 1.2;
const B = 0.75;
const PATH_REPEAT = 3;
const SYMBOL_REPEAT = 2;

/** The whole-file index. */
export class FileIndex {
  /** Display paths, index = document id. */
  readonly paths: string[] = [];
  readonly languages: string[] = [];
  /** Definitions by exact name. */
  readonly definitions = new Map<string, Definition[]>();
  /** Definitions per document id. */
  readonly fileDefinitions: Definition[][] = [];
  /** Document ids by lower-case file-name stem (`ccode.py` → `ccode`). */
  readonly stems = new Map<string, number[]>();
  private readonly postings = new Map<string, Array<[doc: number, tf: number]>>();
  private readonly lengths: number[] = [];
  private avgLength = 1;

  /** Builds the index from stored chunks (grouped by path; order within a file does not matter). */
  static build(chunks: Iterable<StoredChunk>): FileIndex {
    const byPath = new Map<string, StoredChunk[]>();
    for (const c of chunks) {
      const list = byPath.get(c.path);
      if (list) list.push(c);
      else byPath.set(c.path, [c]);
    }
    const index = new FileIndex();
    for (const [path, list] of [...byPath].sort((a, b) => (a[0] < b[0] ? -1 : 1))) index.add(path, list);
    index.avgLength = index.lengths.reduce((a, b) => a + b, 0) / Math.max(1, index.lengths.length) || 1;
    return index;
  }

  private add(path: string, chunks: StoredChunk[]): void {
    const doc = this.paths.length;
    this.paths.push(path);
    this.languages.push(chunks[0]?.language ?? '');
    const defs: Definition[] = [];
    const counts = new Map<string, number>();
    const bump = (t: string, n: number) => { if (isTopicTerm(t)) counts.set(t, (counts.get(t) ?? 0) + n); };
    // Overlapping chunks would count shared lines twice; the stored chunks do not overlap
    // by contract, and a few duplicated lines would only nudge term frequencies.
    for (const c of chunks) {
      for (const [t, n] of chunkTerms(c)) bump(t, n);
      if (c.symbol) {
        const def = { path, name: c.symbol, kind: c.kind, container: c.container, startLine: c.startLine, endLine: c.endLine };
        defs.push(def);
        const list = this.definitions.get(c.symbol);
        if (list) list.push(def);
        else this.definitions.set(c.symbol, [def]);
        for (const t of tokenize(c.symbol)) bump(t, SYMBOL_REPEAT);
      }
    }
    for (const seg of path.split('/')) for (const t of tokenize(seg.replace(/\.[^.]*$/, ''))) bump(t, PATH_REPEAT);
    this.fileDefinitions.push(defs);
    const stem = (path.split('/').pop() ?? path).replace(/\.[^.]*$/, '').toLowerCase();
    const same = this.stems.get(stem);
    if (same) same.push(doc);
    else this.stems.set(stem, [doc]);
    let length = 0;
    for (const [term, tf] of counts) {
      length += tf;
      const p = this.postings.get(term);
      if (p) p.push([doc, tf]);
      else this.postings.set(term, [[doc, tf]]);
    }
    this.lengths.push(length);
  }

  /** Number of files. */
  get size(): number {
    return this.paths.length;
  }

  /** Inverse document frequency of a term (0 for unknown terms). */
  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    if (df === 0) return 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** BM25 scores per document id for weighted query terms (a term's weight multiplies its contribution). */
  bm25(terms: Map<string, number>): Map<number, number> {
    const scores = new Map<number, number>();
    for (const [term, weight] of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [doc, tf] of list) {
        const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * this.lengths[doc] / this.avgLength));
        scores.set(doc, (scores.get(doc) ?? 0) + weight * idf * norm);
      }
    }
    return scores;
  }

  /** Document id of a display path, or -1. */
  docOf(path: string): number {
    return this.byPath().get(path) ?? -1;
  }

  private pathMap: Map<string, number> | null = null;
  private byPath(): Map<string, number> {
    if (!this.pathMap) this.pathMap = new Map(this.paths.map((p, i) => [p, i]));
    return this.pathMap;
  }
}

/** Splits a path into lower-case identifier parts (for path-name matching). */
export function pathParts(path: string): string[] {
  return path.split('/').flatMap((s) => identifierParts(s.replace(/\.[^.]*$/, '')));
}

/** Term counts per chunk hash: rebuilding after an incremental update re-tokenizes only new chunks. */
const termsByHash = new Map<string, Array<[string, number]>>();
const TERMS_CACHE_LIMIT = 400_000;

function chunkTerms(c: StoredChunk): Array<[string, number]> {
  // The content hash alone is the key: reading `text` is a file read now (chunk texts
  // live in the files), which a cache hit must not pay.
  const key = c.hash;
  const hit = key ? termsByHash.get(key) : undefined;
  if (hit) return hit;
  const counts = new Map<string, number>();
  for (const t of tokenize(c.text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const out = [...counts];
  if (key) {
    if (termsByHash.size >= TERMS_CACHE_LIMIT) termsByHash.clear();
    termsByHash.set(key, out);
  }
  return out;
}

const cache = new WeakMap<object, { key: string; index: FileIndex }>();

/**
 * The file index for a source, rebuilt only when the index changed (files, chunks or
 * last update time differ), so repeated locate calls cost one BM25 pass each.
 */
export function fileIndexFor(source: LocateSource): FileIndex {
  const s = source.status();
  const key = `${s.files}:${s.chunks}:${s.lastUpdated ?? ''}`;
  const hit = cache.get(source);
  if (hit && hit.key === key) return hit.index;
  const index = FileIndex.build(source.allChunks());
  cache.set(source, { key, index });
  return index;
}

/**
 * File ranking for a task or bug description: the first stage of two-stage retrieval
 * (find the files, then read them). Five signals, each normalised to 0..1 and summed
 * with fixed weights:
 *
 * - whole-file BM25 over every topic word of the description;
 * - chunk-level hits from the engine's own search (hybrid when a model is loaded),
 *   aggregated per file as best hit plus a decayed sum of the next ones;
 * - definitions: identifiers of the description that a file defines, weighted by how
 *   rare the name is across the index;
 * - paths: files the description names (paths, dotted module names, file-name stems);
 * - stack frames: files in a quoted trace, innermost weighted most.
 *
 * Test files are demoted unless the description is about tests. The weights were
 * chosen on one repository's issues and kept round so they do not encode its quirks.
 */
import type { SearchHit } from '../../protocol/search';
import { type Definition, type FileIndex, type LocateSource, fileIndexFor } from './locateIndex';
import { type LocateQuery, cleanPath, parseLocateQuery } from './locateQuery';

export type { LocateSource } from './locateIndex';

/** A symbol worth opening in a ranked file. */
export interface LocatedSymbol {
  name: string;
  kind: string | null;
  startLine: number;
  endLine: number;
}

/** One ranked file. */
export interface LocatedFile {
  path: string;
  score: number;
  /** Best-matching definitions in the file, with line ranges. */
  symbols: LocatedSymbol[];
  /** One line: why this file ranks here. */
  reason: string;
}

/** Options for `locateFiles`. */
export interface LocateOptions {
  k?: number;
  signal?: AbortSignal;
  /** Chunk-level search mode; default hybrid (the engine falls back to keyword without a model). */
  mode?: 'hybrid' | 'keyword' | 'semantic';
  /** Signal weights (for experiments); defaults below. */
  weights?: Partial<typeof DEFAULT_WEIGHTS>;
}

/** Signal weights. */
export const DEFAULT_WEIGHTS = { bm25: 1, chunks: 1, definitions: 0.8, paths: 1, frames: 0.8, testPenalty: 0.3 };

/** A per-file accumulator. */
interface Evidence {
  bm25: number;
  chunks: number;
  definitions: number;
  paths: number;
  frames: number;
  symbols: Map<string, LocatedSymbol & { weight: number }>;
  notes: string[];
}

/** Names defined in more files than this say nothing about where to look. */
const MAX_DEFINING_FILES = 12;
/**
 * How many chunk hits to ask the engine for. Deep enough that in hybrid search, where a
 * chunk only keyword search found scores below chunks both signals found, the fix's file
 * keeps its chunk evidence: with 60 hits semantically similar code elsewhere pushed it out
 * on 5 of 77 sympy issues (hybrid Acc@5 under keyword-only); at 150 hybrid is at least
 * keyword-only on every measure (see README, file localisation).
 */
const CHUNK_HITS = 150;
/** How many query terms go into the chunk-level search. */
const CHUNK_QUERY_TERMS = 40;
/** Characters of the description sent as is when none of its words is indexed. */
const FALLBACK_QUERY_CHARS = 1000;

const TEST_PATH = /(^|\/)(tests?|__tests__|spec|testing)(\/|$)|(^|\/)test_[^/]*$|_test\.[^/]+$|\.(test|spec)\.[^/]+$|(^|\/)conftest\.py$/i;

/** True when a path looks like a test file. */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/** Ranks the indexed files for a description; returns at most `k` (default 10) files. */
export async function locateFiles(source: LocateSource, text: string, opts: LocateOptions = {}): Promise<LocatedFile[]> {
  const w = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const k = opts.k ?? 10;
  const index = fileIndexFor(source);
  if (index.size === 0) return [];
  const q = parseLocateQuery(text);
  const ev = new Map<number, Evidence>();
  const get = (doc: number): Evidence => {
    let e = ev.get(doc);
    if (!e) ev.set(doc, (e = { bm25: 0, chunks: 0, definitions: 0, paths: 0, frames: 0, symbols: new Map(), notes: [] }));
    return e;
  };

  // Whole-file BM25: sub-linear in how often the description repeats a word.
  const termWeights = new Map([...q.terms].map(([t, n]) => [t, 1 + Math.log(n)]));
  normaliseInto(index.bm25(termWeights), get, 'bm25');

  if (source.search) await addChunkHits(source, index, q, text, opts, get);
  addDefinitions(index, q, get);
  addPaths(index, q, get);
  addFrames(index, q, get);

  const ranked: LocatedFile[] = [];
  for (const [doc, e] of ev) {
    let score = w.bm25 * e.bm25 + w.chunks * e.chunks + w.definitions * e.definitions + w.paths * e.paths + w.frames * e.frames;
    const path = index.paths[doc];
    if (!q.aboutTests && isTestPath(path)) score *= w.testPenalty;
    if (score <= 0) continue;
    ranked.push({ path, score, symbols: topSymbols(e), reason: reasonFor(e) });
  }
  ranked.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
  return ranked.slice(0, k).map((f) => ({ ...f, score: Math.round(f.score * 1000) / 1000 }));
}

type Get = (doc: number) => Evidence;

function normaliseInto(scores: Map<number, number>, get: Get, field: 'bm25' | 'chunks' | 'definitions'): void {
  let max = 0;
  for (const s of scores.values()) max = Math.max(max, s);
  if (max <= 0) return;
  for (const [doc, s] of scores) get(doc)[field] = s / max;
}

function addSymbol(e: Evidence, d: { name: string; kind: string | null; startLine: number; endLine: number }, weight: number): void {
  const key = `${d.name}:${d.startLine}`;
  const prev = e.symbols.get(key);
  if (!prev || prev.weight < weight) e.symbols.set(key, { name: d.name, kind: d.kind, startLine: d.startLine, endLine: d.endLine, weight: (prev?.weight ?? 0) + weight });
}

/** The chunk-level search gets the description's most distinctive words, not its whole text. */
function chunkQuery(index: FileIndex, q: LocateQuery, text: string): string {
  const scored = [...q.terms].map(([t, n]) => [t, (1 + Math.log(n)) * index.idf(t)] as const).filter(([, s]) => s > 0);
  scored.sort((a, b) => b[1] - a[1]);
  const ids = [...q.identifiers].filter(([id, wt]) => wt >= 1 && index.definitions.has(id)).map(([id]) => id);
  const words = [...new Set([...ids, ...scored.map(([t]) => t)])].slice(0, CHUNK_QUERY_TERMS);
  // No word of the description occurs in the index: only meaning can help, so the
  // (semantic part of the) engine search gets the description's opening as written.
  return words.length ? words.join(' ') : text.trim().slice(0, FALLBACK_QUERY_CHARS);
}

async function addChunkHits(source: LocateSource, index: FileIndex, q: LocateQuery, text: string, opts: LocateOptions, get: Get): Promise<void> {
  const query = chunkQuery(index, q, text);
  if (!query || !source.search) return;
  let hits: SearchHit[];
  try {
    hits = (await source.search({ query, k: CHUNK_HITS, mode: opts.mode ?? 'hybrid' }, opts.signal)).hits;
  } catch (error) {
    // A failed chunk search (e.g. cancelled) leaves the other four signals; the caller
    // still gets a ranking, just without this one.
    if (opts.signal?.aborted) throw error;
    return;
  }
  const perFile = new Map<number, number[]>();
  const top = hits[0]?.score || 1;
  for (const h of hits) {
    const doc = index.docOf(h.path);
    if (doc < 0) continue;
    const list = perFile.get(doc) ?? [];
    list.push(h.score / top);
    perFile.set(doc, list);
    if (h.symbol) addSymbol(get(doc), { name: h.symbol, kind: h.kind, startLine: h.startLine, endLine: h.endLine }, 0.5 * h.score / top);
  }
  // Best hit plus a decayed sum: a file with several good chunks beats one lucky chunk,
  // but twenty weak chunks do not beat one excellent one.
  const agg = new Map<number, number>();
  for (const [doc, list] of perFile) agg.set(doc, list.reduce((s, v, i) => s + v * Math.pow(0.5, i), 0));
  normaliseInto(agg, get, 'chunks');
}

function addDefinitions(index: FileIndex, q: LocateQuery, get: Get): void {
  const scores = new Map<number, number>();
  const named = new Map<number, string[]>();
  const logN = Math.log(1 + index.size);
  for (const [id, weight] of q.identifiers) {
    const defs = index.definitions.get(id);
    if (!defs) continue;
    const files = new Set(defs.map((d) => d.path));
    if (files.size > MAX_DEFINING_FILES) continue;
    const rarity = Math.log(1 + index.size / files.size) / logN;
    for (const d of defs) {
      const doc = index.docOf(d.path);
      const top = d.container ? 0.6 : 1;
      scores.set(doc, (scores.get(doc) ?? 0) + weight * rarity * top / Math.sqrt(defs.length));
      addSymbol(get(doc), d, weight * rarity);
      const list = named.get(doc) ?? [];
      if (!list.includes(id)) list.push(id);
      named.set(doc, list);
    }
  }
  normaliseInto(scores, get, 'definitions');
  for (const [doc, ids] of named) get(doc).notes.push(`defines ${ids.slice(0, 3).map((i) => '`' + i + '`').join(', ')}`);
}

/** Matches a quoted path against indexed paths by trailing segments (quoted paths may be absolute, from another machine). */
function matchPath(index: FileIndex, quoted: string): number[] {
  const segs = cleanPath(quoted).split('/').filter((s) => s && s !== '.');
  const out: number[] = [];
  if (segs.length === 0 || segs.includes('..')) return out;
  let best = 0;
  for (let doc = 0; doc < index.size; doc++) {
    const p = index.paths[doc].split('/');
    let n = 0;
    while (n < segs.length && n < p.length && segs[segs.length - 1 - n] === p[p.length - 1 - n]) n++;
    if (n === 0) continue;
    if (n > best) { best = n; out.length = 0; }
    if (n === best) out.push(doc);
  }
  return out.length > 5 ? [] : out;
}

function addPaths(index: FileIndex, q: LocateQuery, get: Get): void {
  const bump = (doc: number, score: number, note: string) => {
    const e = get(doc);
    if (score > e.paths) { e.paths = score; e.notes.unshift(note); }
  };
  for (const p of q.paths) for (const doc of matchPath(index, p)) bump(doc, 1, `named in the text as ${p}`);
  for (const d of q.dotted) {
    const parts = d.split('.');
    // `pkg.mod.Class.method` names pkg/mod.py or pkg/mod/__init__.py: try every prefix of two or more parts.
    for (let n = parts.length; n >= 2; n--) {
      const base = parts.slice(0, n).join('/');
      const docs = index.paths.flatMap((p, doc) => {
        const noExt = p.replace(/\.[^./]+$/, '');
        return noExt.endsWith(base) || noExt.endsWith(base + '/__init__') || noExt.endsWith(base + '/index') ? [doc] : [];
      });
      if (docs.length > 0 && docs.length <= 3) {
        for (const doc of docs) bump(doc, 0.8 * (n / parts.length) + 0.2 * (n >= 3 ? 1 : 0), `module ${parts.slice(0, n).join('.')} named in the text`);
        break;
      }
    }
  }
  for (const [id, weight] of q.identifiers) {
    const docs = index.stems.get(id.toLowerCase());
    if (!docs || docs.length > 3 || id.length < 3) continue;
    for (const doc of docs) bump(doc, 0.5 * weight / docs.length, `file name matches \`${id}\``);
  }
}

function addFrames(index: FileIndex, q: LocateQuery, get: Get): void {
  const inRepo = q.frames.map((f) => ({ f, docs: matchPath(index, f.path) })).filter((x) => x.docs.length > 0);
  inRepo.forEach(({ f, docs }, i) => {
    // The innermost frame in the workspace is where the failure surfaced; callers above it share the blame.
    const score = 0.5 + 0.5 * (i + 1) / inRepo.length;
    for (const doc of docs) {
      const e = get(doc);
      if (score > e.frames) e.frames = score;
      e.notes.push(`in the stack trace${f.line ? ` at line ${f.line}` : ''}${f.fn ? ` (${f.fn})` : ''}`);
      const defs: Definition[] = index.fileDefinitions[doc];
      const hit = f.line ? defs.filter((d) => d.startLine <= f.line! && f.line! <= d.endLine).pop() : undefined;
      if (hit) addSymbol(e, hit, 1);
    }
  });
}

function topSymbols(e: Evidence): LocatedSymbol[] {
  return [...e.symbols.values()].sort((a, b) => b.weight - a.weight || a.startLine - b.startLine).slice(0, 5)
    .map(({ name, kind, startLine, endLine }) => ({ name, kind, startLine, endLine }));
}

function reasonFor(e: Evidence): string {
  const parts = [...new Set(e.notes)].slice(0, 2);
  if (e.chunks > 0.3) parts.push(`strong chunk matches (${e.chunks.toFixed(2)})`);
  if (e.bm25 > 0.3) parts.push(`shares many of the description's words (${e.bm25.toFixed(2)})`);
  return parts.slice(0, 3).join('; ') || 'weak word overlap with the description';
}

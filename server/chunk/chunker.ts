/**
 * The chunker: a file's text in, chunks out, by syntax where a grammar is loaded, by
 * headings for markdown and by line windows for everything else.
 *
 * Invariants every strategy keeps (and the property tests check): chunks are in line
 * order and do not overlap, together they cover every line of the file, and a chunk's
 * `text` is exactly its lines. No chunk is dropped for being long: a line longer than
 * the character limit simply makes a long chunk.
 */
import type Parser from 'web-tree-sitter';
import { callQuery, callsInRows, collectCalls, MAX_CALLS } from './callQueries';
import { rulesFor } from './defRulesMore';
import { grammarLogger, loadGrammar, loadedGrammar, renewParser, type LoadedGrammar } from './grammars';
import { grammarFor } from './languages';
import { indexLines, lineWindows, rowsText, type LineIndex } from './lineIndex';
import { chunkMarkdown } from './markdown';
import { mergeSmall } from './merge';
import { chunkOutline, outlineCalls } from './outline';
import { members, refine, segmentRange, type Segment, type SegmentContext } from './segments';
import type { Chunk, ChunkInput } from './types';

/** Size limits for chunks; every field optional, defaults in DEFAULT_CHUNK_OPTIONS. */
export interface ChunkOptions {
  /** A definition longer than this is cut at its members or statements. */
  maxLines?: number;
  /** A definition larger than this (characters) is cut the same way. */
  maxChars?: number;
  /** Glue and small declarations shorter than this merge with a neighbour. */
  minLines?: number;
  /** Line-window size for files cut by lines. */
  windowLines?: number;
  /** Parse time limit per file; past it the file is cut by its outline. */
  parseTimeoutMicros?: number;
  /** Code files larger than this (characters) are cut by their outline instead of parsed. */
  maxParseChars?: number;
  /**
   * `syntax` (default): parse where a grammar is loaded. `outline`: never parse code,
   * cut it by indentation and definition openers (about 20x faster; for bulk indexing
   * such as dependencies). `lines`: line windows only.
   */
  strategy?: 'syntax' | 'outline' | 'lines';
}

/** The defaults: about a screen or two of code per chunk. */
export const DEFAULT_CHUNK_OPTIONS: Readonly<Required<ChunkOptions>> = Object.freeze({
  maxLines: 120,
  maxChars: 6_000,
  minLines: 4,
  windowLines: 60,
  parseTimeoutMicros: 5_000_000,
  maxParseChars: 256 * 1024,
  strategy: 'syntax',
});

/**
 * Files whose average line is longer than this (and that are big) are minified or
 * generated: syntax cannot cut inside a line, so parsing them buys nothing.
 */
const MINIFIED_AVG_LINE = 400;
const MINIFIED_MIN_CHARS = 20_000;

/** Chunks a file, loading its grammar first if needed. */
export async function chunkFile(input: ChunkInput, opts?: ChunkOptions): Promise<Chunk[]> {
  if (grammarFor(input.language) && (opts?.strategy ?? 'syntax') === 'syntax') await loadGrammar(input.language);
  return chunkWith(input, resolve(opts), loadedGrammar(input.language) ?? null);
}

/**
 * Chunks a file synchronously with the grammars already loaded (see `preloadGrammars`).
 * Returns null when the language has a grammar that has not been loaded yet, so the
 * caller can fall back to `chunkFile` rather than silently getting line chunks.
 */
export function chunkFileSync(input: ChunkInput, opts?: ChunkOptions): Chunk[] | null {
  const grammar = loadedGrammar(input.language);
  if (grammar === undefined && grammarFor(input.language) && (opts?.strategy ?? 'syntax') === 'syntax') return null;
  return chunkWith(input, resolve(opts), grammar ?? null);
}

/** Defaults for absent, undefined or non-finite fields; counts are whole and at least 1. */
function resolve(opts?: ChunkOptions): Required<ChunkOptions> {
  const d = DEFAULT_CHUNK_OPTIONS;
  const count = (v: number | undefined, def: number) => (Number.isFinite(v) ? Math.max(1, Math.floor(v!)) : def);
  const maxLines = count(opts?.maxLines, d.maxLines);
  return {
    maxLines,
    maxChars: count(opts?.maxChars, d.maxChars),
    minLines: count(opts?.minLines, d.minLines),
    windowLines: Math.min(count(opts?.windowLines, d.windowLines), maxLines),
    parseTimeoutMicros: count(opts?.parseTimeoutMicros, d.parseTimeoutMicros),
    maxParseChars: Number.isFinite(opts?.maxParseChars) ? Math.max(0, opts!.maxParseChars!) : d.maxParseChars,
    strategy: opts?.strategy ?? d.strategy,
  };
}

/** How a file is cut. Chunking and `callsInLines` decide it the same way. */
type Plan = 'lines' | 'markdown' | 'outline' | 'syntax';

function planFor(input: ChunkInput, ix: LineIndex, o: Required<ChunkOptions>, grammar: LoadedGrammar | null): Plan {
  if (o.strategy === 'lines') return 'lines';
  if (input.language === 'markdown') return 'markdown';
  const minified = input.text.length > MINIFIED_MIN_CHARS && input.text.length / ix.count > MINIFIED_AVG_LINE;
  if (!rulesFor(input.language) || minified) return 'lines';
  if (o.strategy === 'outline' || input.text.length > o.maxParseChars) return 'outline';
  // No grammar (missing or failed to load, already reported): lines, as promised in the warning.
  return grammar ? 'syntax' : 'lines';
}

/** The file's syntax tree, or null when parsing failed or ran out of time (the caller cuts by outline). */
function parseOrNull(input: ChunkInput, grammar: LoadedGrammar, o: Required<ChunkOptions>): Parser.Tree | null {
  grammar.parser.setTimeoutMicros(o.parseTimeoutMicros);
  try {
    return grammar.parser.parse(input.text);
  } catch (error) {
    // A parse stopped by the time limit must be reset, or the next parse resumes it;
    // one stopped by an internal error gets a fresh parser.
    renewParser(input.language, error);
    grammarLogger().debug(`conexus chunk: ${input.path}: parse failed or timed out (${String(error)}); cut by outline`);
    return null;
  }
}

function chunkWith(input: ChunkInput, o: Required<ChunkOptions>, grammar: LoadedGrammar | null): Chunk[] {
  const ix = indexLines(input.text);
  if (ix.count === 0) return [];
  const plan = planFor(input, ix, o, grammar);
  if (plan === 'lines') return lineChunks(ix, o);
  if (plan === 'markdown') return chunkMarkdown(ix, o.maxLines, o.maxChars);
  const tree = plan === 'syntax' ? parseOrNull(input, grammar!, o) : null;
  if (!tree) return outlineChunks(ix, o);
  try {
    const root = tree.rootNode;
    const ctx: SegmentContext = { rules: rulesFor(input.language)!, lines: ix, root, maxLines: o.maxLines, maxChars: o.maxChars };
    const top = segmentRange(ctx, members(ctx.rules, root), 0, ix.count - 1, { symbol: null, kind: null, container: null });
    return mergeSmall(ctx, refine(ctx, top), o.minLines).map((s) => toChunk(ix, s));
  } finally {
    tree.delete();
  }
}

/**
 * The names called in lines startLine..endLine (1-based, inclusive) of a file: by the
 * language's call query where the file is cut by syntax, by pattern where it is cut by
 * its outline, none where it is cut by lines or headings. Deduplicated in order of
 * appearance, at most MAX_CALLS. Found on demand for the one definition a tool asks
 * about rather than for every chunk while indexing, where the call query was an eighth
 * of the parsing threads' time on the 10,000-file bench.
 */
export async function callsInLines(input: ChunkInput, startLine: number, endLine: number, opts?: ChunkOptions): Promise<string[]> {
  const o = resolve(opts);
  if (grammarFor(input.language) && o.strategy === 'syntax') await loadGrammar(input.language);
  const grammar = loadedGrammar(input.language) ?? null;
  const ix = indexLines(input.text);
  const first = Math.max(0, Math.floor(startLine) - 1);
  const last = Math.min(ix.count - 1, Math.floor(endLine) - 1);
  if (!(first <= last)) return [];
  const plan = planFor(input, ix, o, grammar);
  if (plan === 'lines' || plan === 'markdown') return [];
  const byPattern = () => outlineCalls(rowsText(ix, first, last), MAX_CALLS);
  if (plan === 'outline') return byPattern();
  const query = callQuery(input.language, grammar!.language, grammarLogger());
  if (!query) return [];
  const tree = parseOrNull(input, grammar!, o);
  if (!tree) return byPattern();
  try {
    return callsInRows(collectCalls(query, tree.rootNode, first, last), first, last);
  } finally {
    tree.delete();
  }
}

function toChunk(ix: LineIndex, s: Segment): Chunk {
  return {
    startLine: s.start + 1,
    endLine: s.end + 1,
    text: rowsText(ix, s.start, s.end),
    symbol: s.symbol,
    kind: s.kind,
    container: s.container,
  };
}

/** Cuts code by its outline (see outline.ts). */
export function outlineChunks(ix: LineIndex, o: Required<ChunkOptions>): Chunk[] {
  const ctx = { lines: ix, maxLines: o.maxLines, maxChars: o.maxChars };
  return chunkOutline(ctx, o.minLines).map((s) => ({
    startLine: s.start + 1, endLine: s.end + 1, text: rowsText(ix, s.start, s.end), symbol: s.symbol, kind: s.kind, container: s.container,
  }));
}

/** Cuts a whole file into line windows (no names). */
export function lineChunks(ix: LineIndex, o: Required<ChunkOptions>): Chunk[] {
  return lineWindows(ix, 0, ix.count - 1, o.windowLines, o.maxChars).map(([s, e]) => ({
    startLine: s + 1, endLine: e + 1, text: rowsText(ix, s, e), symbol: null, kind: null, container: null,
  }));
}

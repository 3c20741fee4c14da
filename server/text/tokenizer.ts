/**
 * The code-aware tokenizer behind full-text search. Code and prose share one index,
 * so a query for "parse args" must find `parseArgs`, `parse_args` and `parse-args`,
 * and a query for `parseArgs` must rank the exact identifier above its parts. Each
 * identifier therefore yields its whole lower-cased form plus its sub-words
 * (camelCase, PascalCase, snake_case, kebab-case and letter/digit boundaries).
 */
import { stem } from './stemmer';

/** Options that change how text becomes terms. */
export interface TokenizeOptions {
  /** Reduce sub-words to a stem ("sorting" → "sort") so prose queries match code words. */
  stem: boolean;
  /** Drop English function words ("how", "to", "the") that carry no meaning for search. */
  dropStopWords: boolean;
}

/** The defaults the index uses; chosen on the CoSQA development split. */
export const DEFAULT_TOKENIZE_OPTIONS: TokenizeOptions = { stem: true, dropStopWords: true };

// Words joined by `_`, `$` or `-` count as one identifier so the whole form is kept.
const IDENTIFIER = /[A-Za-z0-9_$]+(?:-[A-Za-z0-9_$]+)*/g;
// Boundaries inside an identifier: lower→Upper, UPPER→Upper+lower (HTTPServer), letter↔digit.
const CAMEL_SPLIT = /(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/;
const SEPARATORS = /[-_$]+/;
/** Longest term kept; longer runs are hashes, base64 or minified noise, not words. */
const MAX_TERM_LENGTH = 40;

/** Function words that are frequent in both natural-language queries and comments. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'can', 'do', 'does', 'for', 'from',
  'how', 'i', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'so',
  'that', 'the', 'their', 'then', 'there', 'these', 'this', 'to', 'was', 'we', 'what',
  'when', 'where', 'which', 'while', 'who', 'why', 'will', 'with', 'you', 'your',
]);

/**
 * Splits one identifier into its lower-cased sub-words (without the whole form).
 * `parseHTTPHeader2` → ["parse", "http", "header", "2"].
 */
export function splitIdentifier(identifier: string): string[] {
  const parts: string[] = [];
  for (const piece of identifier.split(SEPARATORS)) {
    if (!piece) continue;
    for (const sub of piece.split(CAMEL_SPLIT)) if (sub) parts.push(sub.toLowerCase());
  }
  return parts;
}

/**
 * Turns text into search terms. Every identifier contributes its whole form (when it
 * has several parts) and each part; parts are stemmed and stop words dropped per
 * `options`. The order of terms follows the text (callers may rely on it for phrases).
 */
export function tokenize(text: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): string[] {
  const terms: string[] = [];
  const cache = cacheFor(options);
  IDENTIFIER.lastIndex = 0;
  for (let m = IDENTIFIER.exec(text); m !== null; m = IDENTIFIER.exec(text)) {
    for (const t of cachedTerms(m[0], cache, options)) terms.push(t);
  }
  return terms;
}

/**
 * `capTermFrequency(tokenize(text, options))`, counting terms as they are found instead
 * of listing every occurrence first: what the indexer stores for a chunk's text (a
 * third faster, and this runs on every chunk of a cold index).
 */
export function cappedTerms(text: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): string[] {
  return grouped(termCounts(text, options));
}

/** How often `tokenize(text, options)` gives each term, in first-seen order (uncapped). */
export function termCounts(text: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): Map<string, number> {
  const counts = new Map<string, number>();
  const cache = cacheFor(options);
  IDENTIFIER.lastIndex = 0;
  for (let m = IDENTIFIER.exec(text); m !== null; m = IDENTIFIER.exec(text)) {
    for (const t of cachedTerms(m[0], cache, options)) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/** Calls `fn` with each identifier of `text` in order: the runs `tokenize` turns into terms. */
export function eachIdentifier(text: string, fn: (raw: string) => void): void {
  IDENTIFIER.lastIndex = 0;
  for (let m = IDENTIFIER.exec(text); m !== null; m = IDENTIFIER.exec(text)) fn(m[0]);
}

/** One identifier's terms as `tokenize` gives them for it (shared, do not change). */
export function identifierTermList(raw: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): readonly string[] {
  return cachedTerms(raw, cacheFor(options), options);
}

/** One identifier's terms, from the cache or made and remembered. */
function cachedTerms(raw: string, cache: Map<string, readonly string[]>, options: TokenizeOptions): readonly string[] {
  let own = cache.get(raw);
  if (own === undefined) {
    // Cached strings are copied: a match is a slice of the text, and V8 keeps a whole
    // text alive for as long as any slice of it is, so the cache would pin files.
    own = identifierTermsOf(raw, options).map(detach);
    if (cache.size >= TERM_CACHE_LIMIT) cache.clear();
    cache.set(detach(raw), own);
  }
  return own;
}

/**
 * Identifiers already turned into terms, per options object. Code repeats its names
 * (a chunk uses each a few times, a project thousands of times), and splitting with
 * look-behind expressions and stemming was a sixth of a parsing worker's time.
 */
const termCaches = new WeakMap<TokenizeOptions, Map<string, readonly string[]>>();
/** Identifiers remembered before a cache starts over (a few MB). */
export const TERM_CACHE_LIMIT = 50_000;

/**
 * The same characters in a string of their own (not a view into a larger one), for
 * keys kept in long-lived caches: a substring can be a slice that keeps its whole
 * parent string alive.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

function cacheFor(options: TokenizeOptions): Map<string, readonly string[]> {
  let cache = termCaches.get(options);
  if (!cache) termCaches.set(options, (cache = new Map()));
  return cache;
}

/** One identifier's terms: its whole form when it has several parts, then each kept part. */
function identifierTermsOf(raw: string, options: TokenizeOptions): string[] {
  const terms: string[] = [];
  if (raw.length > MAX_TERM_LENGTH * 3) return terms;
  const parts = splitIdentifier(raw);
  if (parts.length > 1) {
    const whole = raw.toLowerCase();
    if (whole.length <= MAX_TERM_LENGTH) terms.push(whole);
  }
  for (const part of parts) {
    if (part.length < 2 && !/^[0-9]$/.test(part)) continue;
    if (part.length > MAX_TERM_LENGTH) continue;
    if (options.dropStopWords && STOP_WORDS.has(part)) continue;
    terms.push(options.stem ? stem(part) : part);
  }
  return terms;
}

/**
 * The terms that every whole-word occurrence of `identifier` in a text is sure to give
 * the text's field: its parts as `tokenize` keeps them (the whole form is left out, since
 * the text may join the identifier to a neighbour with `-`; a `-`-joined run of over 120
 * characters is skipped as noise, the one case where the promise fails). Null when no such promise
 * can be made — characters the tokenizer does not treat as an identifier, over-long
 * runs, or only stop words and single letters — and callers must then look everywhere.
 */
export function identifierTerms(identifier: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): string[] | null {
  if (!/^[A-Za-z0-9_$]+$/.test(identifier) || identifier.length > MAX_TERM_LENGTH) return null;
  const terms = tokenize(identifier, options).filter((t) => t !== identifier.toLowerCase() || splitIdentifier(identifier).length === 1);
  return terms.length ? [...new Set(terms)] : null;
}

/** Matches `identifier` as a whole word: not inside a longer identifier (`$` counts as part of one). */
export function wholeWordPattern(identifier: string): RegExp {
  // Names come from many grammars (`operator+`, `[Symbol.iterator]`): escape everything.
  return new RegExp(`(^|[^\\w$])${identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w$]|$)`);
}

/** Terms of a path: each segment's identifiers, so "src/authService.ts" matches "auth". */
export function tokenizePath(path: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): string[] {
  return tokenize(path.replace(/\.[A-Za-z0-9]+$/, ''), options);
}

/**
 * Term occurrences beyond this many per chunk add almost nothing to a BM25 score (with
 * k1 = 1.2 the fourth occurrence already gives 85 % of the maximum) but each costs the
 * text index an insertion, and code repeats its identifiers a lot. Capping also helped
 * ranking on the CoSQA development split (keyword MRR@10 0.352 → 0.359): a name used
 * twenty times in one chunk no longer outweighs the words that describe it.
 */
export const TERM_FREQUENCY_CAP = 4;

/** The terms with each kept at most TERM_FREQUENCY_CAP times, grouped by term. */
export function capTermFrequency(terms: string[]): string[] {
  return grouped(countTerms(terms));
}

/** How often each term occurs, in first-seen order. */
export function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Each term repeated its count times, at most TERM_FREQUENCY_CAP, in first-seen order. */
function grouped(counts: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [t, n] of counts) for (let i = Math.min(n, TERM_FREQUENCY_CAP); i > 0; i--) out.push(t);
  return out;
}

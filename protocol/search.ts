/**
 * Search parameters and hits: the one definition shared by the worker, the CLI,
 * the MCP tools, the extension and the webview. Imports nothing but zod so the
 * browser-side webview can use it too.
 */
import { z } from 'zod';

/** How a query is answered: both signals fused, full text only, or vectors only. */
export const SearchModeSchema = z.enum(['hybrid', 'keyword', 'semantic']);
/** A search mode name. */
export type SearchMode = z.infer<typeof SearchModeSchema>;

/** Kinds of syntax definitions the chunker can name. */
export const SymbolKindSchema = z.enum([
  'function', 'method', 'class', 'interface', 'type', 'enum', 'struct', 'trait',
  'module', 'namespace', 'variable', 'constant', 'property', 'constructor',
  'impl', 'macro', 'section', 'block',
]);
/** A symbol kind name. */
export type SymbolKind = z.infer<typeof SymbolKindSchema>;

/** Upper bound on k so one request cannot ask the engine for unbounded work. */
export const MAX_K = 200;
/** Upper bound on query length in characters; longer text is refused, not truncated silently. */
export const MAX_QUERY_CHARS = 20_000;

/** Filters that narrow a search; every field is optional. */
export const SearchFiltersSchema = z.object({
  /** Language ids (e.g. `python`, `typescript`); a hit must match one of them. */
  languages: z.array(z.string().min(1).max(64)).max(64).optional()
    .describe('Only return hits in these languages (e.g. ["python","typescript"]).'),
  /** Glob patterns over the hit's path; a hit must match at least one. */
  include: z.array(z.string().min(1).max(1024)).max(64).optional()
    .describe('Only return hits whose path matches one of these globs (e.g. ["src/**"]).'),
  /** Glob patterns over the hit's path; a hit matching any is dropped. */
  exclude: z.array(z.string().min(1).max(1024)).max(64).optional()
    .describe('Drop hits whose path matches any of these globs (e.g. ["**/*.test.ts"]).'),
  /** Symbol kinds; a hit must carry one of them. */
  kinds: z.array(SymbolKindSchema).max(32).optional()
    .describe('Only return hits whose symbol kind is one of these (e.g. ["function","class"]).'),
});
/** Search filters. */
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

/** One search request. */
export const SearchParamsSchema = z.object({
  query: z.string().trim().min(1, 'query is empty: type what you are looking for')
    .max(MAX_QUERY_CHARS, `query is longer than ${MAX_QUERY_CHARS} characters: shorten it`)
    .describe('What to look for: words, an identifier, or a natural-language question.'),
  k: z.number().int().min(1).max(MAX_K).default(10).describe('How many hits to return.'),
  mode: SearchModeSchema.default('hybrid').describe('hybrid (default), keyword or semantic.'),
  filters: SearchFiltersSchema.optional(),
});
/** A validated search request (defaults applied). */
export type SearchParams = z.infer<typeof SearchParamsSchema>;
/** A search request as a caller may write it (defaults not yet applied). */
export type SearchParamsInput = z.input<typeof SearchParamsSchema>;

/** Which signals made a chunk a hit; shown to people and agents as "why it matched". */
export const MatchSignalsSchema = z.object({
  /** Query terms that matched the chunk's text, as the tokenizer saw them. */
  terms: z.array(z.string()),
  /** True when the vector search ranked the chunk. */
  semantic: z.boolean(),
  /** True when a query term matched the chunk's symbol name. */
  symbol: z.boolean(),
  /** True when a query term matched a segment of the chunk's path. */
  path: z.boolean(),
});
/** Why a hit matched. */
export type MatchSignals = z.infer<typeof MatchSignalsSchema>;

/** One ranked hit. */
export const SearchHitSchema = z.object({
  /** Path relative to its root, `/`-separated; prefixed with the root's name when there are several roots. */
  path: z.string(),
  /** 1-based first line of the chunk. */
  startLine: z.number().int().min(1),
  /** 1-based last line of the chunk, inclusive. */
  endLine: z.number().int().min(1),
  /** Language id of the file. */
  language: z.string(),
  /** Name of the definition, where the syntax gives one. */
  symbol: z.string().nullable(),
  /** Kind of the definition, where the syntax gives one. */
  kind: SymbolKindSchema.nullable(),
  /** Enclosing class or module, where there is one. */
  container: z.string().nullable(),
  /** Fused score; higher is better. Only comparable within one response. */
  score: z.number(),
  /** The chunk's text (may be shortened for display by the caller). */
  snippet: z.string(),
  /** Why it matched. */
  matched: MatchSignalsSchema,
});
/** A search hit. */
export type SearchHit = z.infer<typeof SearchHitSchema>;

/** A search response. */
export const SearchResultSchema = z.object({
  hits: z.array(SearchHitSchema),
  /** The mode actually used (semantic falls back to keyword when no model is loaded). */
  mode: SearchModeSchema,
  /** Set when the engine had to change the request, e.g. semantic search is off; says why. */
  notice: z.string().optional(),
  /** Milliseconds spent answering. */
  tookMs: z.number(),
});
/** A search response. */
export type SearchResult = z.infer<typeof SearchResultSchema>;

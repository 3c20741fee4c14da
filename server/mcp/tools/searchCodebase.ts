/**
 * `search_codebase`: ranked chunks for a query, the same search the sidebar panel runs,
 * trimmed to a token budget so an agent's context is never flooded. When it trims, the
 * result says so and how to get the rest.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MAX_QUERY_CHARS, SymbolKindSchema } from '../../../protocol/search';
import { FreshnessSchema } from '../freshness';
import { CHARS_PER_TOKEN, DEFAULT_MAX_TOKENS, MAX_MAX_TOKENS, type ToolContext, currentFreshness, cutText, runTool, toolResult } from './common';

/** Input of search_codebase. */
export const SearchCodebaseInput = {
  query: z.string().trim().min(1, 'query is empty: say what to look for').max(MAX_QUERY_CHARS)
    .describe('What to look for: an identifier, words, or a natural-language question ("where are retries configured").'),
  k: z.number().int().min(1).max(50).default(10).describe('Number of hits (1-50, default 10).'),
  mode: z.enum(['hybrid', 'keyword', 'semantic']).default('hybrid')
    .describe('hybrid (default: words + meaning), keyword (exact words/identifiers), semantic (meaning only).'),
  languages: z.array(z.string().min(1).max(64)).max(32).optional().describe('Only these language ids, e.g. ["python","typescript"].'),
  path_glob: z.array(z.string().min(1).max(1024)).max(32).optional().describe('Only paths matching one of these globs, e.g. ["src/**"].'),
  exclude_glob: z.array(z.string().min(1).max(1024)).max(32).optional().describe('Drop paths matching any of these globs, e.g. ["**/test/**"].'),
  kinds: z.array(SymbolKindSchema).max(16).optional().describe('Only these definition kinds, e.g. ["function","class"].'),
  max_tokens: z.number().int().min(200).max(MAX_MAX_TOKENS).default(DEFAULT_MAX_TOKENS)
    .describe(`Response budget in tokens (≈ characters/4; default ${DEFAULT_MAX_TOKENS}, max ${MAX_MAX_TOKENS}). Snippets are shortened, then hits dropped, to fit.`),
};

const HitOut = z.object({
  path: z.string(), start_line: z.number(), end_line: z.number(), language: z.string(),
  symbol: z.string().nullable(), kind: z.string().nullable(), container: z.string().nullable(),
  score: z.number(), why: z.string().describe('Which signals matched: terms, symbol name, path, semantic.'),
  snippet: z.string(), snippet_truncated: z.boolean(),
});

/** Output of search_codebase. */
export const SearchCodebaseOutput = {
  hits: z.array(HitOut),
  mode: z.string(),
  notice: z.string().optional(),
  trimmed: z.object({ omitted_hits: z.number(), shortened_snippets: z.number(), hint: z.string() }).optional(),
  index: FreshnessSchema,
};

/** Per-hit overhead in the text rendering (header line), in characters. */
const HEADER_CHARS = 160;
/** No snippet is cut below this many characters (a few lines are the point of a hit). */
const MIN_SNIPPET_CHARS = 240;

/** Registers the tool. */
export function registerSearchCodebase(server: McpServer, ctx: ToolContext): void {
  server.registerTool('search_codebase', {
    title: 'Search the codebase',
    description: 'Hybrid (keyword + semantic) search over the indexed workspace; returns ranked code chunks with path, line range, symbol, why it matched and a snippet, within a token budget. Use it for concepts and identifiers when you do not know where code lives; prefer it over grep for natural-language questions.',
    inputSchema: SearchCodebaseInput,
    outputSchema: SearchCodebaseOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args, extra) => runTool(ctx, 'search_codebase', async () => {
    const filters = {
      ...(args.languages ? { languages: args.languages } : {}),
      ...(args.path_glob ? { include: args.path_glob } : {}),
      ...(args.exclude_glob ? { exclude: args.exclude_glob } : {}),
      ...(args.kinds ? { kinds: args.kinds } : {}),
    };
    const result = await ctx.engine.search({ query: args.query, k: args.k, mode: args.mode, filters }, extra.signal);
    const budget = args.max_tokens * CHARS_PER_TOKEN;
    const hits = result.hits;
    // Fit as many hits as the budget allows at a minimum snippet size, then share the
    // remaining budget evenly among their snippets.
    const fit = Math.max(1, Math.min(hits.length, Math.floor(budget / (HEADER_CHARS + MIN_SNIPPET_CHARS))));
    const perSnippet = Math.max(MIN_SNIPPET_CHARS, Math.floor(budget / Math.max(1, fit)) - HEADER_CHARS);
    let shortened = 0;
    const out = hits.slice(0, fit).map((h) => {
      const cut = cutText(h.snippet, perSnippet);
      if (cut.truncated) shortened++;
      const why = [
        h.matched.symbol ? 'symbol name' : '',
        h.matched.path ? 'path' : '',
        h.matched.terms.length ? `terms: ${h.matched.terms.slice(0, 8).join(', ')}` : '',
        h.matched.semantic ? 'semantic' : '',
      ].filter(Boolean).join('; ') || 'ranked by fusion';
      return {
        path: h.path, start_line: h.startLine, end_line: h.endLine, language: h.language,
        symbol: h.symbol, kind: h.kind, container: h.container, score: Math.round(h.score * 10000) / 10000,
        why, snippet: cut.text, snippet_truncated: cut.truncated,
      };
    });
    const omitted = hits.length - out.length;
    const trimmed = omitted || shortened ? {
      omitted_hits: omitted,
      shortened_snippets: shortened,
      hint: `Trimmed to fit max_tokens=${args.max_tokens}: raise max_tokens (up to ${MAX_MAX_TOKENS}), lower k, or call analyze_implementation with a hit's symbol for its full body.`,
    } : undefined;
    const structured = {
      hits: out, mode: result.mode, ...(result.notice ? { notice: result.notice } : {}),
      ...(trimmed ? { trimmed } : {}), index: currentFreshness(ctx),
    };
    const lines: string[] = [];
    if (result.notice) lines.push(`Note: ${result.notice}`);
    if (out.length === 0) lines.push(`No hits for ${JSON.stringify(args.query)}. Try other words, mode "keyword" for exact identifiers, or fewer filters.`);
    out.forEach((h, i) => {
      lines.push(`${i + 1}. ${h.path}:${h.start_line}-${h.end_line}${h.symbol ? ` ${h.kind ?? ''} ${h.container ? h.container + '.' : ''}${h.symbol}` : ''} (score ${h.score}; ${h.why})`);
      lines.push(h.snippet.split('\n').map((l) => '   ' + l).join('\n'));
    });
    if (trimmed) lines.push(`[${trimmed.omitted_hits} hit(s) omitted, ${trimmed.shortened_snippets} snippet(s) shortened] ${trimmed.hint}`);
    return toolResult(structured, lines);
  }));
}

/**
 * `conexus search "QUERY"` and `conexus search --queries FILE.jsonl`: one search, or a
 * batch answered in order, one JSON line per query.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { SearchModeSchema, type SearchFilters, type SearchResult } from '../../../protocol/search';
import { runJsonLines } from '../batch';
import type { CliCommand, CliContext } from '../command';
import { openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';
import type { Engine } from '../../engine/engine';

const BatchLineSchema = z.object({
  query: z.string(),
  k: z.number().int().optional(),
  mode: SearchModeSchema.optional(),
});

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'search the index (one query, or a JSONL batch)',
  usage: `conexus search "QUERY" [options]
conexus search --queries FILE.jsonl [options]

Searches the index of the workspace (indexing it first if it has never been indexed).
A batch file holds one {"query": "..."} per line ("-" reads stdin); each answer is one
JSON line {"query": "...", "hits": [...]} on stdout, in input order.

Options:
      --k N              hits per query (default 10, at most 200)
      --mode M           hybrid (default), keyword or semantic
      --lang L           only this language (repeatable)
      --path GLOB        only paths matching GLOB (repeatable)
      --not-path GLOB    drop paths matching GLOB (repeatable)
      --kind K           only symbols of this kind: function, class, method, ... (repeatable)
      --json             print {"hits": [...]} as JSON
      --queries FILE     answer a JSONL batch
${workspaceUsage}`,
  options: {
    ...workspaceOptions,
    k: { type: 'string' },
    mode: { type: 'string' },
    lang: { type: 'string', multiple: true },
    path: { type: 'string', multiple: true },
    'not-path': { type: 'string', multiple: true },
    kind: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    queries: { type: 'string' },
  },
  async run(ctx) {
    const k = parseK(ctx.values.k);
    const mode = ctx.values.mode === undefined ? undefined : SearchModeSchema.safeParse(ctx.values.mode);
    if (mode && !mode.success) throw new ConexusError(ErrorCode.InvalidParams, `--mode must be hybrid, keyword or semantic, got ${String(ctx.values.mode)}`);
    const filters = filtersFrom(ctx.values);
    const batch = ctx.values.queries as string | undefined;
    if (!batch && ctx.positionals.length === 0) throw new ConexusError(ErrorCode.InvalidParams, 'no query given: conexus search "what to find" (or --queries FILE.jsonl)');
    if (batch && batch !== '-' && !fs.existsSync(batch)) throw new ConexusError(ErrorCode.InvalidParams, `--queries file ${batch} does not exist`);
    const query = ctx.positionals.join(' ');
    if (!batch && query.trim() === '') throw new ConexusError(ErrorCode.InvalidParams, 'the query is empty: type what you are looking for');
    const engine = await openEngine(ctx, rootsFrom(ctx.values));
    try {
      await indexIfNeverIndexed(engine, ctx);
      const modeValue = mode?.success ? mode.data : undefined;
      if (batch) return await runBatch(engine, ctx, batch, { k, mode: modeValue, filters });
      const result = await engine.search({ query, k, mode: modeValue, filters });
      if (result.notice) ctx.stderr.write(`note: ${result.notice}\n`);
      if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ hits: result.hits, mode: result.mode, tookMs: result.tookMs })}\n`);
      else ctx.stdout.write(renderHits(result));
      return 0;
    } finally {
      await engine.close();
    }
  },
};

/** A fresh index is built before the first search so `search` works on a new folder. */
export async function indexIfNeverIndexed(engine: Engine, ctx: CliContext): Promise<void> {
  if (engine.status().files > 0 || !engine.writer || engine.status().lastUpdated) return;
  ctx.stderr.write('no index yet; indexing first…\n');
  await engine.index();
}

async function runBatch(engine: Engine, ctx: CliContext, file: string, defaults: { k?: number; mode?: z.infer<typeof SearchModeSchema>; filters?: SearchFilters }): Promise<number> {
  return runJsonLines(ctx, file, BatchLineSchema, { hits: [] }, async (req) => {
    try {
      const result = await engine.search({ query: req.query, k: req.k ?? defaults.k, mode: req.mode ?? defaults.mode, filters: defaults.filters });
      return { query: req.query, hits: result.hits };
    } catch (err) {
      if (!(err instanceof ConexusError)) throw err;
      ctx.stdout.write(`${JSON.stringify({ query: req.query, hits: [], error: err.message })}\n`);
      return null;
    }
  });
}

function parseK(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new ConexusError(ErrorCode.InvalidParams, `--k must be a whole number from 1 to 200, got ${String(v)}`);
  return n;
}

function filtersFrom(values: CliContext['values']): SearchFilters | undefined {
  const f: SearchFilters = {};
  if (Array.isArray(values.lang)) f.languages = values.lang as string[];
  if (Array.isArray(values.path)) f.include = values.path as string[];
  if (Array.isArray(values['not-path'])) f.exclude = values['not-path'] as string[];
  if (Array.isArray(values.kind)) f.kinds = values.kind as SearchFilters['kinds'];
  return Object.keys(f).length ? f : undefined;
}

/** Human-readable hits: path:lines symbol, then the first lines of the snippet. */
export function renderHits(result: SearchResult): string {
  if (result.hits.length === 0) return 'no results\n';
  const out: string[] = [];
  result.hits.forEach((h, i) => {
    const sym = h.symbol ? ` ${h.kind ?? ''} ${h.symbol}`.trimEnd() : '';
    out.push(`${i + 1}. ${h.path}:${h.startLine}-${h.endLine}${sym}  (${h.score.toFixed(3)})`);
    for (const line of h.snippet.split('\n').slice(0, 4)) out.push(`     ${line.slice(0, 160)}`);
  });
  out.push(`(${result.hits.length} hits, ${result.mode}, ${result.tookMs} ms)`);
  return `${out.join('\n')}\n`;
}

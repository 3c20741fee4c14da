/**
 * `conexus locate "TEXT"` and `conexus locate --queries FILE.jsonl`: the
 * locate_relevant_files tool from the command line, for scripts and benchmarks. Prints
 * the tool's structured result, one JSON line per query for a batch (in input order).
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { MAX_QUERY_CHARS } from '../../../protocol/search';
import { locateForTool } from '../../mcp/tools/locateRelevantFiles';
import { runJsonLines } from '../batch';
import type { CliCommand, CliContext } from '../command';
import { openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';
import { indexIfNeverIndexed } from './searchCmd';

const BatchLineSchema = z.object({
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS),
  k: z.number().int().min(1).max(50).optional(),
});

function parseK(v: unknown): number {
  if (v === undefined) return 10;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new ConexusError(ErrorCode.InvalidParams, `--k must be a whole number from 1 to 50, got ${String(v)}`);
  return n;
}

export const locateCommand: CliCommand = {
  name: 'locate',
  summary: 'rank the files relevant to a task or bug description',
  usage: `conexus locate "TASK OR ISSUE TEXT" [options]
conexus locate --queries FILE.jsonl [options]

Ranks the workspace files most relevant to a description (what the
locate_relevant_files MCP tool answers). A batch file holds one {"query": "..."}
per line ("-" reads stdin); each answer is one JSON line {"query", "files": [...]}
on stdout, in input order.

Options:
      --k N              files per query (default 10, at most 50)
      --json             print the structured result {"files": [...]} as JSON
      --queries FILE     answer a JSONL batch
      --no-update        do not bring the index up to date first
${workspaceUsage}`,
  options: {
    ...workspaceOptions,
    k: { type: 'string' },
    json: { type: 'boolean' },
    queries: { type: 'string' },
    'no-update': { type: 'boolean' },
  },
  async run(ctx) {
    const k = parseK(ctx.values.k);
    const batch = ctx.values.queries as string | undefined;
    const text = ctx.positionals.join(' ');
    if (!batch && text.trim() === '') throw new ConexusError(ErrorCode.InvalidParams, 'no description given: conexus locate "what the task is about" (or --queries FILE.jsonl)');
    if (text.length > MAX_QUERY_CHARS) throw new ConexusError(ErrorCode.InvalidParams, `the description is longer than ${MAX_QUERY_CHARS} characters: shorten it`);
    if (batch && batch !== '-' && !fs.existsSync(batch)) throw new ConexusError(ErrorCode.InvalidParams, `--queries file ${batch} does not exist`);
    const engine = await openEngine(ctx, rootsFrom(ctx.values));
    try {
      if (ctx.values['no-update']) await indexIfNeverIndexed(engine, ctx);
      else if (engine.writer) await engine.index();
      const tool = { engine, logger: ctx.logger };
      if (batch) return await runBatch(tool, ctx, batch, k);
      const result = await locateForTool(tool, text, k);
      if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(result)}\n`);
      else ctx.stdout.write(render(result.files));
      return 0;
    } finally {
      await engine.close();
    }
  },
};

async function runBatch(tool: Parameters<typeof locateForTool>[0], ctx: CliContext, file: string, k: number): Promise<number> {
  return runJsonLines(ctx, file, BatchLineSchema, { files: [] }, async (req) => ({ query: req.query, ...(await locateForTool(tool, req.query, req.k ?? k)) }));
}

function render(files: Awaited<ReturnType<typeof locateForTool>>['files']): string {
  if (files.length === 0) return 'no files matched\n';
  return files.map((f, i) => {
    const syms = f.symbols.slice(0, 3).map((s) => `${s.name}:${s.start_line}-${s.end_line}`).join(', ');
    return `${i + 1}. ${f.path}  (${f.score})${syms ? `  [${syms}]` : ''}\n     ${f.reason}`;
  }).join('\n') + '\n';
}

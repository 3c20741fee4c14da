/**
 * `locate_relevant_files`: the first stage of two-stage retrieval. A task or bug
 * description in, ranked files out (score, best symbols with line ranges, a one-line
 * reason), no code bodies: the agent then reads the few files it picked.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MAX_QUERY_CHARS } from '../../../protocol/search';
import { locateFiles } from '../../search/locate';
import { FreshnessSchema } from '../freshness';
import { type ToolContext, currentFreshness, runTool, toolResult } from './common';

/** Input of locate_relevant_files. */
export const LocateInput = {
  description: z.string().trim().min(1, 'description is empty: paste the task or issue text').max(MAX_QUERY_CHARS)
    .describe('The task or bug description: free text, a whole issue with code and stack traces is fine.'),
  k: z.number().int().min(1).max(50).default(10).describe('Number of files (1-50, default 10).'),
};

const FileOut = z.object({
  path: z.string(),
  score: z.number(),
  symbols: z.array(z.object({ name: z.string(), kind: z.string().nullable(), start_line: z.number(), end_line: z.number() }))
    .describe('Best-matching definitions in the file.'),
  reason: z.string(),
});

/** Output of locate_relevant_files. */
export const LocateOutput = { files: z.array(FileOut), index: FreshnessSchema };
/** The structured result (also what `conexus locate --json` prints). */
export type LocateToolResult = { files: Array<z.infer<typeof FileOut>>; index: z.infer<typeof FreshnessSchema> };

/** Runs the ranking and shapes the structured result (shared with the CLI). */
export async function locateForTool(ctx: ToolContext, description: string, k: number, signal?: AbortSignal): Promise<LocateToolResult> {
  const files = await locateFiles(ctx.engine, description, { k, signal });
  return {
    files: files.map((f) => ({
      path: f.path, score: f.score, reason: f.reason,
      symbols: f.symbols.map((s) => ({ name: s.name, kind: s.kind, start_line: s.startLine, end_line: s.endLine })),
    })),
    index: currentFreshness(ctx),
  };
}

/** Registers the tool. */
export function registerLocateRelevantFiles(server: McpServer, ctx: ToolContext): void {
  server.registerTool('locate_relevant_files', {
    title: 'Locate files relevant to a task',
    description: 'Given a task or bug report (free text, may include code and stack traces), ranks the workspace files most likely to need reading or changing, with the best-matching symbols and line ranges and a one-line reason each. No code bodies: call it first, then read the top files (or analyze_implementation on a symbol).',
    inputSchema: LocateInput,
    outputSchema: LocateOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args, extra) => runTool(ctx, 'locate_relevant_files', async () => {
    const result = await locateForTool(ctx, args.description, args.k, extra.signal);
    const lines = result.files.length === 0
      ? ['No files matched. Is the workspace indexed? (index_control "status")']
      : result.files.map((f, i) => {
        const syms = f.symbols.slice(0, 3).map((s) => `${s.name} ${s.start_line}-${s.end_line}`).join(', ');
        return `${i + 1}. ${f.path} (score ${f.score})${syms ? ` [${syms}]` : ''}: ${f.reason}`;
      });
    return toolResult(result, lines);
  }));
}

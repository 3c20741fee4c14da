/**
 * `index_control`: the only tool that changes anything. Reports the index status
 * (counts, skipped files by reason, model, staleness, progress) and starts, pauses or
 * resumes indexing. A full re-index runs in the background (it can take minutes on a
 * large workspace); `wait_ready` lets an agent wait for it by event, not by polling.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import type { IndexStatus } from '../../../protocol/status';
import { FreshnessSchema } from '../freshness';
import { confinePath } from '../pathGuard';
import { type ToolContext, currentFreshness, runTool, toolResult } from './common';

/** Input of index_control. */
export const IndexControlInput = {
  action: z.enum(['status', 'reindex', 'pause', 'resume', 'reindex_paths'])
    .describe('status: report only. reindex: bring the whole index up to date (background). pause/resume: background indexing. reindex_paths: re-read the given paths now.'),
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000).optional()
    .describe('For reindex_paths: workspace-relative files or folders to re-read.'),
  wait_ready: z.boolean().default(false)
    .describe('Wait (up to timeout_seconds) until the index is ready before answering.'),
  timeout_seconds: z.number().int().min(1).max(600).default(60).describe('Longest wait for wait_ready.'),
};

/** Output of index_control. */
export const IndexControlOutput = {
  action: z.string(),
  message: z.string(),
  state: z.string(),
  writer: z.boolean().describe('False when another process (e.g. the VS Code extension) owns the index; then only status works.'),
  roots: z.array(z.string()),
  files: z.number(),
  chunks: z.number(),
  embedded_chunks: z.number(),
  skipped: z.record(z.string(), z.object({ count: z.number(), examples: z.array(z.string()) })),
  model: z.object({ id: z.string().nullable(), semantic: z.boolean(), reason: z.string().optional() }),
  index_bytes: z.number(),
  index: FreshnessSchema,
};

/** Resolves when the engine is neither starting nor indexing, or after `ms`. */
export function waitReady(engine: ToolContext['engine'], ms: number): Promise<boolean> {
  const busy = (s: IndexStatus) => s.state === 'starting' || s.state === 'indexing';
  if (!busy(engine.status())) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { off(); resolve(false); }, ms);
    const off = engine.onStatus((s) => {
      if (!busy(s)) { clearTimeout(timer); off(); resolve(true); }
    });
  });
}

/** Registers the tool. */
export function registerIndexControl(server: McpServer, ctx: ToolContext): void {
  server.registerTool('index_control', {
    title: 'Index status and control',
    description: 'Shows the Conexus index status (files, chunks, skipped files by reason, model, staleness, progress) and controls indexing: reindex, pause, resume, or reindex_paths after you edited files. The only Conexus tool that changes anything.',
    inputSchema: IndexControlInput,
    outputSchema: IndexControlOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, (args) => runTool(ctx, 'index_control', async () => {
    const engine = ctx.engine;
    if (args.action !== 'status' && !engine.status().writer) {
      throw new ConexusError(ErrorCode.IndexLocked, `${args.action} needs the index writer, and another process (usually the VS Code extension) owns this index; it re-indexes on its own, so use action "status" to watch it.`);
    }
    if (args.action === 'reindex_paths' && !args.paths) {
      throw new ConexusError(ErrorCode.InvalidParams, 'paths: required for action "reindex_paths" (workspace-relative files or folders).');
    }
    let message = 'Status only.';
    switch (args.action) {
      case 'reindex':
        // In the background: a full pass can outlast the client's request timeout.
        engine.index().catch((error) => ctx.logger.error('MCP reindex failed', error));
        message = 'Re-index started in the background; call again with wait_ready true to wait for it.';
        break;
      case 'reindex_paths': {
        const abs = (args.paths ?? []).map((p) => confinePath(engine.roots, p).absPath);
        const summary = await engine.index({ paths: abs });
        message = `Re-read ${summary.changedFiles} changed file(s), removed ${summary.removedFiles}; ${summary.files} files indexed.`;
        break;
      }
      case 'pause':
        engine.pause();
        message = 'Background indexing paused; changes are queued until resume.';
        break;
      case 'resume':
        engine.resume();
        message = 'Background indexing resumed.';
        break;
    }
    if (args.wait_ready) {
      const ready = await waitReady(engine, args.timeout_seconds * 1000);
      if (!ready) message += ` Still indexing after ${args.timeout_seconds} s; call again to keep waiting.`;
    }
    const s = engine.status();
    const structured = {
      action: args.action, message, state: s.state, writer: s.writer, roots: s.roots,
      files: s.files, chunks: s.chunks, embedded_chunks: s.embeddedChunks, skipped: s.skipped,
      model: { id: s.model.id, semantic: s.model.semantic, ...(s.model.reason ? { reason: s.model.reason } : {}) },
      index_bytes: s.indexBytes, index: currentFreshness(ctx),
    };
    const skipped = Object.entries(s.skipped).map(([r, v]) => `${r} ${v.count}`).join(', ') || 'none';
    const lines = [
      message,
      `State ${s.state}${s.writer ? '' : ' (read-only: another process owns the index)'}; ${s.files} files, ${s.chunks} chunks (${s.embeddedChunks} embedded); skipped: ${skipped}.`,
      `Model: ${s.model.id ?? 'none'}${s.model.semantic ? '' : ` (semantic search off${s.model.reason ? `: ${s.model.reason}` : ''})`}; roots: ${s.roots.join(', ')}.`,
    ];
    return toolResult(structured, lines);
  }));
}

/**
 * What every tool shares: the context it runs in, the error wrapper that turns expected
 * failures into MCP tool errors (naming the code and what to do next), and the token
 * budget arithmetic (tokens ≈ characters / 4, the usual rule of thumb for code).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConexusError } from '../../../protocol/errors';
import type { EngineApi } from '../../engine/api';
import type { Logger } from '../../engine/logger';
import { type Freshness, freshness, freshnessLine } from '../freshness';

/** What a tool handler gets. */
export interface ToolContext {
  engine: EngineApi;
  logger: Logger;
}

/** Characters per token, for budgets. */
export const CHARS_PER_TOKEN = 4;
/** Default and maximum response budgets in tokens. */
export const DEFAULT_MAX_TOKENS = 4000;
export const MAX_MAX_TOKENS = 32000;

/** Runs a tool body; expected failures become tool errors, bugs are logged once and reported without internals. */
export async function runTool(ctx: ToolContext, name: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  const started = Date.now();
  try {
    const result = await body();
    ctx.logger.debug(`MCP ${name} answered in ${Date.now() - started} ms`);
    return result;
  } catch (error) {
    if (error instanceof ConexusError) {
      return { isError: true, content: [{ type: 'text', text: `${name} failed [${error.code}]: ${error.message}` }] };
    }
    ctx.logger.error(`MCP ${name} failed`, error);
    return { isError: true, content: [{ type: 'text', text: `${name} failed with an internal error (logged by the Conexus server); retry, and if it persists run index_control with action "status".` }] };
  }
}

/** Builds a result with structured content and its text rendering, opened by the freshness line. */
export function toolResult<T extends { index: Freshness }>(structured: T, lines: string[]): CallToolResult {
  return {
    structuredContent: structured as unknown as Record<string, unknown>,
    content: [{ type: 'text', text: [freshnessLine(structured.index), ...lines].join('\n') }],
  };
}

/** The freshness block for the engine's current status. */
export function currentFreshness(ctx: ToolContext): Freshness {
  return freshness(ctx.engine.status());
}

/** Cuts text to at most `maxChars` at a line boundary; says how many lines were left out. */
export function cutText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const lines = text.split('\n');
  let out = '';
  let n = 0;
  for (const line of lines) {
    if (out.length + line.length + 1 > maxChars) break;
    out += (n ? '\n' : '') + line;
    n++;
  }
  if (n === 0) out = text.slice(0, Math.max(0, maxChars));
  return { text: `${out}\n… (${lines.length - n} more lines)`, truncated: true };
}

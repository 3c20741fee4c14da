/**
 * `conexus mcp`: the MCP server for coding agents, over stdio. stdout carries only
 * protocol messages; logs go to stderr.
 *
 * One writer per index: if the process that owns the index (the VS Code worker, or
 * another `conexus mcp`) serves MCP on the index's socket, this process only bridges
 * stdio to it. Otherwise it opens the index itself (as writer if it can take the lock,
 * else read-only), keeps it current in the background, and serves the socket for the
 * next agent.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { defaultIndexDir } from '../../store/indexDir';
import { LineTransport } from '../../mcp/lineTransport';
import { createMcpServer } from '../../mcp/server';
import { bridgeStdioToSocket, mcpSocketPath, serveMcpOnSocket } from '../../mcp/socketServer';
import type { CliCommand } from '../command';
import { openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';

function realRoot(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    return abs;
  }
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'serve the MCP tools for coding agents over stdio',
  usage: `conexus mcp [--workspace DIR]... [--index-dir D] [options]

Serves the Conexus MCP tools (locate_relevant_files, search_codebase,
analyze_implementation, index_control) over stdio. If VS Code (or another
conexus mcp) already owns the index, requests are passed to it; otherwise this
process opens the index, indexes in the background and watches for changes.

Options:
      --no-bridge        do not connect to a running owner; open the index here
      --no-watch         do not index in the background (serve the index as it is)
${workspaceUsage}`,
  options: {
    ...workspaceOptions,
    'no-bridge': { type: 'boolean' },
    'no-watch': { type: 'boolean' },
  },
  async run(ctx) {
    const roots = rootsFrom(ctx.values);
    const indexDir = typeof ctx.values['index-dir'] === 'string'
      ? path.resolve(ctx.values['index-dir'] as string)
      : defaultIndexDir(roots.map(realRoot));
    const socketPath = mcpSocketPath(indexDir);
    if (!ctx.values['no-bridge'] && (await bridgeStdioToSocket(socketPath, ctx.stdin, ctx.stdout, ctx.logger))) return 0;

    const engine = await openEngine({ ...ctx, values: { ...ctx.values, 'index-dir': indexDir } }, roots);
    let socket: { close(): Promise<void> } | null = null;
    if (engine.writer) {
      try {
        socket = await serveMcpOnSocket(engine, socketPath, ctx.logger);
      } catch (error) {
        ctx.logger.warn(`MCP: not serving other agents on ${socketPath}: ${(error as Error).message}`);
      }
      if (!ctx.values['no-watch']) {
        // Serve at once; the tools report "still indexing" until the first pass is done.
        void engine.index()
          .then(() => engine.startWatching())
          .catch((error) => ctx.logger.error('MCP: background indexing failed', error));
      }
    }
    const server = createMcpServer(engine, ctx.logger);
    const transport = new LineTransport(ctx.stdin, ctx.stdout, { logger: ctx.logger });
    const closed = new Promise<void>((resolve) => { transport.onclose = resolve; });
    const stop = () => void transport.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await server.connect(transport);
    ctx.logger.info(`MCP: serving ${engine.roots.map((r) => r.absPath).join(', ')} over stdio${engine.writer ? '' : ' (read-only)'}`);
    await closed;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await socket?.close();
    await engine.close();
    return 0;
  },
};

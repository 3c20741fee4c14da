/**
 * The Conexus MCP server: four tools over one engine, the same whatever carries the
 * messages (stdio for `conexus mcp`, a local socket served by the VS Code worker).
 * One `McpServer` per connection: the SDK binds a server to one transport.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { EngineApi } from '../engine/api';
import type { Logger } from '../engine/logger';
import { registerAnalyzeImplementation } from './tools/analyzeImplementation';
import { registerIndexControl } from './tools/indexControl';
import { registerLocateRelevantFiles } from './tools/locateRelevantFiles';
import { registerSearchCodebase } from './tools/searchCodebase';

/** Server name and version reported at initialisation. */
export const SERVER_INFO = { name: 'conexus', version: '0.1.0' };

/** Tool names, in the order they are listed. */
export const TOOL_NAMES = ['locate_relevant_files', 'search_codebase', 'analyze_implementation', 'index_control'] as const;

/** What the client's model reads once at initialisation: when to use which tool. */
export const INSTRUCTIONS = `Conexus is a local index of this workspace (code chunks by syntax, keyword + semantic search). Nothing leaves the machine.
When to use it instead of grep/find:
- You have a task or bug report and do not know which files matter: call locate_relevant_files with the whole description (stack traces welcome), then read the top few files.
- You are looking for a concept, behaviour or an identifier you only half know: search_codebase (natural language works; mode "keyword" for exact identifiers).
- You need to understand one symbol (definition, body, callers, callees, tests): analyze_implementation.
Use grep for exhaustive exact-string listings (every occurrence of a literal). Results only cover indexed files (ignored files and secrets are left out) and every result says how fresh the index is; after editing files call index_control with action "reindex_paths" if the result says the index is stale.`;

/** Builds a server with every tool registered. */
export function createMcpServer(engine: EngineApi, logger: Logger): McpServer {
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
  const ctx = { engine, logger };
  registerLocateRelevantFiles(server, ctx);
  registerSearchCodebase(server, ctx);
  registerAnalyzeImplementation(server, ctx);
  registerIndexControl(server, ctx);
  return server;
}

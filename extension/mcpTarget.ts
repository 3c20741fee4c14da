/**
 * What the MCP server definition runs: `dist/cli.js mcp` with one `--workspace` per
 * folder and the worker's index folder, so the agent's process finds the worker's MCP
 * socket (derived from the index folder) and bridges to it. Pure, so it is unit-tested.
 */

/** Where the MCP server finds the workspace and the index. */
export interface McpTarget {
  folders: string[];
  indexDir: string;
}

/** The CLI arguments for `conexus mcp`: one `--workspace` per folder, then the index. */
export function mcpArgs(cliPath: string, target: McpTarget): string[] {
  return [cliPath, 'mcp', ...target.folders.flatMap((f) => ['--workspace', f]), '--index-dir', target.indexDir];
}

/** The environment that makes VS Code's own executable run as plain Node. */
export const MCP_ENV: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1' };

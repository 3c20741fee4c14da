/**
 * Registers Conexus as an MCP server for agents in VS Code: a stdio server that runs
 * the bundled CLI (`dist/cli.js mcp`) with VS Code's own Node (`ELECTRON_RUN_AS_NODE`).
 * Guarded so a VS Code without the MCP API still activates; never registered in an
 * untrusted workspace.
 */
import * as vscode from 'vscode';
import { MCP_ENV, mcpArgs, type McpTarget } from './mcpTarget';

export type { McpTarget } from './mcpTarget';

/** The provider id declared in package.json `contributes.mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'conexus';


/**
 * Registers the provider when the API exists; returns undefined when it does not.
 * `changed` should fire when the folders change so VS Code asks again.
 */
export function registerMcpProvider(
  context: vscode.ExtensionContext,
  target: () => McpTarget | null,
  changed: vscode.Event<void>,
  log: vscode.LogOutputChannel,
): vscode.Disposable | undefined {
  const lm = (vscode as Partial<typeof vscode>).lm;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof vscode.McpStdioServerDefinition !== 'function') {
    log.info('This VS Code has no MCP server API; agents can still run `conexus mcp` themselves.');
    return undefined;
  }
  const cliPath = context.asAbsolutePath('dist/cli.js');
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const provider: vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition> = {
    onDidChangeMcpServerDefinitions: changed,
    provideMcpServerDefinitions: () => {
      const t = target();
      if (!t || !t.folders.length) return [];
      return [new vscode.McpStdioServerDefinition('Conexus', process.execPath, mcpArgs(cliPath, t), { ...MCP_ENV }, version)];
    },
  };
  log.info('Registered the Conexus MCP server for agents.');
  return lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider);
}

/**
 * The shape of one CLI subcommand. Each lives in its own file under
 * `server/cli/commands/` and is registered in `server/cli/main.ts`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Logger } from '../engine/logger';

/** What a subcommand gets when it runs. */
export interface CliContext {
  /** Parsed option values (from node:util parseArgs with the command's `options`). */
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
  /** Where results go (JSON lines, tables); nothing else may write here. */
  stdout: NodeJS.WritableStream;
  /** Progress, summaries and errors. */
  stderr: NodeJS.WritableStream;
  logger: Logger;
  /** Standard input (for `--queries -` and the MCP stdio transport). */
  stdin: NodeJS.ReadableStream;
}

/** One subcommand. */
export interface CliCommand {
  name: string;
  /** One line for `conexus --help`. */
  summary: string;
  /** Full usage text for `conexus <name> --help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command and returns the exit code. Expected failures throw ConexusError. */
  run(ctx: CliContext): Promise<number>;
}

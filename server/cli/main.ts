/**
 * The `conexus` command line: index, search, status, serve and start (and the MCP
 * server and file locator, registered below). stdout carries only results; progress,
 * logs and errors go to stderr. Expected failures print one line and exit 1 (2 for
 * usage errors); nothing on disk is damaged by a bad invocation.
 */
import { parseArgs } from 'node:util';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import { applyHeapPolicy } from '../engine/heapPolicy';
import { stderrLogger } from '../engine/logger';
import type { CliCommand } from './command';
import { indexCommand } from './commands/indexCmd';
import { locateCommand } from './commands/locate';
import { mcpCommand } from './commands/mcp';
import { searchCommand } from './commands/searchCmd';
import { serveCommand } from './commands/serveCmd';
import { startCommand } from './commands/startCmd';
import { statusCommand } from './commands/statusCmd';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [startCommand, indexCommand, searchCommand, statusCommand, serveCommand, mcpCommand, locateCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `conexus — local code search for people and coding agents

Usage: conexus <command> [options]   (conexus <command> --help for details)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  applyHeapPolicy();
  if (io.stdout === process.stdout) exitQuietlyOnClosedPipe();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`conexus: unknown command "${name}"; run conexus --help to see the commands\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`conexus ${name}: ${(err as Error).message.split('\n')[0]}; run conexus ${name} --help\n`);
    return 2;
  }
  const logger = stderrLogger(parsed.values.verbose ? 'debug' : 'warn');
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, logger });
  } catch (err) {
    if (err instanceof ConexusError) {
      io.stderr.write(`conexus ${name}: ${err.message}\n`);
      return err.code === ErrorCode.InvalidParams ? 2 : 1;
    }
    io.stderr.write(`conexus ${name}: unexpected failure: ${(err as Error).stack ?? err}\nThis is a bug; please report it with the lines above.\n`);
    return 1;
  }
}

let pipeGuarded = false;

/**
 * A reader that goes away early (`conexus search … | head`, an MCP client that quits)
 * ends the command quietly with status 0, as with other command-line tools, instead of
 * an unhandled EPIPE and a stack trace. Any other failure to write output is reported
 * in one line. An index left open is safe: its lock is reclaimed by the next opener and
 * the start-up scan catches what was not saved.
 */
function exitQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`conexus: could not write the output (${err.code ?? err.message}); check where stdout goes\n`);
    process.exit(1);
  });
}

// Run when executed directly (bundle or tsx), not when imported by tests.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`conexus: ${(err as Error).stack ?? err}\n`); process.exitCode = 1; },
  );
}

/**
 * The worker process: started by the extension host through the language client over
 * Node IPC (`--node-ipc`). It owns the engine and does all walking, parsing, embedding
 * and searching. It logs only through the connection's console: never stdout.
 */
import { createConnection } from 'vscode-languageserver/node';
import { Engine } from '../engine/engine';
import { applyHeapPolicy } from '../engine/heapPolicy';
import { mcpSocketPath, serveMcpOnSocket } from '../mcp/socketServer';
import { startWorker } from './session';
import { watchParent } from './parentWatch';

/** Longest the worker waits for the index to close before it exits regardless. */
const EXIT_DEADLINE_MS = 2500;

applyHeapPolicy();
const connection = createConnection();
const session = startWorker(connection, {
  openEngine: (options) => Engine.open(options),
  // `conexus mcp`, started by VS Code for agents, finds this socket from the same index folder.
  serveMcp: (engine, indexDir, logger) => serveMcpOnSocket(engine, mcpSocketPath(indexDir), logger),
});

/** Closes the index (releasing its lock) and exits, at the latest after EXIT_DEADLINE_MS. */
function exitSoon(code: number, why: string): void {
  session.logger.info(`Worker exiting: ${why}.`);
  setTimeout(() => process.exit(code), EXIT_DEADLINE_MS).unref();
  void session.shutdown().finally(() => process.exit(code));
}

watchParent((why) => exitSoon(0, why));

// A bug that escapes every handler is logged once with its stack; the process then
// exits so the client's restart policy brings up a fresh worker with a clean state.
process.on('uncaughtException', (error) => {
  session.logger.error('Uncaught exception in the worker', error);
  exitSoon(1, 'uncaught exception');
});
process.on('unhandledRejection', (reason) => {
  session.logger.error('Unhandled rejection in the worker', reason);
});

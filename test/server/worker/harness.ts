/**
 * Runs a worker over in-memory streams: the worker side is the real `startWorker`
 * on a vscode-languageserver connection, the client side a plain vscode-jsonrpc
 * connection, joined by two PassThrough pipes. No process, no VS Code.
 */
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import { startWorker, type WorkerDeps, type WorkerSession } from '../../../server/worker/session';
import type { WorkerInitOptionsInput } from '../../../protocol/requests';

export interface Harness {
  client: MessageConnection;
  session: WorkerSession;
  /** Log lines the worker sent through its console. */
  logs: string[];
  /** Shuts the worker down (closing its engine) and closes both ends. */
  dispose(): Promise<void>;
}

/** Starts a worker with `deps` and connects a client to it (not yet initialised). */
export function connectWorker(deps: WorkerDeps): Harness {
  const toWorker = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toWorker), new StreamMessageWriter(toClient));
  const session = startWorker(server, deps);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toWorker));
  const logs: string[] = [];
  client.onNotification('window/logMessage', (p: { message: string }) => { logs.push(p.message); });
  client.listen();
  return {
    client, session, logs,
    async dispose() {
      await session.shutdown();
      client.dispose();
      server.dispose();
      toWorker.destroy();
      toClient.destroy();
    },
  };
}

/** Sends `initialize` with the given options, then `initialized`. */
export async function initialize(client: MessageConnection, options: WorkerInitOptionsInput | Record<string, unknown>): Promise<unknown> {
  const result = await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: options });
  await client.sendNotification('initialized', {});
  return result;
}

/**
 * MCP on a local socket, so the one process that owns an index (the VS Code worker,
 * the writer) can answer agents too. `conexus mcp` started by an agent connects here
 * and bridges its stdio to the socket; only when nothing listens does it open the
 * index itself. One writer per index, however many agents ask.
 *
 * The socket lives in the index folder (`<indexDir>/mcp.sock`), so it is as private as
 * the index; unix socket paths are limited to ~108 bytes, so a long index path falls
 * back to a hashed name in the temp folder. On Windows it is a named pipe.
 */
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { EngineApi } from '../engine/api';
import type { Logger } from '../engine/logger';
import { LineTransport } from './lineTransport';
import { createMcpServer } from './server';

/** Unix socket paths longer than this (bytes) do not fit `sun_path` on every platform. */
const MAX_SOCKET_PATH_BYTES = 100;

/** Where the MCP socket of an index lives. */
export function mcpSocketPath(indexDir: string): string {
  const hash = createHash('sha256').update(path.resolve(indexDir)).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\conexus-mcp-${hash}`;
  const inIndex = path.join(path.resolve(indexDir), 'mcp.sock');
  if (Buffer.byteLength(inIndex) <= MAX_SOCKET_PATH_BYTES) return inIndex;
  return path.join(os.tmpdir(), `conexus-mcp-${hash}.sock`);
}

/** True when something accepts connections on the socket. */
export function socketAlive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Serves the engine's MCP tools on a local socket until `close()`. A stale socket file
 * left by a crashed process is replaced; a live one (another server) is an error.
 */
export async function serveMcpOnSocket(engine: EngineApi, socketPath: string, logger: Logger): Promise<{ close(): Promise<void> }> {
  const sessions = new Set<{ close(): Promise<void> }>();
  const server = net.createServer((socket) => {
    const mcp = createMcpServer(engine, logger);
    const transport = new LineTransport(socket, socket, { logger });
    const session = { close: () => mcp.close() };
    sessions.add(session);
    transport.onerror = (error) => logger.debug(`MCP socket session: ${error.message}`);
    socket.on('close', () => { sessions.delete(session); void mcp.close(); });
    socket.on('error', (error) => logger.debug(`MCP socket: ${error.message}`));
    mcp.connect(transport).catch((error) => logger.error('MCP socket session failed to start', error));
    logger.debug('MCP client connected on the socket');
  });

  const listen = () => new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => { server.off('listening', onListening); reject(error); };
    const onListening = () => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(socketPath);
  });

  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'win32') throw error;
    if (await socketAlive(socketPath)) {
      throw new Error(`MCP: another process already serves ${socketPath}; agents can use it through \`conexus mcp\`.`, { cause: error });
    }
    // Nobody answers: a crashed process left the file behind.
    unlinkSync(socketPath);
    await listen();
  }
  logger.info(`MCP: serving on ${socketPath}`);
  server.on('error', (error) => logger.error('MCP socket server error', error));

  return {
    async close() {
      await Promise.all([...sessions].map((s) => s.close().catch(() => undefined)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.platform !== 'win32') {
        try { unlinkSync(socketPath); } catch { /* already gone */ }
      }
    },
  };
}

/**
 * Pipes stdio to a running socket server until either side ends. Resolves false when
 * nothing listens (the caller then serves the index itself), true after a bridged
 * session ends.
 */
export function bridgeStdioToSocket(socketPath: string, stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, logger: Logger): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      logger.info(`MCP: bridging stdio to the index owner at ${socketPath}`);
      stdin.pipe(socket);
      socket.pipe(stdout, { end: false });
      stdin.once('end', () => socket.end());
    });
    socket.once('error', (error) => {
      if (!connected) resolve(false);
      else logger.warn(`MCP bridge: ${error.message}`);
    });
    socket.once('close', () => {
      if (connected) {
        stdin.unpipe(socket);
        resolve(true);
      }
    });
  });
}

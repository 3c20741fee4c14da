/**
 * Wires one worker onto a connection: `initialize` validates the start options and the
 * settings, `initialized` opens the engine, status changes flow out as notifications,
 * `shutdown` closes the index. Kept apart from `main.ts` so protocol tests can run a
 * whole worker over in-memory streams with a real or fake engine.
 */
import { ResponseError, type Connection, type InitializeError } from 'vscode-languageserver/node';
import type { EngineApi } from '../engine/api';
import { describeIssues } from '../../protocol/errors';
import { parseSettings, SettingsSchema, type Settings } from '../../protocol/settings';
import { StatusChangedNotification, WorkerInitOptionsSchema, type WorkerInitOptions } from '../../protocol/requests';
import type { IndexStatus } from '../../protocol/status';
import { EngineHost, type OpenEngine } from './engineHost';
import { handlers } from './handlers/index';
import { registerHandlers } from './handlers/handler';
import { ConnectionLogger } from './logger';
import { statusSender } from './statusSender';
import type { Logger } from '../engine/logger';

/** A running MCP bridge that must be closed with the worker. */
export interface McpBridge {
  close(): Promise<void> | void;
}

/** What a worker needs from outside: how to open an engine and, optionally, serve MCP. */
export interface WorkerDeps {
  openEngine: OpenEngine;
  /** Serves the MCP tools for the index in `indexDir` (the socket path derives from it). */
  serveMcp?: (engine: EngineApi, indexDir: string, logger: Logger) => Promise<McpBridge>;
}

/** A started worker. */
export interface WorkerSession {
  host: EngineHost;
  logger: ConnectionLogger;
  /** Closes the MCP bridge and the engine (bounded); safe to call more than once. */
  shutdown(): Promise<void>;
}

/**
 * Settings for an untrusted workspace: the fields VS Code marks as restricted are
 * reset to their shipped defaults here too, so a workspace's own settings file cannot
 * point the worker at a custom model or widen what is read even if the extension erred.
 */
export function restrictSettings(settings: Settings): Settings {
  const defaults = SettingsSchema.parse({});
  return {
    ...settings,
    include: defaults.include,
    exclude: defaults.exclude,
    maxFileBytes: defaults.maxFileBytes,
    model: defaults.model,
    allowModelDownload: false,
  };
}

/** Registers the worker's lifecycle and request handlers on `connection` and starts listening. */
export function startWorker(connection: Connection, deps: WorkerDeps): WorkerSession {
  const logger = new ConnectionLogger(connection.console);
  const sendStatus = statusSender((s) => {
    // Progress may still arrive while the connection closes; a lost status then is harmless.
    connection.sendNotification(StatusChangedNotification.method, s)
      .catch((e: unknown) => logger.debug(`status not sent: ${e instanceof Error ? e.message : String(e)}`));
  });
  const host = new EngineHost(deps.openEngine, logger, sendStatus);
  let init: WorkerInitOptions | null = null;
  let settings: Settings | null = null;
  let bridge: McpBridge | null = null;
  let stopping: Promise<void> | null = null;

  connection.onInitialize((params) => {
    const parsed = WorkerInitOptionsSchema.safeParse(params.initializationOptions ?? {});
    if (!parsed.success) {
      return new ResponseError<InitializeError>(-32602,
        `Conexus worker: invalid start options (${describeIssues(parsed.error.issues)}). Reload the window; if it persists, report it with the log.`,
        { retry: false });
    }
    init = parsed.data;
    logger.setLevel(init.logLevel);
    const { settings: checked, invalid } = parseSettings(init.settings);
    if (invalid.length) logger.warn(`Settings ${invalid.join(', ')} are invalid and use their defaults.`);
    settings = init.restricted ? restrictSettings(checked) : checked;
    return { capabilities: {}, serverInfo: { name: 'conexus-worker' } };
  });

  connection.onInitialized(() => {
    if (!init || !settings) return;
    const start = init;
    logger.info(`Worker ${process.pid} starting for ${start.roots.length} folder(s)${start.restricted ? ' in restricted mode' : ''}.`);
    host.begin({ roots: start.roots, indexDir: start.indexDir, settings })
      .then(async (engine) => {
        // Only the index's writer serves agents; a read-only worker leaves that to the writer.
        if (!start.serveMcp || start.restricted || !deps.serveMcp || stopping || !engine.status().writer) return;
        try {
          bridge = await deps.serveMcp(engine, start.indexDir, logger);
          if (stopping) await bridge.close();
        } catch (e) {
          logger.warn(`Agents cannot reach this window's index over MCP: ${e instanceof Error ? e.message : String(e)}`);
        }
      })
      .catch((e) => logger.debug(`worker start did not complete: ${e instanceof Error ? e.message : String(e)}`));
  });

  registerHandlers(connection, handlers, { host, logger });

  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      sendStatus.cancel();
      await Promise.resolve(bridge?.close()).catch((e) => logger.error('Closing the MCP bridge failed', e));
      await host.close();
    })();
    return stopping;
  };
  connection.onShutdown(() => shutdown());
  connection.listen();
  return { host, logger, shutdown };
}

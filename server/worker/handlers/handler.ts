/**
 * The shape of one request handler and the loop that registers them on a connection.
 * Each handler lives in its own file and sees validated parameters and an AbortSignal;
 * validation, cancellation, error mapping and per-request logging happen here once.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { z } from 'zod';
import type { Logger } from '../../engine/logger';
import type { EngineHost } from '../engineHost';
import { isExpected, parseParams, signalFromToken, toResponseError } from '../rpc';

/** What every handler gets besides its parameters. */
export interface HandlerContext {
  host: EngineHost;
  logger: Logger;
}

/** A request definition from `protocol/requests.ts`. */
export interface RequestShape {
  readonly method: string;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
}

/** One request handler. */
export interface WorkerHandler<D extends RequestShape = RequestShape> {
  readonly request: D;
  run(params: z.infer<D['params']>, ctx: HandlerContext, signal: AbortSignal): Promise<z.input<D['result']>>;
}

/** Defines a handler with its parameter and result types inferred from the request. */
export function defineHandler<D extends RequestShape>(request: D, run: WorkerHandler<D>['run']): WorkerHandler<D> {
  return { request, run };
}

/** Registers each handler under its method; one place decides how failures look on the wire. */
export function registerHandlers(connection: Connection, handlers: ReadonlyArray<WorkerHandler>, ctx: HandlerContext): void {
  for (const handler of handlers) {
    const { method } = handler.request;
    connection.onRequest(method, async (raw: unknown, token) => {
      const t0 = Date.now();
      const { signal, dispose } = signalFromToken(token);
      try {
        const params = parseParams(method, handler.request.params, raw);
        const result = await handler.run(params, ctx, signal);
        ctx.logger.debug(`${method} answered in ${Date.now() - t0} ms`);
        return result;
      } catch (error) {
        if (isExpected(error) || signal.aborted) ctx.logger.debug(`${method} failed: ${error instanceof Error ? error.message : String(error)}`);
        else ctx.logger.error(`${method} failed`, error);
        throw toResponseError(error, signal);
      } finally {
        dispose();
      }
    });
  }
}

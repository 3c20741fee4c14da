/**
 * Glue between JSON-RPC and the engine: parameter validation with the shared schemas,
 * LSP cancellation tokens as AbortSignals, and engine errors as response errors whose
 * `data.code` carries the ConexusError code.
 */
import { ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { z } from 'zod';
import { ConexusError, ErrorCode, describeIssues } from '../../protocol/errors';
import { RpcErrorCode, type RpcErrorData } from '../../protocol/requests';

/** Validates request parameters; a failure is an InvalidParams error naming the fields. */
export function parseParams<S extends z.ZodType>(method: string, schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConexusError(ErrorCode.InvalidParams, `${method}: invalid parameters (${describeIssues(parsed.error.issues)})`);
  }
  return parsed.data;
}

/** An AbortSignal that fires when the token is cancelled; dispose it when the request ends. */
export function signalFromToken(token: CancellationToken | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (!token) return { signal: controller.signal, dispose() {} };
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}

/** True for the ways the engine reports that it stopped because its signal fired. */
function isAbort(error: unknown): boolean {
  return (error instanceof ConexusError && error.code === ErrorCode.Cancelled)
    || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Maps a failure to a response error. Expected failures keep their message and code;
 * anything else is a bug, so it is logged with its stack (by the caller) and the client
 * gets a message that points at the log.
 */
export function toResponseError(error: unknown, signal?: AbortSignal): ResponseError<RpcErrorData> {
  if (isAbort(error) || (signal?.aborted && !(error instanceof ConexusError))) {
    return new ResponseError(RpcErrorCode.RequestCancelled, 'The request was cancelled.', { code: ErrorCode.Cancelled });
  }
  if (error instanceof ConexusError) {
    const rpc = error.code === ErrorCode.InvalidParams ? RpcErrorCode.InvalidParams : RpcErrorCode.Expected;
    return new ResponseError(rpc, error.message, { code: error.code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(-32603, `Conexus worker failed: ${message}. Run "Conexus: Show Log" for details.`, { code: 'internal' });
}

/** True when a failure is expected (a ConexusError or a cancellation), so no stack is logged. */
export function isExpected(error: unknown): boolean {
  return error instanceof ConexusError || isAbort(error);
}

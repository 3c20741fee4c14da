/**
 * Requests and notifications between the extension host and the worker process.
 * Each message is defined once here as a `{ method, params, result }` object that
 * both ends use: the worker validates what it receives with `params`, the extension
 * validates what comes back with `result`. `protocol/` imports only zod, so the
 * JSON-RPC `RequestType` objects are built on each side from `method`.
 */
import { z } from 'zod';
import { SearchParamsSchema, SearchResultSchema } from './search';
import { IndexStatusSchema } from './status';

/** A request: its JSON-RPC method name and the schemas of what goes in and comes out. */
export interface RequestDef<P extends z.ZodType, R extends z.ZodType> {
  readonly method: string;
  readonly params: P;
  readonly result: R;
}

/** A notification: its method name and the schema of its payload. */
export interface NotificationDef<P extends z.ZodType> {
  readonly method: string;
  readonly params: P;
}

/** Parameters of requests that take none; `{}` and a missing object both pass. */
export const EmptyParamsSchema = z.object({}).strict().nullish().transform(() => ({}));

/** What control requests (reindex, pause, resume, clear) answer: the state they left. */
export const ControlResultSchema = z.object({
  /** One sentence for a person, e.g. "Indexing paused; 3 changes are queued." */
  message: z.string(),
});
/** The answer to a control request. */
export type ControlResult = z.infer<typeof ControlResultSchema>;

/** Answers a query with ranked hits; cancellable ($/cancelRequest aborts the engine's work). */
export const SearchRequest = {
  method: 'conexus/search',
  params: SearchParamsSchema,
  result: SearchResultSchema,
} as const satisfies RequestDef<typeof SearchParamsSchema, typeof SearchResultSchema>;

/** Returns the index status: files, chunks, skipped files, model, size, progress. */
export const IndexStatusRequest = {
  method: 'conexus/indexStatus',
  params: EmptyParamsSchema,
  result: IndexStatusSchema,
} as const;

/** Starts a full reconciliation pass in the background; answers once it has started. */
export const ReindexRequest = {
  method: 'conexus/reindex',
  params: EmptyParamsSchema,
  result: ControlResultSchema,
} as const;

/** Pauses background indexing after the current file; changes keep being queued. */
export const PauseRequest = {
  method: 'conexus/pause',
  params: EmptyParamsSchema,
  result: ControlResultSchema,
} as const;

/** Resumes background indexing and processes the queued changes. */
export const ResumeRequest = {
  method: 'conexus/resume',
  params: EmptyParamsSchema,
  result: ControlResultSchema,
} as const;

/** Deletes the index data and rebuilds it from scratch in the background. */
export const ClearRequest = {
  method: 'conexus/clear',
  params: EmptyParamsSchema,
  result: ControlResultSchema,
} as const;

/** Sent by the worker whenever the engine's state or progress changes. */
export const StatusChangedNotification = {
  method: 'conexus/statusChanged',
  params: IndexStatusSchema,
} as const satisfies NotificationDef<typeof IndexStatusSchema>;

/** Every request the worker answers, for registration loops and tests. */
export const WorkerRequests = [
  SearchRequest, IndexStatusRequest, ReindexRequest,
  PauseRequest, ResumeRequest, ClearRequest,
] as const;

/** Log levels the worker understands; the extension maps its output channel's level to one. */
export const WorkerLogLevelSchema = z.enum(['error', 'warn', 'info', 'debug', 'trace']);
/** A worker log level. */
export type WorkerLogLevel = z.infer<typeof WorkerLogLevelSchema>;

/**
 * What the extension passes as the LSP `initializationOptions`. Settings travel raw and
 * are checked field by field with `parseSettings` in the worker, so one bad field
 * falls back to its default instead of refusing the whole start.
 */
export const WorkerInitOptionsSchema = z.object({
  /** Absolute paths of the workspace folders, in VS Code's order. */
  roots: z.array(z.string().min(1)).min(1, 'no workspace folder: open a folder to index'),
  /** Absolute path of the index directory (the extension's workspace storage). */
  indexDir: z.string().min(1),
  /** The `conexus.*` settings mapped to the shared Settings shape (not yet validated). */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** True in an untrusted workspace: the worker must stay on shipped defaults. */
  restricted: z.boolean().default(false),
  /**
   * Serve the MCP tools for agents on the index's local socket, so `conexus mcp` started
   * by VS Code bridges to this worker (the index's one writer). Never in restricted mode.
   */
  serveMcp: z.boolean().default(false),
  logLevel: WorkerLogLevelSchema.default('info'),
});
/** Validated worker start options. */
export type WorkerInitOptions = z.infer<typeof WorkerInitOptionsSchema>;
/** Worker start options as the extension writes them. */
export type WorkerInitOptionsInput = z.input<typeof WorkerInitOptionsSchema>;

/**
 * JSON-RPC error codes the worker uses for expected failures. The ConexusError code
 * (e.g. `cancelled`) travels in the error's `data.code` so the extension can react to it.
 */
export const RpcErrorCode = {
  /** Parameters failed validation (same as JSON-RPC's InvalidParams). */
  InvalidParams: -32602,
  /** The request was cancelled (LSP's RequestCancelled). */
  RequestCancelled: -32800,
  /** Any other expected failure; `data.code` says which. */
  Expected: -32001,
  /** The worker is not ready yet (still opening the index). */
  NotReady: -32002,
} as const;

/** The `data` field of a worker error response. */
export const RpcErrorDataSchema = z.object({ code: z.string() });
/** The `data` field of a worker error response. */
export type RpcErrorData = z.infer<typeof RpcErrorDataSchema>;

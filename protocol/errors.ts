/**
 * Error codes for expected failures. Every expected failure carries one of these and
 * a message that says what to do next; anything else is a bug and is logged with its stack.
 */

/** Expected failure codes, shared by the worker, the CLI, the MCP server and the extension. */
export const ErrorCode = {
  /** A request's parameters failed validation; the message names the field. */
  InvalidParams: 'invalid-params',
  /** The workspace folder does not exist or is not a folder. */
  NoWorkspace: 'no-workspace',
  /** The index directory cannot be read or written. */
  IndexUnavailable: 'index-unavailable',
  /** Another process holds the writer lock; this one is read-only. */
  IndexLocked: 'index-locked',
  /** A path argument points outside the workspace roots. */
  PathOutsideWorkspace: 'path-outside-workspace',
  /** The embedding model could not be loaded; semantic search is off. */
  ModelUnavailable: 'model-unavailable',
  /** The request was cancelled by a newer one. */
  Cancelled: 'cancelled',
  /** The disk is full or the write failed; the previous index is intact. */
  WriteFailed: 'write-failed',
} as const;
/** An error code. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure: a code plus a message for a person. */
export class ConexusError extends Error {
  /** Creates an error with a code and a message that says what to do next. */
  constructor(readonly code: ErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConexusError';
  }
}

/** Formats zod issues as one line naming each bad field. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(input)'}: ${i.message}`).join('; ');
}

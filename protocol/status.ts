/**
 * Index status and progress: what the worker reports to the status bar, the panel,
 * `conexus status` and the `index_control` MCP tool.
 */
import { z } from 'zod';

/** Reasons a file is left out of the index. */
export const SkipReasonSchema = z.enum([
  'too-large', 'binary', 'minified', 'secret', 'unreadable', 'vanished',
  'symlink-outside-root', 'symlink-loop', 'not-text',
]);
/** A skip reason. */
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** Skipped files by reason: a count and a few example paths per reason. */
export const SkippedSummarySchema = z.record(z.string(), z.object({
  count: z.number().int().min(0),
  examples: z.array(z.string()),
}));
/** Skipped-file summary. */
export type SkippedSummary = z.infer<typeof SkippedSummarySchema>;

/** The engine's lifecycle state. */
export const IndexStateSchema = z.enum(['starting', 'indexing', 'ready', 'paused', 'error']);
/** An index state. */
export type IndexState = z.infer<typeof IndexStateSchema>;

/** Progress of a running index pass. */
export const IndexProgressSchema = z.object({
  phase: z.enum(['scanning', 'chunking', 'embedding', 'writing', 'idle']),
  filesDone: z.number().int().min(0),
  filesTotal: z.number().int().min(0),
  /** Files per second over the pass so far. */
  rate: z.number().min(0),
  /** Estimated seconds left, when it can be estimated. */
  etaSeconds: z.number().min(0).nullable(),
});
/** Index progress. */
export type IndexProgress = z.infer<typeof IndexProgressSchema>;

/** Which model answers semantic queries, or why none does. */
export const ModelStatusSchema = z.object({
  /** Model id or folder; null when semantic search is off. */
  id: z.string().nullable(),
  /** Vector dimension; null when no model is loaded. */
  dimension: z.number().int().nullable(),
  /** True when semantic search can be used. */
  semantic: z.boolean(),
  /** Why semantic search is off, and what to do about it. */
  reason: z.string().optional(),
});
/** Model status. */
export type ModelStatus = z.infer<typeof ModelStatusSchema>;

/** Everything `status` reports. */
export const IndexStatusSchema = z.object({
  state: IndexStateSchema,
  roots: z.array(z.string()),
  indexDir: z.string(),
  files: z.number().int().min(0),
  chunks: z.number().int().min(0),
  /** Chunks whose vector is stored for the current model. */
  embeddedChunks: z.number().int().min(0),
  skipped: SkippedSummarySchema,
  model: ModelStatusSchema,
  indexBytes: z.number().int().min(0),
  /** ISO-8601 time of the last completed update; null before the first. */
  lastUpdated: z.string().nullable(),
  /** Files known to have changed but not yet re-indexed. */
  pendingChanges: z.number().int().min(0),
  progress: IndexProgressSchema.nullable(),
  /** Whether this process owns the index for writing (false: read-only). */
  writer: z.boolean(),
  /** The last error, with what to do next. */
  error: z.string().optional(),
});
/** Index status. */
export type IndexStatus = z.infer<typeof IndexStatusSchema>;

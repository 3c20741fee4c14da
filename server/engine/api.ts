/**
 * The engine's public surface: what the worker's handlers, the CLI and the MCP
 * tools call. One engine serves one workspace (one or more roots) and one index
 * directory.
 */
import type { SearchParamsInput, SearchResult } from '../../protocol/search';
import type { IndexStatus } from '../../protocol/status';
import type { Settings } from '../../protocol/settings';
import type { Logger } from './logger';

/** How to open an engine. */
export interface EngineOptions {
  /** Workspace root folders (absolute or relative to cwd). */
  roots: string[];
  /** Where the index lives; default: a per-workspace folder under the user's cache directory. */
  indexDir?: string;
  settings?: Partial<Settings>;
  logger?: Logger;
  /** Open without taking the writer lock: search and status only. */
  readOnly?: boolean;
}

/** A summary of one index pass. */
export interface IndexSummary {
  files: number;
  chunks: number;
  /** Files read and re-chunked in this pass. */
  changedFiles: number;
  /** Files removed from the index in this pass. */
  removedFiles: number;
  /** Chunks embedded in this pass (0 when every vector was reused). */
  embeddedChunks: number;
  skipped: Record<string, number>;
  /** Milliseconds per stage. */
  timings: { walk: number; read: number; parse: number; embed: number; write: number; total: number };
}

/** A file as the catalog knows it. */
export interface CatalogFile {
  path: string;
  absPath: string;
  language: string;
  size: number;
  mtimeMs: number;
  hash: string;
  /** Number of lines. */
  lines: number;
  /** Status-change time when indexed; with size and mtime, decides whether to re-read. */
  ctimeMs?: number;
}

/** A stored chunk with its identity. */
export interface StoredChunk {
  id: string;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  symbol: string | null;
  kind: string | null;
  container: string | null;
  text: string;
  hash: string;
}

/** Listener for status changes (progress, state). */
export type StatusListener = (status: IndexStatus) => void;

/**
 * What the engine offers its callers (worker handlers, CLI, MCP tools). Implemented
 * by `Engine` in `server/engine/engine.ts`, opened with `Engine.open(options)`.
 */
export interface EngineApi {
  /** The roots as resolved (absolute real paths and display names). */
  readonly roots: ReadonlyArray<{ absPath: string; name: string }>;
  /** Absolute path of the index directory. */
  readonly indexDir: string;
  /**
   * Brings the index up to date with the files on disk (a full reconciliation scan;
   * unchanged files are not re-read). `paths` limits the pass to those absolute paths.
   */
  index(opts?: { signal?: AbortSignal; paths?: string[] }): Promise<IndexSummary>;
  /** Answers a search; validates `params` with the shared schema (throws ConexusError InvalidParams). */
  search(params: SearchParamsInput, signal?: AbortSignal): Promise<SearchResult>;
  /** The current status (cheap; no I/O except cached sizes). */
  status(): IndexStatus;
  /** Subscribes to status changes (progress, state); returns an unsubscribe function. */
  onStatus(listener: StatusListener): () => void;
  /** Starts the file watcher; changes are batched and indexed in the background. */
  startWatching(): Promise<void>;
  /** Stops background indexing after the current file; queued changes are kept. */
  pause(): void;
  /** Resumes background indexing and processes queued changes. */
  resume(): void;
  /** Deletes the index data (keeps the lock) and leaves an empty index; call index() to rebuild. */
  clear(): Promise<void>;
  /** Files in the index, sorted by path. */
  listFiles(): CatalogFile[];
  /** The stored chunks of one file (display path), in line order; empty if unknown. */
  chunksForFile(path: string): StoredChunk[];
  /** Every stored chunk (for whole-index passes such as file ranking); do not mutate. */
  allChunks(): Iterable<StoredChunk>;
  /**
   * The chunks whose text has `identifier` as a whole word, in catalog order. Texts are
   * file reads, so the text index narrows the chunks to read first when it can.
   */
  chunksMentioning(identifier: string): StoredChunk[];
  /** Reads an indexed file's current text by display path; null if not indexed (never reads outside the roots). */
  readFile(path: string): Promise<string | null>;
  /** Stops watching, flushes, releases the writer lock. */
  close(): Promise<void>;
}

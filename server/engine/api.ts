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

/**
 * The chunker's contract: a file's text in, chunks out. A chunk is the unit the
 * engine indexes, embeds and returns as a hit.
 */
import type { SymbolKind } from '../../protocol/search';

/** One indexable piece of a file. */
export interface Chunk {
  /** 1-based first line. */
  startLine: number;
  /** 1-based last line, inclusive. */
  endLine: number;
  /** The exact text of lines startLine..endLine. */
  text: string;
  /** Definition name, where the syntax gives one (e.g. `parseArgs`). */
  symbol: string | null;
  /** Definition kind, where the syntax gives one. */
  kind: SymbolKind | null;
  /** Enclosing class/module name, where there is one (e.g. `Parser`). */
  container: string | null;
}

/** What the chunker is told about a file. */
export interface ChunkInput {
  /** Relative `/`-separated path (used for language detection and logs only). */
  path: string;
  /** The file's full text (already decoded, NUL-free). */
  text: string;
  /** Language id from `detectLanguage`. */
  language: string;
}

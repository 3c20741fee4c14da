/**
 * The per-file work of an index pass — read, classify, chunk, hash, tokenize — as one
 * pure function of the file, so it can run in a worker thread (see `indexPool.ts`) or
 * in-process with the same result. Nothing here touches the catalog or the index.
 */
import type { SkipReason } from '../../protocol/status';
import { chunkFile } from '../chunk/chunker';
import type { Chunk } from '../chunk/types';
import { detectLanguage } from '../chunk/languages';
import { chunkHash } from '../store/chunkTexts';
import type { TermCodes, TermEncoder } from '../text/termCodes';
import { cappedTerms, countTerms, TERM_FREQUENCY_CAP, tokenize, tokenizePath } from '../text/tokenizer';
import { lineByteStarts, lineBytes, readFileForIndex, type ReadIo } from '../walk/content';

/** One file to process. */
export interface FileJob {
  absPath: string;
  /** Display path (relative, `/`-separated, root-prefixed with several roots). */
  path: string;
  maxBytes: number;
  /** Content hash the catalog has for this file; equal bytes are not re-chunked. */
  knownHash: string | null;
}

/**
 * A chunk as a job returns it: ready for the catalog, with its text-field terms. Its
 * text stays behind (the catalog rebuilds texts from the file, see `ChunkTexts`);
 * its hash is the hash of that text.
 */
export interface JobChunk extends Omit<Chunk, 'text'> {
  /** Where the chunk's text lies in the file's bytes: [startByte, endByte). */
  startByte: number;
  endByte: number;
  hash: string;
  /** The chunk text's search terms joined by spaces (tokenized off the main thread); empty when the result has `codes`. */
  terms: string;
  /** The symbol and container's terms, likewise. */
  symbolTerms: string;
}

/** What processing a file produced. */
export type FileJobResult =
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'unchanged'; size: number; mtimeMs: number }
  | {
    kind: 'chunked'; language: string; size: number; mtimeMs: number; hash: string; lines: number; chunks: JobChunk[];
    /** The path's terms joined by spaces; empty when the result has `codes`. */
    pathTerms: string;
    /** With a `TermEncoder`: every term of the file as numbers (see termCodes.ts), instead of the joined strings. */
    codes?: TermCodes;
    parseMs: number; readMs: number;
  };

/**
 * Reads and chunks one file. Never throws for a problem with the file itself. `io`
 * is how the file is read (workers read synchronously, see `syncReadIo`); with an
 * `encoder` (a worker's) the terms come as codes.
 */
export async function processFile(job: FileJob, io?: ReadIo, encoder?: TermEncoder): Promise<FileJobResult> {
  const t0 = performance.now();
  const r = await readFileForIndex(job.absPath, job.maxBytes, io);
  const readMs = performance.now() - t0;
  if (!r.ok) return { kind: 'skipped', reason: r.reason };
  if (job.knownHash === r.hash) return { kind: 'unchanged', size: r.size, mtimeMs: r.mtimeMs };
  const language = detectLanguage(job.path);
  const t1 = performance.now();
  const chunks = await chunkFile({ path: job.path, text: r.text, language });
  const starts = lineByteStarts(r.bytes);
  encoder?.begin();
  encoder?.field(countTerms(tokenizePath(job.path)));
  const out: JobChunk[] = chunks.map((c) => {
    const symbol = tokenize([c.symbol, c.container].filter(Boolean).join(' '));
    if (encoder) {
      encoder.textField(c.text, TERM_FREQUENCY_CAP);
      encoder.field(countTerms(symbol));
    }
    return {
      startLine: c.startLine, endLine: c.endLine, ...lineBytes(starts, r.bytes.length, c.startLine, c.endLine), symbol: c.symbol, kind: c.kind,
      container: c.container, hash: chunkHash(c.text), terms: encoder ? '' : cappedTerms(c.text).join(' '), symbolTerms: encoder ? '' : symbol.join(' '),
    };
  });
  const pathTerms = encoder ? '' : tokenizePath(job.path).join(' ');
  const lines = r.text.length === 0 ? 0 : countLines(r.text);
  const codes = encoder?.take();
  return { kind: 'chunked', language, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, lines, chunks: out, pathTerms, ...(codes ? { codes } : {}), parseMs: performance.now() - t1, readMs };
}

/** Lines in a non-empty text (newlines + 1), without splitting it into a string per line. */
export function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

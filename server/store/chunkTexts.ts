/**
 * Chunk texts, read from the workspace files instead of held in memory.
 *
 * A chunk is always whole lines of its file (`startLine`..`endLine`), and its content
 * hash is the SHA-1 of exactly those lines. The owner used to keep every chunk's text
 * in its heap (60 MB for 10,000 dependency files, the largest thing after the text
 * index) and in the snapshot (two thirds of it on disk). Now a text is rebuilt from
 * the file when something needs it — a snippet, the embedder, a tool — and checked
 * against the chunk's hash, so a file edited since it was indexed never passes off
 * its new lines as the indexed chunk. Chunks record their byte range, so usually only
 * those bytes are read; whole files are read (and the last few kept) only for chunks
 * saved before byte ranges were, and to show the current lines of a changed file.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { lineByteStarts, lineBytes } from '../walk/content';

/** What a text is rebuilt from: the chunk's place and identity. */
export interface ChunkPlace {
  path: string;
  startLine: number;
  endLine: number;
  /** The text's byte range in the file, when the index recorded it (read directly then). */
  startByte?: number;
  endByte?: number;
  hash: string;
}

/** Where an indexed display path lives on disk (undefined: no longer indexed). */
export type AbsPathOf = (path: string) => string | undefined;

/** File access; tests substitute it. `stamp` changes whenever the file's content may have. */
export interface TextIo {
  read(absPath: string): Buffer;
  /** Bytes [start, end) of a file (fewer when the file is shorter now). */
  readRange(absPath: string, start: number, end: number): Buffer;
  stamp(absPath: string): string | null;
}

const fileIo: TextIo = {
  read: (p) => readFileSync(p),
  readRange: (p, start, end) => {
    const fd = openSync(p, 'r');
    try {
      const buf = Buffer.allocUnsafe(end - start);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  },
  stamp: (p) => {
    try {
      const s = statSync(p, { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
    } catch {
      return null;
    }
  },
};

/** Files whose bytes are kept between calls (each at most the indexing size cap). */
const CACHED_FILES = 16;

interface CachedFile {
  stamp: string;
  bytes: Buffer;
  /** Byte offset of each line's start, computed on first use. */
  lineStarts: number[] | null;
}

/** Rebuilds chunk texts from the files they were cut from. */
export class ChunkTexts {
  /** absPath → the file's bytes as last read, most recently used last. */
  private readonly files = new Map<string, CachedFile>();

  constructor(
    private readonly absPathOf: AbsPathOf,
    private readonly io: TextIo = fileIo,
  ) {}

  /**
   * The chunk's text exactly as indexed, or null when its file no longer holds those
   * lines (edited, moved or deleted since, and not yet re-indexed).
   */
  text(c: ChunkPlace): string | null {
    const abs = this.absPathOf(c.path);
    if (abs === undefined) return null;
    if (c.startByte !== undefined && c.endByte !== undefined) {
      // The usual case: read just the chunk's bytes (a snippet from a 1 MB file used to
      // read and scan the whole file).
      let text: string;
      try {
        text = this.io.readRange(abs, c.startByte, c.endByte).toString('utf8');
      } catch {
        return null;
      }
      return chunkHash(text) === c.hash ? text : null;
    }
    const file = this.fileAt(abs);
    if (!file) return null;
    const text = slice(file, c);
    return chunkHash(text) === c.hash ? text : null;
  }

  /**
   * For display: the indexed text when the file still has it, else the lines the file
   * has now at the chunk's place (empty when it cannot be read), flagged as changed.
   */
  display(c: ChunkPlace): { text: string; changed: boolean } {
    const exact = this.text(c);
    if (exact !== null) return { text: exact, changed: false };
    const abs = this.absPathOf(c.path);
    const now = abs === undefined ? null : this.fileAt(abs);
    return { text: now ? slice(now, c) : '', changed: true };
  }

  /** Forgets cached files (after an index pass, so no file is held while idle). */
  clear(): void {
    this.files.clear();
  }

  /** The file's current bytes: cached while its stamp holds, else read again. */
  private fileAt(abs: string): CachedFile | null {
    const stamp = this.io.stamp(abs);
    const cached = this.files.get(abs);
    this.files.delete(abs);
    if (stamp === null) return null;
    if (cached && cached.stamp === stamp) {
      this.files.set(abs, cached);
      return cached;
    }
    let bytes: Buffer;
    try {
      bytes = this.io.read(abs);
    } catch {
      return null;
    }
    const file: CachedFile = { stamp, bytes, lineStarts: null };
    this.files.set(abs, file);
    if (this.files.size > CACHED_FILES) this.files.delete(this.files.keys().next().value as string);
    return file;
  }
}

/**
 * Lines startLine..endLine of the file, decoded as the indexer decodes the whole file
 * (UTF-8, byte-order mark dropped) but only for those bytes: a line break is one byte
 * that never occurs inside a multi-byte character, so cutting there decodes the same.
 */
function slice(file: CachedFile, c: ChunkPlace): string {
  const starts = (file.lineStarts ??= lineByteStarts(file.bytes));
  const { startByte, endByte } = lineBytes(starts, file.bytes.length, c.startLine, c.endLine);
  return file.bytes.toString('utf8', startByte, endByte);
}

/** Content hash of a chunk's text: the key for vector reuse and for checking a rebuilt text. */
export function chunkHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

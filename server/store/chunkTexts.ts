/**
 * Chunk texts, read from the workspace files instead of held in memory.
 *
 * A chunk is always whole lines of its file (`startLine`..`endLine`), and its content
 * hash is the SHA-1 of exactly those lines. The owner used to keep every chunk's text
 * in its heap (60 MB for 10,000 dependency files, the largest thing after the text
 * index) and in the snapshot (two thirds of it on disk). Now a text is rebuilt from
 * the file when something needs it — a snippet, the embedder, a tool — and checked
 * against the chunk's hash, so a file edited since it was indexed never passes off
 * its new lines as the indexed chunk. The few files read last are kept as lines, since
 * callers read the chunks of one file together (snippets of nearby hits, the embedder
 * walking chunks in catalog order).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/** What a text is rebuilt from: the chunk's place and identity. */
export interface ChunkPlace {
  path: string;
  startLine: number;
  endLine: number;
  hash: string;
}

/** Where an indexed display path lives on disk (undefined: no longer indexed). */
export type AbsPathOf = (path: string) => string | undefined;

/** File access; tests substitute it. `stamp` changes whenever the file's content may have. */
export interface TextIo {
  read(absPath: string): Buffer;
  stamp(absPath: string): string | null;
}

const fileIo: TextIo = {
  read: (p) => readFileSync(p),
  stamp: (p) => {
    try {
      const s = statSync(p, { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
    } catch {
      return null;
    }
  },
};

interface CachedFile {
  stamp: string | null;
  lines: string[];
}

/** Files whose lines are kept between calls. */
const CACHED_FILES = 16;

/** Rebuilds chunk texts from the files they were cut from. */
export class ChunkTexts {
  /** absPath → the file's lines as last read, most recently used last. */
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
    const lines = this.linesOf(abs);
    if (!lines) return null;
    const text = slice(lines, c);
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
    const now = abs === undefined ? null : this.linesOf(abs);
    return { text: now ? slice(now, c) : '', changed: true };
  }

  /** Forgets cached lines (after an index pass, so no file is held while idle). */
  clear(): void {
    this.files.clear();
  }

  /** The file's current lines: cached while its stamp holds, else read again. */
  private linesOf(abs: string): string[] | null {
    const stamp = this.io.stamp(abs);
    const cached = this.files.get(abs);
    this.files.delete(abs);
    if (stamp === null) return null;
    if (cached && cached.stamp === stamp) {
      this.files.set(abs, cached);
      return cached.lines;
    }
    let buf: Buffer;
    try {
      buf = this.io.read(abs);
    } catch {
      return null;
    }
    // Decoded as the indexer decodes (UTF-8, byte-order mark dropped), so lines match.
    const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const lines = buf.toString('utf8', start).split('\n');
    this.files.set(abs, { stamp, lines });
    if (this.files.size > CACHED_FILES) this.files.delete(this.files.keys().next().value as string);
    return lines;
  }
}

function slice(lines: string[], c: ChunkPlace): string {
  return lines.slice(Math.max(0, c.startLine - 1), c.endLine).join('\n');
}

/** Content hash of a chunk's text: the key for vector reuse and for checking a rebuilt text. */
export function chunkHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Deciding whether a file's bytes are worth indexing (text, not binary, not minified)
 * and reading a file so that the text, its size, its mtime and its hash all describe
 * the same version of it, even when an editor or a build is writing it at that moment.
 */
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync, statSync, type Stats } from 'node:fs';
import type { SkipReason } from '../../protocol/status';

/** The verdict on a file's bytes. */
export type ContentVerdict = { ok: true; text: string } | { ok: false; reason: 'binary' | 'minified' | 'not-text' };

/** Files shorter than this are never called minified: small one-liners are common and harmless. */
const MINIFIED_MIN_CHARS = 2048;
/** Average line length above which dense text counts as minified. */
const MINIFIED_AVG_LINE = 300;
/** A line this long, in a file of at most `MINIFIED_FEW_LINES` lines, counts as minified. */
const MINIFIED_LONG_LINE = 5000;
const MINIFIED_FEW_LINES = 10;
/**
 * Bundles often keep a licence header and a few short lines around one enormous line,
 * which defeats the average; when most of the text sits in lines longer than this, it is
 * minified all the same.
 */
const MINIFIED_DENSE_LINE = 1000;
const MINIFIED_DENSE_SHARE = 0.5;
/**
 * Minified code and data have almost no whitespace (typically under 5%), while prose and
 * ordinary code written with long lines have 12% or more; requiring little whitespace
 * keeps markdown with one paragraph per line from being called minified.
 */
const MINIFIED_MAX_WHITESPACE = 0.1;
/** Share of U+FFFD replacement characters above which decoded bytes are not text. */
const MAX_REPLACEMENT_SHARE = 0.3;

/** Bytes of a UTF-8 byte-order mark at the start (0 or 3): text starts after it. */
export function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** Byte offset of each line's start in a file (after a UTF-8 byte-order mark). */
export function lineByteStarts(bytes: Buffer): number[] {
  const starts = [bomLength(bytes)];
  for (let i = bytes.indexOf(10, starts[0]); i >= 0; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The bytes of lines startLine..endLine (1-based) without the final line break, taken
 * from the raw file so that invalid UTF-8 (decoded to one replacement character of a
 * different length) cannot shift them.
 */
export function lineBytes(starts: number[], size: number, startLine: number, endLine: number): { startByte: number; endByte: number } {
  const startByte = starts[startLine - 1] ?? size;
  const endByte = endLine < starts.length ? starts[endLine] - 1 : size;
  return { startByte, endByte: Math.max(startByte, endByte) };
}

/**
 * Classifies a file's bytes: a NUL byte anywhere means binary; text that is mostly
 * invalid UTF-8 is `not-text`; long dense lines mean `minified`. Otherwise returns the
 * text decoded as UTF-8 (invalid sequences replaced, a leading BOM removed). Never throws.
 */
export function classifyContent(buf: Buffer): ContentVerdict {
  if (buf.indexOf(0) !== -1) return { ok: false, reason: 'binary' };
  const start = bomLength(buf);
  const text = buf.toString('utf8', start);
  if (text.length === 0) return { ok: true, text };

  let replacements = 0;
  let whitespace = 0;
  let lines = 1;
  let longest = 0;
  let lineStart = 0;
  let denseChars = 0;
  const endLine = (end: number) => {
    const len = end - lineStart;
    if (len > longest) longest = len;
    if (len > MINIFIED_DENSE_LINE) denseChars += len;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      endLine(i);
      lineStart = i + 1;
      lines++;
      whitespace++;
    } else if (c === 32 || c === 9 || c === 13) {
      whitespace++;
    } else if (c === 0xfffd) {
      replacements++;
    }
  }
  endLine(text.length);

  if (replacements / text.length > MAX_REPLACEMENT_SHARE) return { ok: false, reason: 'not-text' };
  if (text.length >= MINIFIED_MIN_CHARS && whitespace / text.length < MINIFIED_MAX_WHITESPACE) {
    const avg = text.length / lines;
    if (
      avg > MINIFIED_AVG_LINE ||
      (longest > MINIFIED_LONG_LINE && lines <= MINIFIED_FEW_LINES) ||
      denseChars / text.length > MINIFIED_DENSE_SHARE
    ) {
      return { ok: false, reason: 'minified' };
    }
  }
  return { ok: true, text };
}

/** A file read for indexing: its text and the size, mtime and hash of exactly those bytes. */
export type ReadResult =
  | { ok: true; text: string; size: number; mtimeMs: number; hash: string; /** The raw bytes `text` was decoded from. */ bytes: Buffer }
  | { ok: false; reason: SkipReason; size?: number; mtimeMs?: number };

/** The filesystem calls `readFileForIndex` makes; tests use this to change a file mid-read. */
export interface ReadIo {
  stat(absPath: string): Promise<Stats>;
  readFile(absPath: string): Promise<Buffer>;
}

const nodeReadIo: ReadIo = { stat: (p) => fsp.stat(p), readFile: (p) => fsp.readFile(p) };

/**
 * The same calls made synchronously, for index worker threads: a worker has nothing
 * else to do while a file is read, and each asynchronous call is a round trip through
 * libuv's shared thread pool (six per file), which left the workers idle about a
 * third of a cold pass on 10,000 files.
 */
export const syncReadIo: ReadIo = {
  stat: async (p) => statSync(p),
  readFile: async (p) => readFileSync(p),
};

/** How many times a file that keeps changing during the read is re-read. */
const MAX_REREADS = 3;

/**
 * Reads a file for indexing. The file is stat'ed before and after the read; when its
 * size, mtime or inode moved in between (someone was writing it), it is read again, up
 * to three more times. If it never settles, the last bytes read are returned with the
 * mtime seen *before* that read, so the next scan sees a newer mtime and indexes it again.
 * `hash` is the sha1 of the bytes read (hex). Skip reasons: `too-large`, `vanished`,
 * `unreadable`, `binary`, `minified`, `not-text`. Never throws for a file problem.
 */
export async function readFileForIndex(absPath: string, maxBytes: number, io: ReadIo = nodeReadIo): Promise<ReadResult> {
  let buf: Buffer | null = null;
  let before: Stats | null = null;
  for (let attempt = 0; attempt <= MAX_REREADS; attempt++) {
    try {
      before = await io.stat(absPath);
    } catch (err) {
      return { ok: false, reason: reasonFor(err) };
    }
    if (!before.isFile()) return { ok: false, reason: 'vanished' };
    if (before.size > maxBytes) return { ok: false, reason: 'too-large', size: before.size, mtimeMs: before.mtimeMs };
    let after: Stats;
    try {
      buf = await io.readFile(absPath);
      after = await io.stat(absPath);
    } catch (err) {
      return { ok: false, reason: reasonFor(err) };
    }
    if (buf.length > maxBytes) return { ok: false, reason: 'too-large', size: buf.length, mtimeMs: after.mtimeMs };
    if (sameVersion(before, after) && after.size === buf.length) break;
  }
  if (!buf || !before) return { ok: false, reason: 'vanished' };
  const verdict = classifyContent(buf);
  if (!verdict.ok) return { ok: false, reason: verdict.reason, size: buf.length, mtimeMs: before.mtimeMs };
  const hash = createHash('sha1').update(buf).digest('hex');
  return { ok: true, text: verdict.text, size: buf.length, mtimeMs: before.mtimeMs, hash, bytes: buf };
}

function sameVersion(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Maps a filesystem error to the skip reason a person can act on. */
export function reasonFor(err: unknown): SkipReason {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'unreadable';
  if (code === 'ELOOP') return 'symlink-loop';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return 'vanished';
  return 'unreadable';
}

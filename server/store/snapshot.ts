/**
 * Persists the catalog, the chunks and the text index as one generation folder
 * (`snap-<n>/`), then flips `CURRENT` to it with an atomic rename. A crash at any
 * moment leaves either the old generation or the new one current, never a mix; a
 * truncated or corrupted generation is detected on load (counts and a checksum of
 * each file do not match) and reported so the engine can quarantine and rebuild.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AsPlainObject } from 'minisearch';
import type { SkipRecord } from '../walk/types';
import type { ChunkRecord, FileRecord } from './chunkStore';
import { writeFileAtomic } from './indexDir';

/** The small part of a snapshot: enough to tell what changed on disk. */
export interface SnapshotHead {
  generation: number;
  files: FileRecord[];
  skipped: SkipRecord[];
  nextChunkId: number;
  textIndexVersion: number;
  savedAt: string;
  counts: { files: number; chunks: number; embedded: number };
}

/** The large part: chunk texts and the text index, loaded only when needed. */
export interface SnapshotBody {
  chunks: ChunkRecord[];
  textIndex: AsPlainObject;
}

/** What `saveSnapshot` writes. Without `body`, the body of generation `bodyFrom` is reused unchanged. */
export interface SnapshotInput {
  files: FileRecord[];
  skipped: SkipRecord[];
  nextChunkId: number;
  textIndexVersion: number;
  embedded: number;
  /** Chunks, and the text index as JSON pieces `{"rest":{…},"index":[…]}` (see TextIndex.jsonParts). */
  body: { chunks: ChunkRecord[]; textParts: Iterable<string | Uint8Array> } | null;
  bodyFrom?: number;
}

interface Manifest {
  generation: number;
  savedAt: string;
  nextChunkId: number;
  textIndexVersion: number;
  counts: { files: number; chunks: number; embedded: number };
  /** sha1 of each file in the generation folder. */
  checksums: Record<string, string>;
}

const BODY_FILES = ['chunks.jsonl', 'text.json'] as const;

/** Raised when a snapshot exists but cannot be trusted. */
export class CorruptSnapshotError extends Error {}

/**
 * Serialised pieces are kept under this many characters. V8 puts strings above about
 * 128 KiB straight into its large-object space, which only a full collection frees;
 * small pieces die young and cost a cheap scavenge, so saving 80 MB of chunks does not
 * leave 80 MB of garbage behind (measured: 230 MB of heap growth during a save before).
 */
export const PIECE_CHARS = 48 * 1024;

/** Writes a new generation and makes it current; removes older generations. Returns the generation. */
export async function saveSnapshot(indexDir: string, data: SnapshotInput): Promise<number> {
  const previous = currentGeneration(indexDir);
  const generation = (previous ?? 0) + 1;
  const dir = path.join(indexDir, `snap-${generation}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  try {
    const checksums: Record<string, string> = {};
    checksums['files.json'] = await writeParts(path.join(dir, 'files.json'), ['[', ...joinJson(data.files), ']']);
    checksums['skipped.json'] = await writeParts(path.join(dir, 'skipped.json'), [JSON.stringify(data.skipped)]);
    let chunkCount: number;
    if (data.body) {
      checksums['chunks.jsonl'] = await writeParts(path.join(dir, 'chunks.jsonl'), linesJson(data.body.chunks));
      checksums['text.json'] = await writeParts(path.join(dir, 'text.json'), data.body.textParts);
      chunkCount = data.body.chunks.length;
    } else {
      // Only the catalog changed (e.g. mtimes): the body files are immutable, so the new
      // generation hard-links them instead of rewriting tens of megabytes.
      if (data.bodyFrom === undefined) throw new Error('saveSnapshot needs a body or a generation to reuse it from');
      const from = path.join(indexDir, `snap-${data.bodyFrom}`);
      const old = readManifest(from);
      for (const name of BODY_FILES) {
        fs.linkSync(path.join(from, name), path.join(dir, name));
        checksums[name] = old.checksums[name];
      }
      chunkCount = old.counts.chunks;
    }
    const manifest: Manifest = {
      generation, savedAt: new Date().toISOString(), nextChunkId: data.nextChunkId, textIndexVersion: data.textIndexVersion,
      counts: { files: data.files.length, chunks: chunkCount, embedded: data.embedded }, checksums,
    };
    writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  } catch (err) {
    // A failed write (disk full) must not leave a half generation eating the space.
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  writeFileAtomic(path.join(indexDir, 'CURRENT'), `snap-${generation}\n`);
  for (const name of fs.readdirSync(indexDir)) {
    if (/^snap-\d+$/.test(name) && name !== `snap-${generation}`) fs.rmSync(path.join(indexDir, name), { recursive: true, force: true });
  }
  return generation;
}

/**
 * Loads the head of the current generation (null when there is none) after checking
 * every file of the generation against its checksum, so a later body load cannot meet
 * damage. Throws CorruptSnapshotError when anything does not match.
 */
export function loadSnapshotHead(indexDir: string): SnapshotHead | null {
  const generation = currentGeneration(indexDir);
  if (generation === null) return null;
  const dir = path.join(indexDir, `snap-${generation}`);
  try {
    const manifest = readManifest(dir);
    for (const name of BODY_FILES) verify(dir, name, manifest);
    const files = JSON.parse(verify(dir, 'files.json', manifest).toString('utf8')) as FileRecord[];
    const skipped = JSON.parse(verify(dir, 'skipped.json', manifest).toString('utf8')) as SkipRecord[];
    if (files.length !== manifest.counts.files) throw new Error('file count does not match the manifest');
    return {
      generation, files, skipped, nextChunkId: manifest.nextChunkId, textIndexVersion: manifest.textIndexVersion,
      savedAt: manifest.savedAt, counts: { files: manifest.counts.files, chunks: manifest.counts.chunks, embedded: manifest.counts.embedded ?? 0 },
    };
  } catch (err) {
    throw new CorruptSnapshotError(`snapshot snap-${generation} is damaged: ${(err as Error).message}`, { cause: err });
  }
}

/** Loads the body of a generation whose head was loaded. */
export function loadSnapshotBody(indexDir: string, generation: number): SnapshotBody {
  const dir = path.join(indexDir, `snap-${generation}`);
  try {
    const manifest = readManifest(dir);
    const chunks: ChunkRecord[] = [];
    for (const line of verify(dir, 'chunks.jsonl', manifest).toString('utf8').split('\n')) if (line) chunks.push(JSON.parse(line) as ChunkRecord);
    if (chunks.length !== manifest.counts.chunks) throw new Error('chunk count does not match the manifest');
    const text = JSON.parse(verify(dir, 'text.json', manifest).toString('utf8')) as { rest: object; index: unknown[] };
    return { chunks, textIndex: { ...text.rest, index: text.index } as unknown as AsPlainObject };
  } catch (err) {
    throw new CorruptSnapshotError(`snapshot snap-${generation} is damaged: ${(err as Error).message}`, { cause: err });
  }
}

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

function verify(dir: string, name: string, manifest: Manifest): Buffer {
  const buf = fs.readFileSync(path.join(dir, name));
  if (sha1(buf) !== manifest.checksums[name]) throw new Error(`${name} does not match its checksum`);
  return buf;
}

/** The saved time of the current generation without loading it (for readers checking freshness). */
export function currentSnapshotStamp(indexDir: string): string | null {
  try {
    return fs.readFileSync(path.join(indexDir, 'CURRENT'), 'utf8').trim();
  } catch {
    return null;
  }
}

function currentGeneration(indexDir: string): number | null {
  const name = currentSnapshotStamp(indexDir);
  if (!name) return null;
  const m = /^snap-(\d+)$/.exec(name);
  if (!m) throw new CorruptSnapshotError(`CURRENT names ${JSON.stringify(name)}, not a snapshot`);
  return Number(m[1]);
}

/** Serialises an array as comma-joined JSON pieces of at most about PIECE_CHARS. */
function* joinJson(items: unknown[]): Generator<string> {
  yield* pieces(items, (x, i) => (i === 0 ? '' : ',') + JSON.stringify(x));
}

/** One JSON line per item, in pieces of at most about PIECE_CHARS. */
function* linesJson(items: unknown[]): Generator<string> {
  yield* pieces(items, (x) => `${JSON.stringify(x)}\n`);
}

/** Renders items one by one into pieces of about PIECE_CHARS (a longer single item stays whole). */
function* pieces<T>(items: readonly T[], render: (item: T, index: number) => string): Generator<string> {
  let buf = '';
  for (let i = 0; i < items.length; i++) {
    const s = render(items[i], i);
    if (buf.length > 0 && buf.length + s.length > PIECE_CHARS) {
      yield buf;
      buf = '';
    }
    buf += s;
  }
  if (buf) yield buf;
}

/**
 * Writes pieces to a file through one reused buffer, fsyncs it, and returns the sha1 of
 * what was written. Reusing the buffer matters as much as small pieces: a Buffer per
 * piece is memory outside the heap that lingers until the garbage collector runs.
 */
async function writeParts(file: string, parts: Iterable<string | Uint8Array>): Promise<string> {
  const hash = createHash('sha1');
  const fh = await fs.promises.open(file, 'w');
  let out = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  const drain = async () => {
    if (used === 0) return;
    const view = out.subarray(0, used);
    hash.update(view);
    await fh.write(view);
    used = 0;
  };
  try {
    for (const part of parts) {
      const need = typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length;
      if (used + need > out.length) await drain();
      if (need > out.length) out = Buffer.allocUnsafe(need);
      if (typeof part === 'string') used += out.write(part, used, 'utf8');
      else {
        out.set(part, used);
        used += need;
      }
    }
    await drain();
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

function sha1(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

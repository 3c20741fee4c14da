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

/** What a snapshot holds. */
export interface SnapshotData {
  files: FileRecord[];
  chunks: ChunkRecord[];
  skipped: SkipRecord[];
  nextChunkId: number;
  textIndexVersion: number;
  textIndex: AsPlainObject;
  savedAt: string;
}

interface Manifest {
  generation: number;
  savedAt: string;
  nextChunkId: number;
  textIndexVersion: number;
  counts: { files: number; chunks: number };
  /** sha1 of each file in the generation folder. */
  checksums: Record<string, string>;
}

/** Raised when a snapshot exists but cannot be trusted. */
export class CorruptSnapshotError extends Error {}

const BATCH = 2000;

/** Writes a new generation and makes it current; removes older generations. */
export async function saveSnapshot(indexDir: string, data: Omit<SnapshotData, 'savedAt'>): Promise<void> {
  const previous = currentGeneration(indexDir);
  const generation = (previous ?? 0) + 1;
  const dir = path.join(indexDir, `snap-${generation}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  try {
    const checksums: Record<string, string> = {};
    checksums['files.json'] = await writeParts(path.join(dir, 'files.json'), ['[', ...joinJson(data.files), ']']);
    checksums['skipped.json'] = await writeParts(path.join(dir, 'skipped.json'), [JSON.stringify(data.skipped)]);
    checksums['chunks.jsonl'] = await writeParts(path.join(dir, 'chunks.jsonl'), linesJson(data.chunks));
    const { index, ...rest } = data.textIndex as AsPlainObject & { index: unknown[] };
    checksums['text.json'] = await writeParts(path.join(dir, 'text.json'),
      [`{"rest":${JSON.stringify(rest)},"index":[`, ...joinJson(index), ']}']);
    const savedAt = new Date().toISOString();
    const manifest: Manifest = {
      generation, savedAt, nextChunkId: data.nextChunkId, textIndexVersion: data.textIndexVersion,
      counts: { files: data.files.length, chunks: data.chunks.length }, checksums,
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
}

/** Loads the current generation; null when there is none; throws CorruptSnapshotError when it is damaged. */
export function loadSnapshot(indexDir: string): SnapshotData | null {
  const generation = currentGeneration(indexDir);
  if (generation === null) return null;
  const dir = path.join(indexDir, `snap-${generation}`);
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const read = (name: string): string => {
      const buf = fs.readFileSync(path.join(dir, name));
      if (sha1(buf) !== manifest.checksums[name]) throw new Error(`${name} does not match its checksum`);
      return buf.toString('utf8');
    };
    const files = JSON.parse(read('files.json')) as FileRecord[];
    const skipped = JSON.parse(read('skipped.json')) as SkipRecord[];
    const chunksText = read('chunks.jsonl');
    const chunks: ChunkRecord[] = [];
    for (const line of chunksText.split('\n')) if (line) chunks.push(JSON.parse(line) as ChunkRecord);
    const text = JSON.parse(read('text.json')) as { rest: object; index: unknown[] };
    if (files.length !== manifest.counts.files || chunks.length !== manifest.counts.chunks) {
      throw new Error('file or chunk count does not match the manifest');
    }
    return {
      files, chunks, skipped, nextChunkId: manifest.nextChunkId, textIndexVersion: manifest.textIndexVersion,
      textIndex: { ...text.rest, index: text.index } as unknown as AsPlainObject, savedAt: manifest.savedAt,
    };
  } catch (err) {
    throw new CorruptSnapshotError(`snapshot snap-${generation} is damaged: ${(err as Error).message}`, { cause: err });
  }
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

/** Serialises an array as comma-joined JSON pieces, a batch at a time, to keep strings small. */
function* joinJson(items: unknown[]): Generator<string> {
  for (let i = 0; i < items.length; i += BATCH) {
    const part = items.slice(i, i + BATCH).map((x) => JSON.stringify(x)).join(',');
    yield i === 0 ? part : `,${part}`;
  }
}

function* linesJson(items: unknown[]): Generator<string> {
  for (let i = 0; i < items.length; i += BATCH) {
    yield items.slice(i, i + BATCH).map((x) => `${JSON.stringify(x)}\n`).join('');
  }
}

/** Writes pieces to a file, fsyncs it, and returns the sha1 of what was written. */
async function writeParts(file: string, parts: Iterable<string>): Promise<string> {
  const hash = createHash('sha1');
  const fh = await fs.promises.open(file, 'w');
  try {
    for (const part of parts) {
      const buf = Buffer.from(part, 'utf8');
      hash.update(buf);
      await fh.write(buf);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

function sha1(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

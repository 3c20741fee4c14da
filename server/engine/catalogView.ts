/**
 * Read access to what the engine has indexed — files, chunks, the chunks that mention
 * an identifier, a file's current text — for callers outside the engine (the MCP tools,
 * the panel). Chunks come out as `StoredChunk`s whose text is read from the file only
 * when asked for.
 */
import * as fs from 'node:fs';
import type { ChunkRecord, ChunkStore } from '../store/chunkStore';
import type { ChunkTexts } from '../store/chunkTexts';
import type { TextIndex } from '../text/textIndex';
import { identifierTerms, wholeWordPattern } from '../text/tokenizer';
import { resolveDisplayPath } from '../walk/roots';
import type { Root } from '../walk/types';
import type { CatalogFile, StoredChunk } from './api';

/** What the view reads; the engine replaces its store and text index on reload, hence getters. */
export interface CatalogSource {
  readonly roots: Root[];
  readonly texts: ChunkTexts;
  store(): ChunkStore;
  text(): TextIndex;
  /** Loads the chunks and the text index if only the catalog is in memory. */
  ensureBody(): void;
}

export class CatalogView {
  constructor(private readonly src: CatalogSource) {}

  listFiles(): CatalogFile[] {
    return [...this.src.store().allFiles()]
      .map(({ chunkIds: _ids, ...f }) => f)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  chunksForFile(path: string): StoredChunk[] {
    this.src.ensureBody();
    return this.src.store().chunksOf(path).map((c) => toStored(c, this.src.texts));
  }

  *allChunks(): Iterable<StoredChunk> {
    this.src.ensureBody();
    for (const c of this.src.store().allChunks()) yield toStored(c, this.src.texts);
  }

  /** Chunks whose text holds `identifier` as a whole word; only those the text index says hold all its parts are read. */
  chunksMentioning(identifier: string): StoredChunk[] {
    this.src.ensureBody();
    const store = this.src.store();
    const word = wholeWordPattern(identifier);
    const terms = identifierTerms(identifier);
    const candidates = terms
      ? [...this.src.text().idsWithTerms(terms)].sort((a, b) => a - b).map((id) => store.chunk(id)).filter((c): c is ChunkRecord => c !== undefined)
      : store.allChunks();
    const out: StoredChunk[] = [];
    for (const c of candidates) {
      const stored = toStored(c, this.src.texts);
      if (word.test(stored.text)) out.push(stored);
    }
    return out;
  }

  /** The current text of an indexed file, or null when it is not indexed or cannot be read. */
  async readFile(path: string): Promise<string | null> {
    if (!this.src.store().file(path)) return null;
    const loc = resolveDisplayPath(this.src.roots, path);
    if (!loc) return null;
    try {
      return await fs.promises.readFile(loc.absPath, 'utf8');
    } catch {
      return null;
    }
  }
}

/**
 * A chunk for callers outside the engine. Its text is read from the file on first use
 * (most callers look at a few fields only): the indexed text, or, when the file has
 * changed since, the lines it has now at that place.
 */
function toStored(c: ChunkRecord, texts: ChunkTexts): StoredChunk {
  let text: string | undefined;
  return {
    id: String(c.id), path: c.path, language: c.language, startLine: c.startLine, endLine: c.endLine,
    symbol: c.symbol, kind: c.kind, container: c.container, hash: c.hash,
    get text() { return (text ??= texts.display(c).text); },
  };
}

/**
 * Vectors on disk in LanceDB (embedded, no server). One table per embedding model,
 * keyed by chunk content hash: identical code anywhere in the workspace (a rename, a
 * branch switch back and forth, a vendored copy) is embedded once and its vector
 * reused. Chunk metadata (path, lines, symbol, language) stays in the catalog, which
 * maps hashes back to chunks and applies filters.
 */
import { createHash } from 'node:crypto';
import type * as lancedb from '@lancedb/lancedb';
import type { Logger } from '../engine/logger';

/**
 * Rows written in one LanceDB commit. Fewer, larger commits mean fewer fragments, but
 * each write's native memory grows with its batch and the allocator keeps it: a cold
 * pass with the model over the 10,000-file bench peaked at 587-606 MB with 512 rows and
 * 626-640 MB with 4,096 (interleaved runs), for 0.5 s more of 20. The fragments they
 * leave are merged by `endBulk` under MAX_FRAGMENTS's rule.
 */
export const WRITE_BATCH = 512;
/** Commits after which the table is compacted and old versions pruned (writes outside an embedding run). */
const COMPACT_AFTER_WRITES = 4;
/**
 * Fragments a large embedding run (more than COMPACT_AFTER_WRITES commits) may leave
 * before its end compacts the table; the next small run compacts as usual. Compacting
 * rewrites every vector: at the end of a cold pass over the 10,000-file bench (107
 * fragments) it raised the peak, already the pass's highest point, by about 45 MB (534
 * against 579-587 MB), while a vector search over 107 or 256 fragments took no longer than
 * over one (LanceDB scans fragments in parallel).
 */
export const MAX_FRAGMENTS = 256;
/**
 * Old table versions younger than this are kept so a reader in another process that
 * opened one a moment ago can finish its query; older ones are deleted at compaction.
 * Short, because a busy editing session commits several versions a second; a reader
 * that still loses the race gets keyword results for that one query (see search.ts).
 */
const VERSION_GRACE_MS = 1_500;

/** LanceDB itself cannot be loaded (a broken native binary): no table can be opened, none is damaged. */
export class VectorBackendUnavailable extends Error {}

/** A nearest-neighbour hit: a content hash and its cosine similarity. */
export interface VectorHit {
  hash: string;
  similarity: number;
}

/** The table name for a model id (LanceDB names are restricted; ids are not). */
export function tableNameFor(modelId: string): string {
  return `vectors_${createHash('sha1').update(modelId).digest('hex').slice(0, 16)}`;
}

/** The vector table of one model in one index folder. */
export class VectorStore {
  private known = new Set<string>();
  private changes = 0;
  private pending: Array<{ hash: string; vector: Float32Array }> = [];
  private writesSinceCompact = 0;
  private bulk = false;
  /** Commits in the current run (see beginBulk). */
  private runCommits = 0;

  private constructor(
    private readonly db: lancedb.Connection,
    /** Null until the first write creates it (see `open`). */
    private table: lancedb.Table | null,
    readonly tableName: string,
    private readonly logger: Logger,
    private readonly arrow: typeof import('apache-arrow'),
    private schema: import('apache-arrow').Schema | null,
  ) {}

  /** The table's vector length; null before the first vector is written. */
  get dimension(): number | null {
    return this.schema ? vectorDimension(this.schema, this.tableName) : null;
  }

  /**
   * Opens the table for `modelId` under `dir` and loads the set of stored hashes; null
   * for a reader when there is no table yet. A writer without a table gets a store whose
   * table is created by its first write, with that vector's length as the dimension: so
   * the embedding model, which knows the length, need not be loaded before something is
   * embedded (on a cold index, not until the text index is built and its workers gone).
   */
  static async open(dir: string, modelId: string, logger: Logger, readOnly = false): Promise<VectorStore | null> {
    // Loaded here, not at the top: a LanceDB native binary that fails to load must cost
    // semantic search only, never the keyword engine that does not need it.
    let lance: typeof import('@lancedb/lancedb');
    let arrow: typeof import('apache-arrow');
    try {
      // require, not import(): the bundle is CommonJS, and a load failure must surface here.
      lance = require('@lancedb/lancedb') as typeof import('@lancedb/lancedb');
      arrow = require('apache-arrow') as typeof import('apache-arrow');
    } catch (err) {
      throw new VectorBackendUnavailable(`the LanceDB native module could not be loaded (${(err as Error).message.split('\n')[0]}); reinstall the extension (or run npm ci) for semantic search`, { cause: err });
    }
    const db = await lance.connect(dir);
    const name = tableNameFor(modelId);
    if (!(await db.tableNames()).includes(name)) {
      return readOnly ? null : new VectorStore(db, null, name, logger, arrow, null);
    }
    const table = await db.openTable(name);
    const schema = await table.schema();
    vectorDimension(schema, name);
    const store = new VectorStore(db, table, name, logger, arrow, schema);
    await store.reloadHashes();
    return store;
  }

  /** Creates the table for vectors of `dimension` numbers (on the first write). */
  private async createTable(dimension: number): Promise<lancedb.Table> {
    const { Field, FixedSizeList, Float32, Schema, Utf8 } = this.arrow;
    const schema = new Schema([
      new Field('hash', new Utf8(), false),
      new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
    ]);
    this.table = await this.db.createEmptyTable(this.tableName, schema, { mode: 'create', existOk: true });
    this.schema = await this.table.schema();
    return this.table;
  }

  /** Re-reads which hashes have vectors (after another process wrote, or on open). */
  async reloadHashes(): Promise<void> {
    if (!this.table) return;
    const rows = await this.table.query().select(['hash']).toArray();
    this.known = new Set(rows.map((r) => String(r.hash)));
    this.changes++;
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.known.size + this.pending.length;
  }

  /** Changes whenever the set of stored or queued hashes does (for caching counts). */
  get revision(): number {
    return this.changes;
  }

  /** True when a vector for this hash is stored or queued. */
  has(hash: string): boolean {
    return this.known.has(hash);
  }

  /** Queues vectors; they are written in batches. Call `flush` to force a write. */
  async put(hash: string, vector: Float32Array): Promise<void> {
    if (this.known.has(hash)) return;
    this.known.add(hash);
    this.changes++;
    this.pending.push({ hash, vector });
    if (this.pending.length >= WRITE_BATCH) await this.flush();
  }

  /** Writes queued vectors in one commit and compacts the table now and then. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      const table = this.table ?? await this.createTable(rows[0].vector.length);
      await table.add(this.batchOf(rows));
    } catch (err) {
      // Not stored after all: the next pass embeds these hashes again.
      for (const r of rows) this.known.delete(r.hash);
      this.changes++;
      throw err;
    }
    this.runCommits++;
    if (++this.writesSinceCompact >= COMPACT_AFTER_WRITES && !this.bulk) await this.compact();
  }

  /**
   * Rows as an Arrow table built column-wise: one Float32Array holds every vector. Given
   * row objects, LanceDB builds the columns value by value, and a cold pass over 10,000
   * files peaked about 100 MB higher with its writes than without them.
   */
  private batchOf(rows: Array<{ hash: string; vector: Float32Array }>): import('apache-arrow').Table {
    const { makeData, RecordBatch, Struct, Table, vectorFromArray, Utf8 } = this.arrow;
    const dim = this.dimension!;
    const flat = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      if (r.vector.length !== dim) throw new Error(`the embedding model gave a vector of ${r.vector.length} numbers for a table of ${dim}; nothing was written (delete the index folder and index again if the model changed)`);
      flat.set(r.vector, i * dim);
    });
    const [hashField, vectorField] = this.schema!.fields;
    const hashes = vectorFromArray(rows.map((r) => r.hash), new Utf8()).data[0];
    const items = makeData({ type: (vectorField.type as import('apache-arrow').FixedSizeList).children[0].type, length: flat.length, data: flat });
    const vectors = makeData({ type: vectorField.type, length: rows.length, nullCount: 0, child: items });
    const struct = makeData({ type: new Struct([hashField, vectorField]), length: rows.length, nullCount: 0, children: [hashes, vectors] });
    return new Table([new RecordBatch(this.schema!, struct)]);
  }

  /**
   * Starts a run of many writes (an embedding pass): commits are not compacted as they
   * come, since each compaction rewrites the whole table. A cold pass over 10,000 files
   * compacted three times, which cost 40-60 MB of peak memory and left 50 MB of
   * superseded files; `endBulk` compacts once, and only when fragments have piled up.
   */
  beginBulk(): void {
    this.bulk = true;
    this.runCommits = 0;
  }

  /** Ends a run of writes: writes what is queued and compacts under the usual rule, or for a large run past MAX_FRAGMENTS fragments. */
  async endBulk(): Promise<void> {
    // Flushed as part of the run, so the compaction below is the run's only one.
    await this.flush();
    this.bulk = false;
    const due = this.runCommits <= COMPACT_AFTER_WRITES
      ? this.writesSinceCompact >= COMPACT_AFTER_WRITES
      : this.table !== null && (await this.table.stats().then((s) => s.fragmentStats.numFragments, () => 0)) > MAX_FRAGMENTS;
    // No grace for old versions: the last one, written a moment ago, lists every fragment,
    // so keeping it kept every superseded file on disk until some later compaction. A reader
    // in another process that loses its version gets keyword results for that one query (search.ts).
    if (due) await this.compact(0);
  }

  /**
   * Deletes vectors whose hash is not in `live`, but only once orphans outnumber the
   * live vectors: keeping orphans lets a branch switched away and back reuse them.
   */
  async pruneOrphans(isLive: (hash: string) => boolean, force = false): Promise<number> {
    const orphans = [...this.known].filter((h) => !isLive(h));
    if (orphans.length === 0) return 0;
    // Orphans are kept for reuse (a branch switched away and back, a revert) while they
    // number no more than the live vectors (at least 256): disk use stays within twice
    // what the workspace needs, and one branch's worth of vectors survives a switch.
    if (!force && orphans.length <= Math.max(256, this.known.size - orphans.length)) return 0;
    await this.flush();
    for (let i = 0; i < orphans.length; i += 1000) {
      const list = orphans.slice(i, i + 1000).map((h) => `'${h.replace(/'/g, "''")}'`).join(',');
      await this.table!.delete(`hash IN (${list})`);
    }
    for (const h of orphans) this.known.delete(h);
    this.changes++;
    await this.compact();
    return orphans.length;
  }

  /** Compacts fragments and prunes old versions so disk use stays bounded over long runs. */
  async compact(graceMs = VERSION_GRACE_MS): Promise<void> {
    this.writesSinceCompact = 0;
    if (!this.table) return;
    try {
      await this.table.optimize({ cleanupOlderThan: new Date(Date.now() - graceMs) });
    } catch (err) {
      this.logger.warn(`vector table compaction failed (will retry later): ${(err as Error).message}`);
    }
  }

  /** Nearest neighbours of a (normalised) query vector by cosine similarity. */
  async search(vector: Float32Array, limit: number): Promise<VectorHit[]> {
    if (!this.table) return [];
    const rows = await this.table.vectorSearch(Array.from(vector)).distanceType('cosine').select(['hash', '_distance']).limit(limit).toArray();
    return rows.map((r) => ({ hash: String(r.hash), similarity: 1 - Number(r._distance) }));
  }

  /** Drops every other model's vector table (after this model's is complete). */
  async dropOtherTables(): Promise<string[]> {
    const dropped: string[] = [];
    for (const name of await this.db.tableNames()) {
      if (name.startsWith('vectors_') && name !== this.tableName) {
        await this.db.dropTable(name);
        dropped.push(name);
      }
    }
    return dropped;
  }

  /** Writes what is queued and closes the connection. */
  async close(): Promise<void> {
    await this.flush();
    this.table?.close();
    this.db.close();
  }
}

/** The length of the `vector` column's lists; a table without one is damaged (the caller sets it aside). */
function vectorDimension(schema: import('apache-arrow').Schema, table: string): number {
  const type = schema.fields.find((f) => f.name === 'vector')?.type as { listSize?: unknown } | undefined;
  if (typeof type?.listSize === 'number' && type.listSize > 0) return type.listSize;
  throw new Error(`vector table ${table} has no fixed-size vector column`);
}

/**
 * The vector table's write batching and compaction: a bulk run of writes (an embedding
 * pass) is compacted once at its end, while ordinary writes are compacted as commits
 * pile up, so fragments stay few either way and vectors are never lost.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as lancedb from '@lancedb/lancedb';
import { silentLogger } from '../../../server/engine/logger';
import { MAX_FRAGMENTS, VectorStore, WRITE_BATCH } from '../../../server/store/vectorStore';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** WRITE_BATCH rows make one commit; five commits are enough to trigger a compaction. */
const ROWS = WRITE_BATCH * 5;

async function fragments(dir: string, store: VectorStore): Promise<number> {
  const db = await lancedb.connect(dir);
  const table = await db.openTable(store.tableName);
  const stats = await table.stats();
  table.close();
  db.close();
  return stats.fragmentStats.numFragments;
}

async function fill(store: VectorStore, offset = 0): Promise<void> {
  for (let i = 0; i < ROWS; i++) await store.put(`h${offset + i}`, Float32Array.of(1, i % 7, i % 3, 1));
}

test('a large bulk run leaves its fragments, the next small one compacts them; past MAX_FRAGMENTS a large run compacts too, dropping the superseded files', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-vec-'));
  dirs.push(dir);
  const store = (await VectorStore.open(dir, 'model#text2', silentLogger))!;
  const dataFiles = () => fs.readdirSync(path.join(dir, `${store.tableName}.lance`, 'data')).length;
  store.beginBulk();
  await fill(store);
  await store.endBulk();
  assert.equal(await fragments(dir, store), 5, 'a large run is not rewritten at its end');
  assert.equal(store.size, ROWS);
  store.beginBulk();
  await store.put('small', Float32Array.of(1, 1, 1, 1));
  await store.endBulk();
  assert.equal(await fragments(dir, store), 1, 'a small run compacts what piled up');
  assert.equal(dataFiles(), 1);
  // A run that takes the table past MAX_FRAGMENTS, ending with a part batch still queued: its write belongs to the run.
  store.beginBulk();
  const more = WRITE_BATCH * MAX_FRAGMENTS + 100;
  for (let i = 0; i < more; i++) await store.put(`more${i}`, Float32Array.of(0, 1, i % 5, 1));
  assert.ok(await fragments(dir, store) > MAX_FRAGMENTS, 'one fragment per commit while the run lasts');
  await store.endBulk();
  assert.equal(await fragments(dir, store), 1);
  assert.equal(dataFiles(), 1, 'the superseded files are gone with the old versions');
  assert.equal(store.size, ROWS + 1 + more);
  assert.equal((await store.search(Float32Array.of(1, 0, 0, 1), 3)).length, 3);
  await store.close();
});

test('outside a bulk run, commits are compacted as they pile up', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-vec-'));
  dirs.push(dir);
  const store = (await VectorStore.open(dir, 'model#text2', silentLogger))!;
  await fill(store);
  assert.ok(await fragments(dir, store) <= 2, 'compacted after the fourth commit');
  await store.close();
  const reopened = (await VectorStore.open(dir, 'model#text2', silentLogger))!;
  assert.equal(reopened.size, ROWS, 'every vector survives compaction');
  await reopened.close();
});

test('vectors read back exactly as written, keyed by their hash; a vector of the wrong size is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-vec-'));
  dirs.push(dir);
  const store = (await VectorStore.open(dir, 'model#text2', silentLogger))!;
  const written = new Map<string, Float32Array>();
  for (let i = 0; i < 50; i++) {
    const v = Float32Array.of(Math.cos(i), Math.sin(i), (i % 5) / 5, 0.25);
    written.set(`hash-${i}-'quoted'`, v);
    await store.put(`hash-${i}-'quoted'`, v);
  }
  await store.flush();
  const db = await lancedb.connect(dir);
  const table = await db.openTable(store.tableName);
  const rows = await table.query().toArray();
  table.close();
  db.close();
  assert.equal(rows.length, 50);
  for (const r of rows) assert.deepEqual(Float32Array.from(r.vector.toArray()), written.get(String(r.hash)));
  // The exact vector is its own nearest neighbour.
  const [best] = await store.search(written.get(`hash-7-'quoted'`)!, 1);
  assert.equal(best.hash, `hash-7-'quoted'`);
  await store.put('short', Float32Array.of(1, 2, 3));
  await assert.rejects(store.flush(), /vector of 3 numbers for a table of 4; nothing was written/);
  assert.equal(store.has('short'), false, 'a write that failed is not counted as stored, so it is embedded again');
  assert.equal(store.size, 50);
  await store.close();
});

test('the table is created by the first write, with its vectors\' length; a reader finds nothing before that', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-vec-'));
  dirs.push(dir);
  const store = (await VectorStore.open(dir, 'model#text2', silentLogger))!;
  assert.equal(store.dimension, null);
  assert.equal(store.size, 0);
  assert.deepEqual(await store.search(Float32Array.of(1, 0, 0), 3), [], 'searching before any write finds nothing, without error');
  assert.equal(await VectorStore.open(dir, 'model#text2', silentLogger, true), null, 'no table yet for a reader');
  await store.put('a', Float32Array.of(1, 0, 0));
  await store.put('b', Float32Array.of(0, 1, 0));
  await store.flush();
  assert.equal(store.dimension, 3);
  await store.close();
  const reader = (await VectorStore.open(dir, 'model#text2', silentLogger, true))!;
  assert.equal(reader.dimension, 3, 'an existing table tells its dimension');
  assert.equal(reader.size, 2);
  assert.equal((await reader.search(Float32Array.of(0, 1, 0), 1))[0].hash, 'b');
  await reader.close();
});

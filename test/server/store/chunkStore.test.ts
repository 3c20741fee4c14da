/**
 * The in-memory catalog: replacing and removing files, the content-hash lookups vector
 * reuse relies on, and the records' memory layout (one hidden class for all records).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChunkStore, type ChunkRecord } from '../../../server/store/chunkStore';
import type { CatalogFile } from '../../../server/engine/api';

function file(path: string, hash = 'f-' + path): CatalogFile {
  return { path, absPath: '/ws/' + path, language: 'typescript', size: 10, mtimeMs: 1, hash, lines: 3 };
}

function chunk(path: string, hash: string, extra: Partial<ChunkRecord> = {}): Omit<ChunkRecord, 'id'> {
  return { path, language: 'typescript', startLine: 1, endLine: 3, startByte: 0, endByte: 15, symbol: 'f', kind: 'function', container: null, hash, ...extra };
}

test('replaceFile gives fresh ids, keeps every field and reports the ids it replaced', () => {
  const store = new ChunkStore();
  const first = store.replaceFile(file('a.ts'), [chunk('a.ts', 'h1'), chunk('a.ts', 'h2', { symbol: null, kind: null })]);
  assert.deepEqual(first.removed, []);
  assert.deepEqual(first.added.map((c) => c.id), [1, 2]);
  assert.deepEqual(store.chunk(2), { id: 2, ...chunk('a.ts', 'h2', { symbol: null, kind: null }) });
  assert.deepEqual(store.file('a.ts'), { ...file('a.ts'), ctimeMs: undefined, chunkIds: [1, 2] });

  const second = store.replaceFile(file('a.ts', 'changed'), [chunk('a.ts', 'h3')]);
  assert.deepEqual(second.removed, [1, 2]);
  assert.equal(store.chunk(1), undefined);
  assert.deepEqual(store.chunksOf('a.ts').map((c) => c.hash), ['h3']);
  assert.equal(store.chunkCount, 1);
});

test('hash lookups follow every chunk with that content and forget a hash with its last chunk', () => {
  const store = new ChunkStore();
  store.replaceFile(file('a.ts'), [chunk('a.ts', 'same')]);
  store.replaceFile(file('b.ts'), [chunk('b.ts', 'same'), chunk('b.ts', 'other')]);
  assert.deepEqual([...store.idsWithHash('same')].sort(), [1, 2]);
  assert.deepEqual([...store.hashes()].sort(), ['other', 'same']);
  store.removeFile('a.ts');
  assert.deepEqual([...store.idsWithHash('same')], [2]);
  store.removeFile('b.ts');
  assert.equal(store.hasHash('same'), false);
  assert.equal(store.hasHash('other'), false);
  assert.equal(store.fileCount, 0);
});

test('records built from worker messages share one hidden class (a class per record cost 29 MB on 10,000 files)', () => {
  // V8's shape check is only available behind --allow-natives-syntax, so a child runs it.
  const dir = mkdtempSync(join(tmpdir(), 'conexus-shapes-'));
  try {
    const script = join(dir, 'shapes.ts');
    const storePath = resolve('server/store/chunkStore.ts');
    writeFileSync(script, `
      import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
      import { ChunkStore } from ${JSON.stringify(storePath)};
      const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
      const { port1, port2 } = new MessageChannel();
      const viaMessage = (o: unknown) => { port1.postMessage(o); return receiveMessageOnPort(port2)!.message; };
      const store = new ChunkStore();
      for (let i = 0; i < 300; i++) {
        const r = viaMessage({ chunks: [
          { startLine: 1, endLine: 2, symbol: i % 3 ? 'f' + i : null, kind: i % 2 ? 'function' : null, container: i % 5 ? null : 'C', text: 't' + i, hash: 'h' + i, calls: i % 4 ? ['a', 'b'] : [] },
        ] });
        const path = 'p' + i;
        store.replaceFile({ path, absPath: '/' + path, language: 'js', size: i, mtimeMs: i + 0.5, ctimeMs: i % 2 ? i + 0.25 : undefined, hash: 'f' + i, lines: 2 },
          r.chunks.map((c: any) => ({ path, language: 'js', ...c })));
      }
      const chunks = [...store.allChunks()];
      const files = [...store.allFiles()];
      console.log(JSON.stringify({
        chunks: chunks.filter((c) => !same(c, chunks[chunks.length - 1])).length,
        files: files.filter((f) => !same(f, files[files.length - 1])).length,
      }));
    `);
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { chunks: 0, files: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hash shared by three chunks loses them one at a time, in any order', () => {
  const store = new ChunkStore();
  for (const p of ['a.ts', 'b.ts', 'c.ts']) store.replaceFile(file(p), [chunk(p, 'shared')]);
  assert.deepEqual(store.idsWithHash('shared'), [1, 2, 3]);
  store.removeFile('b.ts');
  assert.deepEqual(store.idsWithHash('shared'), [1, 3]);
  store.removeFile('a.ts');
  assert.deepEqual(store.idsWithHash('shared'), [3]);
  store.replaceFile(file('c.ts', 'edited'), [chunk('c.ts', 'shared'), chunk('c.ts', 'shared')]);
  assert.deepEqual(store.idsWithHash('shared'), [4, 5]);
  store.removeFile('c.ts');
  assert.deepEqual(store.idsWithHash('shared'), []);
  assert.equal(store.hasHash('shared'), false);
});

test('chunks saved by an older build, with fields this one no longer keeps, load with the fields it keeps', () => {
  const store = ChunkStore.from([{ ...file('a.ts'), chunkIds: [7] }], [], 8);
  // Indexes saved before call names were found on demand stored a `calls` list per chunk.
  const saved = { id: 7, ...chunk('a.ts', 'h7'), calls: ['g'] } as ChunkRecord;
  store.attachChunks([saved]);
  assert.deepEqual(store.chunk(7), { id: 7, ...chunk('a.ts', 'h7') });
});

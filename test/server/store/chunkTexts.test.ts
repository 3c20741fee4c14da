/**
 * ChunkTexts: a chunk's text comes back from its file only while the file still holds
 * exactly the indexed lines; an edited, deleted or unknown file never passes off other
 * text as the chunk (that would put a wrong vector under the chunk's hash).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ChunkTexts, chunkHash } from '../../../server/store/chunkTexts';

const dir = mkdtempSync(join(tmpdir(), 'conexus-chunktexts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function place(path: string, startLine: number, endLine: number, text: string) {
  return { path, startLine, endLine, hash: chunkHash(text) };
}

test('returns the indexed lines, then null once the file is edited or deleted, with the current lines for display', () => {
  const abs = join(dir, 'a.ts');
  writeFileSync(abs, 'line one\nfunction f() {\n  return 1;\n}\n');
  const texts = new ChunkTexts((p) => (p === 'a.ts' ? abs : undefined));
  const f = place('a.ts', 2, 4, 'function f() {\n  return 1;\n}');
  assert.equal(texts.text(f), 'function f() {\n  return 1;\n}');
  assert.deepEqual(texts.display(f), { text: 'function f() {\n  return 1;\n}', changed: false });

  // Edited while the lines were cached: the cache must not answer for the new content.
  writeFileSync(abs, 'line one\nfunction f() {\n  return 2;\n}\n');
  assert.equal(texts.text(f), null);
  assert.deepEqual(texts.display(f), { text: 'function f() {\n  return 2;\n}', changed: true });

  unlinkSync(abs);
  texts.clear();
  assert.equal(texts.text(f), null);
  assert.deepEqual(texts.display(f), { text: '', changed: true });
});

test('a path the catalog does not know has no text', () => {
  const texts = new ChunkTexts(() => undefined);
  assert.equal(texts.text(place('gone.ts', 1, 1, 'x')), null);
});

test('keeps only the last few files read, and still answers for every file', () => {
  let reads = 0;
  const files = new Map<string, string>();
  for (let i = 0; i < 40; i++) files.set(`/ws/f${i}.ts`, `const a${i} = ${i};\nconst b${i} = ${i};`);
  const texts = new ChunkTexts((p) => `/ws/${p}`, {
    read: (abs) => { reads++; return Buffer.from(files.get(abs)!); },
    readRange: () => { throw new Error('chunks without byte ranges are found by line'); },
    stamp: (abs) => (files.has(abs) ? 'v1' : null),
  });
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 40; i++) assert.equal(texts.text(place(`f${i}.ts`, 2, 2, `const b${i} = ${i};`)), `const b${i} = ${i};`);
  }
  assert.equal(reads, 80, 'forty files do not all stay cached');
  reads = 0;
  for (let i = 0; i < 3; i++) texts.text(place('f39.ts', 1, 1, 'const a39 = 39;'));
  assert.equal(reads, 0, 'the file read last is answered from its cached lines');
});

test('a chunk with its byte range is read from just those bytes, and checked like any other', () => {
  const abs = join(dir, 'ranged.ts');
  const content = 'const é = 1;\nfunction g() {\n  return é;\n}\n';
  writeFileSync(abs, content);
  const bytes = Buffer.from(content);
  const startByte = bytes.indexOf('function');
  const endByte = bytes.lastIndexOf('}') + 1;
  const ranges: Array<[number, number]> = [];
  const real = new ChunkTexts((p) => (p === 'ranged.ts' ? abs : undefined));
  const texts = new ChunkTexts((p) => (p === 'ranged.ts' ? abs : undefined), {
    read: () => { throw new Error('the whole file is not needed'); },
    readRange: (p, s, e) => { ranges.push([s, e]); return readFileSync(p).subarray(s, e); },
    stamp: () => 'v1',
  });
  const g = { path: 'ranged.ts', startLine: 2, endLine: 4, startByte, endByte, hash: chunkHash('function g() {\n  return é;\n}') };
  assert.equal(texts.text(g), 'function g() {\n  return é;\n}');
  assert.deepEqual(ranges, [[startByte, endByte]]);
  assert.equal(real.text(g), 'function g() {\n  return é;\n}');
  writeFileSync(abs, content.replace('return é', 'return 2'));
  assert.equal(real.text(g), null, 'edited: the bytes no longer match the hash');
});

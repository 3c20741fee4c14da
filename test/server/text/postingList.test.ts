import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { PostingList } from '../../../server/text/postingList';

type Op = { kind: 'set'; doc: number; freq: number } | { kind: 'add'; doc: number; n: number } | { kind: 'delete'; doc: number } | { kind: 'compact' } | { kind: 'vacuum'; keep: number };

const sorted = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]);

test('behaves as a Map<number, number> read in key order, under any mix of operations', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), doc: fc.integer({ min: 0, max: 40 }), freq: fc.integer({ min: 0, max: 70_000 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), doc: fc.integer({ min: 0, max: 40 }), n: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), doc: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('vacuum' as const), keep: fc.integer({ min: 2, max: 5 }) }) },
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
    const list = new PostingList();
    const map = new Map<number, number>();
    for (const o of ops) {
      if (o.kind === 'set') {
        assert.equal(list.set(o.doc, o.freq), list);
        map.set(o.doc, o.freq);
      } else if (o.kind === 'add') {
        // add(): frequency plus n, true when the posting is new (the indexer's fast path when doc is the newest).
        assert.equal(list.add(o.doc, o.n), !map.has(o.doc));
        map.set(o.doc, (map.get(o.doc) ?? 0) + o.n);
      } else if (o.kind === 'delete') {
        assert.equal(list.delete(o.doc), map.delete(o.doc));
      } else if (o.kind === 'compact') {
        list.compact();
      } else {
        // As MiniSearch's vacuum does: delete while iterating; every entry is visited once.
        const seen: number[] = [];
        for (const [doc] of list) {
          seen.push(doc);
          if (doc % o.keep !== 0) list.delete(doc);
        }
        assert.deepEqual(seen, sorted(map).map(([d]) => d));
        for (const [doc] of map) if (doc % o.keep !== 0) map.delete(doc);
      }
      assert.equal(list.size, map.size);
      assert.deepEqual([...list], sorted(map));
      assert.deepEqual([...list.keys()], sorted(map).map(([d]) => d));
      const each: Array<[number, number]> = [];
      list.forEach((freq, doc) => each.push([doc, freq]));
      assert.deepEqual(each, sorted(map));
      for (let d = 0; d <= 41; d++) {
        assert.equal(list.get(d), map.get(d));
        assert.equal(list.has(d), map.has(d));
      }
    }
  }), { numRuns: 400 });
});

test('from() accepts entries in any order; Object.fromEntries (MiniSearch\'s toJSON) reads it like a Map', () => {
  const list = PostingList.from([[9, 1], [2, 3], [5, 2]]);
  assert.deepEqual([...list], [[2, 3], [5, 2], [9, 1]]);
  assert.deepEqual(Object.fromEntries(list), Object.fromEntries(new Map([[9, 1], [2, 3], [5, 2]])));
});

test('fromObject reads a snapshot\'s {"doc": freq} object into the same postings as a Map of it', () => {
  const obj = JSON.parse('{"10":2,"3":1,"4294967296":5,"7":70000}') as Record<string, number>;
  const list = PostingList.fromObject(obj);
  assert.deepEqual([...list], [[3, 1], [7, 70000], [10, 2], [4294967296, 5]]);
  assert.equal(list.size, 4);
  assert.equal(list.get(7), 70000);
  assert.deepEqual([...PostingList.fromObject({})], []);
});

test('frequencies too large to pack, and odd document ids, are kept exactly or refused clearly', () => {
  const list = new PostingList();
  list.set(3, 13).set(4, 14).set(5, 1e6).set(6, 0);
  assert.equal(list.add(4, 2), false);
  assert.equal(list.add(6, 20), false);
  assert.deepEqual([...list], [[3, 13], [4, 16], [5, 1e6], [6, 20]]);
  list.set(5, 2);
  assert.equal(list.delete(4), true);
  assert.deepEqual([...list], [[3, 13], [5, 2], [6, 20]]);
  assert.equal(list.compact(), true);
  assert.deepEqual([...list], [[3, 13], [5, 2], [6, 20]]);
  assert.throws(() => list.set(-1, 1), /document ids are whole numbers/);
  assert.throws(() => list.set(1.5, 1), /document ids are whole numbers/);
});

test('documents beyond 2^27 (postings past 31 bits) read back exactly in every accessor', () => {
  const docs = [5, 2 ** 27 - 1, 2 ** 27, 2 ** 31 + 3, 2 ** 40];
  const list = new PostingList();
  docs.forEach((d, i) => list.set(d, i + 1));
  list.set(2 ** 31 + 3, 99);
  const each: Array<[number, number]> = [];
  list.forEach((freq, doc) => each.push([doc, freq]));
  const want: Array<[number, number]> = [[5, 1], [2 ** 27 - 1, 2], [2 ** 27, 3], [2 ** 31 + 3, 99], [2 ** 40, 5]];
  assert.deepEqual(each, want);
  assert.deepEqual([...list], want);
  for (const [d, f] of want) assert.equal(list.get(d), f);
  assert.equal(list.delete(2 ** 27), true);
  assert.equal(list.has(2 ** 27), false);
  assert.equal(list.size, 4);
});

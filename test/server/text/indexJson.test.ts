import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { indexJsonBytes, publicJsonBytes } from '../../../server/text/indexJson';
import { miniSearchInternals } from '../../../server/text/miniSearchInternals';

/** A MiniSearch whose terms are exactly the space-separated words given. */
function indexOf(docs: string[][]): MiniSearch {
  const ms = new MiniSearch({ fields: ['text', 'tag'], idField: 'id', tokenize: (s) => s.split(' ').filter(Boolean), processTerm: (t) => t, storeFields: ['tag'] });
  ms.addAll(docs.map(([text, tag], i) => ({ id: i * 1000 + 7, text, tag })));
  return ms;
}

const text = (parts: Iterable<Uint8Array>) => Buffer.concat([...parts]).toString('utf8');

test('the byte form equals MiniSearch\'s own JSON for any terms, in pieces of any size', () => {
  // Terms with quotes, backslashes, control characters, non-ASCII and lone surrogates must
  // be escaped exactly as JSON.stringify escapes them; documents repeat terms so counts exceed 1.
  const term = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('a"b', 'c\\d', 'é', '😀', '\ud800', '\n'))
    .filter((t) => !t.includes(' '));
  const doc = fc.tuple(fc.array(term, { maxLength: 12 }).map((w) => w.join(' ')), fc.array(term, { maxLength: 2 }).map((w) => w.join(' ')));
  fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (docs, piece) => {
    const ms = indexOf(docs);
    if (docs.length > 2) ms.discard(7);
    const internals = miniSearchInternals(ms);
    assert.ok(internals, 'MiniSearch internals have the expected shape');
    const written = text(indexJsonBytes(internals, piece));
    const { index, ...rest } = ms.toJSON() as unknown as { index: unknown[] };
    const parsed = JSON.parse(written) as { rest: object; index: unknown[] };
    assert.deepEqual(parsed.rest, JSON.parse(JSON.stringify(rest)));
    // Terms in the same order; within a term, objects (the key order of a parsed object is
    // numeric, of a Map insertion order, and the content is what matters).
    assert.deepEqual(parsed.index, JSON.parse(JSON.stringify(index)));
    assert.deepEqual(JSON.parse(text(publicJsonBytes(ms.toJSON()))), parsed);
  }), { numRuns: 150 });
});

test('numbers that are not small whole numbers are written as JSON writes them', () => {
  const ms = indexOf([['x y x', 't']]);
  const internals = miniSearchInternals(ms)!;
  // Reach into the postings and give them values MiniSearch itself never stores, to check the fallback path.
  const data = (internals._index as unknown as { get(t: string): Map<number, Map<number, number>> }).get('x')!;
  data.get(0)!.set(0, 2.5);
  data.get(0)!.set(2 ** 40, 3);
  // The longest numbers JSON writes (24 characters), as key and value, many in a row.
  for (let i = 1; i <= 50; i++) data.get(0)!.set(-i * 1.2345678901234567e-300, -1.2345678901234567e-300);
  const written = JSON.parse(text(indexJsonBytes(internals, 5))) as { index: Array<[string, Record<string, Record<string, number>>]> };
  const x = written.index.find(([t]) => t === 'x')![1];
  const expected: Record<string, number> = { '0': 2.5, [String(2 ** 40)]: 3 };
  for (let i = 1; i <= 50; i++) expected[String(-i * 1.2345678901234567e-300)] = -1.2345678901234567e-300;
  assert.deepEqual(x['0'], expected);
});

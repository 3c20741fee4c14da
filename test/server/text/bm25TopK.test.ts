import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextIndex, type TextDoc } from '../../../server/text/textIndex';

const REPO = join(__dirname, '..', '..', '..');

/** The project's own TypeScript, cut into 15-line pieces: a real vocabulary with common and rare terms. */
function realDocs(): TextDoc[] {
  const docs: TextDoc[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) {
        const lines = readFileSync(full, 'utf8').split('\n');
        for (let i = 0; i < lines.length; i += 15) {
          const text = lines.slice(i, i + 15).join('\n');
          const sym = /(?:function|class|interface)\s+(\w+)/.exec(text)?.[1] ?? '';
          docs.push({ id: docs.length * 3 + 7, text, symbol: sym, path: relative(REPO, full) });
        }
      }
    }
  };
  walk(join(REPO, 'server'));
  walk(join(REPO, 'protocol'));
  return docs;
}

const DOCS = realDocs();
const QUERIES = [
  'search', 'chunk text hash', 'VectorStore', 'embedMissing', 'parse_args', 'readFileSync path',
  'the index of the workspace', 'MiniSearch internals', 'error error error', 'Promise<void> async await',
  'zzznotaword', 'lock holder wait', 'TextIndex search limit accept', 'EMBEDDING_TEXT_RECIPE', 'file 1 2 404',
];

function assertSameRanking(ti: TextIndex, q: string, limit: number, accept?: (id: number) => boolean): void {
  const fast = ti.search(q, limit, accept);
  const reference = ti.searchWithMiniSearch(q, limit, accept);
  assert.deepEqual(fast, reference, `query ${JSON.stringify(q)}, limit ${limit}`);
}

test('the top-k scorer ranks exactly like MiniSearch: same ids, order, scores, terms and fields', () => {
  assert.ok(DOCS.length > 300, `expected a real corpus, got ${DOCS.length} pieces`);
  const ti = new TextIndex();
  ti.addAll(DOCS);
  for (const q of QUERIES) for (const limit of [1, 10, 50, 1000]) assertSameRanking(ti, q, limit);
});

test('the top-k scorer agrees with MiniSearch under filters and on random queries of indexed words', () => {
  const ti = new TextIndex();
  ti.addAll(DOCS);
  const words = [...new Set(DOCS.flatMap((d) => d.text.split(/[^A-Za-z_]+/)).filter((w) => w.length > 2))].sort();
  fc.assert(fc.property(
    fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 80 }),
    fc.integer({ min: 2, max: 7 }),
    (qs, limit, mod) => assertSameRanking(ti, qs.join(' '), limit, (id) => id % mod !== 0),
  ), { numRuns: 150 });
});

test('removed documents never come back, and after a vacuum the scorer agrees with MiniSearch again', () => {
  const ti = new TextIndex();
  ti.addAll(DOCS);
  const removed = new Set(DOCS.filter((_, i) => i % 3 === 0).map((d) => d.id));
  for (const id of removed) ti.remove(id);
  assert.ok(removed.size >= 200, 'enough removals for vacuumIfDirty to act');
  assert.ok(ti.dirt > 0);
  for (const q of QUERIES) assert.ok(ti.search(q, 200).every((h) => !removed.has(h.id)), q);
  ti.vacuumIfDirty();
  assert.equal(ti.dirt, 0);
  for (const q of QUERIES) assertSameRanking(ti, q, 50);
});

test('documents added after a search are scored (the scratch space grows with the index)', () => {
  const ti = new TextIndex();
  ti.addAll(DOCS.slice(0, 10));
  ti.search('search', 10);
  ti.addAll([{ id: 1_000_003, text: 'zebraCrossing zebra', symbol: 'zebraCrossing', path: 'zoo/zebra.ts' }]);
  const hits = ti.search('zebra crossing', 5);
  assert.equal(hits[0]?.id, 1_000_003);
  assert.ok(hits[0].symbol && hits[0].path);
  assertSameRanking(ti, 'zebra crossing search', 5);
});

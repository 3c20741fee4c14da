import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextIndex } from '../../../server/text/textIndex';
import { capTermFrequency, tokenize, tokenizePath } from '../../../server/text/tokenizer';

/** The index's streamed JSON as one string. */
function jsonText(ti: TextIndex, pieceBytes?: number): string {
  return Buffer.concat([...ti.jsonParts(pieceBytes)]).toString('utf8');
}

const docs = [
  { id: 1, text: 'def parse_args(argv):\n    """Parse command line arguments."""', symbol: 'parse_args', path: 'cli/args.py' },
  { id: 2, text: 'class HttpServer { listen(port) {} }', symbol: 'HttpServer', path: 'src/server.ts' },
  { id: 3, text: 'function renderMarkdown(text) { return md(text); }', symbol: 'renderMarkdown', path: 'src/render.js' },
];

test('finds by identifier parts and by symbol; reports which fields matched', () => {
  const ti = new TextIndex();
  ti.addAll(docs);
  const hits = ti.search('parse arguments', 10);
  assert.equal(hits[0].id, 1);
  assert.ok(hits[0].symbol);
  assert.equal(ti.search('http server', 10)[0].id, 2);
  assert.ok(ti.search('server', 10)[0].path, 'path segment matched');
});

test('pre-tokenized text ranks exactly like text tokenized here', () => {
  const a = new TextIndex();
  const b = new TextIndex();
  a.addAll(docs);
  b.addAll(docs.map((d) => ({ ...d, terms: tokenize(d.text).join(' '), symbolTerms: tokenize(d.symbol).join(' '), pathTerms: tokenizePath(d.path).join(' ') })));
  for (const q of ['parse arguments', 'render markdown text', 'listen port', 'server', 'cli args']) assert.deepEqual(b.search(q, 10), a.search(q, 10));
});

test('removed documents are not found; accept filters before the limit', () => {
  const ti = new TextIndex();
  ti.addAll(docs);
  ti.remove(1);
  assert.ok(ti.search('parse arguments', 10).every((h) => h.id !== 1));
  assert.deepEqual(ti.search('text server markdown', 1, (id) => id === 3).map((h) => h.id), [3]);
});

test('the streamed JSON equals MiniSearch\'s own serialisation and restores an identical index', () => {
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 60 }), { minLength: 1, maxLength: 30 }), (texts) => {
    const ti = new TextIndex();
    ti.addAll(texts.map((t, i) => ({ id: i + 1, text: t, symbol: '', path: `f${i}.py` })));
    if (texts.length > 2) ti.remove(2);
    const parsed = JSON.parse(jsonText(ti, 3)) as { rest: object; index: unknown[] };
    const { index, ...rest } = ti.toJSON() as unknown as { index: unknown[] };
    assert.deepEqual(parsed.index, JSON.parse(JSON.stringify(index)));
    assert.deepEqual(parsed.rest, JSON.parse(JSON.stringify(rest)));
    const restored = new TextIndex(undefined, undefined, { ...parsed.rest, index: parsed.index } as never);
    for (const q of texts.slice(0, 3)) assert.deepEqual(restored.search(q, 5), ti.search(q, 5));
  }), { numRuns: 50 });
});

test('vacuuming after many removals keeps results right and leaves no removed document behind', () => {
  // Letters-only words, so each document has one term no other shares.
  const word = (n: number) => 'q' + String(n).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);
  const ti = new TextIndex({ stem: false, dropStopWords: false });
  ti.addAll(Array.from({ length: 600 }, (_, i) => ({ id: i + 1, text: `${word(i)} shared words here`, symbol: '', path: `f${i}.py` })));
  for (let i = 1; i <= 400; i++) ti.remove(i);
  assert.equal(ti.dirt, 400);
  ti.vacuumIfDirty();
  assert.equal(ti.dirt, 0, 'the vacuum ran to completion before returning');
  ti.addAll([{ id: 1001, text: `${word(5)} fresh`, symbol: '', path: 'new.py' }]);
  assert.deepEqual(ti.search(word(5), 5).map((h) => h.id), [1001]);
  assert.deepEqual(ti.search(word(450), 5).map((h) => h.id), [451]);
  assert.ok(ti.search('shared words', 1000).every((h) => h.id > 400));
});

test('documents with worker-tokenized terms build exactly the index MiniSearch builds from their text', () => {
  const vocab = ['get', 'File', 'name', 'parse_args', 'HTTPServer', 'the', 'of', 'x2', 'déjà', 'value', 'Value'];
  const words = fc.array(fc.constantFrom(...vocab), { maxLength: 40 }).map((w) => w.join(' '));
  fc.assert(fc.property(fc.array(fc.tuple(words, words, fc.constantFrom('a/b.ts', 'src/get_file.py', 'x', 'name/name/Name.js')), { minLength: 1, maxLength: 12 }), (rows) => {
    const fromText = new TextIndex();
    const fromTerms = new TextIndex();
    fromText.addAll(rows.map(([text, symbol, path], i) => ({ id: i + 1, text, symbol, path })));
    // Symbol and path terms are passed ungrouped (a repeated word is not adjacent), text terms grouped as the worker sends them.
    fromTerms.addAll(rows.map(([text, symbol, path], i) => ({
      id: i + 1, text: '', symbol: '', path: '',
      terms: capTermFrequency(tokenize(text)).join(' '), symbolTerms: tokenize(symbol).join(' '), pathTerms: tokenizePath(path).join(' '),
    })));
    // Parsed, so a term's fields compare by id (FieldSlots lists them in id order, MiniSearch's Maps in insertion order).
    assert.deepEqual(JSON.parse(jsonText(fromTerms)), JSON.parse(jsonText(fromText)));
  }), { numRuns: 200 });
});

/** An index's serialised state with its terms in sorted order (a reloaded tree iterates them in another order). */
function contents(ti: TextIndex): { rest: object; index: Array<[string, unknown]> } {
  const parsed = JSON.parse(jsonText(ti)) as { rest: object; index: Array<[string, unknown]> };
  return { rest: parsed.rest, index: parsed.index.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

test('worker-tokenized documents added after a vacuum or a reload reach the live term tree, not terms it dropped', async () => {
  // Each round adds documents, removes most of them and vacuums, so the terms only they
  // held leave the tree; the next round brings those terms back. Every step is done to
  // an index fed text as well, and the two must stay identical.
  const vocab = ['alpha', 'beta', 'gamma_delta', 'EpsilonZeta', 'eta', 'theta'];
  const words = fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));
  await fc.assert(fc.asyncProperty(fc.array(fc.array(words, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 4 }), fc.boolean(), async (rounds, reload) => {
    const fromText = new TextIndex();
    const fromTerms = new TextIndex();
    let id = 0;
    for (const texts of rounds) {
      const batch = texts.map((text) => ({ id: ++id, text, symbol: '', path: 'a.py' }));
      fromText.addAll(batch);
      fromTerms.addAll(batch.map((d) => ({ ...d, text: '', terms: capTermFrequency(tokenize(d.text)).join(' '), symbolTerms: '', pathTerms: tokenizePath(d.path).join(' ') })));
      // Enough removals that the vacuum runs (200 documents and a tenth of the index).
      const filler = Array.from({ length: 220 }, () => ({ id: ++id, text: 'filler', symbol: '', path: 'f.py' }));
      fromText.addAll(filler);
      fromTerms.addAll(filler);
      for (const d of [...batch.slice(1), ...filler]) {
        fromText.remove(d.id);
        fromTerms.remove(d.id);
      }
      fromText.vacuumIfDirty();
      fromTerms.vacuumIfDirty();
      assert.equal(fromTerms.dirt, 0);
      // A vacuum's last step is a microtask; index passes are always further apart than that.
      await new Promise((resolve) => setImmediate(resolve));
      if (reload) fromTerms.load(fromTerms.toJSON());
      assert.deepEqual(contents(fromTerms), contents(fromText));
    }
    for (const q of vocab) assert.deepEqual(fromTerms.search(q, 50), fromText.search(q, 50));
  }), { numRuns: 40 });
});

test('empty tokens and duplicate ids behave as in MiniSearch', () => {
  const ti = new TextIndex();
  ti.addAll([{ id: 1, text: '', symbol: '', path: '', terms: 'alpha  beta', symbolTerms: '', pathTerms: 'p' }]);
  assert.deepEqual(ti.search('beta', 5).map((h) => h.id), [1]);
  const fields = (JSON.parse(jsonText(ti)) as { rest: { fieldLength: Record<string, number[]> } }).rest.fieldLength;
  assert.deepEqual(fields['0'], [3, 0, 1], 'the empty token counts in the field length, as MiniSearch counts it');
  assert.throws(() => ti.addAll([{ id: 1, text: '', symbol: '', path: '', terms: 'x', symbolTerms: '', pathTerms: '' }]), /duplicate ID 1/);
});

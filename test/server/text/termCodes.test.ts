/**
 * Terms sent as numbers (termCodes.ts): an index fed codes from several workers must be
 * the index fed the same documents as text, byte for byte, through removals, vacuums
 * and reloads; and codes that cannot be decoded are refused with a clear error.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { TermEncoder, TermTable, runsEnd, runsText } from '../../../server/text/termCodes';
import { TextIndex } from '../../../server/text/textIndex';
import { countTerms, TERM_FREQUENCY_CAP, termCounts, tokenize, tokenizePath } from '../../../server/text/tokenizer';

interface Doc { id: number; text: string; symbol: string; path: string }

/** A worker: its encoder, and the table the owning side keeps for it. */
function worker(): { encoder: TermEncoder; table: TermTable } {
  return { encoder: new TermEncoder(), table: new TermTable() };
}

/** Encodes one file's chunks as processFile does with an encoder (all `docs` share `path`), then delivers the codes. */
function send(w: { encoder: TermEncoder; table: TermTable }, docs: Doc[]) {
  w.encoder.begin();
  w.encoder.field(countTerms(tokenizePath(docs[0].path)));
  for (const d of docs) {
    w.encoder.textField(d.text, TERM_FREQUENCY_CAP);
    w.encoder.field(countTerms(tokenize(d.symbol)));
  }
  const codes = w.encoder.take();
  w.table.learn(codes);
  return codes;
}

function addCodedFile(ti: TextIndex, w: { encoder: TermEncoder; table: TermTable }, docs: Doc[]): void {
  const codes = send(w, docs);
  let at = runsEnd(codes.data, 0);
  for (const d of docs) at = ti.addCoded(d.id, codes.table!, codes.data, at, 0);
  assert.equal(at, codes.data.length, 'every run was read');
}

function json(ti: TextIndex): string {
  return Buffer.concat([...ti.jsonParts()]).toString('utf8');
}

const vocab = ['alpha', 'beta', 'gamma_delta', 'EpsilonZeta', 'eta', 'theta', 'parseArgs', 'x1'];
const words = fc.array(fc.constantFrom(...vocab), { minLength: 0, maxLength: 14 }).map((w) => w.join(' '));
const file = fc.record({
  path: fc.constantFrom('src/alpha.ts', 'lib/beta_eta.py', 'a/b/c.go'),
  chunks: fc.array(fc.record({ text: words, symbol: fc.constantFrom('', 'parseArgs', 'eta Theta', 'alpha alpha') }), { minLength: 1, maxLength: 4 }),
});

test('an index fed codes from two workers equals the index fed text, through removals, vacuums and reloads', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(file, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), fc.boolean(), async (rounds, reload) => {
    const fromText = new TextIndex();
    const fromCodes = new TextIndex();
    const workers = [worker(), worker()];
    let id = 0;
    let turn = 0;
    for (const files of rounds) {
      const added: number[] = [];
      for (const f of files) {
        const docs = f.chunks.map((c) => ({ id: ++id, text: c.text, symbol: c.symbol, path: f.path }));
        fromText.addAll(docs);
        addCodedFile(fromCodes, workers[turn++ % 2], docs);
        added.push(...docs.map((d) => d.id));
      }
      // Enough removals that the vacuum runs (200 documents and a tenth of the index), so terms leave the tree.
      const filler = Array.from({ length: 220 }, () => ({ id: ++id, text: 'filler', symbol: '', path: 'f.py' }));
      fromText.addAll(filler);
      addCodedFile(fromCodes, workers[turn++ % 2], filler);
      for (const d of [...added.slice(1), ...filler.map((f) => f.id)]) {
        fromText.remove(d);
        fromCodes.remove(d);
      }
      fromText.vacuumIfDirty();
      fromCodes.vacuumIfDirty();
      await new Promise((resolve) => setImmediate(resolve));
      if (reload) {
        fromText.load(fromText.toJSON());
        fromCodes.load(fromCodes.toJSON());
      }
      // Parsed, so a term's fields compare by id (FieldSlots lists them in id order, MiniSearch's Maps in insertion order).
      assert.deepEqual(JSON.parse(json(fromCodes)), JSON.parse(json(fromText)));
    }
    for (const q of vocab) assert.deepEqual(fromCodes.search(q, 50), fromText.search(q, 50));
  }), { numRuns: 60 });
});

test('a term is sent once per worker; runs decode to the terms they stand for', () => {
  const w = worker();
  const first = send(w, [{ id: 1, text: 'parseArgs parseArgs beta', symbol: 'parseArgs', path: 'src/cli.ts' }]);
  const [whole, ...parts] = tokenize('parseArgs');
  assert.deepEqual(first.fresh, ['src', 'cli', whole, ...parts, 'beta']);
  assert.equal(first.firstFresh, 0);
  assert.equal(runsText(w.table, first.data, 0), 'src cli');
  const text = runsEnd(first.data, 0);
  assert.equal(runsText(w.table, first.data, text), [whole, whole, ...parts.flatMap((p) => [p, p]), 'beta'].join(' '));
  assert.equal(runsText(w.table, first.data, runsEnd(first.data, text)), tokenize('parseArgs').join(' '));
  const second = send(w, [{ id: 2, text: 'beta gamma', symbol: '', path: 'src/cli.ts' }]);
  assert.deepEqual(second.fresh, ['gamma'], 'only the new term crosses');
  assert.equal(second.firstFresh, first.fresh.length);
});

test('text runs are capped like the text field; a failed file\'s new terms go with the next file', () => {
  const w = worker();
  w.encoder.begin();
  w.encoder.field(countTerms(['lost', 'lost']));
  // The file failed here: nothing was taken. The next file starts over but still sends "lost".
  w.encoder.begin();
  w.encoder.textField('x1 '.repeat(9) + 'zeta', TERM_FREQUENCY_CAP);
  const codes = w.encoder.take();
  assert.deepEqual(codes.fresh, ['lost', 'x1', '1', 'zeta'], "x1's parts: the single letter is dropped, the digit kept");
  w.table.learn(codes);
  assert.equal(runsText(w.table, codes.data, 0), 'x1 x1 x1 x1 1 1 1 1 zeta');
});

test('codes that arrive out of order or name an unknown term are refused with a clear error', () => {
  const table = new TermTable();
  assert.throws(() => table.learn({ data: Int32Array.of(0), fresh: ['b'], firstFresh: 3 }), /out of order \(expected term 0, got 3\)/);
  const codes = { data: Int32Array.of(0, 1, 5, 1, 0), fresh: ['a'], firstFresh: 0 };
  table.learn(codes);
  const ti = new TextIndex();
  assert.throws(() => ti.addCoded(1, table, codes.data, 1, 0), /term code 5 was never sent/);
});

test('textField writes the runs field(termCounts(text)) writes, also after its identifier cache starts over', () => {
  const decode = (codes: ReturnType<TermEncoder['take']>, table: TermTable) => {
    table.learn(codes);
    const out: string[] = [];
    for (let at = 0; at < codes.data.length; at = runsEnd(codes.data, at)) out.push(runsText(table, codes.data, at));
    return out;
  };
  const fast = worker();
  const plain = worker();
  const check = (texts: string[]) => {
    fast.encoder.begin();
    plain.encoder.begin();
    for (const t of texts) {
      fast.encoder.textField(t, TERM_FREQUENCY_CAP);
      plain.encoder.field(termCounts(t), TERM_FREQUENCY_CAP);
    }
    assert.deepEqual(decode(fast.encoder.take(), fast.table), decode(plain.encoder.take(), plain.table));
  };
  const text = fc.array(fc.oneof(fc.constantFrom(...vocab, 'HTTPServer2', 'snake_case-kebab', 'The', 'a', '42', '$el'), fc.string()), { maxLength: 30 }).map((w) => w.join(' '));
  fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), check), { numRuns: 300 });
  // More distinct identifiers than the cache keeps: it is emptied part way and refilled.
  check([Array.from({ length: 60_000 }, (_, i) => `name${i.toString(36)}Part`).join(' '), 'name0Part nameZzPart']);
});

/**
 * The fast ASCII WordPiece encoder gives exactly the shipped model's transformers.js
 * token ids, on real code and on random printable text, and steps aside for anything
 * it does not reproduce.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkedEncoder, SPOT_CHECKS } from '../../../server/embed/checkedEncoder';
import { fastEncoderFor, type FastEncoder } from '../../../server/embed/fastTokenizer';
import type { Logger } from '../../../server/engine/logger';

const REPO = join(__dirname, '..', '..', '..');
const MODEL = join(REPO, 'models', 'conexus-code-v1');

/** The repository's own code and docs in 700-character pieces. */
function repoTexts(): string[] {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|py|md|sh|mjs)$/.test(name)) {
        const t = readFileSync(full, 'utf8');
        for (let i = 0; i < t.length; i += 700) texts.push(t.slice(i, i + 700));
      }
    }
  };
  for (const dir of ['server', 'protocol', 'extension', 'webview', 'training', 'scripts']) walk(join(REPO, dir));
  return texts;
}

describe('fast WordPiece encoder', () => {
  let reference: (text: string) => number[];
  let fast: FastEncoder;
  before(async () => {
    const { AutoTokenizer, env } = require('@huggingface/transformers') as typeof import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = `${join(REPO, 'models')}/`;
    const tok = await AutoTokenizer.from_pretrained('conexus-code-v1');
    reference = (text) => tok.encode(text) as number[];
    const f = fastEncoderFor(join(MODEL, 'tokenizer.json'));
    assert.ok(f, 'the shipped tokenizer has the shape the fast encoder reproduces');
    fast = f;
  });

  it('gives the reference ids on the repository\'s own code, and takes most of it', () => {
    const texts = repoTexts();
    assert.ok(texts.length > 500);
    let taken = 0;
    for (const text of texts) {
      const got = fast.encode(text);
      if (got === null) continue;
      taken++;
      assert.deepEqual(got, reference(text), `text ${JSON.stringify(text.slice(0, 80))}`);
    }
    assert.ok(taken > texts.length * 0.8, `fast path took ${taken} of ${texts.length}`);
  });

  it('gives the reference ids on random printable ASCII with identifiers, digits and punctuation', () => {
    const piece = fc.oneof(
      fc.constantFrom('get', 'File', 'HTTP', 'Server', 'parse_', 'URL', 'x', 'Xml', '2', '10', 'ID', 'aB', 'zzq', 'ing', 'er'),
      fc.constantFrom(' ', '\t', '\n', '\r\n', '  '),
      fc.string({ unit: fc.constantFrom(...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~aZ09'), maxLength: 4 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(fast.encode(text), reference(text));
    }), { numRuns: 400 });
  });

  it('cuts a word longer than the limit to one unknown token, like the reference', () => {
    const text = `short ${'a'.repeat(101)} tail`;
    assert.deepEqual(fast.encode(text), reference(text));
  });

  it('leaves non-ASCII, control characters and literal special tokens to the reference', () => {
    for (const text of ['café', 'naïve résumé', 'a\u0000b', 'x\u000bY', 'emoji 😀', 'end [SEP] start', '\u3042']) {
      assert.equal(fast.encode(text), null, JSON.stringify(text));
    }
    assert.notEqual(fast.encode('array[0] = [1, 2]'), null, 'brackets that are not special tokens stay on the fast path');
  });

  it('declines tokenizer.json files of other shapes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conexus-tok-'));
    const shipped = JSON.parse(readFileSync(join(MODEL, 'tokenizer.json'), 'utf8'));
    const bpe = { ...shipped, model: { ...shipped.model, type: 'BPE' } };
    writeFileSync(join(dir, 'bpe.json'), JSON.stringify(bpe));
    assert.equal(fastEncoderFor(join(dir, 'bpe.json')), null);
    const noLower = { ...shipped, normalizer: { type: 'BertNormalizer', clean_text: true, lowercase: false } };
    writeFileSync(join(dir, 'cased.json'), JSON.stringify(noLower));
    assert.equal(fastEncoderFor(join(dir, 'cased.json')), null);
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    assert.equal(fastEncoderFor(join(dir, 'broken.json')), null);
    assert.equal(fastEncoderFor(join(dir, 'missing.json')), null);
  });

  it('is dropped for good at the first real text where it disagrees, with a warning', () => {
    const warnings: string[] = [];
    const logger: Logger = { error() {}, warn: (m) => warnings.push(m), info() {}, debug() {}, trace() {} };
    // A reference that differs from the shipped tokenizer only on texts mentioning "quirk".
    const quirky = (text: string) => (text.includes('quirk') ? [2, 1, 3] : reference(text));
    const encode = checkedEncoder(MODEL, quirky, logger);
    assert.deepEqual(encode('plain code'), reference('plain code'));
    assert.deepEqual(encode('a quirk here'), [2, 1, 3], 'the reference answers a compared text');
    assert.equal(warnings.length, 1);
    for (let i = 0; i < SPOT_CHECKS + 5; i++) assert.deepEqual(encode('another quirk'), [2, 1, 3]);
  });

  it('falls back to the reference when the load-time sample disagrees, and for models outside a folder', () => {
    const warnings: string[] = [];
    const logger: Logger = { error() {}, warn: (m) => warnings.push(m), info() {}, debug() {}, trace() {} };
    const off = (text: string) => [...reference(text), 0];
    assert.equal(checkedEncoder(MODEL, off, logger), off);
    assert.equal(warnings.length, 1);
    assert.equal(checkedEncoder(null, reference, logger), reference);
  });
});

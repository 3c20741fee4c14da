import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_TOKENIZE_OPTIONS, capTermFrequency, cappedTerms, identifierTerms, splitIdentifier, tokenize, tokenizePath, wholeWordPattern } from '../../../server/text/tokenizer';
import { stem } from '../../../server/text/stemmer';

const raw = { stem: false, dropStopWords: false };

test('splits camelCase, PascalCase, snake_case, kebab-case and digits, keeping the whole identifier', () => {
  assert.deepEqual(tokenize('parseHTTPHeader2', raw), ['parsehttpheader2', 'parse', 'http', 'header', '2']);
  assert.deepEqual(tokenize('file_path', raw), ['file_path', 'file', 'path']);
  assert.deepEqual(tokenize('max-file-bytes', raw), ['max-file-bytes', 'max', 'file', 'bytes']);
  assert.deepEqual(tokenize('SessionManager', raw), ['sessionmanager', 'session', 'manager']);
  assert.deepEqual(tokenize('x = utf8Decode(buf)', raw), ['utf8decode', 'utf', '8', 'decode', 'buf']);
});

test('a single-part word yields just itself, lower-cased', () => {
  assert.deepEqual(tokenize('Parser', raw), ['parser']);
});

test('stop words are dropped and words stemmed with the default options', () => {
  assert.deepEqual(tokenize('how to sort files by values'), ['sort', 'fil', 'valu']);
  assert.deepEqual(tokenize('sorting'), tokenize('sorted'));
});

test('paths contribute their segments without the extension', () => {
  assert.deepEqual(tokenizePath('src/authService.ts', raw), ['src', 'authservice', 'auth', 'service']);
});

test('identifier splitting round-trips the letters of the identifier', () => {
  fc.assert(fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,30}$/), (id) => {
    const parts = splitIdentifier(id);
    assert.equal(parts.join(''), id.replace(/_/g, '').toLowerCase());
  }));
});

test('tokens are lower-case, bounded in length and never empty, for any input', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
    for (const t of tokenize(text)) {
      assert.ok(t.length > 0 && t.length <= 40, `bad length: ${t}`);
      assert.equal(t, t.toLowerCase());
    }
  }));
});

test('stemming is idempotent, so a term stemmed twice still matches', () => {
  fc.assert(fc.property(fc.stringMatching(/^[a-z]{1,15}$/), (w) => {
    assert.equal(stem(stem(w)), stem(w));
  }));
});

test('query and document tokenization agree: a document always matches its own identifiers', () => {
  fc.assert(fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{1,20}$/), (id) => {
    const doc = new Set(tokenize(`function ${id}() {}`));
    for (const t of tokenize(id)) assert.ok(doc.has(t), `${t} from ${id} missing in doc terms`);
  }));
});

test('term frequency is capped at four occurrences per chunk; rarer terms keep their counts', () => {
  const terms = capTermFrequency(['self', 'self', 'self', 'self', 'self', 'self', 'parse', 'parse', 'url']);
  assert.equal(terms.filter((t) => t === 'self').length, 4);
  assert.equal(terms.filter((t) => t === 'parse').length, 2);
  assert.deepEqual([...new Set(terms)].sort(), ['parse', 'self', 'url']);
});

test('identifierTerms: every text with the identifier as a whole word has all of its terms', () => {
  const ident = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,24}$/);
  const filler = fc.stringMatching(/^[ -~\n]{0,40}$/);
  fc.assert(fc.property(ident, filler, filler, fc.constantFrom(' ', '.', '(', '-', '\n', ''), fc.constantFrom(' ', '(', ')', '-', ';', ''), (name, before, after, left, right) => {
    const text = `${before}${left}${name}${right}${after}`;
    const terms = identifierTerms(name);
    if (terms === null || !wholeWordPattern(name).test(text)) return;
    const have = new Set(tokenize(text));
    for (const t of terms) assert.ok(have.has(t), `${JSON.stringify(text)} lacks ${t} of ${name}`);
  }), { numRuns: 2000 });
});

test('identifierTerms: parts kept as the tokenizer keeps them; no promise for stop words, single letters or operators', () => {
  assert.deepEqual(identifierTerms('verifyPassword'), tokenize('verify password'));
  assert.deepEqual(identifierTerms('get_value'), tokenize('get value'));
  assert.equal(identifierTerms('is'), null);
  assert.equal(identifierTerms('x'), null);
  assert.equal(identifierTerms('operator+'), null);
  assert.equal(identifierTerms('[Symbol.iterator]'), null);
  assert.ok(wholeWordPattern('$el').test('this.$el.focus()'));
  assert.ok(!wholeWordPattern('el').test('this.$el.focus()'));
});

test('remembered identifiers give the same terms as a first encounter, whatever came before', () => {
  const ident = fc.stringMatching(/^[A-Za-z0-9_$-]{1,30}$/);
  fc.assert(fc.property(fc.array(ident, { maxLength: 30 }), fc.array(ident, { maxLength: 30 }), (warm, text) => {
    const options = { ...DEFAULT_TOKENIZE_OPTIONS };
    tokenize(warm.join(' '), options);
    tokenize(text.join(' '), options);
    const fresh = { ...DEFAULT_TOKENIZE_OPTIONS };
    assert.deepEqual(tokenize(text.join(' '), options), tokenize(text.join(' '), fresh));
  }), { numRuns: 200 });
  const out = tokenize('getFileName getFileName');
  out.length = 0; // callers own the array they get
  assert.deepEqual(tokenize('getFileName'), tokenize('getFileName', { ...DEFAULT_TOKENIZE_OPTIONS }));
  assert.equal(tokenize('getFileName').length, 4);
});

test('cappedTerms gives exactly the capped, grouped terms of tokenize, for any text and options', () => {
  const word = fc.constantFrom('getUserName', 'get_user', 'HTTPServer2', 'the', 'a', 'x', 'running', 'data-value', '$el', '42', 'é', '-', ' ', '\n', '(', 'user');
  const text = fc.array(word, { maxLength: 60 }).map((w) => w.join(''));
  const options = fc.record({ stem: fc.boolean(), dropStopWords: fc.boolean() });
  fc.assert(fc.property(fc.oneof(text, fc.string({ maxLength: 200 })), options, (t, o) => {
    assert.deepEqual(cappedTerms(t, o), capTermFrequency(tokenize(t, o)));
  }), { numRuns: 300 });
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exactIdentifierTerm, extractQueryHints } from '../../../server/search/queryHints';

test('a language name becomes a hint, not a search term', () => {
  assert.deepEqual(extractQueryHints('python check if file exists'), { text: 'check if file exists', languages: ['python'] });
  assert.deepEqual(extractQueryHints('debounce in JS?').languages.sort(), ['javascript', 'typescript']);
});

test('ambiguous words and lone language names are left in the query', () => {
  assert.deepEqual(extractQueryHints('go to definition'), { text: 'go to definition', languages: [] });
  assert.deepEqual(extractQueryHints('python'), { text: 'python', languages: [] });
});

test('a compound identifier is a name lookup; words, phrases and plain words are not', () => {
  assert.equal(exactIdentifierTerm('accessTokenType'), 'accesstokentype');
  assert.equal(exactIdentifierTerm(' VIPS_META_EXIF_NAME '), 'vips_meta_exif_name');
  assert.equal(exactIdentifierTerm('parse_args2'), 'parse_args2');
  assert.equal(exactIdentifierTerm('parse'), null);
  assert.equal(exactIdentifierTerm('parse args'), null);
  assert.equal(exactIdentifierTerm('a.b'), null);
  assert.equal(exactIdentifierTerm('x'.repeat(30) + 'Y'.repeat(20)), null, 'over 40 characters the tokenizer keeps no whole form');
});

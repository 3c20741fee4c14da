import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { extractQueryHints } from '../../../server/search/queryHints';

test('a language name becomes a hint, not a search term', () => {
  assert.deepEqual(extractQueryHints('python check if file exists'), { text: 'check if file exists', languages: ['python'] });
  assert.deepEqual(extractQueryHints('debounce in JS?').languages.sort(), ['javascript', 'typescript']);
});

test('ambiguous words and lone language names are left in the query', () => {
  assert.deepEqual(extractQueryHints('go to definition'), { text: 'go to definition', languages: [] });
  assert.deepEqual(extractQueryHints('python'), { text: 'python', languages: [] });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { colorize, markTerms, tokenize } from '../../webview/colorize';

const classes = (text: string, lang: string) => tokenize(text, lang).filter((s) => s.cls !== 'plain').map((s) => [s.cls, s.text]);

test('keywords, strings, comments and numbers are told apart', () => {
  assert.deepEqual(classes('const x = "a // b"; // note\nreturn 42;', 'typescript'), [
    ['kw', 'const'], ['str', '"a // b"'], ['com', '// note'], ['kw', 'return'], ['num', '42'],
  ]);
  assert.deepEqual(classes('def f():  # hi\n    return """doc"""', 'python'), [
    ['kw', 'def'], ['com', '# hi'], ['kw', 'return'], ['str', '"""doc"""'],
  ]);
  assert.deepEqual(classes('/* a\nb */ x', 'c'), [['com', '/* a\nb */']]);
});

test('unterminated strings and comments run to their natural end instead of failing', () => {
  assert.deepEqual(classes('"abc\nreturn', 'typescript'), [['str', '"abc'], ['kw', 'return']]);
  assert.deepEqual(classes('/* open', 'typescript'), [['com', '/* open']]);
});

test('matched terms are marked case-insensitively without changing colours', () => {
  const segs = colorize('function getUser() { return user; }', 'typescript', ['user']);
  const marked = segs.filter((s) => s.match).map((s) => s.text);
  assert.deepEqual(marked, ['User', 'user']);
  assert.equal(markTerms([{ text: 'abc', cls: 'plain', match: false }], ['a']).length, 1, 'one-letter terms are not marked');
  assert.equal(colorize('a.b(c)', 'typescript', ['.(*']).map((s) => s.text).join(''), 'a.b(c)', 'regex characters in terms are literal');
});

test('colouring never loses or reorders text', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('typescript', 'python', 'sql', 'markdown', 'rust'), fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }), (text, lang, terms) => {
    assert.equal(colorize(text, lang, terms).map((s) => s.text).join(''), text);
  }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { indexLines, lineWindows, rowsText } from '../../../server/chunk/lineIndex';

test('a final newline ends the last line instead of starting an empty one', () => {
  assert.equal(indexLines('a\nb\n').count, 2);
  assert.equal(indexLines('a\nb').count, 2);
  assert.equal(indexLines('').count, 0);
  assert.equal(indexLines('\n').count, 1);
  const ix = indexLines('one\r\ntwo\n\nfour');
  assert.deepEqual([0, 1, 2, 3].map((r) => rowsText(ix, r, r)), ['one\r', 'two', '', 'four']);
  assert.equal(rowsText(ix, 0, 3), 'one\r\ntwo\n\nfour');
});

test('line windows prefer to end before a blank line', () => {
  const lines = Array.from({ length: 100 }, (_, i) => (i === 50 ? '' : `x${i}`));
  const ix = indexLines(lines.join('\n'));
  assert.deepEqual(lineWindows(ix, 0, 99, 60, 100_000), [[0, 49], [50, 99]]);
});

test('line windows respect the character limit but never split a line', () => {
  const ix = indexLines(['a'.repeat(50), 'b'.repeat(500), 'c'.repeat(50), 'd'].join('\n'));
  assert.deepEqual(lineWindows(ix, 0, 3, 60, 100), [[0, 0], [1, 1], [2, 3]]);
});

test('line windows partition the rows within the limits', () => {
  fc.assert(fc.property(
    fc.array(fc.string({ maxLength: 30 }).map((s) => s.replace(/\n/g, '')), { minLength: 1, maxLength: 200 }),
    fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 500 }),
    (lines, maxLines, maxChars) => {
      const ix = indexLines(lines.join('\n'));
      const w = lineWindows(ix, 0, ix.count - 1, maxLines, maxChars);
      let next = 0;
      for (const [s, e] of w) {
        assert.equal(s, next);
        assert.ok(e >= s && e - s < maxLines);
        next = e + 1;
      }
      assert.equal(next, ix.count);
    },
  ));
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { fuse, normalise } from '../../../server/search/fusion';

test('a chunk ranked first by both signals wins either fusion method', () => {
  for (const method of ['rrf', 'linear'] as const) {
    const out = fuse({ ids: [1, 2, 3], scores: [9, 5, 1] }, { ids: [1, 3, 2], scores: [0.9, 0.5, 0.4] }, { method, keywordWeight: 0.5, rrfK: 60 });
    const best = [...out].sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(best, 1, method);
  }
});

test('keyword weight 1 reproduces the keyword order; weight 0 the semantic order', () => {
  const kw = { ids: [1, 2, 3], scores: [3, 2, 1] };
  const sem = { ids: [3, 2, 1], scores: [0.9, 0.8, 0.7] };
  for (const method of ['rrf', 'linear'] as const) {
    const order = (w: number) => [...fuse(kw, sem, { method, keywordWeight: w, rrfK: 60 })].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    assert.deepEqual(order(1), [1, 2, 3], method);
    assert.deepEqual(order(0), [3, 2, 1], method);
  }
});

test('normalised scores lie in [0, 1] and keep the order', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (scores) => {
    const n = normalise(scores);
    for (const v of n) assert.ok(v >= 0 && v <= 1);
    for (let i = 0; i < scores.length; i++) for (let j = 0; j < scores.length; j++) {
      if (scores[i] > scores[j]) assert.ok(n[i] >= n[j]);
    }
  }));
});

test('fusion contains every id of both lists exactly once, with a finite score', () => {
  const list = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 40 });
  fc.assert(fc.property(list, list, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('rrf' as const, 'linear' as const), (a, b, w, method) => {
    const out = fuse({ ids: a, scores: a.map((_, i) => a.length - i) }, { ids: b, scores: b.map((_, i) => 1 - i / 100) }, { method, keywordWeight: w, rrfK: 60 });
    assert.deepEqual([...out.keys()].sort((x, y) => x - y), [...new Set([...a, ...b])].sort((x, y) => x - y));
    for (const v of out.values()) assert.ok(Number.isFinite(v));
  }));
});

/**
 * The benchmark's arithmetic, checked against cases worked out by hand, so a change in
 * a reported figure means the engine changed, not the ruler.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bm25Index, tokenize } from './bm25';
import { functionIdOf, scoreMode } from './cosqa';
import { looksLikeIdentifier, strideSample, workspacePath } from './corpus';
import { dedupeFirst, firstRelevantRank, ndcgAt, percentile, recallAt, reciprocalRank, seededRandom, summarizeQuality } from './metrics';
import { ripgrepArgs } from './ripgrep';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('ranking metrics', () => {
  it('finds the 1-based rank of the first relevant item within k', () => {
    assert.equal(firstRelevantRank([5, 7, 9], [9], 10), 3);
    assert.equal(firstRelevantRank([5, 7, 9], [9], 2), 0);
    assert.equal(firstRelevantRank([], [1], 10), 0);
    assert.equal(firstRelevantRank([4, 2, 1], [1, 2], 10), 2);
  });

  it('computes reciprocal rank with a cut-off', () => {
    close(reciprocalRank([3, 1], [1], 10), 0.5);
    close(reciprocalRank([1], [1], 10), 1);
    close(reciprocalRank([0, 0, 0, 0, 1], [1], 4), 0);
    close(reciprocalRank([2, 3, 4, 5, 6, 7, 8, 9, 10, 1], [1], 10), 0.1);
  });

  it('computes recall at k as the fraction of gold items found', () => {
    assert.equal(recallAt([1, 2, 3], [3], 1), 0);
    assert.equal(recallAt([1, 2, 3], [3], 3), 1);
    assert.equal(recallAt([1, 2, 3], [3, 9], 5), 0.5);
    assert.equal(recallAt([1, 2], [], 5), 0);
    // A duplicate of a gold id is still one item found.
    assert.equal(recallAt([3, 3], [3, 4], 2), 0.5);
  });

  it('computes binary nDCG at k', () => {
    close(ndcgAt([7], [7], 10), 1);
    // Rank 3: 1/log2(4) = 0.5.
    close(ndcgAt([1, 2, 7], [7], 10), 0.5);
    // Rank 2: 1/log2(3).
    close(ndcgAt([1, 7], [7], 10), 1 / Math.log2(3));
    // Two gold items at ranks 1 and 3: (1 + 0.5) / (1 + 1/log2(3)).
    close(ndcgAt([7, 1, 8], [7, 8], 10), 1.5 / (1 + 1 / Math.log2(3)));
    close(ndcgAt([1, 2, 7], [7], 2), 0);
  });

  it('averages over queries, counting queries without hits as zero', () => {
    const m = summarizeQuality([
      { ranked: [1], relevant: [1] }, // rank 1
      { ranked: [5, 2], relevant: [2] }, // rank 2
      { ranked: [], relevant: [3] }, // miss
      { ranked: [9, 8, 7, 6, 4], relevant: [4] }, // rank 5
    ]);
    assert.equal(m.queries, 4);
    close(m.mrr10, (1 + 0.5 + 0 + 0.2) / 4);
    close(m.recall1, 0.25);
    close(m.recall5, 0.75);
    close(m.recall10, 0.75);
    close(m.ndcg10, (1 + 1 / Math.log2(3) + 0 + 1 / Math.log2(6)) / 4);
  });

  it('keeps the first occurrence when chunks of one file repeat', () => {
    assert.deepEqual(dedupeFirst([3, 1, 3, 2, 1]), [3, 1, 2]);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    assert.equal(percentile(xs, 50), 5);
    assert.equal(percentile(xs, 95), 10);
    assert.equal(percentile(xs, 10), 1);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('draws the same sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = [a(), a(), a()];
    assert.deepEqual(xs, [b(), b(), b()]);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });
});

describe('BM25 baseline', () => {
  it('tokenizes code: splits punctuation, snake_case and camelCase, lowercases, drops 1-char', () => {
    assert.deepEqual(tokenize('def read_file(path): return x'), ['def', 'read', 'file', 'path', 'return']);
    assert.deepEqual(tokenize('getHTTPResponse2 XMLParser'), ['get', 'http', 'response2', 'xml', 'parser']);
    assert.deepEqual(tokenize('  '), []);
    assert.deepEqual(tokenize('Python 3: remove dir recursively!'), ['python', 'remove', 'dir', 'recursively']);
  });

  it('scores by hand-computed BM25 (k1 1.2, b 0.75)', () => {
    const idx = new Bm25Index([{ id: 10, text: 'alpha beta' }, { id: 20, text: 'beta gamma gamma gamma' }]);
    // avgdl = 3. "alpha": df 1 → idf ln(1 + 1.5/1.5) = ln 2; doc 10 has tf 1, dl 2.
    const norm = 1.2 * (1 - 0.75 + (0.75 * 2) / 3);
    const [hit] = idx.search('alpha', 5);
    assert.equal(hit.id, 10);
    close(hit.score, (Math.log(2) * 2.2) / (1 + norm));
    // "beta" is in both: idf ln(1 + 0.5/2.5); the shorter document wins.
    assert.deepEqual(idx.search('beta', 5).map((h) => h.id), [10, 20]);
    assert.deepEqual(idx.search('delta', 5), []);
  });

  it('counts a repeated query term once', () => {
    const idx = new Bm25Index([{ id: 1, text: 'sort list' }, { id: 2, text: 'list' }]);
    assert.equal(idx.search('sort sort', 1)[0].score, idx.search('sort', 1)[0].score);
  });
});

describe('harness plumbing', () => {
  it('maps CoSQA file names back to function ids', () => {
    assert.equal(functionIdOf('f123.py'), 123);
    assert.equal(functionIdOf('cosqa/f0.py'), 0);
    assert.equal(functionIdOf('f12.pyc'), null);
    assert.equal(functionIdOf('g12.py'), null);
  });

  it('scores search --queries output, deduping split functions and flagging fallbacks', () => {
    const queries = [{ query: 'a', gold: 1 }, { query: 'b', gold: 2 }];
    const out = [
      JSON.stringify({ query: 'a', mode: 'keyword', hits: [{ path: 'f1.py' }, { path: 'f1.py' }, { path: 'f3.py' }] }),
      JSON.stringify({ query: 'b', mode: 'keyword', hits: [{ path: 'f3.py' }, { path: 'f2.py' }] }),
    ].join('\n');
    const r = scoreMode('semantic', out, queries, 1);
    close(r.metrics!.mrr10, (1 + 0.5) / 2);
    assert.equal(r.meanDistinctFiles, 2);
    assert.equal(r.honoured, false);
    assert.equal(r.error, undefined);
    assert.match(scoreMode('keyword', out.split('\n')[0], queries, 1).error!, /expected 2 result lines, got 1/);
  });

  it('samples evenly and renames nested node_modules', () => {
    assert.deepEqual(strideSample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4), [0, 2, 5, 7]);
    assert.deepEqual(strideSample([1, 2], 4), [1, 2]);
    assert.equal(workspacePath('a/node_modules/b/dist/x.js'), 'a/node_modules_/b/dist_/x.js');
    assert.equal(workspacePath('pkg/lib/dist'), 'pkg/lib/dist', 'a file named like a folder stays');
  });

  it('samples names people search for, not base64 that mixes cases', () => {
    for (const t of ['readFileSync', 'max_retries', 'StarNotificationHandler']) assert.ok(looksLikeIdentifier(t), t);
    for (const t of ['ldGFkYXRhW10', 'YAoIUqdQBvADuAqw', 'kOffset', '__init__', 'lowercase']) assert.ok(!looksLikeIdentifier(t), t);
  });

  it('builds literal, case-insensitive rg arguments with one pattern per word', () => {
    assert.deepEqual(ripgrepArgs('foo bar', '/w').slice(-6), ['-e', 'foo', '-e', 'bar', '--', '/w']);
  });
});

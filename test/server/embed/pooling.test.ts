/** meanPoolNormalize: masked positions are ignored, rows come out unit length, all-zero rows stay zero. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanPoolNormalize } from '../../../server/embed/pooling';

describe('meanPoolNormalize', () => {
  it('averages only unmasked tokens and normalises each row', () => {
    // batch 2, sequence 3, dim 2
    const data = new Float32Array([3, 0, 0, 4, 100, 100, 1, 1, 0, 0, 0, 0]);
    const mask = { dims: [2, 3], data: new BigInt64Array([1n, 1n, 0n, 1n, 0n, 0n]) };
    const [a, b] = meanPoolNormalize({ dims: [2, 3, 2], data }, mask);
    assert.deepEqual([...a].map((x) => +x.toFixed(4)), [0.6, 0.8]); // the masked (100, 100) is ignored
    assert.deepEqual([...b].map((x) => +x.toFixed(4)), [0.7071, 0.7071]);
  });

  it('leaves a row whose tokens are all zero as zeros rather than NaN', () => {
    const [v] = meanPoolNormalize({ dims: [1, 2, 3], data: new Float32Array(6) }, { dims: [1, 2], data: [1, 1] });
    assert.deepEqual([...v], [0, 0, 0]);
  });

  it('counts a token with mask value n as n occurrences (a static model\'s distinct tokens)', () => {
    // Row 0: tokens A, B, A as a sequence; row 1: A with count 2 and B with count 1.
    const A = [1, 0, 0];
    const B = [0, 3, 1];
    const seq = meanPoolNormalize({ dims: [1, 3, 3], data: new Float32Array([...A, ...B, ...A]) }, { dims: [1, 3], data: new BigInt64Array([1n, 1n, 1n]) });
    const weighted = meanPoolNormalize({ dims: [1, 3, 3], data: new Float32Array([...A, ...B, 9, 9, 9]) }, { dims: [1, 3], data: new BigInt64Array([2n, 1n, 0n]) });
    seq[0].forEach((x, k) => assert.ok(Math.abs(x - weighted[0][k]) < 1e-6, `dimension ${k}`));
  });
});

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
});

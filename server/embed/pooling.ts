/**
 * Mask-aware mean pooling and L2 normalisation of a model's token vectors: the same
 * arithmetic as transformers.js's `{ pooling: 'mean', normalize: true }`, done in one
 * pass. transformers.js converts every attention-mask element from BigInt inside its
 * innermost loop (once per token per dimension), which made pooling, not the model,
 * the slowest step of embedding (about 100 texts/s); reading the mask once makes it
 * negligible.
 */

/** Token vectors `[batch, sequence, dim]` and the attention mask `[batch, sequence]` as transformers.js returns them. */
export interface TokenStates {
  dims: number[];
  data: ArrayLike<number>;
}
/** An attention mask tensor (int64 in transformers.js, so its data is a BigInt64Array). */
export interface MaskTensor {
  dims: number[];
  data: ArrayLike<bigint | number>;
}

/** Byte order of typed arrays on this machine, for 32-bit views of int64 tensors. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Returns one unit-length vector per batch row: the mean of the row's unmasked token
 * vectors, divided by its length. A row whose mean is the zero vector (every token
 * has a zero row) stays all zeros instead of becoming NaN. A mask value above 1 counts
 * its token that many times (a static model's distinct tokens with their counts), so
 * the result is the same as for the sequence with every repetition in place.
 */
export function meanPoolNormalize(states: TokenStates, mask: MaskTensor): Float32Array[] {
  const [batch, seq, dim] = states.dims;
  const data = states.data;
  const weight = maskReader(mask.data);
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      const w = weight(b * seq + s);
      if (w === 0) continue;
      count += w;
      const base = (b * seq + s) * dim;
      if (w === 1) for (let k = 0; k < dim; k++) v[k] += data[base + k];
      else for (let k = 0; k < dim; k++) v[k] += w * data[base + k];
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      v[k] /= count || 1;
      norm += v[k] * v[k];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < dim; k++) v[k] /= norm;
    out.push(v);
  }
  return out;
}

/**
 * Reads mask element i as a weight (0 = padding). An int64 mask is read through a
 * 32-bit view of its low words (values are small and non-negative): reading a
 * BigInt64Array element allocates a BigInt, one per token per text, which was a large
 * share of embedding's garbage collection.
 */
function maskReader(m: ArrayLike<bigint | number>): (i: number) => number {
  if (m instanceof BigInt64Array) {
    const words = new Int32Array(m.buffer, m.byteOffset, m.length * 2);
    const lo = LITTLE_ENDIAN ? 0 : 1;
    return (i) => words[2 * i + lo];
  }
  return (i) => Number(m[i]);
}

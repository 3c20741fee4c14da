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

/**
 * Returns one unit-length vector per batch row: the mean of the row's unmasked token
 * vectors, divided by its length. A row whose mean is the zero vector (every token
 * has a zero row) stays all zeros instead of becoming NaN.
 */
export function meanPoolNormalize(states: TokenStates, mask: MaskTensor): Float32Array[] {
  const [batch, seq, dim] = states.dims;
  const data = states.data;
  const m = mask.data;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(m[b * seq + s]) === 0) continue;
      count++;
      const base = (b * seq + s) * dim;
      for (let k = 0; k < dim; k++) v[k] += data[base + k];
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

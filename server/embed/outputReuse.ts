/**
 * Runs an embedding model's ONNX session with its token vectors written into one reused
 * buffer. transformers.js's forward pass lets onnxruntime allocate every output: texts x
 * tokens x dimensions floats per call, a fresh ArrayBuffer each batch of texts that lives
 * until the garbage collector reaches it. Embedding the 10,000-file bench corpus made
 * about 3,400 such buffers (gigabytes in all, 50 MB or so alive at any moment), and the
 * process peaked 35 MB higher with them (643-663 MB against 615-621 MB, same runs
 * interleaved) and spent more CPU.
 *
 * Only for a session it can feed exactly as transformers.js's encoder forward pass does
 * (`input_ids`, `attention_mask`, and `token_type_ids` as zeros when asked for) and whose
 * token-vector output it knows. `PipelineEmbedder` falls back to transformers.js for any
 * other model, and for good if the first reused run fails (an output that is not float32).
 */
import { dirname } from 'node:path';

/** The part of a transformers.js tensor this needs: the onnxruntime tensor inside. */
interface WrappedTensor {
  dims: number[];
  ort_tensor: unknown;
}

interface OrtSession {
  inputNames: string[];
  outputNames: string[];
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>): Promise<unknown>;
}

type OrtTensorCtor = new (type: string, data: Float32Array | BigInt64Array, dims: number[]) => unknown;

/** Token vectors of one batch: `[texts, tokens, dimension]`, valid until the next run. */
export interface TokenStates {
  dims: number[];
  data: Float32Array;
}

/** Runs a batch; the result's data is overwritten by the next call. */
export type ReusingRun = (inputs: { input_ids: unknown; attention_mask: unknown }) => Promise<TokenStates>;

/** Output names of token vectors, in the order transformers.js's feature extraction reads them. */
const STATE_OUTPUTS = ['last_hidden_state', 'logits', 'token_embeddings'];
const FEEDABLE_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/**
 * A runner for `model` (a transformers.js model with `sessions.model`), or null when its
 * session takes inputs or gives outputs this does not handle.
 */
export function reusingRunner(model: unknown, dimension: number): ReusingRun | null {
  const session = (model as { sessions?: Record<string, OrtSession> }).sessions?.model;
  if (!session || !Array.isArray(session.inputNames) || !Array.isArray(session.outputNames)) return null;
  if (!session.inputNames.includes('input_ids') || session.inputNames.some((n) => !FEEDABLE_INPUTS.has(n))) return null;
  const output = STATE_OUTPUTS.find((n) => session.outputNames.includes(n));
  const Tensor = onnxRuntime()?.Tensor as unknown as OrtTensorCtor | undefined;
  if (!output || !Tensor) return null;
  let states = new Float32Array(0);
  let zeros = new BigInt64Array(0);
  return async (inputs) => {
    const ids = inputs.input_ids as WrappedTensor;
    const [texts, tokens] = ids.dims;
    const n = texts * tokens * dimension;
    // Grown by doubling, so a run of longer batches reallocates a few times, not per batch.
    if (states.length < n) states = new Float32Array(Math.max(n, states.length * 2));
    const feeds: Record<string, unknown> = { input_ids: ids.ort_tensor };
    if (session.inputNames.includes('attention_mask')) feeds.attention_mask = (inputs.attention_mask as WrappedTensor).ort_tensor;
    if (session.inputNames.includes('token_type_ids')) {
      if (zeros.length < texts * tokens) zeros = new BigInt64Array(Math.max(texts * tokens, zeros.length * 2));
      feeds.token_type_ids = new Tensor('int64', zeros.subarray(0, texts * tokens), [texts, tokens]);
    }
    const data = states.subarray(0, n);
    await session.run(feeds, { [output]: new Tensor('float32', data, [texts, tokens, dimension]) });
    return { dims: [texts, tokens, dimension], data };
  };
}

/** onnxruntime-node, the copy transformers.js uses (its dependency, wherever npm put it); null when it cannot be required. */
export function onnxRuntime(): typeof import('onnxruntime-node') | null {
  if (typeof require !== 'function') return null;
  try {
    const from = dirname(require.resolve('@huggingface/transformers'));
    return require(require.resolve('onnxruntime-node', { paths: [from] })) as typeof import('onnxruntime-node');
  } catch {
    return null;
  }
}

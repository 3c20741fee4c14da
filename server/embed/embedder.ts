/**
 * Turns texts into unit-length vectors with a local transformers.js feature-extraction
 * pipeline. Every model, shipped or user-chosen, goes through the same path:
 * `pipeline('feature-extraction', name)` with mean pooling and L2 normalisation, so the
 * shipped static model and any Hugging Face model are interchangeable.
 *
 * The network is touched only when the user allowed downloads; every failure to load
 * becomes a `ConexusError(ModelUnavailable)` whose message says what to do, and the
 * caller keeps keyword search.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConexusError, ErrorCode, describeIssues } from '../../protocol/errors';
import type { Logger } from '../engine/logger';
import { checkedEncoder, type Encode } from './checkedEncoder';
import { reusingRunner, type ReusingRun } from './outputReuse';
import { LITTLE_ENDIAN, meanPoolNormalize, type MaskTensor } from './pooling';
import { ModelSpecSchema, chooseDtype, modelId, resolveModel, type ModelLocation } from './modelLocation';

export { defaultModelsDir } from './modelLocation';

/** A loaded embedding model. */
export interface Embedder {
  /** Changes whenever the model's files change; stored vectors are keyed by it. */
  readonly id: string;
  /** Length of every vector. */
  readonly dimension: number;
  /** One L2-normalised vector per text, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Releases the ONNX session. */
  dispose(): Promise<void>;
}

/** What to load; see `ModelSpecSchema` for the meaning of each field. */
export interface ModelSpec {
  model: string;
  allowDownload: boolean;
  modelsDir?: string;
  cacheDir?: string;
}

/**
 * Texts per ONNX call: large enough to amortise the call, small enough to bound padding
 * memory. The model's output is texts x tokens x dimensions floats (up to 16 MB a call
 * at 64 texts), copied into a fresh buffer each call: on the 10,000-file bench 64 gave a
 * peak RSS about 45 MB higher than 16 (736/738 vs 691/696 MB), at the same speed; 8 was
 * no better than 16.
 */
const BATCH_SIZE = 16;
/**
 * Characters kept per text before tokenising, per token the model accepts. Chunks can
 * reach 6,000 characters and tokenising is the most expensive step; the tokenizer cuts at
 * `model_max_length` tokens anyway, and code averages 3-4 characters per token, so cutting
 * at 6 characters per allowed token rarely changes the tokens while sparing the tokenizer
 * the tail of long chunks (for the shipped model: 256 tokens, 1,536 characters).
 */
const CHARS_PER_TOKEN_BOUND = 6;
/** Loading a local model takes well under a second; a load still pending after this is reported, not awaited forever. */
const LOAD_TIMEOUT_MS = 120_000;

interface TensorLike { dims: number[]; data: ArrayLike<number> }
type TensorCtor = new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
type FeatureExtractor = ((texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<TensorLike>) & {
  dispose(): Promise<void>;
  tokenizer: { encode(text: string): number[]; model_max_length?: number; pad_token_id?: number };
  model: (inputs: Record<string, unknown>) => Promise<Record<string, TensorLike | undefined>>;
};

/** A model resolved on disk, with the id its vectors are stored under, before anything is loaded. */
export interface ModelPlan {
  spec: ModelSpec;
  loc: ModelLocation;
  dtype: 'fp32' | 'q8';
  /** See `modelId`: changes whenever the model's files do. */
  id: string;
}

/**
 * Finds the model and computes its id without starting onnxruntime (a few file reads), so
 * the engine can open the model's vector table and skip loading the model when nothing
 * needs embedding. Throws `ConexusError(ModelUnavailable)` with a next step.
 */
export function planModel(spec: ModelSpec): ModelPlan {
  const parsed = ModelSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new ConexusError(ErrorCode.InvalidParams, `Invalid embedding model settings: ${describeIssues(parsed.error.issues)}`);
  }
  const loc = resolveModel(parsed.data);
  const dtype = chooseDtype(loc.folder);
  return { spec: parsed.data, loc, dtype, id: modelId(loc, dtype) };
}

/** Loads an embedding model; throws `ConexusError(ModelUnavailable)` with a next step on any failure. */
export async function loadEmbedder(spec: ModelSpec | ModelPlan, logger: Logger): Promise<Embedder> {
  const plan = 'loc' in spec ? spec : planModel(spec);
  const { loc, dtype, id } = plan;
  const started = Date.now();

  let transformers: typeof import('@huggingface/transformers');
  try {
    // require() where the module system offers it: tsx and the esbuild bundle both run this file as CommonJS, and
    // a dynamic import() from there fails under tsx when the entry point is an ES module.
    transformers = typeof require === 'function' ? require('@huggingface/transformers') : await import('@huggingface/transformers');
  } catch (cause) {
    throw new ConexusError(ErrorCode.ModelUnavailable,
      'The @huggingface/transformers package could not be loaded; reinstall the extension (it ships in node_modules). Keyword search still works.', { cause });
  }
  const { env, pipeline, Tensor } = transformers;
  // transformers.js keeps these settings globally; they are set right before each load.
  env.allowLocalModels = true;
  env.allowRemoteModels = plan.spec.allowDownload;
  env.localModelPath = loc.localModelPath.endsWith('/') ? loc.localModelPath : `${loc.localModelPath}/`;
  if (plan.spec.cacheDir) env.cacheDir = plan.spec.cacheDir;

  const staticModel = isStaticModel(loc.folder);
  let extractor: FeatureExtractor;
  let timer: NodeJS.Timeout | undefined;
  try {
    const load = pipeline('feature-extraction', loc.name, { dtype, session_options: sessionOptions(staticModel) }) as unknown as Promise<FeatureExtractor>;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`loading took longer than ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
      timer.unref();
    });
    extractor = await Promise.race([load, timeout]);
  } catch (cause) {
    forgetTransformers();
    const why = cause instanceof Error ? cause.message : String(cause);
    const next = loc.folder
      ? `check that ${loc.folder} holds config.json, tokenizer.json, tokenizer_config.json and a valid onnx/${dtype === 'q8' ? 'model_quantized' : 'model'}.onnx, or choose another model`
      : 'check the network connection or put the model in the models folder';
    throw new ConexusError(ErrorCode.ModelUnavailable, `Could not load embedding model ${loc.label} (${why}); ${next}. Keyword search still works.`, { cause });
  } finally {
    if (timer) clearTimeout(timer);
  }

  // The dimension is read from a probe rather than config.json, which not every model states reliably.
  let dimension: number;
  try {
    const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
    dimension = probe.dims[probe.dims.length - 1];
  } catch (cause) {
    await extractor.dispose().catch(() => undefined);
    throw new ConexusError(ErrorCode.ModelUnavailable,
      `Embedding model ${loc.label} loaded but failed on a test input (${cause instanceof Error ? cause.message : String(cause)}); it is probably not a feature-extraction model. Choose another model.`, { cause });
  }

  const maxTokens = Math.min(extractor.tokenizer?.model_max_length ?? 512, 8192);
  const maxChars = maxTokens * CHARS_PER_TOKEN_BOUND;
  logger.info(`Embedding model ${id} loaded (${dimension} dimensions, ${dtype}) in ${Date.now() - started} ms`);
  const encode = checkedEncoder(loc.folder, (text) => extractor.tokenizer.encode(text), logger);
  return new PipelineEmbedder(id, dimension, extractor, maxTokens, maxChars, Tensor as unknown as TensorCtor, encode, staticModel);
}

/**
 * transformers.js keeps the promise of the first ONNX session a process creates and makes
 * every later one wait on it, so when that first session fails (a corrupt model file)
 * every model loaded afterwards fails with the same error, even once the user has fixed
 * the setting, until the process restarts. After a failed load the module is dropped
 * from the require cache, so the next load gets a fresh copy without that promise.
 * (Opening the model with onnxruntime first, to catch a bad file before transformers.js
 * sees it, did the same but kept about 10 MB more resident on every load.)
 */
function forgetTransformers(): void {
  if (typeof require !== 'function') return;
  try {
    delete require.cache[require.resolve('@huggingface/transformers')];
  } catch {
    // Not resolvable: the load failed before transformers.js was involved.
  }
}

/**
 * A static token-embedding model (config.json `conexus.kind` starting with "static") is a
 * lookup: one onnxruntime thread does it, and a second thread only spins, taking CPU
 * from tokenising and from the editor. Other models keep onnxruntime's defaults.
 */
function sessionOptions(staticModel: boolean): Record<string, number> | undefined {
  return staticModel ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : undefined;
}

/** True for a static token-embedding model: config.json `conexus.kind` starts with "static". */
function isStaticModel(folder: string | null): boolean {
  if (!folder) return false;
  try {
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { conexus?: { kind?: unknown } };
    return typeof config.conexus?.kind === 'string' && config.conexus.kind.startsWith('static');
  } catch {
    return false; // an unreadable config.json is reported by the load itself
  }
}

/** An `Embedder` over a loaded transformers.js pipeline. */
class PipelineEmbedder implements Embedder {
  private disposed = false;
  /** Runs the session into one reused output buffer (outputReuse.ts); null for models it does not handle. */
  private reuse: ReusingRun | null;
  private reuseProven = false;

  constructor(
    readonly id: string,
    readonly dimension: number,
    private readonly extractor: FeatureExtractor,
    private readonly maxTokens: number,
    private readonly maxChars: number,
    private readonly Tensor: TensorCtor,
    /** The tokenizer's `encode` (or an identical faster one: checkedEncoder.ts). */
    private readonly encode: Encode,
    /**
     * A static model's token vector does not depend on position or neighbours, so the mean
     * over a text's tokens equals the count-weighted mean over its distinct tokens. Code
     * repeats tokens heavily (a 1,000-character chunk has roughly half as many distinct
     * tokens as tokens), and the model's output, its pooling and the garbage both leave
     * behind all shrink with the sequence. Contextual models always see the full sequence.
     */
    private readonly distinctTokens = false,
  ) {
    this.reuse = reusingRunner(extractor.model, dimension);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('Embedder used after dispose(); load a new one.');
    const out = new Array<Float32Array>(texts.length);
    // Batching texts of similar length keeps padding, and with it the work per batch, small.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += BATCH_SIZE) batches.push(order.slice(start, start + BATCH_SIZE));
    // The pipeline's own steps — tokenise, pad, truncate to model_max_length, run the model — with a faster,
    // arithmetically identical mean pooling (see pooling.ts). Pooling finishes before the next batch runs, so
    // the output buffer the runs share (outputReuse.ts) is never overwritten while it is read.
    for (const batch of batches) {
      const inputs = this.tokenize(this.prepare(texts, batch));
      const states = await this.forward(inputs);
      const vectors = meanPoolNormalize(states, inputs.attention_mask);
      for (let j = 0; j < batch.length; j++) out[batch[j]] = vectors[j];
    }
    return out;
  }

  /** The model's token vectors for a batch: into the reused buffer where it can, else through transformers.js. */
  private async forward(inputs: { input_ids: unknown; attention_mask: MaskTensor }): Promise<TensorLike> {
    if (this.reuse) {
      try {
        const states = await this.reuse(inputs);
        this.reuseProven = true;
        return states;
      } catch (err) {
        if (this.reuseProven) throw err;
        // The session would not write into a float32 buffer (another output type): use transformers.js from now on.
        this.reuse = null;
      }
    }
    const outputs = await this.extractor.model(inputs);
    const states = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    if (!states) throw new Error(`Embedding model ${this.id} returned no last_hidden_state; choose a feature-extraction model.`);
    return states;
  }

  /** Texts of one batch, cut to the character bound; an empty text becomes a space so it still gets the model's own output. */
  private prepare(texts: string[], idx: number[]): string[] {
    return idx.map((i) => (texts[i].length > this.maxChars ? texts[i].slice(0, this.maxChars) : texts[i]) || ' ');
  }

  /**
   * `input_ids` and `attention_mask`, right-padded; truncation keeps the final special
   * token, like the tokenizer's own. For a static model each row holds the text's distinct
   * tokens and the mask holds how often each occurs (see `distinctTokens`).
   */
  private tokenize(batch: string[]): { input_ids: unknown; attention_mask: MaskTensor } {
    const tok = this.extractor.tokenizer;
    const counts: number[][] = [];
    const seqs = batch.map((text) => {
      const all = this.encode(text);
      const ids = all.length > this.maxTokens ? [...all.slice(0, this.maxTokens - 1), all[all.length - 1]] : all;
      if (!this.distinctTokens) return ids;
      const at = new Map<number, number>();
      const distinct: number[] = [];
      const n: number[] = [];
      for (const id of ids) {
        const k = at.get(id);
        if (k === undefined) {
          at.set(id, distinct.length);
          distinct.push(id);
          n.push(1);
        } else n[k]++;
      }
      counts.push(n);
      return distinct;
    });
    const width = Math.max(...seqs.map((s) => s.length));
    const ids = new BigInt64Array(seqs.length * width).fill(BigInt(tok.pad_token_id ?? 0));
    const mask = new BigInt64Array(seqs.length * width);
    // Token ids and mask values are written through 32-bit views of the int64 arrays (low
    // word; both are small and non-negative, the high word stays 0): a BigInt per token
    // was garbage the collector spent a fifth of the embedding stage on.
    const ids32 = new Int32Array(ids.buffer);
    const mask32 = new Int32Array(mask.buffer);
    const lo = LITTLE_ENDIAN ? 0 : 1;
    seqs.forEach((seq, row) => {
      const n = this.distinctTokens ? counts[row] : null;
      for (let j = 0; j < seq.length; j++) {
        const at = 2 * (row * width + j);
        ids32[at + lo] = seq[j];
        ids32[at + 1 - lo] = 0;
        mask32[at + lo] = n ? n[j] : 1;
      }
    });
    const dims = [seqs.length, width];
    return { input_ids: new this.Tensor('int64', ids, dims), attention_mask: new this.Tensor('int64', mask, dims) as unknown as MaskTensor };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.extractor.dispose();
  }
}

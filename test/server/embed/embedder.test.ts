/**
 * Behaviour of `loadEmbedder` against the tiny fixture model: what a caller gets back,
 * and the clear `ModelUnavailable` errors for every way a model can be missing or broken.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { silentLogger } from '../../../server/engine/logger';
import { defaultModelsDir, loadEmbedder, type Embedder } from '../../../server/embed/embedder';
import { FIXTURE_DIMENSION, makeFixtureModel } from '../../fixtures/model/makeFixtureModel';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a));

/** Asserts that `promise` rejects with ModelUnavailable and a message matching every pattern. */
async function rejectsUnavailable(promise: Promise<unknown>, ...patterns: RegExp[]) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConexusError, `expected ConexusError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.ModelUnavailable);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('loadEmbedder', () => {
  let tmp: string;
  let modelDir: string;
  let embedder: Embedder;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'conexus-embedder-'));
    modelDir = await makeFixtureModel(join(tmp, 'models', 'fixture-model'));
    embedder = await loadEmbedder({ model: modelDir, allowDownload: false }, silentLogger);
  });
  after(async () => {
    await embedder?.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads a local folder and reports its dimension and a model-keyed id', () => {
    assert.equal(embedder.dimension, FIXTURE_DIMENSION);
    assert.match(embedder.id, /^fixture-model@[0-9a-f]{12}$/);
  });

  it('returns one unit-length vector per text, in input order, across several batches', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `read file number ${'x'.repeat(i % 7)} ${i}`);
    const vectors = await embedder.embed(texts);
    assert.equal(vectors.length, texts.length);
    for (const v of vectors) {
      assert.equal(v.length, FIXTURE_DIMENSION);
      assert.ok(Math.abs(norm(v) - 1) < 1e-4);
    }
    const [single] = await embedder.embed([texts[123]]);
    assert.ok(cosine(single, vectors[123]) > 0.9999, 'batched and single embedding of the same text agree');
  });

  it('gives the same vectors as the transformers.js pipeline with mean pooling and normalisation', async () => {
    const { env, pipeline } = require('@huggingface/transformers') as typeof import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = `${join(tmp, 'models')}/`;
    const fe = await pipeline('feature-extraction', 'fixture-model', { dtype: 'fp32' });
    try {
      const texts = ['read file', 'check if path exists in the folder', 'x'];
      const expected = await fe(texts, { pooling: 'mean', normalize: true });
      const got = await embedder.embed(texts);
      const want = expected.data as Float32Array;
      got.forEach((v, i) => v.forEach((x, k) => assert.ok(Math.abs(x - want[i * FIXTURE_DIMENSION + k]) < 1e-5)));
    } finally {
      await fe.dispose();
    }
  });

  it('places texts that share words closer than unrelated texts', async () => {
    const [query, related, unrelated] = await embedder.embed(['read json file', 'read file', 'sort dict value']);
    assert.ok(cosine(query, related) > cosine(query, unrelated));
  });

  it('gives a static model the same vectors from its distinct tokens as from the full sequence', async () => {
    // The same files flagged as a static model take the distinct-token path; the plain
    // fixture runs every token. Texts with heavy repetition, a truncated one included.
    const dir = join(tmp, 'models', 'static-fixture');
    await makeFixtureModel(dir);
    const configPath = join(dir, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(configPath, JSON.stringify({ ...config, conexus: { kind: 'static token embeddings, mean pooled' } }));
    const staticEmbedder = await loadEmbedder({ model: dir, allowDownload: false }, silentLogger);
    try {
      const texts = ['read file read file read json file', 'sort dict value sort sort', 'open file '.repeat(300), 'x', ''];
      const [got, want] = [await staticEmbedder.embed(texts), await embedder.embed(texts)];
      got.forEach((v, i) => v.forEach((x, k) => assert.ok(Math.abs(x - want[i][k]) < 1e-5, `text ${i}, dimension ${k}: ${x} vs ${want[i][k]}`)));
    } finally {
      await staticEmbedder.dispose();
    }
  });

  it('embeds very long texts and empty texts without failing', async () => {
    const [long, empty] = await embedder.embed(['open file '.repeat(1000), '']);
    assert.ok(Math.abs(norm(long) - 1) < 1e-4);
    assert.ok(empty.every((x) => Number.isFinite(x)));
  });

  it('loads the shipped default by name from a models folder', async () => {
    const modelsDir = join(tmp, 'shipped');
    await makeFixtureModel(join(modelsDir, 'conexus-code-v1'));
    const e = await loadEmbedder({ model: '', allowDownload: false, modelsDir }, silentLogger);
    try {
      assert.match(e.id, /^conexus-code-v1@/);
      assert.equal(e.dimension, FIXTURE_DIMENSION);
    } finally {
      await e.dispose();
    }
  });

  it('changes the id when the model files change', async () => {
    const dir = await makeFixtureModel(join(tmp, 'changing'));
    const first = await loadEmbedder({ model: dir, allowDownload: false }, silentLogger);
    await first.dispose();
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: FIXTURE_DIMENSION, vocab_size: 200, note: 'retrained' }));
    const second = await loadEmbedder({ model: dir, allowDownload: false }, silentLogger);
    await second.dispose();
    assert.notEqual(first.id, second.id);
  });

  it('keeps the id when only file times change (a reinstall or fresh checkout must not re-embed)', async () => {
    const dir = await makeFixtureModel(join(tmp, 'touched'));
    const first = await loadEmbedder({ model: dir, allowDownload: false }, silentLogger);
    await first.dispose();
    const later = new Date(Date.now() + 3_600_000);
    for (const f of ['config.json', 'tokenizer.json', join('onnx', 'model.onnx')]) await utimes(join(dir, f), later, later);
    const second = await loadEmbedder({ model: dir, allowDownload: false }, silentLogger);
    await second.dispose();
    assert.equal(first.id, second.id);
  });

  it('refuses "none" with a message saying semantic search is off', async () => {
    await rejectsUnavailable(loadEmbedder({ model: 'none', allowDownload: false }, silentLogger), /off/, /keyword search/i);
  });

  it('names a missing folder and what it should contain', async () => {
    const missing = join(tmp, 'no-such-model');
    await rejectsUnavailable(loadEmbedder({ model: missing, allowDownload: false }, silentLogger), new RegExp(missing.replace(/[/\\]/g, '.')), /config\.json/);
  });

  it('reports a missing shipped model with the folder it looked in', async () => {
    const empty = join(tmp, 'empty-models');
    await mkdir(empty, { recursive: true });
    await rejectsUnavailable(loadEmbedder({ model: '', allowDownload: false, modelsDir: empty }, silentLogger), /conexus-code-v1/, /reinstall/);
  });

  it('reports a corrupt ONNX file instead of crashing or hanging', async () => {
    const dir = await makeFixtureModel(join(tmp, 'corrupt'));
    await writeFile(join(dir, 'onnx', 'model.onnx'), Buffer.from('this is not a protobuf'));
    await rejectsUnavailable(loadEmbedder({ model: dir, allowDownload: false }, silentLogger), /Could not load embedding model/, /onnx\/model\.onnx/);
  });

  it('reports a folder without ONNX weights', async () => {
    const dir = await makeFixtureModel(join(tmp, 'no-onnx'));
    await rm(join(dir, 'onnx'), { recursive: true });
    await rejectsUnavailable(loadEmbedder({ model: dir, allowDownload: false }, silentLogger), /no onnx\/model\.onnx/);
  });

  it('does not reach for the network for a hub id when downloads are off', async () => {
    const modelsDir = join(tmp, 'models');
    await rejectsUnavailable(
      loadEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', allowDownload: false, modelsDir }, silentLogger),
      /Xenova\/all-MiniLM-L6-v2 is not on this machine/, /allowDownload/,
    );
  });

  it('loads a hub id that is already in the models folder without downloading', async () => {
    const modelsDir = join(tmp, 'hub');
    await makeFixtureModel(join(modelsDir, 'someone', 'tiny-model'));
    const e = await loadEmbedder({ model: 'someone/tiny-model', allowDownload: false, modelsDir }, silentLogger);
    try {
      assert.equal(e.dimension, FIXTURE_DIMENSION);
    } finally {
      await e.dispose();
    }
  });

  it('rejects settings of the wrong shape', async () => {
    await assert.rejects(loadEmbedder({ model: 3 as unknown as string, allowDownload: false }, silentLogger), (err: unknown) =>
      err instanceof ConexusError && err.code === ErrorCode.InvalidParams && /model/.test(err.message));
  });
});

describe('defaultModelsDir', () => {
  it('resolves to the models folder at the package root', () => {
    assert.equal(defaultModelsDir(), resolve(__dirname, '..', '..', '..', 'models'));
  });
});

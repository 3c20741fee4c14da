/**
 * `LazyModel` against a stand-in loader (the real loader has its own tests): one load
 * shared by every caller, a failure kept and reported once, a dimension that does not
 * match stored vectors refused, and a release during loading leaves nothing loaded.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import type { Embedder, ModelPlan } from '../../../server/embed/embedder';
import { LazyModel } from '../../../server/embed/lazyModel';
import { silentLogger } from '../../../server/engine/logger';

const plan = { id: 'm@1', spec: { model: 'm', allowDownload: false }, loc: { localModelPath: '/x', name: 'm', folder: '/x/m', label: 'm' }, dtype: 'q8' } as ModelPlan;

/** A loader that counts calls and resolves when told to. */
function gatedLoader(dimension = 4) {
  const state = { calls: 0, disposed: 0, release: () => {}, fail: null as Error | null };
  const load = () => {
    state.calls++;
    return new Promise<Embedder>((resolve, reject) => {
      state.release = () => state.fail ? reject(state.fail) : resolve({
        id: plan.id, dimension,
        embed: async (texts) => texts.map((t) => new Float32Array(dimension).fill(t.length)),
        dispose: async () => { state.disposed++; },
      });
    });
  };
  return { state, load };
}

describe('LazyModel', () => {
  it('loads nothing until asked, then once for every concurrent caller', async () => {
    const { state, load } = gatedLoader();
    const model = new LazyModel(plan, silentLogger, undefined, load);
    assert.equal(state.calls, 0);
    assert.equal(model.loaded, null);
    const a = model.get();
    const b = model.get(4);
    state.release();
    const [ea, eb] = await Promise.all([a, b]);
    assert.equal(state.calls, 1);
    assert.equal(ea, eb);
    assert.equal(model.loaded, ea);
    assert.deepEqual([...(await ea.embed(['abc']))[0]], [3, 3, 3, 3]);
  });

  it('keeps a failed load, reports it once and never retries the same files', async () => {
    const { state, load } = gatedLoader();
    state.fail = new ConexusError(ErrorCode.ModelUnavailable, 'Could not load embedding model m (bad file); choose another model.');
    const reasons: string[] = [];
    const model = new LazyModel(plan, silentLogger, (r) => reasons.push(r), load);
    const first = model.get();
    state.release();
    await assert.rejects(first, (e: ConexusError) => e.code === ErrorCode.ModelUnavailable && /bad file/.test(e.message));
    await assert.rejects(model.get(), /bad file/);
    assert.equal(state.calls, 1);
    assert.deepEqual(reasons, [state.fail.message]);
    assert.equal(model.failure, state.fail.message);
  });

  it('turns a crash of the loader into ModelUnavailable with its message', async () => {
    const { state, load } = gatedLoader();
    state.fail = new Error('onnxruntime exploded');
    const model = new LazyModel(plan, silentLogger, undefined, load);
    const p = model.get();
    state.release();
    await assert.rejects(p, (e: ConexusError) => e.code === ErrorCode.ModelUnavailable && /onnxruntime exploded/.test(e.message));
    assert.match(model.failure ?? '', /failed to load/);
  });

  it('refuses a model whose dimension differs from the stored vectors and says what to do', async () => {
    const { state, load } = gatedLoader(8);
    const reasons: string[] = [];
    const model = new LazyModel(plan, silentLogger, (r) => reasons.push(r), load);
    const p = model.get(4);
    state.release();
    await assert.rejects(p, (e: ConexusError) => e.code === ErrorCode.ModelUnavailable && /8-dimensional/.test(e.message) && /Clear Index/.test(e.message));
    assert.equal(reasons.length, 1);
  });

  it('warm() starts the load; dispose() during a load releases the model when it arrives', async () => {
    const { state, load } = gatedLoader();
    const model = new LazyModel(plan, silentLogger, undefined, load);
    model.warm();
    assert.equal(state.calls, 1);
    const closing = model.dispose();
    state.release();
    await closing;
    assert.equal(state.disposed, 1);
    assert.equal(model.loaded, null);
    await assert.rejects(model.get(), /released/);
  });
});

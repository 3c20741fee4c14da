/**
 * The reused output buffer (outputReuse.ts): against the fixture model it gives exactly
 * what transformers.js's forward pass gives and writes every batch into the same memory;
 * it feeds zero token types to sessions that ask for them; and it declines sessions whose
 * inputs or outputs it does not know, so those keep transformers.js's path.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { onnxRuntime, reusingRunner } from '../../../server/embed/outputReuse';
import { FIXTURE_DIMENSION, makeFixtureModel } from '../../fixtures/model/makeFixtureModel';

type Model = (inputs: Record<string, unknown>) => Promise<Record<string, { dims: number[]; data: Float32Array }>>;

describe('reusingRunner', () => {
  let tmp: string;
  let extractor: { model: Model; dispose(): Promise<void> };
  let Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'conexus-reuse-'));
    const dir = await makeFixtureModel(join(tmp, 'fixture-model'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const t = require('@huggingface/transformers');
    t.env.allowRemoteModels = false;
    t.env.localModelPath = `${dirname(dir)}/`;
    extractor = await t.pipeline('feature-extraction', basename(dir), { dtype: 'fp32' });
    Tensor = t.Tensor;
  });
  after(async () => {
    await extractor?.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  const batch = (rows: number[][]) => {
    const width = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * width);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((r, i) => r.forEach((id, j) => { ids[i * width + j] = BigInt(id); mask[i * width + j] = 1n; }));
    return { input_ids: new Tensor('int64', ids, [rows.length, width]), attention_mask: new Tensor('int64', mask, [rows.length, width]) };
  };

  it('gives exactly the forward pass\'s token vectors, every batch in the same buffer', async () => {
    const run = reusingRunner(extractor.model, FIXTURE_DIMENSION);
    assert.ok(run, 'the fixture model (input_ids -> last_hidden_state) is handled');
    const first = batch([[2, 5, 7, 3], [2, 9, 3]]);
    const want = (await extractor.model(first)).last_hidden_state;
    const got = await run(first);
    assert.deepEqual(got.dims, want.dims);
    assert.deepEqual([...got.data], [...want.data]);
    const buffer = got.data.buffer;
    const second = await run(batch([[2, 6, 3]]));
    assert.equal(second.data.buffer, buffer, 'a smaller batch reuses the buffer');
    assert.deepEqual([...second.data], [...(await extractor.model(batch([[2, 6, 3]]))).last_hidden_state.data]);
  });

  it('feeds zeros as token types when the session asks for them', async () => {
    const ort = onnxRuntime()!;
    let fed: Record<string, { dims: readonly number[]; data: unknown }> = {};
    const session = {
      inputNames: ['input_ids', 'attention_mask', 'token_type_ids'], outputNames: ['last_hidden_state', 'pooler_output'],
      run: async (feeds: typeof fed, fetches: Record<string, { data: Float32Array }>) => {
        fed = feeds;
        fetches.last_hidden_state.data.fill(0.5);
        return {};
      },
    };
    const run = reusingRunner({ sessions: { model: session } }, 4)!;
    const inputs = batch([[2, 5, 3], [2, 3]]);
    const out = await run(inputs);
    assert.deepEqual(Object.keys(fed).sort(), ['attention_mask', 'input_ids', 'token_type_ids']);
    assert.ok(fed.token_type_ids instanceof ort.Tensor);
    assert.deepEqual(fed.token_type_ids.dims, [2, 3]);
    assert.deepEqual([...(fed.token_type_ids.data as BigInt64Array)], [0n, 0n, 0n, 0n, 0n, 0n]);
    assert.deepEqual(out.dims, [2, 3, 4]);
    assert.ok(out.data.every((x) => x === 0.5));
  });

  it('declines sessions it cannot feed or read, and models without a session', () => {
    const session = (inputNames: string[], outputNames: string[]) => ({ sessions: { model: { inputNames, outputNames, run: async () => ({}) } } });
    assert.equal(reusingRunner(session(['input_ids', 'position_ids'], ['last_hidden_state']), 4), null);
    assert.equal(reusingRunner(session(['inputs_embeds'], ['last_hidden_state']), 4), null);
    assert.equal(reusingRunner(session(['input_ids'], ['sentence_embedding']), 4), null);
    assert.equal(reusingRunner({}, 4), null);
    assert.ok(reusingRunner(session(['input_ids'], ['token_embeddings']), 4));
  });
});

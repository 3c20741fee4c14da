/**
 * A corrupt model loaded first in a process must not break every later load: transformers.js
 * makes each ONNX session wait on the process's first one, so a failed first session used
 * to fail every model after it with the same error until a restart. Its own file, so the
 * corrupt model really is the first session of the process.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../../protocol/errors';
import { loadEmbedder } from '../../../server/embed/embedder';
import { silentLogger } from '../../../server/engine/logger';
import { FIXTURE_DIMENSION, makeFixtureModel } from '../../fixtures/model/makeFixtureModel';

test('after a corrupt model fails to load, a good one loads in the same process', async () => {
  const bad = await makeFixtureModel(fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-badmodel-')));
  fs.writeFileSync(path.join(bad, 'onnx', 'model.onnx'), 'this is not a protobuf');
  await assert.rejects(loadEmbedder({ model: bad, allowDownload: false }, silentLogger),
    (e: { code: string; message: string }) => e.code === ErrorCode.ModelUnavailable && /Protobuf parsing failed/.test(e.message));
  const good = await makeFixtureModel(fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-model-')));
  const embedder = await loadEmbedder({ model: good, allowDownload: false }, silentLogger);
  try {
    assert.equal(embedder.dimension, FIXTURE_DIMENSION);
    const [v] = await embedder.embed(['open a file']);
    assert.equal(v.length, FIXTURE_DIMENSION);
  } finally {
    await embedder.dispose();
  }
});

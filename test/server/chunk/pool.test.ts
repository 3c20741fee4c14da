import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkFile } from '../../../server/chunk/chunker';
import { ChunkPool } from '../../../server/chunk/pool';
import { extractDefinitions } from '../../../server/chunk/symbols';
import { silentLogger } from '../../../server/engine/logger';
import { FIXTURES } from './fixtures';

test('the pool returns what chunkFile and extractDefinitions return on the calling thread', async () => {
  const pool = new ChunkPool({ size: 2 });
  try {
    const inputs = FIXTURES.map((fx) => ({ path: fx.path, text: fx.source, language: fx.language }));
    const pooled = await Promise.all(inputs.map((i) => pool.chunkFile(i, { maxLines: 4 })));
    const local = await Promise.all(inputs.map((i) => chunkFile(i, { maxLines: 4 })));
    assert.deepEqual(pooled, local);
    const defs = await Promise.all(inputs.map((i) => pool.extractDefinitions(i)));
    assert.deepEqual(defs, await Promise.all(inputs.map((i) => extractDefinitions(i))));
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.chunkFile({ path: 'a', text: 'a', language: 'text' }), /closed/);
});

test('files whose worker dies are chunked on the calling thread, with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conexus-pool-'));
  const script = join(dir, 'dying.js');
  writeFileSync(script, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n");
  const warnings: string[] = [];
  const pool = new ChunkPool({ size: 1, workerScript: script, logger: { ...silentLogger, warn: (m) => { warnings.push(m); } } });
  try {
    const input = { path: 'a.py', text: 'def a():\n    return b()\n', language: 'python' };
    assert.deepEqual(await pool.chunkFile(input), await chunkFile(input));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /exited \(code 3\).*main thread/);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
